#!/usr/bin/env python3
"""Run the scenarios: `python run.py` (all into results/), or see `python run.py --help`."""

import sys

from model.cli import main

if __name__ == "__main__":
    sys.exit(main())
