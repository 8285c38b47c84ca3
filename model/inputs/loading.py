"""Read a scenario file, resolve ``extends:`` onto its parents, validate, and report *every*
problem as ``FILE:LINE: FIELD: message``.

How a child combines with its parent: fields of ``window``, ``sensitivity`` and
``calibration`` merge; each named parameter, event and observation is replaced whole, and
``null`` removes an event or observation; ``name`` and ``description`` are never inherited;
``figure_files`` add to the parent's (``model.inputs.figure_files``; paths relative to the file
that names them). ``precision`` merges field by field; each named ``discovery`` condition is
replaced whole (``null`` removes one); a child's ``correlations`` list replaces the parent's whole
(``correlations: []`` removes them), as ``correlation_method`` and ``samples`` do. ``logistics``
merges field by field, each named logistics parameter and disruption replaced whole (``null``
removes a disruption; ``model.features.logistics.spec.merge_logistics``). An optional feature's
section merges as its spec says (``model.inputs.feature_specs``).
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ValidationError

from ..core.catalogue import TRAJECTORIES
from ..core.months import month_index, month_name
from .feature_specs import custom_merges, custom_replaced_by, feature_problems, merge_entries, merge_fields
from .figure_files import FigureFile, load_figure_files
from .number_rule import whole_if_integral
from .plausibility import unit_slips
from .problems import Problem, YamlProblems, closest, did_you_mean, dotted_path, outside_window, shorten
from .registry import Registry, load_registry
from .safe_yaml import YamlDocument, load_yaml_file, resolved_path
from .schema import (
    EVENT_NEEDS,
    NAME_PATTERN,
    PARAMETER_INFO,
    RESERVED_NAMES,
    Event,
    Observation,
    Scenario,
    Window,
)
from .specs import SPEC_CLASSES, spec_tag
from .structure_checks import structure_problems
from .structure_specs import structure_section_problems
from .units import UnitError, conversion_factor

__all__ = ["ScenarioError", "ResolvedScenario", "load_scenario", "RENAMED_PARAMETERS"]

#: Parameters renamed since earlier versions: old name -> (new name, why), so an old file gets a clear message.
RENAMED_PARAMETERS: dict[str, tuple[str, str]] = {
    "ru_production_start_per_month": (
        "ru_production_per_month", "Russian production now holds its figure at the figure's own date "
        "(structure.ru_production: anchored) or, as before, in the window's first month (compound)"),
}


class ScenarioError(YamlProblems):
    """A scenario is invalid; ``problems`` lists every problem found."""


@dataclass
class ResolvedScenario:
    """A valid scenario and where its values came from."""

    scenario: Scenario
    path: Path
    chain: list[Path]  # the file, then its parents
    data: dict[str, Any]  # resolved plain data, as validated
    origins: dict[tuple, tuple[str, int]] = field(default_factory=dict)
    registry: Registry | None = None  # the registry plus the scenario's figure files (None: none added)
    warnings: list[Problem] = field(default_factory=list)  # valid, but likely not meant (model.inputs.plausibility)


# How a child's mapping combines with its parent's: fields merge one level, named
# entries (a parameter, an event, an observation) are replaced whole; null removes one.
_MERGE_FIELDS = {"window", "sensitivity", "calibration", "structure", "structures",
                 "value_of_information"}
_MERGE_ENTRIES = {"parameters", "events", "observations", "fire_periods", "troop_phases"}
# ... and the sections of the optional features, merged as each feature's spec says (model.inputs.feature_specs)
_MERGE_FIELDS |= merge_fields()
_MERGE_ENTRIES |= merge_entries()
_MERGE_OWN = custom_merges()
_REPLACED_BY_OWN = custom_replaced_by()
_NOT_INHERITED = {"name", "description", "extends"}


def _merge(parent: dict, child: dict) -> dict:
    out = {k: v for k, v in parent.items() if k not in _NOT_INHERITED}
    for key, value in child.items():
        if key in _MERGE_FIELDS and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        elif key in _MERGE_ENTRIES and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            for name, entry in value.items():
                if entry is None and key != "parameters":
                    merged.pop(name, None)
                else:
                    merged[name] = entry
            out[key] = merged
        elif key in _MERGE_OWN and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _MERGE_OWN[key](out[key], value)
        else:
            out[key] = value
    return out


def _replaced_by(key: tuple, child: dict[str, Any]) -> bool:
    """Whether the child's data replaces (or, for names, never inherits) the value at ``key``."""
    if not key:
        return False
    top = key[0]
    if top in _NOT_INHERITED:
        return True
    if top not in child:
        return False
    if top in _REPLACED_BY_OWN:
        return _REPLACED_BY_OWN[top](key, child[top])
    section = child[top]
    if top in _MERGE_FIELDS | _MERGE_ENTRIES and isinstance(section, dict):
        return len(key) > 1 and key[1] in section
    return True


