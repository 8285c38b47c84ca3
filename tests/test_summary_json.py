"""``summary.json`` (model.presentation.summary_json): the one serialiser of the typed run summary and its
reader. Reading a written file gives the summary back up to the file's rounding, each feature's block
included; the keys other tools read are there; one rounding rule."""

from __future__ import annotations

import json
import math

import pytest

from model.core.catalogue import METRICS
from model.features.registry import codecs, features
from model.presentation.summary_json import from_json, num, to_json
from model.summary.types import RunSummary, Stats
from tests.summaries import differences, feature_run, plain, small_run, summary_of, typed, written

EVERY_FEATURE_BUT_THE_CHAIN = {"alternatives", "discovery", "tradeoffs", "correlations", "stopping"}


def _through_the_file(d: dict) -> dict:
    """As ``write_json`` writes it (sorted keys) and a reader reads it."""
    return json.loads(json.dumps(d, sort_keys=True, indent=2, ensure_ascii=False))


@pytest.fixture(scope="module")
def with_features() -> RunSummary:
    return summary_of(feature_run())


def test_a_run_with_every_feature_reads_back_as_it_was(with_features: RunSummary) -> None:
    s = with_features
    assert set(s.features) == EVERY_FEATURE_BUT_THE_CHAIN
    back = typed(_through_the_file(written(s)))
    assert set(back.features) == EVERY_FEATURE_BUT_THE_CHAIN
    # the file's keys are sorted; what is read is in the order the run made it (the pages list it so)
    assert list(back.metrics) == list(s.metrics) and list(back.prior_metrics) == list(s.prior_metrics)
    assert list(s.metrics) != sorted(s.metrics)
    if s.structures is not None:
        assert back.structures is not None and list(back.structures.switches) == list(s.structures.switches)
    found = differences(plain(s), plain(back))
    # what the file does not hold, by design: the inputs discovery read (the boxes name their own) and the
    # quantile estimates at each checkpoint of samples: auto (only their precision is written)
    expected = {f".features.discovery[{i}].inputs: {len(f.inputs)} items against 0" for i, f in
                enumerate(s.features["discovery"])}
    expected |= {f".features.stopping.checks[{i}].estimates.{m}: only in one"
                 for i, c in enumerate(s.features["stopping"].checks) for m in c.estimates}
    assert set(found) == expected, sorted(set(found) ^ expected)
    assert all(f.inputs for f in s.features["discovery"])  # so the exception above is one that could fail
    # and what was read writes the same file again (its keys in the order written: a rule's text lists its
    # limits in the order they are held); only the narrowing percentages, worked out again from the rounded
    # widths, may move in their last digits
    first = written(s)
    again = written(typed(json.loads(json.dumps(first))))
    assert json.dumps(_without_narrowing(again), sort_keys=True) == json.dumps(_without_narrowing(first), sort_keys=True)
    for v_first, v_again in zip(first["value_of_information"], again["value_of_information"]):
        for c_first, c_again in zip(v_first["candidates"], v_again["candidates"]):
            for key in ("narrowing_percent", "sd_narrowing_percent"):
                assert c_again[key] == pytest.approx(c_first[key], abs=0.01), (v_first["metric"], key)


def _without_narrowing(d: dict) -> dict:
    out = json.loads(json.dumps(d))
    for v in out["value_of_information"]:
        for c in v["candidates"]:
            del c["narrowing_percent"], c["sd_narrowing_percent"]
    return out


def test_each_feature_block_is_read_by_its_own_codec(with_features: RunSummary) -> None:
    d = _through_the_file(written(with_features))
    for name, (write, read) in codecs().items():
        if name not in EVERY_FEATURE_BUT_THE_CHAIN:
            continue
        keys = write(with_features.features[name])
        assert keys and set(keys) <= set(d), name  # its keys are in the file ...
        assert differences(plain(read(d)), plain(read(keys))) == [], name  # ... and all it reads is in them
        assert write(None) in ({}, {"alternatives": []}), name  # a run without the feature writes nothing of it
        assert read({}) is None, name


def test_a_run_without_features_has_no_blocks_and_reads_back() -> None:
    s = summary_of(small_run("baseline", 256))
    d = written(s)
    assert d["alternatives"] == []  # the key other tools read is there, empty
    assert "discovery" not in d and "stopping" not in d and "correlations" not in d
    back = typed(_through_the_file(d))
    assert "alternatives" not in back.features
    assert set(back.features) == set(s.features) <= {"tradeoffs"}  # computed for every calibrated run
    assert differences(plain(s), plain(back)) == []


def test_the_keys_other_tools_read_and_the_new_ones() -> None:
    s = summary_of(small_run("baseline", 256))
    d = written(s)
    for key in ("scenario", "description", "seed", "samples", "sampling", "window", "calibrated",
                "effective_sample_size", "log_evidence", "observations", "calibration_findings", "metrics",
                "prior_metrics", "drivers", "value_of_information", "structure",
                # added by the typed summary
                "cutoff", "headline", "driver_indices", "fire_drop_threshold", "shortage_threshold", "figure_inputs"):
        assert key in d, key
    assert d["window"] == {"start": s.months[0], "end": s.months[-1]} and d["cutoff"] is None
    assert d["headline"] == list(s.headline) and d["headline"]
    for m, stats in d["metrics"].items():
        assert {"mean", "p5", "p50", "p95", "unit"} <= set(stats) and stats["unit"] == METRICS[m].unit
    for o in d["observations"]:
        assert {"id", "output", "month", "reported", "error_range_90", "p5", "p50", "p95", "fits",
                "in_tension_with_others", "leave_one_out_quantile"} <= set(o)
    assert all(isinstance(sentence, str) and sentence for sentence in d["drivers"].values())
    assert set(d["driver_indices"]) == set(d["drivers"])
    if s.structures is not None:  # the baseline averages over structures the figures cannot tell apart
        assert "structure_switch_share_of_variance" in d and "structures" in d


def test_a_cutoff_run_writes_its_month_and_never_shares() -> None:
    s = summary_of(small_run("nk_cutoff", 256))
    d = written(s)
    assert d["cutoff"] == s.cutoff and s.cutoff in s.months
    drop = d["metrics"]["months_to_fire_drop_after_cutoff"]
    back = typed(_through_the_file(d)).metrics["months_to_fire_drop_after_cutoff"]
    assert back == Stats(drop["mean"], drop["p5"], drop["p50"], drop["p95"], "months", drop.get("share_never"))


def test_one_rounding_rule() -> None:
    assert num(1 / 3) == 0.333333 and num(123456789.0) == 123457000.0 and num(2) == 2.0
    assert num(float("nan")) is None and num(float("inf")) is None and num(None) is None
    s = typed(_through_the_file(written(summary_of(small_run("baseline", 256)))))
    for stats in s.metrics.values():
        for x in (stats.mean, stats.p5, stats.p50, stats.p95):
            assert x is None or (math.isfinite(x) and float(f"{x:.6g}") == x)


def test_reading_without_codecs_skips_the_feature_blocks(with_features: RunSummary) -> None:
    d = _through_the_file(written(with_features))
    assert from_json(d).features == {}
    assert set(from_json(d, codecs()).features) == EVERY_FEATURE_BUT_THE_CHAIN
    assert "discovery" not in to_json(from_json(d)) and "discovery" in to_json(from_json(d, codecs()), codecs())
    assert {f.name for f in features()} >= EVERY_FEATURE_BUT_THE_CHAIN | {"logistics", "hindcast"}
