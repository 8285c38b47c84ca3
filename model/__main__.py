"""``python -m model``: the same command line as ``python run.py`` and the installed ``nkmodel``."""

import sys

from .cli import main

sys.exit(main(prog="python -m model"))
