"""The package's layers point one way: a lower layer never imports a higher one.

Layers, lowest first: ``core`` (numpy only) -> ``inputs`` -> ``analysis``, ``sensitivity``,
``logistics`` -> ``presentation``, ``storage`` -> the top (``experiment``, ``batch``, ``cli``,
``api``, the package itself). Modules in one layer may import each other; ``_version`` is
readable from anywhere. The test reads every module's imports with ``ast`` (no imports run).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model"
LAYER = {"core": 0, "inputs": 1, "analysis": 2, "sensitivity": 2, "logistics": 2, "presentation": 3,
         "storage": 3, "experiment": 4, "batch": 4, "workers": 4, "cli": 4, "api": 4, "__init__": 4,
         "__main__": 4,  # python -m model: the command line
         "teaching": 4,  # teaching: lessons, explorer and guide, on top like the batch
         "hindcast": 4}  # hindcast: runs the experiment and writes its files, on top like the batch
STDLIB = set(sys.stdlib_module_names)


def _module_name(path: Path) -> str:
    return ".".join(("model",) + path.relative_to(PACKAGE).with_suffix("").parts)


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "model":
        return None
    if len(parts) == 1:
        return LAYER["__init__"]
    if parts[1] == "_version":
        return None
    return LAYER[parts[1]]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).removesuffix(".__init__")
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts and p.name != "_version.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    own = _layer_of(_module_name(path).removesuffix(".__init__"))
    assert own is not None
    wrong = [(line, target) for line, target in _imports(path)
             if (layer := _layer_of(target)) is not None and layer > own]
    assert not wrong, f"{path.relative_to(PACKAGE)} (layer {own}) imports higher layers: {wrong}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_numpy_and_the_standard_library_only(path: Path) -> None:
    outside = {target.split(".")[0] for _, target in _imports(path)} - STDLIB - {"numpy", "model", "__future__"}
    assert not outside, f"core/{path.name} imports {sorted(outside)}"


def test_importing_the_equations_loads_no_schema_yaml_or_plotting() -> None:
    code = ("import sys, model.core.dynamics; heavy = [m for m in ('pydantic', 'yaml', 'matplotlib', 'scipy') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_layer_test_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an import from core into presentation is reported."""
    bad = PACKAGE / "core" / "catalogue.py"
    fake = tmp_path / "model" / "core" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..presentation import words\n", encoding="utf-8")
    targets = [t for _, t in _imports_from(fake, tmp_path / "model")]
    assert bad.exists() and targets == ["model.presentation"]
    assert _layer_of(targets[0]) == 3 > _layer_of("model.core.x") == 0


def _imports_from(path: Path, package_root: Path) -> list[tuple[int, str]]:
    global PACKAGE
    saved, PACKAGE = PACKAGE, package_root
    try:
        return _imports(path)
    finally:
        PACKAGE = saved


def test_public_api() -> None:
    import model

    for name in ("load_scenario", "validate_files", "run_scenario", "simulate", "sobol_analysis", "ScenarioError",
                 "__version__"):
        assert name in model.__all__ and getattr(model, name) is not None
    from model.sensitivity import sobol_analysis

    assert model.sobol_analysis is sobol_analysis
