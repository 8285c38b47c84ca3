"""Results folders that are either complete or absent, never half-written.

A run holds a lock on the results folder (``.lock``, an advisory ``flock``), so a second run
on the same folder refuses at once with a clear message instead of interleaving with the first.
It writes each scenario into a hidden staging folder next to the target
(``.staging-<name>-<pid>``) and writes ``manifest.json`` last, listing every file with its size
and SHA-256. Only then is the old folder moved aside and the new one renamed into place (two
renames on one filesystem); the old one is deleted after. If the process dies at any point, the
previous good result is either still in place or, in the instant between the two renames, kept
as ``.previous-<name>-<pid>`` and put back by :func:`recover` on the next run. A folder counts as
complete only when its manifest says so *and* every file it lists is there with its size and
content hash, and as current only when the manifest's scenario hash and code version also match
the run about to start. A worker process whose batch has died (its parent is gone) never commits.
A folder is replaced only when this tool wrote it (:func:`in_the_way`): a user's file or folder
where a result goes is left as it is and reported.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .._version import __version__

__all__ = ["Staging", "ResultsLock", "ResultsBusy", "ResultsUnwritable", "Orphaned", "FolderInTheWay", "ADDED_LATER",
           "recover", "is_current", "read_manifest", "in_the_way", "check_writable", "code_version", "file_sha256",
           "safe_target", "write_json", "write_text_atomic", "guard_parent"]

MANIFEST = "manifest.json"
LOCK = ".lock"
#: Files another command of this tool adds to a scenario's results folder later (``run.py hindcast``,
#: ``model/hindcast.py``), and the prefix of the temporary folder it writes them in.
ADDED_LATER = frozenset({"hindcast.json", "hindcast.png", "hindcast.svg"})
ADDED_LATER_TEMP = ".hindcast-"
#: What a file browser leaves in any folder it shows (macOS Finder, Windows Explorer): not a user's work.
BROWSER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

# Set in worker processes: the pid of the batch that started them (see guard_parent).
_PARENT_PID: int | None = None


class ResultsBusy(RuntimeError):
    """Another live run holds the results folder."""


class ResultsUnwritable(RuntimeError):
    """Nothing can be written in the results folder (read-only, no permission): found before a run
    computes what it could not keep."""


class Orphaned(RuntimeError):
    """This worker's batch has died: it must not commit anything."""


class FolderInTheWay(FileExistsError):
    """Something this tool did not write is where a result goes: it is left alone, the result not written."""

    def __init__(self, path: Path, reason: str):
        super().__init__(errno.EEXIST, reason, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def guard_parent(pid: int) -> None:
    """Make every later :meth:`Staging.commit` in this process refuse once ``pid`` is no longer
    its parent (the batch was killed and this worker was left behind)."""
    global _PARENT_PID
    _PARENT_PID = pid


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename, with the permissions of a new file (the umask).

    On any error (a full disk) the temporary file is removed, the old file is untouched, and
    the ``OSError`` names ``path``.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in pieces (a results file can be tens of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when missing, unreadable, incomplete, or when any file it
    lists is missing or differs from when it was written: another size, or (a manifest written
    since hashes are recorded) another SHA-256, so an edit that keeps a file's size is seen too."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and data.get("complete") is True):
        return None
    sizes = data.get("file_sizes")
    if not isinstance(sizes, dict):
        return None
    for name, size in sizes.items():
        try:
            if (folder / name).stat().st_size != size:
                return None
        except OSError:
            return None
    hashes = data.get("file_sha256")
    if hashes is None:  # written before hashes were recorded: sizes only (its code version is not current)
        return data
    if not isinstance(hashes, dict) or set(hashes) != set(sizes):
        return None
    for name, expected in hashes.items():
        try:
            if file_sha256(folder / name) != expected:
                return None
        except OSError:
            return None
    return data


def _written_by_us(folder: Path) -> set[str] | None:
    """The files a results manifest in ``folder`` lists (the manifest included), or None when the
    folder holds no manifest of this tool (complete or not: a result with a file deleted or edited
    is still ours to replace)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and data.get("complete") is True and isinstance(data.get("files"), list)):
        return None
    return {str(name) for name in data["files"]} | {MANIFEST}


def check_writable(out_dir: Path) -> None:
    """Raise :class:`ResultsUnwritable` naming ``out_dir`` when nothing can be made in it (an empty
    hidden folder is made and removed again: the same operation a result's staging starts with)."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".write-test-", dir=out_dir))
    except OSError as exc:
        raise ResultsUnwritable(f"{out_dir}/ cannot be written ({exc.strerror or exc}); nothing was run: give "
                                "the run a folder it can write with --out DIR") from None


def in_the_way(target: Path) -> str | None:
    """Why a result may not be written at ``target`` (None: it may).

    A run replaces its results folder whole, so it may replace only what this tool wrote: nothing,
    an empty folder, a folder whose manifest says this tool wrote it (with no file it did not
    list, other than what ``run.py hindcast`` adds), or a folder holding only a hindcast's files.
    A user's file or folder, or a whole results tree written earlier with ``--out`` there, is left
    as it is.
    """
    if not os.path.lexists(target):
        return None
    if target.is_symlink() or not target.is_dir():
        return "exists and is not a results folder; move it away first (nothing was written there)"
    try:
        names = {p.name for p in target.iterdir()}
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc}); nothing was written there"
    ours = _written_by_us(target)
    hindcast = {n for n in names if n in ADDED_LATER or n.startswith(ADDED_LATER_TEMP)}
    names -= {n for n in names if n in BROWSER_LITTER or n.startswith("._")}  # ._x: macOS metadata of x
    if ours is None:
        if names <= hindcast:
            return None  # empty, or a hindcast written before the scenario's first run
        return ("is a folder this tool did not write (it holds no results manifest.json); a run replaces the "
                "whole folder, so it is left as it is: move it away, or give the run another --out")
    extra = sorted(names - ours - hindcast)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        return (f"holds files this tool did not write ({shown}); a run replaces the whole folder, so it is left "
                "as it is: move them away first")
    return None


def is_current(folder: Path, scenario_hash: str, lang: str = "en", figures: str = "headline") -> bool:
    """True when ``folder`` holds a complete result of this scenario hash and this code, written in
    ``lang`` with the charts ``figures`` asks for (a manifest without a language is English, without
    a figure set the headline charts): German reports are not current for an English request, nor a
    result with the headline charts for a request of every chart."""
    manifest = read_manifest(folder)
    return bool(manifest and manifest.get("scenario_hash") == scenario_hash
                and manifest.get("code_version") == code_version() and manifest.get("lang", "en") == lang
                and manifest.get("figures", "headline") == figures)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str) -> int | None:
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def recover(out_dir: Path) -> list[str]:
    """Clean up after interrupted runs; returns what was done, one line each.

    A staging folder whose process is still alive (a worker finishing) is left alone.
    """
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for entry in sorted(out_dir.iterdir()):
        pid = _owner_pid(entry.name)
        if entry.name.startswith(".staging-") and entry.is_dir():
            if pid is not None and pid != os.getpid() and _pid_alive(pid):
                continue
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


