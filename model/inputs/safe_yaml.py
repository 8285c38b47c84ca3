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

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .number_rule import NUMBER_PATTERN
from .problems import Path_, Problem, YamlProblems, dotted_path, shorten

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Problem",
    "TOP_LEVEL_MESSAGES",
    "YamlDocument",
    "YamlProblems",
    "dotted_path",
    "file_problem",
    "load_yaml_file",
    "resolved_path",
]

MAX_FILE_BYTES = 256 * 1024  # a full scenario is ~10 KiB; anything far larger is a mistake
MAX_PATH_CHARS = 4096  # Linux's PATH_MAX; each part of a path at most 255 bytes (NAME_MAX)
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


# A number as YAML 1.2 writes it is a number here too (model.inputs.number_rule): PyYAML's YAML 1.1
# reads 2.3e10 and 1e4 as text. Tried after PyYAML's own resolvers, so its ints stay ints.
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(rf"^{NUMBER_PATTERN.pattern}$"),
                                    list("-+0123456789."))


class _Refused(Exception):
    def __init__(self, line: int | None, message: str, field: str = ""):
        self.line = line
        self.message = message
        self.field = field


class _Builder:
    def __init__(self, loader: _StrictLoader, kind: str, quote_content: bool):
        self.loader = loader
        self.lines: dict[Path_, int] = {}
        self.nodes = 0
        self.kind = kind
        self.quote = quote_content  # False: messages name no key, tag or value of the file

    def where(self, path: Path_) -> str:
        return dotted_path(path) if self.quote else ""

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(node.start_mark.line + 1, f"more than {MAX_NODES} values: too large to be a {self.kind}")
        if depth > MAX_DEPTH:
            raise _Refused(node.start_mark.line + 1, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if node.tag not in _ALLOWED_TAGS:
            tag = f" '{node.tag}'" if self.quote else ""
            raise _Refused(
                node.start_mark.line + 1,
                f"YAML tag{tag} is not allowed; a {self.kind} holds only plain numbers, text, lists and mappings",
                self.where(path),
            )
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed; use 'extends:' instead",
                                   self.where(path))
                if not isinstance(key_node, ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                    raise _Refused(key_node.start_mark.line + 1, "keys must be plain text", self.where(path))
                key = key_node.value if key_node.tag == "tag:yaml.org,2002:str" else self.scalar(key_node, path)
                key_str = str(key)
                child = path + (key_str,)
                if key_str in out:
                    first = self.lines.get(child)
                    raise _Refused(key_node.start_mark.line + 1, f"duplicate key (first given on line {first})",
                                   self.where(child))
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
        return self.scalar(node, path)

    def scalar(self, node: Node, path: Path_) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of thousands of digits
            raise _Refused(node.start_mark.line + 1, f"cannot read this value: {exc}", self.where(path)) from None
        except (KeyError, TypeError, yaml.YAMLError):  # e.g. `!!bool abc`: a tag its text does not fit
            short = node.tag.rsplit(":", 1)[-1]
            shown = f"'{shorten(str(node.value))}'" if self.quote else "a value"
            raise _Refused(node.start_mark.line + 1, f"{shown} cannot be read as !!{short}",
                           self.where(path)) from None


def resolved_path(path: str | Path) -> Path:
    """``path`` made absolute with its symbolic links resolved, or as written (made absolute) when
    they cannot be: a loop, a NUL byte or a name too long is for the reader to report, in words."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop (Python < 3.13)
        return Path(os.path.abspath(os.fspath(path)))


def _refusal(exc: OSError, kind: str) -> str:
    if exc.errno == errno.ENOENT:
        return f"no such {kind}"
    if exc.errno == errno.ENOTDIR:
        return f"no such {kind} (a part of the path is not a folder)"
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops: it never reaches a file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return f"cannot be read: {exc.strerror or exc}"


def file_problem(path: str | Path, *, kind: str, suffixes: tuple[str, ...] = (),
                 max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why ``path`` is not an input file of this ``kind`` (e.g. "figure file"), in words; None when
    it is one: a regular file (symbolic links followed), named with one of ``suffixes`` (after the
    links, if given), of at most ``max_bytes``. Nothing is opened: a device or a pipe is refused
    from its type alone."""
    text = os.fspath(path)
    if "\0" in text:
        return "the file name holds a NUL byte"
    if len(text) > MAX_PATH_CHARS or any(len(os.fsencode(part)) > 255 for part in Path(text).parts):
        return f"the file name is too long ({len(text):,} characters)"
    try:
        info = os.stat(text)
    except OSError as exc:
        return _refusal(exc, kind)
    if stat.S_ISDIR(info.st_mode):
        return f"is a folder, not a {kind}"
    if not stat.S_ISREG(info.st_mode):
        return f"is not a regular file (a device, a pipe or a socket), not a {kind}"
    if suffixes:
        real = os.path.realpath(text)
        if Path(real).suffix.lower() not in suffixes:
            links = f" (a link to {shorten(real)})" if real != os.path.abspath(text) else ""
            return f"is not a {' or '.join(suffixes)} file{links}; a {kind} is YAML text named so"
    if info.st_size > max_bytes:
        return f"is {info.st_size:,} bytes; a {kind} must be under {max_bytes:,} bytes"
    return None


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file; a folder, device or pipe raises
    ``IsADirectoryError``/``OSError`` without being read (a pipe is opened without waiting)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped in after the check by name
            raise OSError(errno.EINVAL, "not a regular file")
        return fh.read(max_bytes + 1)


#: What the top level of a file must be, by the kind of file (the message when it is not).
TOP_LEVEL_MESSAGES = {
    "scenario": "a scenario file must be a mapping of keys (name:, description:, ...) at the top level",
    "figure file": "not a figure file: a figure file is a mapping with one key, figures:, holding a list of "
                   "figures (see examples/made_up_figures.yaml); its content is not shown",
}


def load_yaml_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES, kind: str = "scenario",
                   quote_content: bool = True) -> YamlDocument:
    """Read one YAML file into plain data with key lines.

    ``kind`` names the file in messages ("scenario", "figure file"). With ``quote_content``
    false, no message repeats a key, tag or value of the file: for files named by someone else
    (a scenario's ``figure_files:``), which may be anything readable, e.g. a password database.

    Raises
    ------
    YamlProblems
        With a single :class:`Problem` naming the file and line, for any reason the
        file cannot be read: missing, not a regular file, too large, not UTF-8, a syntax
        error, an empty file, several documents, a forbidden tag, an alias, a duplicate key.
    """
    name = os.fspath(path)

    def fail(line: int | None, message: str, field: str = "") -> YamlProblems:
        return YamlProblems([Problem(shorten(name), line, field, message)])

    p = Path(path)
    try:
        if "\0" in name:
            raise fail(None, "cannot read file: the file name holds a NUL byte")
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):
            raise fail(None, "not a regular file" + ("" if stat.S_ISDIR(info.st_mode) else " (a device, a pipe or a socket)"))
        if info.st_size > max_bytes:
            raise fail(None, f"file is {info.st_size:,} bytes; a {kind} must be under {max_bytes:,} bytes")
        raw = _read_regular_file(p, max_bytes)
        if len(raw) > max_bytes:  # it grew since
            raise fail(None, f"file is over {max_bytes:,} bytes; a {kind} must be under {max_bytes:,} bytes")
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
        builder = _Builder(loader, kind, quote_content)
        data = builder.build(node, (), 0)
    except _Refused as exc:
        raise fail(exc.line, exc.message, exc.field) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = exc.problem or str(exc)
        if "but found another document" in str(exc):
            msg = f"several YAML documents in one file; a {kind} is one document"
        elif "'\\t'" in msg or "tab character" in msg:  # PyYAML: "found character '\t' that cannot start any token"
            column = f" at column {mark.column + 1}" if mark is not None else ""
            msg = f"a tab{column}; use spaces for indentation (YAML does not accept tabs there)"
        elif "end of stream" in msg and exc.context_mark is not None:
            msg = f"{exc.context} (started on line {exc.context_mark.line + 1}) {msg}"
            line = exc.context_mark.line + 1
        if not quote_content:  # PyYAML quotes the character or tag it stopped at
            msg = re.sub(r"\s*'[^']*'", "", msg)
        raise fail(line, f"YAML syntax error: {msg}") from None
    except yaml.reader.ReaderError as exc:  # a control character the reader refuses
        line = text[: exc.position].count("\n") + 1
        shown = f"character {exc.character!r}" if quote_content else "a control character"
        raise fail(line, f"{shown} is not allowed in YAML text") from None
    except yaml.YAMLError as exc:
        raise fail(None, "YAML error: " + (" ".join(str(exc).split()) if quote_content else "not readable as YAML")) \
            from None
    except RecursionError:  # PyYAML composes recursively: thousands of open brackets
        raise fail(_too_deep(text), f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise fail(1, TOP_LEVEL_MESSAGES.get(kind, f"a {kind} must be a mapping of keys at the top level"))
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
