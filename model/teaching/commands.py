"""``python run.py explore``, ``teach`` and ``classroom``: their arguments and what they do.

Kept beside the teaching code so that ``model/cli.py`` only registers them (two lines there).

``explore [SCENARIO] [--port N] [--no-browser] [--lang en|de] [--samples N]`` validates the
scenario, then runs ``streamlit run model/teaching/app.py`` bound to 127.0.0.1 with usage
statistics off, waits until it answers, prints the address, and opens the browser (unless
``--no-browser``; where no browser can open, it says so beside the address). Ctrl-C or SIGTERM
stops the server. ``teach [--out DIR] [--lang en|de]`` builds the lessons' HTML copies and the
guide (``model.teaching.build``). ``classroom`` is both for the lecture hall, what the
``nkmodel-classroom`` launcher runs: from the project's folder, the lessons built when missing,
the guide written, the explorer started, both addresses printed and opened.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["add_commands", "run_command", "streamlit_command", "open_browser", "DEFAULT_PORT", "HOST"]

DEFAULT_PORT = 8501
HOST = "127.0.0.1"
APP = Path(__file__).resolve().with_name("app.py")
_START_TIMEOUT = 90.0  # seconds to wait for the server to answer


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1024 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 1024 to 65535, got {value}")
    return value


def _samples(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 64 <= value <= 262_144:
        raise argparse.ArgumentTypeError(f"the explorer runs 64 to 262,144 samples, got {value:,}")
    return value


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name")
    return Path(text)


def _lesson(text: str) -> str:
    """A lesson by its number (1-5) or its notebook's name, as ``--only`` takes it."""
    from .guide import LESSONS

    if text in LESSONS or text.removesuffix(".py") in LESSONS:
        return text.removesuffix(".py")
    if text.strip().isdigit() and 1 <= int(text) <= len(LESSONS):
        return str(int(text))
    from ..inputs.problems import shorten

    raise argparse.ArgumentTypeError(f"'{shorten(text)}' is not a lesson: give a number from 1 to {len(LESSONS)} or a "
                                     f"notebook's name ({', '.join(LESSONS)})")


def add_commands(sub: Any, *, prog: str = "python run.py") -> None:
    """Register ``explore``, ``teach`` and ``classroom`` on the command line's sub-parsers."""
    raw = argparse.RawDescriptionHelpFormatter
    ex = sub.add_parser(
        "explore", help="start the explorer (sliders, fan chart) in the browser, on this computer only",
        formatter_class=raw,
        description="Start the explorer: a page with sliders for the assumptions a class argues about, the fan\n"
        "chart of North Korea's share of Russian fire and the key numbers, recomputed after every move.\n"
        f"The server listens on {HOST} only, with Streamlit's usage statistics off; the address is\n"
        "printed, and opened in the browser when there is one. Ctrl-C stops it. Needs the teach extra.\n\n"
        f"example: {prog} explore nk_cutoff --lang de")
    ex.add_argument("scenario", nargs="?", default="baseline", metavar="SCENARIO",
                    help="scenario file, or the name of one in scenarios/ (default: baseline)")
    ex.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                    help=f"port on {HOST} (1024-65535, default: {DEFAULT_PORT})")
    ex.add_argument("--no-browser", action="store_true", help="do not open a browser; only print the address")
    ex.add_argument("--lang", choices=("en", "de"), default="en", help="language of the page (default: en)")
    ex.add_argument("--samples", type=_samples, default=4096, metavar="N",
                    help="futures kept in memory (64 to 262,144; default: 4096)")
    te = sub.add_parser(
        "teach", help="run the lesson notebooks and write their HTML copies and the lecturer's guide",
        formatter_class=raw,
        description="Run the five lesson notebooks (notebooks/) top to bottom and write their offline HTML\n"
        "copies, the executed notebooks and the lecturer's guide (guide.html) into the output folder.\n"
        "Needs the teach extra.\n\n"
        f"example: {prog} teach --lang de --only 1 5")
    te.add_argument("--out", type=_folder, default=Path("results") / "teaching", metavar="DIR",
                    help="output folder (default: results/teaching/)")
    te.add_argument("--lang", choices=("en", "de"), default="en", help="language of the lessons (default: en)")
    te.add_argument("--only", nargs="+", metavar="LESSON", default=(), type=_lesson,
                    help="only these lessons (numbers 1-5 or notebook names)")
    te.add_argument("--samples", type=_samples, metavar="N", help="futures per lesson (default: the notebooks' 4096)")
    te.add_argument("--show-code", action="store_true", help="show the notebooks' code in the HTML copies")
    cl = sub.add_parser(
        "classroom", help="the lessons' guide and the explorer at once, in the browser (the nkmodel-classroom launcher)",
        formatter_class=raw,
        description="For the lecture hall, without typing: what the nkmodel-classroom launcher the install puts\n"
        "beside this Python runs when double-clicked. From the project's folder (found by itself), it builds\n"
        "the lessons if they are missing (or in another language), writes the guide, starts the explorer on\n"
        f"{HOST}, prints both addresses and opens them in the browser. Ctrl-C or closing the window stops it.\n\n"
        f"example: {prog} classroom --lang de")
    cl.add_argument("scenario", nargs="?", default="baseline", metavar="SCENARIO",
                    help="the explorer's scenario, a file or a name in scenarios/ (default: baseline)")
    cl.add_argument("--lang", choices=("en", "de"), default=None,
                    help="language of the lessons, guide and explorer (default: German where the system's "
                    "language is German, else English)")
    cl.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                    help=f"the explorer's port on {HOST} (default: {DEFAULT_PORT})")
    cl.add_argument("--out", type=_folder, default=Path("results") / "teaching", metavar="DIR",
                    help="the lessons' folder in the project (default: results/teaching/)")
    cl.add_argument("--rebuild", action="store_true", help="build the lessons again even when they are there")
    cl.add_argument("--no-browser", action="store_true", help="do not open a browser; only print the addresses")
    cl.add_argument("--samples", type=_samples, default=4096, metavar="N",
                    help="futures the explorer keeps in memory (64 to 262,144; default: 4096)")


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _scenario_file(name: str) -> Path:
    """A scenario file as given, else ``scenarios/<name>.yaml`` here, above, or in the project's checkout."""
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    from .lessons import find_scenario

    try:
        return find_scenario(name)
    except FileNotFoundError:
        return Path("scenarios") / f"{name}.yaml"