class ResultsLock:
    """Exclusive hold on a results folder for one batch (an advisory ``flock`` on ``.lock``).

    A second run on the same folder gets :class:`ResultsBusy` at once; the lock goes with the
    process, so a killed run never leaves a stale lock behind.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / LOCK
        self._fd: int | None = None

    def __enter__(self) -> ResultsLock:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
            try:  # a read-only folder: flock needs no write access; a run with nothing to do still works
                fd = os.open(self.path, os.O_RDONLY)
            except OSError:
                return self  # nothing can be written here either, so nothing can interleave
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise ResultsBusy(f"{self.out_dir}/ is being written by another run (process {holder}); "
                                  "wait for it to finish, or give this run its own folder with --out DIR") from None
            raise
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # read-only: the lock still holds, only the holder's pid is not shown
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


class Staging:
    """Context manager: a staging folder that replaces ``target`` only on success.

    Usage::

        with Staging(target) as staging:
            ...write files into staging.folder...
            staging.commit(manifest)   # writes manifest.json last, then swaps
    """

    def __init__(self, target: Path):
        self.target = target
        self.folder = target.parent / f".staging-{target.name}-{os.getpid()}"
        self.committed = False

    def __enter__(self) -> Staging:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        reason = in_the_way(self.target)
        if reason is not None:
            raise FolderInTheWay(self.target, reason)
        try:
            if self.folder.exists():
                shutil.rmtree(self.folder)
            self.folder.mkdir()
        except OSError as exc:
            raise self._named(exc) from None
        return self

    def _named(self, exc: OSError) -> OSError:
        """``exc`` naming the result's path where it named the hidden staging folder or no file
        at all (a full disk fails a write, whose error names none): a message names the output."""
        name = exc.filename if isinstance(exc.filename, str) else None
        staging = str(self.folder)
        if name is not None and not name.startswith(staging):
            return exc
        shown = str(self.target) + (name[len(staging):] if name is not None else "")
        return OSError(exc.errno, exc.strerror or str(exc), shown)

    def commit(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (marking the folder complete) and move it into place."""
        if _PARENT_PID is not None and os.getppid() != _PARENT_PID:
            raise Orphaned("the batch that started this worker has died; nothing is committed")
        files = [p for p in sorted(self.folder.iterdir()) if p.is_file()]
        sizes = {p.name: p.stat().st_size for p in files}
        write_json(self.folder / MANIFEST, {**manifest, "complete": True, "files": [*sizes, MANIFEST],
                                            "file_sizes": sizes, "file_sha256": {p.name: file_sha256(p) for p in files}})
        reason = in_the_way(self.target)  # again: a user may have put something there meanwhile
        if reason is not None:
            raise FolderInTheWay(self.target, reason)
        previous = self.target.parent / f".previous-{self.target.name}-{os.getpid()}"
        if self.target.exists():
            self.target.rename(previous)
        self.folder.rename(self.target)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
        self.committed = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if not self.committed:
            shutil.rmtree(self.folder, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, FolderInTheWay):
            named = self._named(exc)
            if named is not exc:
                raise named from None
