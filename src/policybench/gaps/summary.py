"""The readable summary of a gap analysis, in Chinese or English, and its notebook display.

Presentation only: the numbers come from :class:`~policybench.gaps.analysis.GapAnalysis`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._params import check_choice
from ..labels import phrase, term
from ..numbers import shown
from .scores import ranking

if TYPE_CHECKING:
    from .analysis import GapAnalysis

__all__ = ["summary", "summary_html"]


def summary(gap: GapAnalysis, lang: str = "en") -> str:
    """A few readable lines in ``lang`` ("en" or "zh"): target, benchmark, overall DTF, biggest gaps.

    Numbers are shown as reports show them: DTF whole, gaps to 2 decimals, priority as its
    share of the total over the ranked categories.
    """
    check_choice("GapAnalysis.summary", "lang", lang, ("en", "zh"))
    sep = phrase("sep.list", lang)
    covered = gap.counts()
    known = covered["known"]
    counts = {
        "known": known,
        "unknown": covered["unknown"],
        "na": covered["not_applicable"],
        "rule": term(gap.params["frontier"], lang),
    }
    overall = phrase("gap.overall", lang, dtf=shown(gap.overall, "dtf")) if known else phrase("gap.undefined", lang)
    lines = [
        phrase("gap.head", lang, target=gap.target, benchmark=sep.join(gap.benchmark)),
        overall + phrase("gap.counts", lang, **counts),
    ]
    lines += [
        phrase(
            "gap.row",
            lang,
            code=r.code,
            gap=shown(r.gap, "score"),
            share=shown(r.priority_share, "share"),
            state=term(r.target_state, lang),
        )
        for r in ranking(gap).head(5).itertuples()
    ]
    unverified = gap.unverified()
    if len(unverified):
        lines.append(phrase("gap.verify", lang, target=gap.target, codes=sep.join(unverified["code"])))
    return "\n".join(lines)


def summary_html(gap: GapAnalysis) -> str:
    """Notebook display: the summary, the five highest priorities and the verify-first codes."""
    import html

    esc = html.escape
    ranked = ranking(gap).head(5)
    rows = "".join(
        f"<tr><td><code>{esc(r.code)}</code></td><td>{esc(str(r.label_zh))}</td><td>{esc(str(r.label_en))}</td>"
        f"<td>{shown(r.target, 'score')}</td><td>{shown(r.frontier, 'score')}</td><td>{shown(r.gap, 'score')}</td>"
        f"<td>{shown(r.priority_share, 'share')}</td>"
        f"<td>{esc(str(r.target_state))}</td></tr>"
        for r in ranked.itertuples()
    )
    head = "<br>".join(esc(line) for line in gap.summary().splitlines()[:2])
    unverified = gap.unverified()
    verify = (
        f"<br>Verify first (state unknown for the target, not ranked): {esc(', '.join(unverified['code']))}"
        if len(unverified)
        else ""
    )
    return (
        f"<div><strong>GapAnalysis</strong><br>{head}"
        f"<table><tr><th>code</th><th>category</th><th>category (en)</th><th>target</th><th>frontier</th>"
        f"<th>gap</th><th>share of priority</th><th>target state</th></tr>{rows}</table>{verify}"
        f"<small>Tables: .table(), .domain_table(), .strengths(), .not_counted(), .unverified(); "
        f"all at once: policybench.assess</small></div>"
    )
