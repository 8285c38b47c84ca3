"""The package's layers point one way, and no modules import each other in a circle.

Layers, lowest first: ``core`` (numpy only) -> ``inputs`` -> ``analysis``, ``sensitivity`` ->
``summary`` (the typed run summary) -> ``presentation``, ``storage`` -> the top (``experiment``,
``batch``, ``executors``, ``workers``, ``cli``, ``cli_parser``, ``api``, ``results``, ``teaching``, the package itself). An
optional feature's folder (``model/features/<name>/``) spans the layers, each file in the layer its
name says: its ``spec.py`` beside the inputs, its computation beside the analysis, its summary block
beside the summary, its words, charts and report section beside the presentation, its ``plugin.py``
just above them, and the registry that loads the plugins on top. Modules in one layer may import
each other; ``_version`` is readable from anywhere. The test reads every module's imports with
``ast`` (no imports run); imports under ``if TYPE_CHECKING:`` are names for type hints, not
dependencies, and are left out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model"
LAYER = {"core": 0, "inputs": 1, "analysis": 2, "sensitivity": 2, "summary": 3, "presentation": 4,
         "storage": 4, "experiment": 6, "batch": 6, "executors": 6, "workers": 6, "cli": 6, "cli_parser": 6, "api": 6,
         "__init__": 6, "__main__": 6, "teaching": 6, "results": 6}
#: The layer of a file in a feature's folder, by its name (the first part of its path in the folder).
FEATURE_FILE_LAYER = {"__init__": 1, "base": 1, "spec": 1, "compute": 2, "methods": 2, "engine": 2, "params": 2,
                      "processes": 2, "study": 2, "summary": 3, "codec": 4, "words": 4, "figures": 4, "charts": 4,
                      "chart": 4, "report": 4, "views": 4, "view": 4, "plugin": 5, "registry": 6}
#: Files whose name means another layer in one feature: the delivery chain's run is its computation
#: (replications over the executor's map), the hindcast's runs the experiment and writes files.
FEATURE_EXCEPTIONS = {("logistics", "run"): 2, ("hindcast", "run"): 6}
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
    if parts[1] == "features":
        if len(parts) == 2:
            return FEATURE_FILE_LAYER["__init__"]
        if len(parts) == 3:  # model.features.base / registry / <name> (a feature's package: its __init__)
            return FEATURE_FILE_LAYER.get(parts[2], FEATURE_FILE_LAYER["__init__"])
        if (parts[2], parts[3]) in FEATURE_EXCEPTIONS:
            return FEATURE_EXCEPTIONS[(parts[2], parts[3])]
        return FEATURE_FILE_LAYER[parts[3]]
    return LAYER[parts[1]]


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines of the imports inside ``if TYPE_CHECKING:`` blocks."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                for sub in ast.walk(inner):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        out.add(sub.lineno)
    return out


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every run-time import in the file, relative ones resolved; ``from X
    import name`` gives ``X.name`` when that is a module of the package, else ``X``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = _module_name(path).removesuffix(".__init__")
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            modules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULE_NAMES]
            out += [(node.lineno, m) for m in modules] or [(node.lineno, target)]
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts and p.name != "_version.py")
MODULE_NAMES = {_module_name(p).removesuffix(".__init__") for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    own = _layer_of(_module_name(path).removesuffix(".__init__"))
    assert own is not None
    wrong = [(line, target) for line, target in _imports(path)
             if (layer := _layer_of(target)) is not None and layer > own]
    assert not wrong, f"{path.relative_to(PACKAGE)} (layer {own}) imports higher layers: {wrong}"


def _graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (a package's ``__init__`` stands for the package)."""
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        name = _module_name(path).removesuffix(".__init__")
        targets = set()
        for _, target in _imports(path):
            while target and target not in MODULE_NAMES:  # model.x.y.name -> model.x.y
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("model"):
                targets.add(target)
        graph[name] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _is_package_init(module: str) -> bool:
    return (PACKAGE.parent / Path(*module.split(".")) / "__init__.py").is_file()


def test_no_modules_import_each_other_in_a_circle() -> None:
    """A package's ``__init__`` that re-exports its modules is left out: importing ``model.x.y`` runs
    ``model/x/__init__.py`` first whatever imports what, so a module importing its own package's
    public names is not a circle of dependencies."""
    graph = {m: {t for t in ts if not _is_package_init(t)} for m, ts in _graph().items()}
    circles = _circles(graph)
    assert not circles, f"modules that import each other in a circle: {circles}"


def _part(module: str) -> str:
    """The sibling a module belongs to: ``model.<part>``, or ``model.features.<name>`` for a feature; a
    feature's ``spec.py`` is its piece of the inputs (the schema reads it), so it counts with them."""
    parts = module.split(".")
    if len(parts) > 3 and parts[1] == "features" and parts[3] == "spec":
        return "model.inputs"
    if len(parts) > 2 and parts[1] == "features":
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def test_no_two_parts_need_each_other_both_ways() -> None:
    """``model.analysis`` may use ``model.sensitivity`` or the other way round, not both; each feature
    counts as a part of its own."""
    needs: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        for t in targets:
            if _part(t) != _part(module):
                needs.setdefault(_part(module), set()).add(_part(t))
    both = sorted({tuple(sorted((a, b))) for a, bs in needs.items() for b in bs if a in needs.get(b, set())})
    assert not both, f"parts that import each other: {both}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_numpy_and_the_standard_library_only(path: Path) -> None:
    outside = {target.split(".")[0] for _, target in _imports(path)} - STDLIB - {"numpy", "model", "__future__"}
    assert not outside, f"core/{path.name} imports {sorted(outside)}"


def test_importing_the_equations_loads_no_schema_yaml_or_plotting() -> None:
    code = ("import sys, model.core.dynamics; heavy = [m for m in ('pydantic', 'yaml', 'matplotlib', 'scipy') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def _imports_from(path: Path, package_root: Path) -> list[tuple[int, str]]:
    global PACKAGE
    saved, PACKAGE = PACKAGE, package_root
    try:
        return _imports(path)
    finally:
        PACKAGE = saved


def test_the_layer_test_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an import from core into presentation is reported; one under TYPE_CHECKING
    is not."""
    fake = tmp_path / "model" / "core" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..summary import types\n"
                    "from ..presentation import nothing_here\n", encoding="utf-8")
    targets = [t for _, t in _imports_from(fake, tmp_path / "model") if t.startswith("model")]
    assert targets == ["model.presentation"]
    assert _layer_of(targets[0]) == 4 > _layer_of("model.core.x") == 0


def test_the_circle_test_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_a_features_files_sit_in_the_layers_their_names_say() -> None:
    assert _layer_of("model.features.discovery.spec") == 1
    assert _layer_of("model.features.discovery.compute") == 2
    assert _layer_of("model.features.discovery.methods.peeling") == 2
    assert _layer_of("model.features.alternatives.summary") == 3
    assert _layer_of("model.features.discovery.report") == 4
    assert _layer_of("model.features.hindcast.run") == 6
    assert _layer_of("model.features.registry") == 6


def test_public_api() -> None:
    import model

    for name in ("load_scenario", "validate_files", "run_scenario", "simulate", "sobol_analysis", "ScenarioError",
                 "__version__"):
        assert name in model.__all__ and getattr(model, name) is not None
    from model.sensitivity import sobol_analysis

    assert model.sobol_analysis is sobol_analysis
