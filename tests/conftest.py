"""Shared test setup: matplotlib off-screen, and where the seed articles are.

Tests that read the five seed articles find them through ``--seeds DIR`` or the
``NKMODEL_SEEDS`` variable, by default ``../shared/seeds`` beside the checkout. Where
they are absent those tests are skipped with the reason; with ``NKMODEL_REQUIRE_SEEDS=1``
(as ``.ci/run`` sets it, where the seeds are present) their absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = REPO_ROOT.parent / "shared" / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--seeds", default=None, help="folder of the seed articles (default: $NKMODEL_SEEDS or "
                                                   "../shared/seeds beside the checkout)")


@pytest.fixture(scope="session")
def seeds_dir(request: pytest.FixtureRequest) -> Path:
    """The seed-article folder; skips (or, with NKMODEL_REQUIRE_SEEDS=1, fails) where it is absent."""
    chosen = request.config.getoption("--seeds") or os.environ.get("NKMODEL_SEEDS") or DEFAULT_SEEDS
    folder = Path(chosen)
    if not any(folder.glob("*.txt")):
        reason = (f"the seed articles are not at {folder} (give --seeds DIR or NKMODEL_SEEDS); "
                  "the quote checks need them")
        if os.environ.get("NKMODEL_REQUIRE_SEEDS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return folder
