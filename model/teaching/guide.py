"""The lecturer's guide: a 90-minute walk-through and the glossary, as an HTML page and as Markdown.

The words are the catalogue's (``guide.*``, ``glossary.*`` in ``model/presentation/texts.yaml``),
so the page (``results/teaching/guide.html``, written by ``python run.py teach`` and, when it is
missing, by the batch next to ``results/index.html``) and the README's "Teaching with it" section
(:func:`guide_markdown`) say the same in both languages. The page links each lesson's HTML copy
that exists beside it; it needs no file, script or font from anywhere else. Its first box says
how to start the lessons and the explorer on this computer without typing: the ``nkmodel-classroom``
launcher the install put beside this Python, or the one command to copy (:func:`start_command`).
"""

from __future__ import annotations

import html
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from ..presentation.texts import check_lang, text

__all__ = ["LESSONS", "GLOSSARY", "GUIDE_FILE", "LAUNCHER", "render_guide", "write_guide", "ensure_guide",
           "guide_markdown", "markdown_to_html", "launcher_path", "start_command"]

# The lesson notebooks (notebooks/<stem>.py) in order; lesson n's texts are under lesson<n>.
LESSONS: tuple[str, ...] = ("01_estimate_and_claimant", "02_ranges_to_futures", "03_when_figures_disagree",
                            "04_which_figures_matter", "05_cutoff")
GLOSSARY: tuple[str, ...] = ("shell", "calibre", "dud_rate", "stockpile", "monte_carlo", "quantile", "interval",
                             "calibration", "effective_sample_size", "sobol_index", "scenario_discovery",
                             "tornado_chart")
STEPS = 7
GUIDE_FILE = "guide.html"
LAUNCHER = "nkmodel-classroom"  # the console script pyproject.toml declares: lessons, guide and explorer at once

_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
       max-width: 58em; margin: 0 auto; padding: 1.5em 1.5em 3em; }
