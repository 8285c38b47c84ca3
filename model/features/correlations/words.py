"""Why the Sobol indices are read with care when inputs move together."""

from __future__ import annotations

from typing import Any

from ...presentation import texts

__all__ = ["independence_note", "correlation_table"]


def independence_note(pairs: int, lang: str = "en") -> str:
    what = texts.text("analyst.independence_one", lang) if pairs == 1 else \
        texts.text("analyst.independence_many", lang, pairs=pairs)
    return texts.text("analyst.independence", lang, what=what)


def correlation_table(dependence: Any, samples: Any, lang: str = "en") -> list[str]:
    """Lines of ``run.py sample``'s table: each stated pair, its target and the rank correlation the
    samples achieve (``dependence``: ``model.inputs.dependence.Dependence``; ``samples``: a SampleSet)."""
    import numpy as np

    from ...inputs.correlation import achieved_rank_correlation
    from ...presentation.numbers import format_correlation

    names = sorted({nm for p in dependence.pairs for nm in (p.a, p.b)}, key=samples.names.index)
    where = {nm: k for k, nm in enumerate(names)}
    achieved = achieved_rank_correlation(np.column_stack([samples.column(nm) for nm in names]))
    how = "Gaussian copula" if dependence.method == "copula" else "Iman-Conover, per block"
    lines = [f"Inputs that move together ({how}): target and achieved Spearman rank correlation",
             f"{'parameter':34} {'with':34} {'target':>8} {'achieved':>9}"]
    for p in dependence.pairs:
        got = float(achieved[where[p.a], where[p.b]])
        lines.append(f"{p.a:34} {p.b:34} {format_correlation(p.rho, lang):>8} {format_correlation(got, lang):>9}")
    return lines