def _origins(doc: YamlDocument) -> dict[tuple, tuple[str, int]]:
    return {path: (doc.path, line) for path, line in doc.lines.items()}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind Annotated/Optional/Union."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out = []
        for arg in typing.get_args(tp):
            out.extend(_unwrap(arg))
        return [t for t in out if t is not type(None)]
    return [tp]


def _fields_at(loc: tuple) -> list[str]:
    """Valid keys of the schema object at ``loc`` (for 'did you mean')."""
    candidates: list[Any] = [Scenario]
    for part in loc:
        nxt: list[Any] = []
        for tp in candidates:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if part in tp.model_fields:
                    nxt.extend(_unwrap(tp.model_fields[part].annotation))
                elif part in SPEC_CLASSES and tp is not Scenario:
                    nxt.append(SPEC_CLASSES[part])
            elif typing.get_origin(tp) in (dict, list):
                nxt.extend(_unwrap(typing.get_args(tp)[-1]))
            elif part in SPEC_CLASSES:
                nxt.append(SPEC_CLASSES[part])
        candidates = nxt
    names: list[str] = []
    for tp in candidates:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            names.extend(n for n in tp.model_fields if n not in names)
    return names


def _suggest(word: str, options: list[str], *, what: str = "valid keys here") -> str:
    return did_you_mean(word, options, otherwise=f"; {what}: {', '.join(options)}" if options else "")


class _Collector:
    def __init__(self, origins: dict[tuple, tuple[str, int]], default_file: str):
        self.origins = origins
        self.default_file = default_file
        self.problems: list[Problem] = []

    def add(self, loc: tuple, message: str) -> None:
        file, line = self.default_file, None
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.origins:
                file, line = self.origins[loc[:cut]]
                break
        self.problems.append(Problem(file, line, dotted_path(loc), message))