h1 { font-size: 1.7em; line-height: 1.25; margin: 0.2em 0 0.5em; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { text-align: left; vertical-align: top; padding: 0.4em 0.6em; border-bottom: 1px solid #e3e3e3; }
th { background: #f4f4f4; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
code { background: #f2f2f2; padding: 0.05em 0.3em; border-radius: 3px; font-size: 0.92em; }
.muted { color: #555; }
.start { border-left: 4px solid #0072B2; background: #f0f6fb; padding: 0.3em 1em; margin: 1em 0; }
footer { margin-top: 2.5em; color: #555; font-size: 0.92em; }
"""


def _inline(escaped: str) -> str:
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"<em>\1</em>", escaped)


def markdown_to_html(source: str) -> str:
    """The little Markdown the catalogue uses: paragraphs, ``-`` and ``1.`` lists, code, bold, italics."""
    out: list[str] = []
    kind: str | None = None
    for line in source.splitlines():
        stripped = line.strip()
        bullet = re.match(r"^- (.*)$", stripped)
        numbered = re.match(r"^\d+\. (.*)$", stripped)
        want = "ul" if bullet else ("ol" if numbered else None)
        if kind and want != kind:
            out.append(f"</{kind}>")
            kind = None
        if want:
            if kind is None:
                out.append(f"<{want}>")
                kind = want
            item = (bullet or numbered).group(1)  # type: ignore[union-attr]
            out.append(f"<li>{_inline(html.escape(item))}</li>")
        elif stripped:
            out.append(f"<p>{_inline(html.escape(stripped))}</p>")
    if kind:
        out.append(f"</{kind}>")
    return "\n".join(out)


def launcher_path() -> Path:
    """Where the install put the ``nkmodel-classroom`` launcher: beside this Python (``.venv/bin``,
    on Windows ``.venv\\Scripts\\nkmodel-classroom.exe``)."""
    return Path(sys.executable).with_name(LAUNCHER + (".exe" if os.name == "nt" else ""))


def start_command(lang: str = "en") -> str:
    """The one command that starts the lessons' guide and the explorer here, from any folder."""
    words = [str(Path(sys.executable)), "-m", "model", "classroom", "--lang", lang]
    return subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)


def render_guide(lang: str = "en", *, folder: str | Path | None = None) -> str:
    """The guide page in ``lang``; lessons whose ``<stem>.html`` exists in ``folder`` are linked."""
    check_lang(lang)

    def t(key: str, **fields: object) -> str:
        return text(key, lang, **fields)

    def e(key: str, **fields: object) -> str:
        return html.escape(t(key, **fields))

    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{e('guide.title')}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
             f"<header><h1>{e('guide.title')}</h1>\n{markdown_to_html(t('guide.intro'))}</header>\n<main>\n",
             f"<div class='start'><h2>{e('guide.start_heading')}</h2>\n"
             f"{markdown_to_html(t('guide.start', launcher=launcher_path(), command=start_command(lang)))}</div>\n",
             f"<h2>{e('guide.before_heading')}</h2>\n{markdown_to_html(t('guide.before'))}\n",
             f"<h2>{e('guide.plan_heading')}</h2>\n<table>\n<thead><tr><th>{e('guide.time')}</th>"
             f"<th>{e('guide.what')}</th></tr></thead>\n<tbody>\n"]
    for i in range(1, STEPS + 1):
        parts.append(f"<tr><td class='time'>{e(f'guide.step{i}.time')}</td><td><strong>{e(f'guide.step{i}.title')}"
                     f"</strong><br>{_inline(html.escape(t(f'guide.step{i}.text')))}</td></tr>\n")
    parts.append("</tbody>\n</table>\n")
    parts.append(f"<h2>{e('guide.lessons_heading')}</h2>\n<ol>\n")
    here = Path(folder) if folder is not None else None
    for n, stem in enumerate(LESSONS, start=1):
        name = e("teach.lesson_file", number=n, title=t(f"lesson{n}.short"))
        if here is not None and (here / f"{stem}.html").is_file():
            parts.append(f'<li><a href="{html.escape(stem)}.html">{name}</a> '
                         f"<span class='muted'>({e(f'lesson{n}.minutes')} min)</span></li>\n")
        else:
            parts.append(f"<li>{name} <span class='muted'>{e('teach.missing_lesson')}</span></li>\n")
    parts.append("</ol>\n")
    parts.append(f"<h2>{e('guide.explorer_heading')}</h2>\n{markdown_to_html(t('guide.explorer'))}\n")
    first, second = (lang, "de" if lang == "en" else "en")
    parts.append(f"<h2>{e('guide.glossary_heading')}</h2>\n<p class='muted'>{e('guide.both_languages')}</p>\n"
                 f"<table>\n<thead><tr><th lang='{first}'>{html.escape(text(f'lang.{first}', first))}</th>"
                 f"<th lang='{second}'>{html.escape(text(f'lang.{second}', second))}</th></tr></thead>\n<tbody>\n")
    for term in GLOSSARY:
        cells = "".join(f"<td lang='{lg}'><strong>{html.escape(text(f'glossary.{term}.term', lg))}</strong>: "
                        f"{html.escape(text(f'glossary.{term}.text', lg))}</td>" for lg in (first, second))
        parts.append(f"<tr>{cells}</tr>\n")
    parts.append("</tbody>\n</table>\n</main>\n")
    parts.append(f"<footer><p>{e('guide.footer')}</p></footer>\n</body>\n</html>\n")
    return "".join(parts)


def write_guide(folder: str | Path, lang: str = "en") -> Path:
    """Write ``folder/guide.html`` (atomically) and return its path."""
    from ..storage.results_folder import write_text_atomic

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / GUIDE_FILE
    write_text_atomic(path, render_guide(lang, folder=out))
    return path


def ensure_guide(folder: str | Path, lang: str = "en") -> Path:
    """``folder/guide.html``, written first if it is missing (the batch calls this for the index's link);
    a guide that ``run.py teach`` wrote, in whichever language, is left as it is."""
    path = Path(folder) / GUIDE_FILE
    return path if path.is_file() else write_guide(folder, lang)


def guide_markdown() -> str:
    """The README's walk-through and glossary, both languages, from the same catalogue texts."""
    lines = [f"**{text('guide.plan_heading', 'en')} / {text('guide.plan_heading', 'de')}**", "",
             "| | English | Deutsch |", "| --- | --- | --- |"]
    for i in range(1, STEPS + 1):
        cells = [f"**{text(f'guide.step{i}.title', lg)}**: {text(f'guide.step{i}.text', lg)}" for lg in ("en", "de")]
        lines.append(f"| {text(f'guide.step{i}.time', 'en')} | {cells[0]} | {cells[1]} |")
    lines += ["", f"**{text('guide.glossary_heading', 'en')} / {text('guide.glossary_heading', 'de')}**", "",
              "| English | Deutsch |", "| --- | --- |"]
    for term in GLOSSARY:
        cells = [f"**{text(f'glossary.{term}.term', lg)}**: {text(f'glossary.{term}.text', lg)}" for lg in ("en", "de")]
        lines.append(f"| {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m model.teaching.guide: the README's section, to paste
    print(guide_markdown(), end="")