def streamlit_command(scenario: Path, *, port: int, lang: str, samples: int) -> list[str]:
    """The ``streamlit run`` command line: local address only, no usage statistics, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", HOST, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--browser.serverAddress", HOST,
            "--server.fileWatcherType", "none", "--server.runOnSave", "false", "--global.developmentMode", "false",
            "--client.toolbarMode", "minimal", "--theme.base", "light",
            "--", "--scenario", str(scenario), "--lang", lang, "--samples", str(samples)]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def open_browser(url: str) -> bool:
    """Open ``url`` in this computer's browser; False where none opens (no display, no browser, an error).
    Without a display on Linux nothing is tried: a text browser would take over the terminal."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        import webbrowser

        return bool(webbrowser.open(url))
    except Exception:  # a broken browser setting must not stop the explorer
        return False


def _show(url: str, no_browser: bool) -> None:
    """Open ``url`` unless told not to; say so when no browser opened."""
    if no_browser:
        return
    if not open_browser(url):
        print(f"no browser opened here: open {url} in a browser on this computer", flush=True)


@contextlib.contextmanager
def _port_held(port: int) -> Iterator[bool]:
    """Hold this port for one explorer (an advisory lock, released when the process ends): two
    explorers started at once on one port would both find it free, and the loser's server would
    fail while the winner's answered in its name. Yields False when another explorer holds it."""
    import fcntl
    import tempfile

    path = Path(tempfile.gettempdir()) / f"nkmodel-explore-{port}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:  # another user's lock file: the port checks below still hold
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _served_by(port: int, pid: int) -> bool:
    """Whether the socket listening on ``HOST:port`` is ``pid``'s (Linux, from /proc; True where
    that cannot be told): the address must answer for this explorer, not for another program."""
    try:
        table = Path("/proc/net/tcp").read_text().splitlines()[1:]
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return True
    sockets = set()
    for fd in fds:
        with contextlib.suppress(OSError):  # closed meanwhile
            sockets.add(os.readlink(fd))
    local = f"0100007F:{port:04X}"  # 127.0.0.1, little-endian, as /proc writes it
    listening = {f"socket:[{row.split()[9]}]" for row in table if row.split()[1] == local and row.split()[3] == "0A"}
    return bool(listening & sockets)


def _checked_scenario(name: str) -> tuple[Path, str] | int:
    """The scenario file and its name, validated (warnings printed); or the exit status of a refusal."""
    from ..inputs.registry import load_registry
    from ..inputs.validation import validate_files

    try:
        import streamlit  # noqa: F401
    except ImportError:
        _err("the explorer needs Streamlit: pip install -e '.[teach]'")
        return 2
    from ..inputs.problems import shorten
    from ..inputs.safe_yaml import file_problem

    path = _scenario_file(name)
    why = file_problem(path, kind="scenario file")
    if why is not None:
        _err(f"{shorten(str(path))}: {why}")
        return 2
    resolved, problems = validate_files([path], load_registry())
    if problems:
        for problem in problems:
            _err(str(problem))
        return 2
    for warning in resolved[0].warnings:
        _err(str(warning))
    return path, resolved[0].scenario.name


def _start_server(path: Path, *, port: int, lang: str, samples: int) -> subprocess.Popen[Any] | int:
    """The explorer's server, answering on ``port``; or the exit status when it cannot start."""
    if not _port_free(port):
        _err(f"port {port} on {HOST} is in use; choose another with --port N")
        return 2
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", STREAMLIT_SERVER_HEADLESS="true")
    proc = subprocess.Popen(streamlit_command(path.resolve(), port=port, lang=lang, samples=samples), env=env)
    deadline = time.monotonic() + _START_TIMEOUT
    try:
        while not (_answers(port) and _served_by(port, proc.pid)):
            if proc.poll() is not None:
                _err(f"the explorer stopped before it answered (exit status {proc.returncode})")
                return 1
            if time.monotonic() > deadline:
                _err(f"the explorer did not answer at http://{HOST}:{port} within {_START_TIMEOUT:.0f} s")
                _stop(proc)
                return 1
            time.sleep(0.2)
    except BaseException:
        _stop(proc)
        raise
    return proc


