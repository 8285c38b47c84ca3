"""Read an analyst's YAML file safely, keeping the line of every key.

Scenario files come from people (and possibly from hostile sources), so this reader
refuses what a scenario never needs: object-constructing tags, aliases (the
"billion laughs" bomb), duplicate keys, several documents, deep nesting and files too
large to be a scenario. It returns plain Python data plus a map from each key's path
to its line, so the schema can report ``FILE:LINE: FIELD: message``.

Built on PyYAML's ``SafeLoader`` (it never constructs Python objects); we compose the
node tree ourselves so that line marks survive and duplicates are caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Path_, Problem, YamlProblems, dotted_path

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Problem",
    "YamlDocument",
    "YamlProblems",
    "dotted_path",
    "load_yaml_file",
]

MAX_FILE_BYTES = 256 * 1024  # a full scenario is ~10 KiB; anything far larger is a mistake
MAX_DEPTH = 32
MAX_NODES = 50_000

# The only tags a scenario may use: plain scalars, lists and mappings.
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",  # kept as the text written, e.g. "2024-06-17"
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}



@dataclass
class YamlDocument:
    """Plain data from one YAML file and the 1-based line of every key and item."""

    path: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest prefix of ``path`` that the file defines."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases at compose time, before anything is expanded."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark.line + 1, "YAML aliases (*name) are not allowed in a scenario; write the value out")
        node = super().compose_node(parent, index)
        assert node is not None  # an event was there to compose
        return node


class _Refused(Exception):
    def __init__(self, line: int | None, message: str, field: str = ""):
        self.line = line
        self.message = message
        self.field = field


class _Builder:
    def __init__(self, loader: _StrictLoader):
        self.loader = loader
        self.lines: dict[Path_, int] = {}
        self.nodes = 0

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(node.start_mark.line + 1, f"more than {MAX_NODES} values: too large to be a scenario")
        if depth > MAX_DEPTH:
            raise _Refused(node.start_mark.line + 1, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(
                node.start_mark.line + 1,
                f"YAML tag '{node.tag}' is not allowed; a scenario holds only plain numbers, text, lists and mappings",
                dotted_path(path),
            )
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed; use 'extends:' instead",
                                   dotted_path(path))
                if not isinstance(key_node, ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                    raise _Refused(key_node.start_mark.line + 1, "keys must be plain text", dotted_path(path))
                key = key_node.value if key_node.tag == "tag:yaml.org,2002:str" else self.loader.construct_object(key_node)
                key_str = str(key)
                child = path + (key_str,)
                if key_str in out:
                    first = self.lines.get(child)
                    raise _Refused(key_node.start_mark.line + 1, f"duplicate key (first given on line {first})",
                                   dotted_path(child))
                self.lines[child] = key_node.start_mark.line + 1
                out[key_str] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines[path + (i,)] = item.start_mark.line + 1
                items.append(self.build(item, path + (i,), depth + 1))
            return items
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of thousands of digits
            raise _Refused(node.start_mark.line + 1, f"cannot read this value: {exc}", dotted_path(path)) from None
        except (KeyError, TypeError, yaml.YAMLError):  # e.g. `!!bool abc`: a tag its text does not fit
            short = node.tag.rsplit(":", 1)[-1]
            raise _Refused(node.start_mark.line + 1, f"'{node.value}' cannot be read as !!{short}",
                           dotted_path(path)) from None


def load_yaml_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> YamlDocument:
    """Read one YAML file into plain data with key lines.

    Raises
    ------
    YamlProblems
        With a single :class:`Problem` naming the file and line, for any reason the
        file cannot be read: missing, too large, not UTF-8, a syntax error, an empty
        file, several documents, a forbidden tag, an alias, a duplicate key.
    """
    name = str(path)

    def fail(line: int | None, message: str, field: str = "") -> YamlProblems:
        return YamlProblems([Problem(name, line, field, message)])

    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise fail(None, "not a regular file")
        if size > max_bytes:
            raise fail(None, f"file is {size:,} bytes; a scenario must be under {max_bytes:,} bytes")
        raw = p.read_bytes()[: max_bytes + 1]
    except OSError as exc:
        raise fail(None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise fail(bad_line, f"not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise fail(1, "file is empty")

    loader = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise fail(1, "file holds no YAML content")
        builder = _Builder(loader)
        data = builder.build(node, (), 0)
    except _Refused as exc:
        raise fail(exc.line, exc.message, exc.field) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = exc.problem or str(exc)
        if "but found another document" in str(exc):
            msg = "several YAML documents in one file; a scenario is one document"
        elif "'\\t'" in msg or "tab character" in msg:  # PyYAML: "found character '\t' that cannot start any token"
            column = f" at column {mark.column + 1}" if mark is not None else ""
            msg = f"a tab{column}; use spaces for indentation (YAML does not accept tabs there)"
        elif "end of stream" in msg and exc.context_mark is not None:
            msg = f"{exc.context} (started on line {exc.context_mark.line + 1}) {msg}"
            line = exc.context_mark.line + 1
        raise fail(line, f"YAML syntax error: {msg}") from None
    except yaml.reader.ReaderError as exc:  # a control character the reader refuses
        line = text[: exc.position].count("\n") + 1
        raise fail(line, f"character {exc.character!r} is not allowed in YAML text") from None
    except yaml.YAMLError as exc:
        raise fail(None, "YAML error: " + " ".join(str(exc).split())) from None
    except RecursionError:  # PyYAML composes recursively: thousands of open brackets
        raise fail(_too_deep(text), f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise fail(1, "a scenario file must be a mapping of keys (name:, description:, ...) at the top level")
    return YamlDocument(name, data, builder.lines)


def _too_deep(text: str) -> int | None:
    """Line where brackets or indentation nest deeper than ``MAX_DEPTH``, for the message when
    PyYAML's composer ran out of recursion (the builder refuses nesting below that itself, with
    the line of the node); quotes and comments are not told apart, so it is only asked after a
    failure."""
    indents: list[int] = []  # indentation of the open block levels
    for number, line in enumerate(text.split("\n"), start=1):
        content = line.lstrip(" ")
        if content and not content.startswith("#"):
            while indents and indents[-1] >= len(line) - len(content):
                indents.pop()
            indents.append(len(line) - len(content))
            if len(indents) > MAX_DEPTH + 1:
                return number
    depth = 0
    line_number = 1
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line_number
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "\n":
            line_number += 1
    return None
