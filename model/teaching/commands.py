"""``python run.py explore`` and ``python run.py teach``: their arguments and what they do.

Kept beside the teaching code so that ``model/cli.py`` only registers them (two lines there).

``explore [SCENARIO] [--port N] [--no-browser] [--lang en|de] [--samples N]`` validates the
scenario, then runs ``streamlit run model/teaching/app.py`` bound to 127.0.0.1 with usage
statistics off, waits until it answers, prints the address and opens the browser (unless
``--no-browser``). Ctrl-C or SIGTERM stops the server. ``teach [--out DIR] [--lang en|de]``
builds the lessons' HTML copies and the guide (``model.teaching.build``).
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

__all__ = ["add_commands", "run_command", "streamlit_command", "DEFAULT_PORT", "HOST"]

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


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name")
    return Path(text)


def add_commands(sub: Any) -> None:
    """Register ``explore`` and ``teach`` on the command line's sub-parsers."""
    ex = sub.add_parser("explore", help="start the explorer (sliders, fan chart) in the browser, on this computer only")
    ex.add_argument("scenario", nargs="?", default="baseline",
                    help="scenario file or name in scenarios/ (default: baseline)")
    ex.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default: {DEFAULT_PORT})")
    ex.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address")
    ex.add_argument("--lang", choices=("en", "de"), default="en", help="language of the page (default: en)")
    ex.add_argument("--samples", type=_samples, default=4096, help="futures kept in memory (default: 4096)")
    te = sub.add_parser("teach", help="run the lesson notebooks and write their HTML copies and the lecturer's guide")
    te.add_argument("--out", type=_folder, default=Path("results") / "teaching",
                    help="output folder (default: results/teaching/)")
    te.add_argument("--lang", choices=("en", "de"), default="en", help="language of the lessons (default: en)")
    te.add_argument("--only", nargs="+", metavar="LESSON", default=(), type=_lesson,
                    help="only these lessons (numbers 1-5 or notebook names)")
    te.add_argument("--samples", type=_samples, help="futures per lesson (default: the notebooks' 4096)")
    te.add_argument("--show-code", action="store_true", help="show the notebooks' code in the HTML copies")


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


def _explore(args: argparse.Namespace) -> int:
    from ..inputs.registry import load_registry
    from ..inputs.validation import validate_files

    try:
        import streamlit  # noqa: F401
    except ImportError:
        _err("the explorer needs Streamlit: pip install -e '.[teach]'")
        return 2
    from ..inputs.problems import shorten
    from ..inputs.safe_yaml import file_problem

    path = _scenario_file(args.scenario)
    why = file_problem(path, kind="scenario file")
    if why is not None:
        _err(f"{shorten(str(path))}: {why}")
        return 2
    resolved, problems = validate_files([path], load_registry())
    if problems:
        for problem in problems:
            _err(str(problem))
        return 2
    with _port_held(args.port) as held:
        if not held or not _port_free(args.port):
            _err(f"port {args.port} on {HOST} is in use; choose another with --port N")
            return 2
        return _serve(args, path, resolved[0].scenario.name)


def _serve(args: argparse.Namespace, path: Path, name: str) -> int:
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", STREAMLIT_SERVER_HEADLESS="true")
    proc = subprocess.Popen(streamlit_command(path.resolve(), port=args.port, lang=args.lang, samples=args.samples),
                            env=env)
    url = f"http://{HOST}:{args.port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not (_answers(args.port) and _served_by(args.port, proc.pid)):
            if proc.poll() is not None:
                _err(f"the explorer stopped before it answered (exit status {proc.returncode})")
                return 1
            if time.monotonic() > deadline:
                _err(f"the explorer did not answer at {url} within {_START_TIMEOUT:.0f} s")
                return 1
            time.sleep(0.2)
        print(f"explorer: {url} ({name}, {args.lang}); stop it with Ctrl-C", flush=True)
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)
        return proc.wait() or 0
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (cli raises Terminated, a KeyboardInterrupt)
        _err("explorer stopped")
        return 143 if type(exc).__name__ == "Terminated" else 0
    finally:
        _stop(proc)


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
    """Run ``explore`` or ``teach``; the exit status."""
    return _explore(args) if args.command == "explore" else _teach(args)