def _serve(proc: subprocess.Popen[Any]) -> int:
    """Wait for the server until it ends or Ctrl-C / SIGTERM stops it."""
    try:
        return proc.wait() or 0
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (cli raises Terminated, a KeyboardInterrupt)
        _err("explorer stopped")
        return 143 if type(exc).__name__ == "Terminated" else 0
    finally:
        _stop(proc)


def _explore(args: argparse.Namespace) -> int:
    checked = _checked_scenario(args.scenario)
    if isinstance(checked, int):
        return checked
    path, name = checked
    with _port_held(args.port) as held:
        if not held:
            _err(f"port {args.port} on {HOST} is in use; choose another with --port N")
            return 2
        return _explore_on(args, path, name)


def _explore_on(args: argparse.Namespace, path: Path, name: str) -> int:
    proc = _start_server(path, port=args.port, lang=args.lang, samples=args.samples)
    if isinstance(proc, int):
        return proc
    url = f"http://{HOST}:{args.port}"
    try:  # the address first, whatever happens with the browser
        print(f"explorer: {url} ({name}, {args.lang}); stop it with Ctrl-C", flush=True)
        _show(url, args.no_browser)
    except BaseException:
        _stop(proc)
        raise
    return _serve(proc)


def _project_root() -> Path | None:
    """The project's folder (``scenarios/`` and ``notebooks/``): here, or the checkout of this package."""
    from .build import PROJECT_ROOT

    for base in (Path.cwd(), PROJECT_ROOT):
        if (base / "scenarios").is_dir() and (base / "notebooks").is_dir():
            return base
    return None


def _default_lang() -> str:
    """German when the environment asks for it (LANGUAGE, LC_ALL, LANG), else English."""
    for var in ("LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def _lessons_current(out: Path, lang: str) -> bool:
    """Whether every lesson's page is in ``out``, in ``lang``."""
    from .guide import LESSONS

    pages = [out / f"{stem}.html" for stem in LESSONS]
    return all(p.is_file() and f'<html lang="{lang}"' in p.read_text(encoding="utf-8", errors="replace")[:2000]
               for p in pages)


def _classroom(args: argparse.Namespace) -> int:
    """The lessons' guide and the explorer together: what the ``nkmodel-classroom`` launcher runs."""
    from .guide import write_guide

    root = _project_root()
    if root is None:
        _err("the classroom needs the project's folder (with scenarios/ and notebooks/): start it there, or "
             "install the project with pip install -e '.[teach]' from its folder")
        return 2
    os.chdir(root)
    lang = args.lang or _default_lang()
    out = Path(args.out)
    checked = _checked_scenario(args.scenario)
    if isinstance(checked, int):
        return checked
    if args.rebuild or not _lessons_current(out, lang):
        print(f"building the lessons in {out}/ ({lang}; a minute or so, once)", flush=True)
        status = _teach(argparse.Namespace(out=out, lang=lang, samples=None, show_code=False, only=()))
        if status:
            return status
    guide = write_guide(out, lang).resolve()
    path, name = checked
    with _port_held(args.port) as held:
        if not held:
            _err(f"port {args.port} on {HOST} is in use; choose another with --port N")
            return 2
        return _classroom_on(args, path, name, guide, lang)


def _classroom_on(args: argparse.Namespace, path: Path, name: str, guide: Path, lang: str) -> int:
    proc = _start_server(path, port=args.port, lang=lang, samples=args.samples)
    if isinstance(proc, int):
        return proc
    url = f"http://{HOST}:{args.port}"
    try:
        print(f"lessons and guide: {guide.as_uri()}", flush=True)
        print(f"explorer: {url} ({name}, {lang}); stop both with Ctrl-C or by closing this window", flush=True)
        _show(guide.as_uri(), args.no_browser)
        _show(url, args.no_browser)
    except BaseException:
        _stop(proc)
        raise
    return _serve(proc)


def _teach(args: argparse.Namespace) -> int:
    from .build import TeachError, build_teaching

    start = time.perf_counter()
    try:
        pages = build_teaching(args.out, lang=args.lang, samples=args.samples, show_code=args.show_code,
                               only=args.only, log=print)
    except TeachError as exc:
        _err(str(exc))
        return 2 if "not installed" in str(exc) or "not found" in str(exc) else 1
    total = time.perf_counter() - start
    print(f"{len(pages)} lesson(s) in {total:.1f} s; open {Path(args.out) / 'guide.html'}")
    return 0


def run_command(args: argparse.Namespace) -> int:
    """Run ``explore``, ``teach`` or ``classroom``; the exit status."""
    return {"explore": _explore, "teach": _teach, "classroom": _classroom}[args.command](args)