def _schema_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-tag elements so a loc matches the YAML keys."""
    if len(loc) > 2 and loc[0] == "parameters" and loc[2] in SPEC_CLASSES:
        return loc[:2] + loc[3:]
    return loc


def _misspelt_required(errors: list[Any]) -> dict[tuple, str]:
    """Unknown keys that are a misspelling of a required key missing beside them (``descriptoin:``
    for ``description:``): unknown key's loc -> the required key. Each is reported once, as the
    unknown key with its correction, not also as a missing field."""
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    out: dict[tuple, str] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] != "extra_forbidden" or not loc:
            continue
        wanted = [str(m[-1]) for m in missing if m[:-1] == loc[:-1] and str(m[-1]) not in out.values()]
        match = closest(str(loc[-1]), wanted)
        if match is not None:
            out[loc] = match
    return out


def _pydantic_problems(err: ValidationError, sink: _Collector) -> None:
    errors = err.errors(include_url=False)
    misspelt = _misspelt_required(errors)
    corrected = {loc[:-1] + (name,) for loc, name in misspelt.items()}
    for e in errors:
        raw_loc = tuple(e["loc"])
        loc = _schema_loc(raw_loc)
        kind = e["type"]
        if kind == "extra_forbidden" and raw_loc in misspelt:
            sink.add(loc, f"unknown key; did you mean '{misspelt[raw_loc]}'? (a required key, missing here)")
        elif kind == "extra_forbidden":
            options = _fields_at(raw_loc[:-1])
            renamed = RENAMED_PARAMETERS.get(str(raw_loc[-1])) if raw_loc[:1] == ("parameters",) else None
            sink.add(loc, f"renamed to '{renamed[0]}' ({renamed[1]})" if renamed
                     else f"unknown key{_suggest(str(raw_loc[-1]), options)}")
        elif kind == "missing" and raw_loc in corrected:
            continue  # reported with the misspelt key, at its line
        elif kind == "missing":
            sink.add(loc, "required field is missing")
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            word = str(e.get("input"))
            opts = re.findall(r"'([^']+)'", expected)
            hint = _suggest(word, opts, what="choose one of") if opts else ""
            sink.add(loc, f"'{word}' is not allowed{hint or ': expected ' + expected}")
        elif kind == "distribution":
            sink.add(loc, e["msg"])
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "name":
            sink.add(loc, "a name is 1-64 letters, digits, '_' or '-' (it becomes a folder name under results/)")
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "description":
            sink.add(loc, "say in words what question the scenario answers (it is blank)")
        elif kind == "string_pattern_mismatch":
            sink.add(loc, f"'{e.get('input')}' should be a month written YYYY-MM")
        elif kind in ("too_long", "string_too_long") and hasattr(e.get("input"), "__len__"):  # over its limit
            what = "characters" if isinstance(e["input"], str) else "entries"
            sink.add(loc, f"{len(e['input']):,} {what}; at most {e.get('ctx', {}).get('max_length', 0):,} "
                          "(the README's Limits lists every limit)")
        elif kind in ("float_type", "int_type") and isinstance(e.get("input"), str):
            sink.add(loc, e["msg"][0].lower() + e["msg"][1:] + f" (got {shorten(repr(e['input']))}): a number is "
                          "written without quotes, e.g. 2.3e10 (model.inputs.number_rule)")
        else:
            shown = "input" in e and not isinstance(e["input"], (dict, list))
            sink.add(loc, e["msg"][0].lower() + e["msg"][1:] + (f" (got {shorten(repr(e['input']))})" if shown else ""))



def _semantic_problems(data: dict, registry: Registry, sink: _Collector) -> None:
    """Checks the schema types cannot express, run on every part that parsed."""
    if isinstance(data.get("name"), str) and data["name"].lower() in RESERVED_NAMES:
        sink.add(("name",), f"'{data['name']}' is the name of a folder the batch writes itself "
                           f"({', '.join(RESERVED_NAMES)}); choose another name")
    params = data.get("parameters")
    if isinstance(params, dict):
        for name, raw in params.items():
            if name not in PARAMETER_INFO:
                continue  # reported as an unknown key
            tag = spec_tag(raw)
            if tag is None:
                continue
            try:
                spec = SPEC_CLASSES[tag].model_validate(raw)
            except ValidationError:
                continue  # reported by the schema
            for fld, msg in spec.check(PARAMETER_INFO[name], registry):
                sink.add(("parameters", name, fld), msg)
    window = data.get("window")
    try:
        win = Window.model_validate(window) if isinstance(window, dict) else None
    except ValidationError:
        win = None
    events = data.get("events")
    if isinstance(events, dict):
        for name, raw in events.items():
            try:
                ev = Event.model_validate(raw)
            except ValidationError:
                continue
            need = EVENT_NEEDS[ev.kind]
            for extra in ("factor", "soldiers"):
                if extra == need and getattr(ev, extra) is None:
                    sink.add(("events", name, extra), f"required for an event of kind {ev.kind}")
                elif extra != need and getattr(ev, extra) is not None:
                    sink.add(("events", name, extra), f"not used by an event of kind {ev.kind}")
            outside = outside_window(ev.month, win.start, win.horizon_months) if win is not None else None
            if outside:
                sink.add(("events", name, "month"), outside)
    observations = data.get("observations")
    if isinstance(observations, dict):
        for fid, raw in observations.items():
            if fid not in registry:
                hint = did_you_mean(fid, registry.ids, cutoff=0.5, otherwise="; see `python run.py sources`")
                sink.add(("observations", fid), f"unknown figure id '{fid}'{hint}")
                continue
            try:
                obs = Observation.model_validate(raw)
            except ValidationError:
                continue
            fig = registry.get(fid)
            unit = TRAJECTORIES[obs.output].unit
            try:
                conversion_factor(fig.unit, unit)
            except UnitError:
                sink.add(("observations", fid, "output"),
                         f"figure '{fid}' is in {fig.unit} but '{obs.output}' is in {unit}")
            undated = fig.claim_kind == "total_undated"
            if undated and obs.at is not None:
                sink.add(("observations", fid, "at"), f"figure '{fid}' is an undated total (its claim says so): it has "
                                                      "no single date; give `between: [first, last]` instead")
            if not undated and obs.between is not None:
                sink.add(("observations", fid, "between"), f"only an undated total has a period; figure '{fid}' is a "
                                                           f"{fig.claim_kind} claim (use `at`)")
            if win is not None and undated:
                assert fig.claim is not None and fig.claim.period_from is not None
                last = month_name(month_index(win.start) + win.horizon_months - 1)
                span = obs.between or [fig.claim.period_from, fig.claim.period_to or last]
                where = ("observations", fid, "between") if obs.between else ("observations", fid)
                if month_index(span[1]) < month_index(span[0]):
                    sink.add(where, f"the period ends ({span[1]}) before it starts ({span[0]})")
                outside = next((o for m in span if (o := outside_window(m, win.start, win.horizon_months))), None)
                if outside:
                    sink.add(where, f"the period {span[0]} to {span[1]} leaves the window: {outside}")
            elif win is not None:
                outside = outside_window(obs.at or fig.as_of_month(), win.start, win.horizon_months)
                if outside:
                    sink.add(("observations", fid, "at"), outside)
    structure_problems(data, win, sink.add)  # the intensity profile (model.inputs.structure_checks)
    feature_problems(data, win, registry, sink.add)  # each optional feature's sections (model.features)
    months_span = None if win is None else (month_index(win.start), month_index(win.start) + win.horizon_months - 1)
    structure_section_problems(data, months_span, registry, sink.add)  # fire periods, troop phases, structures
    sens = data.get("sensitivity")
    n = whole_if_integral(sens.get("sobol_samples")) if isinstance(sens, dict) else None
    if isinstance(n, int) and not isinstance(n, bool):
        if n > 0 and n & (n - 1):
            sink.add(("sensitivity", "sobol_samples"),
                     f"must be a power of 2 (e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})")


def _read_chain(path: Path) -> tuple[list[YamlDocument], list[Problem]]:
    """The file and its ``extends`` ancestors, child first."""
    docs: list[YamlDocument] = []
    seen: list[Path] = []
    current = path
    while True:
        doc = load_yaml_file(current)  # first: it reports a file that cannot be read (a symlink loop too)
        resolved = resolved_path(current)
        if resolved in seen:
            names = " -> ".join(p.name for p in seen + [resolved])
            child = docs[-1]
            return docs, [Problem(child.path, child.lines.get(("extends",)), "extends", f"extends cycle: {names}")]
        seen.append(resolved)
        docs.append(doc)
        parent = doc.data.get("extends")
        if parent is None:
            return docs, []
        line = doc.lines.get(("extends",))
        if not isinstance(parent, str) or not re.match(NAME_PATTERN + r"|^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.ya?ml$", parent):
            return docs, [Problem(doc.path, line, "extends",
                                  "must name a scenario file in the same folder, e.g. 'baseline'")]
        stem = parent[:-5] if parent.endswith(".yaml") else parent.removesuffix(".yml")
        candidates = [current.parent / f"{stem}.yaml", current.parent / f"{stem}.yml"]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            others = sorted(p.stem for p in current.parent.glob("*.y*ml"))
            hint = _suggest(stem, others, what="scenarios here")
            return docs, [Problem(doc.path, line, "extends", f"parent scenario '{parent}' not found next to this file{hint}")]
        current = found


def load_scenario(path: str | Path, *, registry: Registry | None = None) -> ResolvedScenario:
    """Read, resolve and validate one scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem found, each naming file, line and field.
    """
    registry = registry if registry is not None else load_registry()
    path = Path(path)
    try:
        docs, problems = _read_chain(path)
    except YamlProblems as exc:
        raise ScenarioError(exc.problems) from None
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {}
    origins: dict[tuple, tuple[str, int]] = {}
    for doc in reversed(docs):
        data = _merge(data, doc.data)
        origins = {key: where for key, where in origins.items() if not _replaced_by(key, doc.data)}
        origins.update(_origins(doc))
    sink = _Collector(origins, str(path))
    files = _figure_files(docs)
    if files is not None:
        data["figure_files"] = [str(f.path) for f in files]
        registry, file_problems = load_figure_files(files, registry)
        sink.problems.extend(file_problems)
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        _pydantic_problems(err, sink)
    _semantic_problems(data, registry, sink)
    if sink.problems:
        raise ScenarioError(sorted(sink.problems, key=lambda p: (p.file != str(path), p.file, p.line or 0)))
    assert scenario is not None
    return ResolvedScenario(scenario, path, [Path(d.path) for d in docs], data, origins,
                            registry=registry if files else None, warnings=unit_slips(docs, scenario, registry))


def _figure_files(docs: list[YamlDocument]) -> list[FigureFile] | None:
    """Every figure file the chain names, parent first, each path relative to the file naming it.

    A child's list adds to its parent's (a file named twice is read once). None when a list is
    malformed (the schema reports it) or no file names one.
    """
    out: list[FigureFile] = []
    seen: set[Path] = set()
    named = False
    for doc in reversed(docs):
        entries = doc.data.get("figure_files")
        if entries is None:
            continue
        if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
            return None
        named = True
        for k, entry in enumerate(entries):
            resolved = resolved_path(Path(doc.path).parent / entry)
            if resolved not in seen:
                seen.add(resolved)
                out.append(FigureFile(resolved, doc.path, doc.lines.get(("figure_files", k)), f"figure_files[{k}]"))
    return out if named else None

