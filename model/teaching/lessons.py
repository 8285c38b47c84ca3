"""What a lesson notebook shows, in English or German: texts, quotes, tables, numbers, charts.

A notebook in ``notebooks/`` starts with ``lesson = Lesson(1, LANG)`` and then only calls the
model's public API for the numbers and this object for the words::

    lesson.title()                                  # "Lesson 1: An estimate and its claimant"
    lesson.quote("nk_shells_delivered_2024")        # the German sentence, its gloss and claimant
    run = lesson.run("baseline")                    # model.run_scenario at 4,096 samples
    lesson.say("reliability", spread=lesson.percent(0.25))   # a paragraph from the catalogue
    lesson.show(charts.fan(...))                    # a figure as an image

Texts are the catalogue's (``model.presentation.texts``): ``lesson.say("intro")`` reads
``lesson1.intro`` in the lesson's language; a key with a dot (``"glossary.quantile.text"``) is
read as written. Numbers are formatted by ``model.presentation.numbers`` in the same language.
Outside Jupyter (no IPython) the display calls print plain text, so a lesson also runs as a script.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..analysis.outcome import RunResult
from ..inputs.registry import Figure as ArticleFigure
from ..inputs.registry import Registry, load_registry
from ..inputs.schema import Scenario
from ..presentation import numbers, texts

__all__ = ["Lesson", "find_scenario", "format_input", "load", "LESSON_SAMPLES"]

LESSON_SAMPLES = 4096


def format_input(x: Any, unit: str, lang: str = "en") -> str:
    """A number in any model unit, for people: shells, USD, months and soldiers as
    ``model.presentation.numbers`` writes them; shares per year or month as percentages
    ("15 % a year"), prices per shell or soldier and days with their words; ratios plain."""
    base, _, per = unit.partition("/")
    key = f"unit.value.{unit.replace('/', '_')}"
    if base == "fraction" and per:
        shown = numbers.format_percent(x, lang)
    elif unit in {"usd/shell", "usd/soldier/month"}:
        shown = numbers.format_value(x, "usd", lang)
    elif unit == "days":
        shown = numbers.format_count(x, lang)
    elif unit == "ratio":
        shown = numbers.format_ratio(x, lang)
    else:
        return numbers.format_value(x, unit, lang)
    return texts.text(key, lang, value=shown) if texts.has(key) else shown


def find_scenario(name: str, start: str | Path | None = None) -> Path:
    """``scenarios/<name>.yaml`` in the working folder, one of its parents, or the project's checkout."""
    here = Path(start) if start is not None else Path.cwd()
    candidates = [p / "scenarios" / f"{name}.yaml" for p in (here, *here.parents[:3])]
    candidates.append(Path(__file__).resolve().parents[2] / "scenarios" / f"{name}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    raise FileNotFoundError(f"scenario {name!r} not found: looked for scenarios/{name}.yaml in {here} and above")


def load(name: str) -> Scenario:
    """A shipped scenario by name (``"baseline"``), validated (``model.load_scenario``)."""
    from ..inputs.loading import load_scenario

    return load_scenario(find_scenario(name)).scenario


@lru_cache(maxsize=16)
def _run(name: str, samples: int, seed: int | None, calibration: str | None, sensitivity: bool) -> RunResult:
    from ..api import run_scenario

    sc = load(name)
    update: dict[str, Any] = {}
    if calibration is not None:
        update["calibration"] = sc.calibration.model_copy(update={"method": calibration})
    if not sensitivity:
        update["sensitivity"] = sc.sensitivity.model_copy(update={"methods": []})
    if update:
        sc = sc.model_copy(update=update)
    return run_scenario(sc, samples=samples, seed=seed)


def _display(obj: Any, fallback: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - plain Python
        print(fallback)
        return
    if get_ipython() is None:
        print(fallback)
        return
    display(obj)


class Lesson:
    """One lesson's words in one language (``"en"`` or ``"de"``), and its numbers formatted to match."""

    def __init__(self, number: int, lang: str = "en"):
        self.number = int(number)
        self.lang = texts.check_lang(lang)
        self._registry: Registry | None = None

    # ------------------------------------------------------------------------------------ words
    def t(self, key: str, **fields: Any) -> str:
        """A text: ``lesson<n>.<key>`` when it exists, else ``key`` as written."""
        local = f"lesson{self.number}.{key}"
        return texts.text(local if texts.has(local) else key, self.lang, **fields)

    def say(self, key: str, **fields: Any) -> None:
        """Show a paragraph (Markdown) from the catalogue."""
        body = self.t(key, **fields)
        try:
            from IPython.display import Markdown
        except ImportError:  # pragma: no cover
            print(body)
            return
        _display(Markdown(body), body)

    def title(self) -> None:
        self.say("title")
        self.say("teach.lesson_line", minutes=self.t("minutes"))

    def glossary(self, *terms: str) -> None:
        """The glossary lines of ``terms`` (keys under ``glossary``), as a list."""
        lines = [f"- **{self.t(f'glossary.{t}.term')}**: {self.t(f'glossary.{t}.text')}" for t in terms]
        self._markdown(self.t("teach.glossary_heading") + "\n\n" + "\n".join(lines))

    def discuss(self) -> None:
        self.say("teach.discuss_heading")
        self.say("discuss")

    def _markdown(self, body: str) -> None:
        try:
            from IPython.display import Markdown
        except ImportError:  # pragma: no cover
            print(body)
            return
        _display(Markdown(body), body)

    def _html(self, body: str, fallback: str) -> None:
        try:
            from IPython.display import HTML
        except ImportError:  # pragma: no cover
            print(fallback)
            return
        _display(HTML(body), fallback)

    # ------------------------------------------------------------------------------------ numbers
    def value(self, x: Any, unit: str) -> str:
        """One number in its unit, for people (:func:`format_input`)."""
        return format_input(x, unit, self.lang)

    def percent(self, x: Any) -> str:
        return numbers.format_percent(x, self.lang)

    def count(self, x: Any) -> str:
        return numbers.format_count(x, self.lang)

    def index(self, x: Any) -> str:
        return numbers.format_index(x, self.lang)

    def short_interval(self, stats: Mapping[str, Any], unit: str) -> str:
        """``"41 % (33–50 %)"``: the median and, in brackets, the bare 90 % interval."""
        return (f"{self.value(stats.get('p50'), unit)} "
                f"({numbers.format_bare_interval(stats.get('p5'), stats.get('p95'), unit, self.lang)})")

    def interval(self, stats: Mapping[str, Any], unit: str) -> str:
        """``"41 % (90 % interval 33–50 %)"`` from ``{"p5", "p50", "p95"}``."""
        return numbers.format_median_interval(stats.get("p50"), stats.get("p5"), stats.get("p95"), unit, self.lang)

    def bare_interval(self, p5: Any, p95: Any, unit: str) -> str:
        return numbers.format_bare_interval(p5, p95, unit, self.lang)

    def month(self, month: str) -> str:
        """``"2025-10"`` -> ``"October 2025"`` / ``"Oktober 2025"`` (other dates as written)."""
        if len(month) != 7 or month[4] != "-":
            return month
        year, mon = month.split("-")
        return f"{texts.text(f'month_long.{int(mon)}', self.lang)} {year}"

    def yes_no(self, flag: bool) -> str:
        return self.t("word.yes" if flag else "word.no")

    # ------------------------------------------------------------------------------------ outputs, inputs
    def label(self, name: str) -> str:
        return texts.label(name, self.lang)

    def title_of(self, name: str) -> str:
        return texts.title(name, self.lang)

    def axis(self, name: str) -> str:
        return texts.axis_label(name, self.lang) or texts.header(name, self.lang)

    def parameter(self, name: str) -> str:
        return texts.parameter_label(name, self.lang)

    # ------------------------------------------------------------------------------------ sources
    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = load_registry()
        return self._registry

    def figure(self, figure_id: str) -> ArticleFigure:
        return self.registry.get(figure_id)

    def claimant(self, figure_id: str) -> str:
        """Who made the claim, in the lesson's language (the registry's words in English)."""
        key = f"figure.{figure_id}.claimant"
        return texts.text(key, self.lang) if texts.has(key) else self.figure(figure_id).claimant

    def claimant_short(self, figure_id: str) -> str:
        key = f"figure.{figure_id}.claimant_short"
        return texts.text(key, self.lang) if texts.has(key) else self.claimant(figure_id).split(",")[0]

    def reported(self, figure_id: str) -> str:
        """The figure's value as reported, in the lesson's number style: ``"3.500.000 Granaten"``."""
        fig = self.figure(figure_id)
        unit = fig.unit.split("/")[0] if fig.unit.startswith("shells") else fig.unit
        if unit in {"year", "years", "count", "pieces", "people", "launches"}:
            unit = "count"
        if fig.value is not None:
            shown = str(int(fig.value)) if fig.unit == "year" else (
                self.count(fig.value) if unit == "count" else self.value(fig.value, unit))
        elif fig.low is not None and fig.high is not None:
            shown = numbers.format_range(fig.low, fig.high, unit, self.lang)
        else:  # a bound: "≥ 1", "≤ 500"
            bound = fig.low if fig.low is not None else fig.high
            number = self.count(bound) if unit == "count" else self.value(bound, unit)
            shown = f"{'≥' if fig.low is not None else '≤'} {number}"
        key = f"unit.reported.{fig.unit.replace('/', '_')}"
        return texts.text(key, self.lang, value=shown) if texts.has(key) else shown

    def quote(self, figure_id: str) -> None:
        """The article sentence a lesson is about, and the card of the figure it states: German original,
        gloss, the value reported, its claimant, date and reliability, the seed article."""
        fig = self.figure(figure_id)
        gloss_key = f"figure.{figure_id}.gloss"
        gloss = texts.text(gloss_key, self.lang) if texts.has(gloss_key) else ""
        grade = self.t(f"reliability.{fig.reliability}")
        rows = [(self.t("teach.quote_value"), self.reported(figure_id)),  # the figure these lines describe
                (self.t("teach.quote_claimant"), self.claimant(figure_id)),
                (self.t("teach.quote_as_of"), self.month(fig.as_of)),
                (self.t("teach.quote_reliability"), grade),
                (self.t("teach.quote_source"), fig.source)]
        sentence = " ".join(fig.quote.split())
        if not sentence.startswith(("„", '"', "“")):
            sentence = f"„{sentence}“"
        body = (
            '<div class="nk-quote" style="border-left:4px solid #D55E00;padding:0.4em 1em;margin:0.6em 0;'
            'background:#fdf6f0">'
            f'<p lang="de" style="font-size:1.15em;margin:0.2em 0"><strong>{html.escape(sentence)}</strong></p>'
            + (f'<p style="margin:0.3em 0"><em>{html.escape(self.t("teach.quote_gloss"))}:</em> '
               f'{html.escape(gloss)}</p>' if gloss else "")
            + '<table style="margin:0.3em 0">'
            + "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
                      f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
            + "</table></div>"
        )
        fallback = f"{sentence}\n{gloss}\n" + "\n".join(f"{k}: {v}" for k, v in rows)
        self._html(body, fallback)

    # ------------------------------------------------------------------------------------ tables, charts
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A small table; cells are shown as given (format numbers first)."""
        head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in r)
                       + "</tr>" for r in rows)
        fallback = "\n".join(" | ".join(str(c) for c in r) for r in [list(headers), *rows])
        self._html(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", fallback)

    def show(self, fig: Any) -> None:
        """Show a matplotlib figure as a PNG image (and free it)."""
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        try:
            from IPython.display import Image
        except ImportError:  # pragma: no cover
            print(f"[figure: {fig.axes[0].get_title() if fig.axes else ''}]")
            return
        _display(Image(data=buf.getvalue(), format="png"), f"[figure: {fig.axes[0].get_title() if fig.axes else ''}]")

    # ------------------------------------------------------------------------------------ runs
    def run(self, scenario: str, *, samples: int = LESSON_SAMPLES, seed: int | None = None,
            calibration: str | None = None, sensitivity: bool = True) -> RunResult:
        """``model.run_scenario`` on a shipped scenario (cached: a lesson may ask twice).

        ``calibration``: None for the scenario's own method (tempered SMC, as its report: the
        numbers then differ from the report's by the fewer futures alone, see :meth:`beside_report`);
        ``"importance"`` to weight the futures once (what lesson 3 explains; faster where only the
        futures before calibration are shown). ``sensitivity=False`` skips the Sobol and tornado
        analysis (faster).
        """
        return _run(scenario, samples, seed, calibration, sensitivity)

    def beside_report(self, run: RunResult, *, share: float | None = None) -> None:
        """Say how this lesson's calibrated numbers stand to the scenario's report on the same question:
        the same (same futures, seed and calibration), or why they differ (fewer futures, one weighting
        step) and by about how much a share such as ``share`` can move by chance (two standard errors
        over the effective futures)."""
        own = load(run.scenario.name)
        samples, ess = len(run.prior), self.effective(run)
        one_step = run.calibration.method == "importance" and own.calibration.method != "importance"
        fields = {"scenario": run.scenario.name, "samples": self.count(samples), "ess": self.count(ess),
                  "report_samples": self.count(own.samples) if isinstance(own.samples, int)
                  else self.t("teach.auto_samples")}
        if not one_step and own.samples == samples and own.seed == run.scenario.seed:
            self.say("teach.beside_report_same", **fields)
            return
        n = max(ess, 1.0)
        if share is not None:  # two standard errors of a share, in percentage points
            p = min(max(float(share), 0.0), 1.0)
            how = self.t("teach.chance_share", share=self.percent(p),
                         error=numbers.format_plain(round(200 * math.sqrt(p * (1 - p) / n), 1), self.lang))
        else:  # two standard errors of a median (1.2533 sd / √n), as a share of a 90 % interval (3.29 sd)
            how = self.t("teach.chance_median",
                         error=numbers.format_plain(round(200 * 1.2533 / (3.29 * math.sqrt(n)), 1), self.lang))
        self.say("teach.beside_report_one_step" if one_step else "teach.beside_report_smc", **fields, how=how)

    def few_futures(self, ess: float, what: str, why: str = "") -> bool:
        """A plain-words warning when calibrated numbers rest on fewer than ``FEW_FUTURES`` effective futures;
        whether it was given."""
        from .explorer import FEW_FUTURES

        if ess >= FEW_FUTURES:
            return False
        self.say("teach.few_futures", what=what, ess=self.count(ess), why=why)
        return True

    def effective(self, run: RunResult) -> float:
        """How many equally weighted futures the run's calibrated ones are worth: ``1 / Σ w²`` over distinct
        futures (a future that SMC's resampling left twice counts once, with both weights), the measure the
        explorer shows (``model.teaching.futures``). The run's own figure where it kept too few inputs."""
        from .futures import Futures, effective_futures

        inputs = run.calibrated.inputs
        if len(inputs.values) != len(run.calibrated):
            return float(run.calibration.effective_sample_size)
        futures = Futures.from_ensemble(inputs.names, inputs.values, run.calibrated.weights)
        return effective_futures(futures.weights, futures.groups)

    def caption(self, run: RunResult) -> str:
        """The chart caption of a run: scenario, samples, seed, calibration."""
        sc = run.scenario
        key = "teach.caption_calibrated" if run.calibration.calibrated else "teach.caption"
        return self.t(key, scenario=sc.name, samples=self.count(len(run.prior)), seed=sc.seed,
                      ess=self.count(self.effective(run)) if run.calibration.calibrated else "")
