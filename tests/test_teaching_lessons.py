"""What a lesson says beside the report's numbers, and the card of the figure it quotes (no notebook run:
a stand-in run of known size, weights and method)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.inputs.sampling import SampleSet
from model.teaching.lessons import Lesson, load


def _run(samples: int, method: str, weights: np.ndarray, *, name: str = "nk_cutoff", seed: int | None = None):
    sc = load(name)
    values = np.arange(samples * 2, dtype=float).reshape(samples, 2)
    values[1] = values[0]  # a future SMC's resampling left twice: one distinct future
    ensemble = type("Ensemble", (), {"inputs": SampleSet(["a", "b"], values), "weights": weights,
                                     "__len__": lambda self: samples})
    return SimpleNamespace(
        scenario=sc.model_copy(update={"seed": sc.seed if seed is None else seed}),
        prior=[None] * samples,
        calibration=SimpleNamespace(method=method, effective_sample_size=float(samples), calibrated=True),
        calibrated=ensemble())


def test_effective_futures_count_a_duplicated_future_once() -> None:
    run = _run(100, "smc", np.full(100, 0.01))
    assert Lesson(5).effective(run) == pytest.approx(1 / (98 * 0.01**2 + 0.02**2))  # 99 distinct, one twice as heavy


def test_fewer_futures_say_why_and_by_how_much(capsys) -> None:
    Lesson(5, "en").beside_report(_run(4096, "smc", np.full(4096, 1 / 4096)), share=0.14)
    said = capsys.readouterr().out
    assert "16,384 futures" in said and "4,096 of them the same way" in said
    ess = Lesson(5).effective(_run(4096, "smc", np.full(4096, 1 / 4096)))
    error = 200 * np.sqrt(0.14 * 0.86 / ess)
    assert f"±{error:.1f} percentage points" in said and "a share of 14 %" in said


def test_one_weighting_step_is_named_as_the_reason(capsys) -> None:
    w = np.zeros(4096)
    w[:100] = 0.01
    Lesson(3, "de").beside_report(_run(4096, "importance", w, name="baseline"))
    said = capsys.readouterr().out
    assert "in einem Schritt" in said and "Median" in said
    assert "98 effektive Zukünfte" in said  # 100 weighted futures, two of them the same one


def test_the_same_futures_are_the_reports_numbers(capsys) -> None:
    sc = load("nk_cutoff")
    Lesson(5, "en").beside_report(_run(int(sc.samples), "smc", np.full(int(sc.samples), 1 / sc.samples)))
    assert "These are the numbers of `results/nk_cutoff/report.html`" in capsys.readouterr().out


def test_a_warning_only_when_few_futures(capsys) -> None:
    lesson = Lesson(5, "en")
    assert lesson.few_futures(5000, "The numbers") is False and capsys.readouterr().out == ""
    assert lesson.few_futures(38, "The numbers", "Why.") is True
    said = capsys.readouterr().out
    assert said.startswith("**Careful:** The numbers rest on only 38 effective futures") and "Why." in said


def test_the_card_is_the_quoted_figures(capsys) -> None:
    lesson = Lesson(5, "de")
    lesson.quote("nk_deliveries_vs_ru_annual_production")
    card = capsys.readouterr().out
    assert "Berichteter Wert: ≥ 1 Jahre" in card and "Stand: Juni 2024" in card and "Verlässlichkeit: mittel" in card
    assert "Frederic Spohr" in card and "Februar 2022" not in card
