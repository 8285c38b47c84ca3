"""The text catalogue (model/presentation/texts.yaml) and the German number style.

Every key holds every language; the output catalogue's and the parameters' English texts are the
catalogue's own; every key the teaching code and the notebooks read exists; a German page that
still carries an English label is caught.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from model.core.catalogue import METRICS, TRAJECTORIES
from model.core.catalogue import header as catalogue_header
from model.core.catalogue import label as catalogue_label
from model.core.catalogue import title as catalogue_title
from model.inputs.registry import load_registry
from model.inputs.schema import PARAMETER_INFO
from model.presentation import numbers, texts

ROOT = Path(__file__).resolve().parents[1]


def test_every_key_has_every_language_and_the_catalogue_agrees() -> None:
    assert texts.problems() == []


def test_problems_reports_a_missing_language_and_a_catalogue_text_without_key(tmp_path, monkeypatch) -> None:
    broken = tmp_path / "texts.yaml"
    german = '      de: "Nordkoreanischer Anteil an den verschossenen Granaten"\n'
    english = '    label:\n      en: "North Korean share of fired shells"\n'
    source = texts.TEXTS_PATH.read_text(encoding="utf-8").replace(english + german, english, 1)
    broken.write_text(source + "\nextra:\n  only_english: {en: Only English}\n", encoding="utf-8")
    original = texts._catalogue.__wrapped__
    monkeypatch.setattr(texts, "TEXTS_PATH", broken)
    monkeypatch.setattr(texts, "_catalogue", lambda path=str(broken): original(path))
    found = "\n".join(texts.problems())
    assert "extra.only_english: no de text" in found
    assert "trajectory.nk_share_of_fired.label: no de text" in found


def test_english_labels_are_the_output_catalogues() -> None:
    for name in list(METRICS) + list(TRAJECTORIES):
        assert texts.label(name, "en") == catalogue_label(name)
        assert texts.header(name, "en") == catalogue_header(name)
        assert texts.title(name, "en") == catalogue_title(name)
    for name, info in PARAMETER_INFO.items():
        assert texts.parameter_label(name, "en") == info.label
        assert texts.parameter_description(name, "en") == info.description
        assert texts.parameter_label(name, "de") != info.label or name == "nk_gdp_usd"


def test_german_labels_exist_for_every_output_and_parameter() -> None:
    assert texts.label("nk_share_of_fired", "de") == "Nordkoreanischer Anteil an den verschossenen Granaten"
    assert texts.axis_label("nk_share_of_fired", "de") == "Anteil der verschossenen Granaten"
    assert texts.never("months_to_shortage_after_cutoff", "de") == "kein Mangel im Zeitfenster"
    for name in list(METRICS) + list(TRAJECTORIES):
        assert texts.label(name, "de") and texts.label(name, "de") != texts.label(name, "en")


def test_english_claimants_are_the_registrys() -> None:
    registry = load_registry()
    for key in texts.keys("figure."):
        if key.endswith(".claimant"):
            fid = key.split(".")[1]
            assert texts.text(key, "en") == registry.get(fid).claimant, fid


def test_text_fills_fields_and_says_what_is_wrong() -> None:
    assert texts.text("chart.futures", "de", count="20") == "20 Zukünfte"
    assert texts.text("explorer.ess", "de", samples="4.096", ess="126") == \
        "Kalibriert: Die 4.096 Zukünfte sind so viel wert wie 126 gleich gewichtete."
    with pytest.raises(KeyError, match="did you mean 'chart.median'"):
        texts.text("chart.medain", "en")
    with pytest.raises(KeyError, match="needs the field 'count'"):
        texts.text("chart.futures", "en")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        texts.text("chart.median", "fr")


def test_an_abbreviation_ending_a_sentence_gets_one_full_stop() -> None:
    out = texts.text("lesson2.assumption", "de", low="4,0 Mio.", high="30,0 Mio.", median="11,0 Mio.")
    assert "Mio.." not in out and "Median 11,0 Mio. Ein weiter" in out


def test_german_numbers() -> None:
    assert numbers.format_value(11.7e6, "shells", "de") == "11,7 Mio."
    assert numbers.format_percent(0.41, "de") == "41 %"
    assert numbers.format_count(16384, "de") == "16.384"
    assert numbers.format_value(28e9, "usd", "de") == "28 Mrd. USD"
    assert numbers.format_value(250_000, "shells/month", "de") == "250.000 pro Monat"
    assert numbers.format_median_interval(0.41, 0.33, 0.5, "fraction", "de") == "41 % (90-%-Intervall 33–50 %)"
    assert numbers.format_range(985_000, 4.6e6, "shells", "de") == "985.000 – 4,6 Mio."
    assert numbers.format_correlation(-0.4, "de") == "−0,40"
    assert numbers.format_value(None, "months", "de") == "nicht im Zeitfenster"
    # English unchanged
    assert numbers.format_value(11.7e6, "shells") == "11.7 million"
    assert numbers.format_count(16384) == "16,384"


def test_a_german_page_with_an_english_label_is_caught() -> None:
    page = ("<html lang='de'><body><h1>Nordkoreanischer Anteil</h1><p>median</p>"
            "<p>Share of Russian fire from North Korean shells</p>"
            "<blockquote lang='en'>North Korean share of fired shells</blockquote></body></html>")
    found = texts.foreign_texts(texts.visible_text(page, "de"), "de")
    assert "Share of Russian fire from North Korean shells" in found
    assert not any("North Korean share of fired shells" in f for f in found)  # marked English: meant so
    clean = "<p>Anteil nordkoreanischer Granaten am russischen Feuer, 41 %</p>"
    assert texts.foreign_texts(texts.visible_text(clean, "de"), "de") == []


def _literal_keys(path: Path) -> list[tuple[str, str]]:
    """(call, key) of every text key written as a literal in a text(...)/t(...)/say(...) call."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"text", "t", "say"}:
                out.append((name, node.args[0].value))
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "model" / "teaching").glob("*.py"))
                         + [ROOT / "model" / "presentation" / "charts" / "teaching.py"], ids=lambda p: p.name)
def test_every_key_the_teaching_code_reads_exists(path: Path) -> None:
    def known(key: str) -> bool:  # a lesson's own key (lesson.say("title")) must exist for every lesson
        return texts.has(key) or all(texts.has(f"lesson{n}.{key}") for n in range(1, 6))

    missing = [k for _, k in _literal_keys(path) if "{" not in k and not known(k)]
    assert not missing, missing


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.py")), ids=lambda p: p.name)
def test_every_key_a_notebook_reads_exists(path: Path) -> None:
    number = int(re.match(r"(\d+)_", path.name).group(1))  # type: ignore[union-attr]
    missing = []
    for call, key in _literal_keys(path):
        if call == "text" or "{" in key:
            continue
        if not (texts.has(f"lesson{number}.{key}") or texts.has(key)):
            missing.append(key)
    assert not missing, missing
