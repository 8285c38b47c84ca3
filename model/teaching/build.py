"""``python run.py teach``: the lesson notebooks as HTML pages a student opens offline, and the guide.

Each ``notebooks/NN_*.py`` (jupytext ``py:percent``, the form kept in git) is read with jupytext,
its ``LANG`` parameter set, executed top to bottom by nbclient in an ipykernel (working folder:
the project, so ``scenarios/`` is found), and written twice into the output folder: the executed
notebook (``NN_*.ipynb``, to open in Jupyter) and an HTML copy (``NN_*.html``) made by nbconvert
with the code and the prompts hidden and every script it would fetch from a CDN (require.js,
MathJax, Mermaid, the widget manager) taken out: the page holds its images and styles and asks
no server for anything. ``guide.html`` (:mod:`model.teaching.guide`) links them.

Needs the ``teach`` extra (``pip install -e '.[teach]'``): jupytext, nbclient, ipykernel, nbconvert.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..presentation.texts import check_lang, text
from .guide import LESSONS, write_guide

__all__ = ["LessonPage", "TeachError", "build_teaching", "notebook_paths", "execute_notebook", "notebook_html",
           "NOTEBOOK_TIMEOUT"]

NOTEBOOK_TIMEOUT = 300  # seconds a cell may take before the build gives up (each lesson takes a few)
_TEMPLATE_DIR = Path(__file__).resolve().with_name("templates")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class TeachError(RuntimeError):
    """A lesson could not be built (missing tools, a missing notebook, a failing cell)."""


@dataclass(frozen=True)
class LessonPage:
    stem: str
    html: Path
    notebook: Path
    seconds: float  # execution time of the notebook (kernel start included)


def notebook_paths(folder: str | Path | None = None) -> list[Path]:
    """The lesson notebooks in order (``notebooks/<stem>.py`` for each stem in ``guide.LESSONS``)."""
    base = Path(folder) if folder is not None else _notebooks_folder()
    paths = [base / f"{stem}.py" for stem in LESSONS]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise TeachError(f"lesson notebook(s) not found: {', '.join(str(p) for p in missing)}")
    return paths


def _notebooks_folder() -> Path:
    for base in (Path.cwd(), PROJECT_ROOT):
        if (base / "notebooks").is_dir():
            return base / "notebooks"
    return PROJECT_ROOT / "notebooks"


def _tools() -> tuple[object, object, object]:
    try:
        import jupytext
        import nbclient
        import nbconvert
    except ImportError as exc:
        raise TeachError(f"the teaching tools are not installed ({exc.name}); install them with "
                         "pip install -e '.[teach]'") from None
    return jupytext, nbclient, nbconvert


def _set_parameters(nb: object, lang: str, samples: int | None) -> None:
    """Write the lesson's parameters into its cell tagged ``parameters``."""
    for cell in nb.cells:  # type: ignore[attr-defined]
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            lines = [ln for ln in cell.source.splitlines() if not ln.startswith(("LANG =", "SAMPLES ="))]
            lines.append(f"LANG = {lang!r}")
            if samples is not None:
                lines.append(f"SAMPLES = {int(samples)}")
            else:
                lines += [ln for ln in cell.source.splitlines() if ln.startswith("SAMPLES =")]
            cell.source = "\n".join(lines)
            return
    raise TeachError("the notebook has no cell tagged 'parameters' (with LANG = ...)")


def execute_notebook(path: str | Path, *, lang: str = "en", samples: int | None = None,
                     cwd: str | Path | None = None, timeout: int = NOTEBOOK_TIMEOUT) -> tuple[object, float]:
    """Read a jupytext lesson, set its parameters, run it top to bottom; (notebook, seconds)."""
    jupytext, nbclient, _ = _tools()
    nb = jupytext.read(str(path))  # type: ignore[attr-defined]
    _set_parameters(nb, check_lang(lang), samples)
    nb.metadata["language_info"] = {"name": "python"}
    number = LESSONS.index(Path(path).stem) + 1 if Path(path).stem in LESSONS else None
    if number is not None:
        nb.metadata["title"] = text("teach.lesson_file", lang, number=number, title=text(f"lesson{number}.short", lang))
    client = nbclient.NotebookClient(  # type: ignore[attr-defined]
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(cwd if cwd is not None else PROJECT_ROOT)}})
    start = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's start-up chatter; cell errors come as messages
    except Exception as exc:  # nbclient's CellExecutionError carries the cell's traceback
        raise TeachError(f"{path}: a cell failed:\n{exc}") from None
    return nb, time.perf_counter() - start


def notebook_html(nb: object, *, lang: str = "en", show_code: bool = False) -> str:
    """An executed notebook as one offline HTML page (no prompts; code hidden unless ``show_code``)."""
    _, _, nbconvert = _tools()
    exporter = nbconvert.HTMLExporter(  # type: ignore[attr-defined]
        template_name="lab", template_file="offline.html.j2", extra_template_paths=[str(_TEMPLATE_DIR)],
        exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
        language_code=lang, require_js_url="", mathjax_url="", mermaid_js_url="", jquery_url="",
        jupyter_widgets_base_url="", widget_renderer_url="")
    body, _ = exporter.from_notebook_node(nb)
    return body


def build_teaching(out_dir: str | Path = Path("results") / "teaching", *, lang: str = "en",
                   samples: int | None = None, show_code: bool = False, only: Sequence[str] = (),
                   notebooks: str | Path | None = None,
                   log: Callable[[str], None] | None = None) -> list[LessonPage]:
    """Execute every lesson and write ``out_dir/<stem>.html`` and ``.ipynb``, then ``guide.html``.

    ``only``: stems (or numbers, ``"1"``) of the lessons to build; all by default.
    """
    import nbformat

    check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = notebook_paths(notebooks)
    if only:
        wanted = {str(o) for o in only}
        unknown = wanted - {p.stem for p in paths} - {str(i) for i in range(1, len(paths) + 1)}
        if unknown:  # building nothing and saying "0 lessons" would look like success
            raise TeachError(f"lesson(s) not found: {', '.join(sorted(unknown))} (numbers 1-{len(paths)} or "
                             f"{', '.join(p.stem for p in paths)})")
        paths = [p for i, p in enumerate(paths, start=1) if p.stem in wanted or str(i) in wanted]
    pages = []
    from ..storage.results_folder import write_text_atomic

    for path in paths:
        nb, seconds = execute_notebook(path, lang=lang, samples=samples, cwd=path.parent.parent)
        html_path, nb_path = out / f"{path.stem}.html", out / f"{path.stem}.ipynb"
        write_text_atomic(html_path, notebook_html(nb, lang=lang, show_code=show_code))
        write_text_atomic(nb_path, nbformat.writes(nb))  # type: ignore[arg-type]
        pages.append(LessonPage(path.stem, html_path, nb_path, seconds))
        if log is not None:
            log(f"{html_path}: {seconds:.1f} s")
    guide = write_guide(out, lang)
    if log is not None:
        log(f"{guide}: the lecturer's guide")
    return pages
