"""Adding an optional feature touches one folder and one registration line.

In a copy of the package, a new feature folder ``model/features/example/`` (its scenario section's
spec, its computation, its summary block and JSON key, its chart and its report section, wired by
``plugin.py``) and its name in ``model.features.FEATURES`` are all that is added: a scenario with an
``example:`` section then validates, runs, writes the feature's key into ``summary.json``, its chart
beside the others and its section into the report; a typo in the section is refused with its line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SPEC = '''"""The ``example:`` section: a number of months to count."""
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    months: int = Field(3, ge=1, le=12, description="months to count")


SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {"example": (Example | None, Field(None, description="an example"))}
MERGE_FIELDS = ("example",)
'''

PLUGIN = '''"""An example feature: the calibrated mean of the North Korean share over the first months."""
from matplotlib.figure import Figure

from ..base import Feature, Section


def _compute(run, context):
    months = run.scenario.example.months
    share = run.calibrated.trajectories["nk_share_of_fired"][:, :months].mean(axis=1)
    return float(share @ run.calibrated.head_weights(len(share)))


def _figures(ctx, block):
    fig = Figure()
    fig.add_subplot().bar([0], [block])
    yield "example_share", "Example share", fig


def _section(ctx, block):
    return Section("example", "An example feature", "features/example/section.html.j2", {"share": f"{block:.3f}"},
                   lead=f"The early share is {block:.3f}.")


FEATURE = Feature(
    name="example",
    applies=lambda scenario: scenario.example is not None,
    compute=_compute,
    summarise=lambda run: run.features.get("example"),
    to_json=lambda block: {} if block is None else {"example_share": round(block, 6)},
    from_json=lambda d: d.get("example_share"),
    figures=_figures,
    section=_section,
)
'''

TEMPLATE = '<p class="example">Early share: {{ view.share }}</p>\n'


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout's code with the example feature added in one folder and one line."""
    root = tmp_path_factory.mktemp("plugin")
    shutil.copytree(ROOT / "model", root / "model", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    shutil.copy(ROOT / "run.py", root / "run.py")
    folder = root / "model" / "features" / "example"
    folder.mkdir()
    (folder / "__init__.py").write_text('"""An example feature."""\n', encoding="utf-8")
    (folder / "spec.py").write_text(SPEC, encoding="utf-8")
    (folder / "plugin.py").write_text(PLUGIN, encoding="utf-8")
    (folder / "section.html.j2").write_text(TEMPLATE, encoding="utf-8")
    registration = root / "model" / "features" / "__init__.py"
    text = registration.read_text(encoding="utf-8")
    assert text.count('    "hindcast",') == 1
    registration.write_text(text.replace('    "hindcast",', '    "hindcast",\n    "example",'), encoding="utf-8")
    return root


def _run(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # the copy's own model package first on the path (never the checkout's)
    return subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, '.'); from model.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args], cwd=package, capture_output=True, text=True,
                          timeout=600)


def test_a_new_feature_runs_from_its_folder_and_one_line(package: Path) -> None:
    scenario = package / "scenarios" / "with_example.yaml"
    scenario.write_text("name: with_example\nextends: baseline\ndescription: an example\n"
                        "example:\n  months: 4\n", encoding="utf-8")
    done = _run(package, "run", str(scenario), "--samples", "256", "--out", "out", "--no-progress")
    assert done.returncode == 0, done.stderr[-3000:]
    folder = package / "out" / "with_example"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert 0 < summary["example_share"] < 1
    assert (folder / "example_share.png").is_file() and (folder / "example_share.svg").is_file()
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert '<details id="example">' in report and "An example feature" in report
    assert f"Early share: {summary['example_share']:.3f}" in report


def test_the_new_section_is_checked_like_the_others(package: Path) -> None:
    scenario = package / "scenarios" / "bad_example.yaml"
    scenario.write_text("name: bad_example\nextends: baseline\ndescription: an example\n"
                        "example:\n  monhts: 4\n", encoding="utf-8")
    done = _run(package, "validate", str(scenario))
    assert done.returncode == 2
    assert "bad_example.yaml:5" in done.stderr and "monhts" in done.stderr
