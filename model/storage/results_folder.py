"""Results folders that are either complete or absent, never half-written.

A run writes into a hidden staging folder next to the target (``.staging-<name>-<pid>``)
and writes ``manifest.json`` last. Only then is the old folder moved aside and the new
one renamed into place (two renames on one filesystem); the old one is deleted after.
If the process dies at any point, the previous good result is either still in place
or, in the instant between the two renames, kept as ``.previous-<name>-<pid>`` and put
back by :func:`recover` on the next run. A folder counts as complete only when its
manifest says so, and as current only when the manifest's scenario hash and code
version match the run about to start.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .. import __version__

__all__ = ["Staging", "recover", "is_current", "read_manifest", "code_version", "safe_target", "write_json"]

MANIFEST = "manifest.json"


def code_version() -> str:
    """Package version plus a hash of every file of the package (source, registry, templates,
    subpackages included; caches excluded): it changes whenever anything that shapes a result does."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix not in {".pyc", ".pyo"}):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def safe_target(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would leave ``out_dir``."""
    base = out_dir.resolve()
    target = (base / name).resolve()
    if target.parent != base or name in {"", ".", ".."} or name.startswith("."):
        raise ValueError(f"scenario name {name!r} cannot be used as a folder under {out_dir}")
    return target


def write_json(path: Path, data: Any) -> None:
    """Write JSON with sorted keys and a final newline, byte-stable for the same data."""
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when missing, unreadable or incomplete."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("complete") is True else None


def is_current(folder: Path, scenario_hash: str) -> bool:
    """True when ``folder`` holds a complete result of this scenario hash and this code."""
    manifest = read_manifest(folder)
    return bool(manifest and manifest.get("scenario_hash") == scenario_hash
                and manifest.get("code_version") == code_version())


def recover(out_dir: Path) -> list[str]:
    """Clean up after interrupted runs; returns what was done, one line each."""
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for entry in sorted(out_dir.iterdir()):
        if entry.name.startswith(".staging-") and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed unfinished run {entry.name}")
        elif entry.name.startswith(".previous-") and entry.is_dir():
            name = entry.name[len(".previous-"):].rsplit("-", 1)[0]
            target = out_dir / name
            if target.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.rename(target)
                done.append(f"restored the earlier result of {name}")
    return done


class Staging:
    """Context manager: a staging folder that replaces ``target`` only on success.

    Usage::

        with Staging(target) as folder:
            ...write files into folder...
            staging.commit(manifest)   # writes manifest.json last, then swaps
    """

    def __init__(self, target: Path):
        self.target = target
        self.folder = target.parent / f".staging-{target.name}-{os.getpid()}"
        self.committed = False

    def __enter__(self) -> Staging:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir()
        return self

    def commit(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (marking the folder complete) and move it into place."""
        files = sorted(p.name for p in self.folder.iterdir())
        write_json(self.folder / MANIFEST, {**manifest, "complete": True, "files": files + [MANIFEST]})
        previous = self.target.parent / f".previous-{self.target.name}-{os.getpid()}"
        if self.target.exists():
            self.target.rename(previous)
        self.folder.rename(self.target)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
        self.committed = True

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.folder, ignore_errors=True)
