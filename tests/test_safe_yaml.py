"""Tests for model/safe_yaml.py: plain data with key lines, and every refusal with its line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from model.inputs import safe_yaml
from model.inputs.safe_yaml import MAX_DEPTH, MAX_FILE_BYTES, Problem, YamlDocument, YamlProblems, load_yaml_file


# --------------------------------------------------------------------------- helpers
def write(tmp_path: Path, text: str | bytes, name: str = "input.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def refusal(path: Path, match: str) -> Problem:
    """The single Problem for ``path``; its message must match ``match``."""
    with pytest.raises(YamlProblems, match=match) as info:
        load_yaml_file(path)
    problems = info.value.problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == str(path)
    return problem


def alias_bomb(levels: int = 9) -> str:
    """The classic 'billion laughs': each level is a list of nine aliases to the previous one."""
    names = [chr(ord("a") + i) for i in range(levels)]
    lines = [f"{names[0]}: &{names[0]} [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, cur in zip(names, names[1:]):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- reading and lines
def test_plain_data_and_the_line_of_every_key_and_item(tmp_path):
    path = write(tmp_path, """
        name: example
        window:
          start: 2023-09
          horizon_months: 36
        items:
          - first
          - key: 1
            other: 2
          -
            - nested
        last: 3.5
    """)
    doc = load_yaml_file(path)
    assert isinstance(doc, YamlDocument)
    assert doc.path == str(path)
    assert doc.data == {
        "name": "example",
        "window": {"start": "2023-09", "horizon_months": 36},
        "items": ["first", {"key": 1, "other": 2}, ["nested"]],
        "last": 3.5,
    }
    assert doc.lines == {
        ("name",): 1,
        ("window",): 2,
        ("window", "start"): 3,
        ("window", "horizon_months"): 4,
        ("items",): 5,
        ("items", 0): 6,
        ("items", 1): 7,
        ("items", 1, "key"): 7,
        ("items", 1, "other"): 8,
        ("items", 2): 10,
        ("items", 2, 0): 10,
        ("last",): 11,
    }


def test_line_of_falls_back_to_the_deepest_defined_prefix(tmp_path):
    doc = load_yaml_file(write(tmp_path, "a:\n  b:\n    c: 1\n"))
    assert doc.line_of(("a", "b", "c")) == 3
    assert doc.line_of(("a", "b", "missing", "deeper")) == 2
    assert doc.line_of(("a", "nothing")) == 1
    assert doc.line_of(("absent",)) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("d: 2024-06-17\n", "2024-06-17"),
        ("d: 2024-06\n", "2024-06"),
        ("d: 2024-06-17 10:30:00\n", "2024-06-17 10:30:00"),
    ],
    ids=["date", "month", "datetime"],
)
def test_dates_stay_the_text_written(tmp_path, text, expected):
    doc = load_yaml_file(write(tmp_path, text))
    assert doc.data["d"] == expected
    assert isinstance(doc.data["d"], str)


def test_plain_scalars_keep_their_types(tmp_path):
    doc = load_yaml_file(write(tmp_path, "i: 3\nf: 2.5\ne: 2.0e+6\nb: true\nn: null\ns: '3'\nt: !!str 4\n"))
    assert doc.data == {"i": 3, "f": 2.5, "e": 2.0e6, "b": True, "n": None, "s": "3", "t": "4"}


def test_numbers_written_as_yaml_writes_them_are_numbers_quoted_ones_text(tmp_path):
    # PyYAML follows YAML 1.1, where '2.0e6' (no sign in the exponent) and '1e4' (no point) are
    # text; the reader takes them as YAML 1.2 does, so one number rule holds in every field
    # (issue 23: 'value: 2.3e10' had been refused where 'low: 2.0e6' was accepted)
    doc = load_yaml_file(write(tmp_path, "x: 2.0e6\ny: 1e4\nz: -.5\nq: '2.0e6'\n"))
    assert doc.data == {"x": 2.0e6, "y": 1e4, "z": -0.5, "q": "2.0e6"}


def test_a_single_leading_document_marker_and_a_bom_are_fine(tmp_path):
    assert load_yaml_file(write(tmp_path, "---\na: 1\n")).lines == {("a",): 2}
    assert load_yaml_file(write(tmp_path, "\ufeffa: 1\n", "bom.yaml")).data == {"a": 1}


def test_anchors_without_aliases_are_harmless(tmp_path):
    assert load_yaml_file(write(tmp_path, "a: &x 1\nb: 2\n")).data == {"a": 1, "b": 2}


# --------------------------------------------------------------------------- aliases
def test_alias_is_refused_on_its_line(tmp_path):
    path = write(tmp_path, """
        a:
          - 1
          - &x 2
          - *x
    """)
    problem = refusal(path, r"aliases \(\*name\) are not allowed")
    assert problem.line == 4


def test_billion_laughs_is_refused_before_anything_is_expanded(tmp_path, monkeypatch):
    # If the bomb were expanded, 9**9 (~387 million) nodes would be built; count the work instead
    # of timing it: composition stops at the first alias and the builder never runs.
    composed = []
    original = safe_yaml._StrictLoader.compose_node

    def counting(self, parent, index):
        composed.append(1)
        return original(self, parent, index)

    def never(*args, **kwargs):  # pragma: no cover - failing path
        raise AssertionError("the builder ran on an alias bomb")

    monkeypatch.setattr(safe_yaml._StrictLoader, "compose_node", counting)
    monkeypatch.setattr(safe_yaml._Builder, "build", never)
    path = write(tmp_path, alias_bomb(9))
    problem = refusal(path, r"aliases \(\*name\) are not allowed")
    assert problem.line == 2  # the first alias, in the second level
    assert len(composed) < 30


def test_merge_key_is_refused_on_its_line(tmp_path):
    path = write(tmp_path, """
        base:
          x: 1
        child:
          <<: {x: 2}
          y: 3
    """)
    problem = refusal(path, r".")
    assert problem.line == 4


def test_merge_key_message_names_merge_keys_and_extends(tmp_path):
    path = write(tmp_path, "base:\n  x: 1\nchild:\n  <<: {x: 2}\n")
    refusal(path, r"merge keys \(<<\) are not allowed; use 'extends:'")


# --------------------------------------------------------------------------- duplicates
def test_duplicate_key_names_the_first_line(tmp_path):
    path = write(tmp_path, """
        a: 1
        b:
          c: 1
          d: 2
          c: 3
    """)
    problem = refusal(path, r"b\.c: duplicate key \(first given on line 3\)")
    assert problem.line == 5


def test_duplicate_top_level_key(tmp_path):
    problem = refusal(write(tmp_path, "seed: 1\nsamples: 2\nseed: 3\n"), r"seed: duplicate key \(first given on line 1\)")
    assert problem.line == 3


def test_duplicate_key_inside_a_list_item(tmp_path):
    path = write(tmp_path, "items:\n  - k: 1\n    k: 2\n")
    problem = refusal(path, r"items\[0\]\.k: duplicate key \(first given on line 2\)")
    assert problem.line == 3


# --------------------------------------------------------------------------- tags
def test_python_object_tag_is_refused_and_never_executed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    path = write(tmp_path, """
        name: x
        seed: !!python/object/apply:os.system ['echo pwned']
    """)
    problem = refusal(path, r"seed: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed")
    assert problem.line == 2
    assert calls == []


@pytest.mark.parametrize(
    "text, line, tag",
    [
        ("a: !!binary aGVsbG8=\n", 1, "tag:yaml.org,2002:binary"),
        ("a:\n  b: !custom 3\n", 2, "!custom"),
        ("a: !!set {x, y}\n", 1, "tag:yaml.org,2002:set"),
        ("a: !!omap [x: 1]\n", 1, "tag:yaml.org,2002:omap"),
        ("a: 1\nb: !!python/name:os.system ''\n", 2, "tag:yaml.org,2002:python/name:os.system"),
        ("list:\n  - ok\n  - !thing {}\n", 3, "!thing"),
    ],
    ids=["binary", "custom", "set", "omap", "python-name", "local-tag-in-list"],
)
def test_non_plain_tags_are_refused(tmp_path, text, line, tag):
    problem = refusal(write(tmp_path, text), f"YAML tag '{tag}' is not allowed")
    assert problem.line == line


def test_complex_keys_are_refused(tmp_path):
    problem = refusal(write(tmp_path, "a: 1\n? [x, y]\n: 2\n"), r"keys must be plain text")
    assert problem.line == 2


# --------------------------------------------------------------------------- empty and shape
@pytest.mark.parametrize(
    "text, match",
    [
        ("", "file is empty"),
        ("   \n\n\t \n", "file is empty"),
        ("# only a comment\n", "no YAML content"),
    ],
    ids=["empty", "whitespace-only", "comment-only"],
)
def test_empty_files_are_refused(tmp_path, text, match):
    problem = refusal(write(tmp_path, text.encode()), match)
    assert problem.line == 1


@pytest.mark.parametrize(
    "text, line",
    [("a: 1\n---\nb: 2\n", 2), ("---\na: 1\n---\nb: 2\n", 3), ("a: 1\nb: 2\n---\nc: 3\n---\nd: 4\n", 3)],
    ids=["two-documents", "two-markers", "three-documents"],
)
def test_several_documents_are_refused_at_the_second(tmp_path, text, line):
    problem = refusal(write(tmp_path, text), "several YAML documents in one file")
    assert problem.line == line


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "~\n", "42\n"], ids=["list", "text", "null", "number"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    problem = refusal(write(tmp_path, text), "must be a mapping of keys .* at the top level")
    assert problem.line == 1


# --------------------------------------------------------------------------- size, encoding, depth
def test_file_over_the_size_limit_is_refused_without_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" + "#" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    size = path.stat().st_size
    assert size > MAX_FILE_BYTES
    problem = refusal(path, f"file is {size:,} bytes; a scenario must be under {MAX_FILE_BYTES:,} bytes")
    assert problem.line is None


def test_file_of_exactly_the_limit_is_read(tmp_path):
    path = tmp_path / "edge.yaml"
    head = "a: 1\n"
    path.write_text(head + "#" * (MAX_FILE_BYTES - len(head) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_yaml_file(path).data == {"a": 1}


def test_max_bytes_argument_lowers_the_limit(tmp_path):
    path = write(tmp_path, "a: 1\nb: 2\n")
    with pytest.raises(YamlProblems, match="file is 10 bytes; a scenario must be under 5 bytes"):
        load_yaml_file(path, max_bytes=5)


def test_non_utf8_bytes_are_refused(tmp_path):
    problem = refusal(write(tmp_path, b"a: caf\xe9\n"), r"not UTF-8 text \(byte 6\)")
    assert problem.line == 1


def test_ten_thousand_open_brackets_are_refused(tmp_path):
    refusal(write(tmp_path, "[" * 10_000), "nested too deeply")


def test_deep_but_well_formed_nesting_is_refused(tmp_path):
    path = write(tmp_path, "a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    refusal(path, "nested too deeply")


def test_brackets_inside_text_are_not_nesting(tmp_path):
    # quoted, plain and commented brackets are text: only the parser tells them from flow lists
    text = ('name: x\ndescription: "' + "[" * 40 + '"\nnote: see ' + "[a" * 40 + "\n# " + "{" * 40 + "\n")
    data = load_yaml_file(write(tmp_path, text)).data
    assert data["description"] == "[" * 40 and data["note"] == "see " + "[a" * 40


def test_deep_block_nesting_names_its_line(tmp_path):
    path = write(tmp_path, "".join(" " * i + "k:\n" for i in range(700)))
    problem = refusal(path, "nested too deeply")
    assert problem.line == MAX_DEPTH + 2  # the first key below the deepest level allowed


def test_nesting_limit_is_exact(tmp_path):
    # mapping (depth 0) -> value of 'a' (depth 1) -> ... ; MAX_DEPTH levels are allowed
    ok = write(tmp_path, "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "ok.yaml")
    assert load_yaml_file(ok).data["a"] is not None
    bad = write(tmp_path, "x: 1\na: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", "bad.yaml")
    problem = refusal(bad, rf"nested too deeply \(more than {MAX_DEPTH} levels\)")
    assert problem.line == 2


def test_too_many_values_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_yaml, "MAX_NODES", 10)
    path = write(tmp_path, "a: 1\nb: [" + ", ".join(["0"] * 20) + "]\n")
    problem = refusal(path, "more than 10 values: too large to be a scenario")
    assert problem.line == 2


# --------------------------------------------------------------------------- syntax and paths
@pytest.mark.parametrize(
    "text, line, match",
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "expected ',' or ']'"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed here"),
        ("a:\n  b: 1\n c: 2\n", 3, "expected <block end>"),
        ("a:\n\tb: 1\n", 2, "a tab at column 1; use spaces for indentation"),
        ("a:\n  b:\n  \tc: 1\n", 3, "a tab at column 3; use spaces for indentation"),
        ("a:\t1\n", 1, "use spaces for indentation"),
    ],
    ids=["unclosed-flow-list", "bad-indent", "dedent", "tab", "tab-after-spaces", "tab-after-colon"],
)
def test_syntax_errors_carry_their_line(tmp_path, text, line, match):
    problem = refusal(write(tmp_path, text), "YAML syntax error: .*" + match)
    assert problem.line == line


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    problem = refusal(path, "cannot read file: No such file or directory")
    assert problem.line is None


def test_directory_path(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    problem = refusal(folder, "not a regular file")
    assert problem.line is None


# --------------------------------------------------------------------------- hostile text
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"], ids=["NUL", "BEL", "ESC"])
def test_control_characters_are_a_problem_not_a_crash(tmp_path, char):
    refusal(write(tmp_path, f"a: 1\nb: x{char}y\n".encode()), "special characters|not allowed|control")


def test_huge_integer_literal_is_a_problem_not_a_crash(tmp_path):
    refusal(write(tmp_path, "samples: " + "9" * 5000 + "\n"), ".")


# --------------------------------------------------------------------------- Problem
def test_problem_prints_as_file_line_field_message():
    assert str(Problem("s.yaml", 12, "parameters.x.high", "must be ≤ 1")) == "s.yaml:12: parameters.x.high: must be ≤ 1"
    assert str(Problem("s.yaml", None, "", "file is empty")) == "s.yaml:?: file is empty"


def test_yaml_problems_message_lists_every_problem():
    exc = YamlProblems([Problem("a.yaml", 1, "", "one"), Problem("b.yaml", 2, "f", "two")])
    assert str(exc) == "a.yaml:1: one\nb.yaml:2: f: two"
    assert [p.message for p in exc.problems] == ["one", "two"]
