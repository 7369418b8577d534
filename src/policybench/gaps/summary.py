"""The readable summary of a gap analysis, in Chinese or English, and its notebook display.

Presentation only: the numbers come from :class:`~policybench.gaps.analysis.GapAnalysis`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._params import check_choice
from .scores import ranking

if TYPE_CHECKING:
    from .analysis import GapAnalysis

__all__ = ["summary", "summary_html"]

_SUMMARY: dict[str, dict[str, str]] = {
    "en": {
        "head": "Gap analysis of {target} against {benchmark}",
        "sep": ", ",
        "overall": "overall DTF {dtf:.0f}",
        "undefined": "overall DTF undefined (nothing known is applicable)",
        "counts": " over {known} applicable categories known for the target "
        "({unknown} unknown, {na} not applicable); frontier rule {rule}",
        "row": "  {code:<32} gap {gap:.2f}  share of priority {share:>4.0%}  ({state})",
        "verify": "verify first (state unknown for {target}, not ranked): {codes}",
        "present": "present",
        "absent": "absent",
    },
    "zh": {
        "head": "{target}对标{benchmark}的差距分析",
        "sep": "、",
        "overall": "总体DTF {dtf:.0f}",
        "undefined": "总体DTF无法计算（没有本区状态已知的适用类别）",
        "counts": "，基于本区状态已知的{known}个适用类别（{unknown}个状态未知，{na}个不适用）；前沿规则：{rule}",
        "row": "  {code:<32} 差距 {gap:.2f}  优先度占比 {share:>4.0%}  （{state}）",
        "verify": "待核实（{target}状态未知，不参与排序）：{codes}",
        "present": "已开展",
        "absent": "未开展",
        "max": "最大值",
        "mean": "平均值",
    },
}


def summary(gap: GapAnalysis, lang: str = "en") -> str:
    """A few readable lines in ``lang`` ("en" or "zh"): target, benchmark, overall DTF, biggest gaps.

    Numbers are shown as reports show them: DTF whole, gaps to 2 decimals, priority as its
    share of the total over the ranked categories.
    """
    check_choice("GapAnalysis.summary", "lang", lang, ("en", "zh"))
    words = _SUMMARY[lang]
    covered = gap.counts()
    known = covered["known"]
    counts = {
        "known": known,
        "unknown": covered["unknown"],
        "na": covered["not_applicable"],
        "rule": words.get(gap.params["frontier"], gap.params["frontier"]),
    }
    overall = words["overall"].format(dtf=gap.overall) if known else words["undefined"]
    lines = [
        words["head"].format(target=gap.target, benchmark=words["sep"].join(gap.benchmark)),
        overall + words["counts"].format(**counts),
    ]
    lines += [
        words["row"].format(code=r.code, gap=r.gap, share=r.priority_share, state=words[r.target_state])
        for r in ranking(gap).head(5).itertuples()
    ]
    unverified = gap.unverified()
    if len(unverified):
        lines.append(words["verify"].format(target=gap.target, codes=words["sep"].join(unverified["code"])))
    return "\n".join(lines)


def summary_html(gap: GapAnalysis) -> str:
    """Notebook display: the summary, the five highest priorities and the verify-first codes."""
    import html

    esc = html.escape
    ranked = ranking(gap).head(5)
    rows = "".join(
        f"<tr><td><code>{esc(r.code)}</code></td><td>{esc(str(r.label_zh))}</td><td>{esc(str(r.label_en))}</td>"
        f"<td>{r.target:.2f}</td><td>{r.frontier:.2f}</td><td>{r.gap:.2f}</td><td>{r.priority_share:.0%}</td>"
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
