"""Checks of the coding protocol (docs/coding-protocol.md) that code can decide.

Each issue code names one rule of the protocol; :data:`PROTOCOL_RULES` maps codes to the
rule ids of the document and to their severity. Errors are rules without exception
(a proposal is depth 1); warnings are rules that free text (units, source kinds) can only
approximate, so a coder justifies or fixes each one.

>>> sorted(PROTOCOL_RULES)[:2]
['depth3-structural-only', 'depth3-without-indicator']
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Issue, Severity
from .documents import Document
from .model import Measure, Source, Zone, date_bounds

__all__ = ["PROTOCOL_RULES", "STRUCTURAL_UNITS", "check_protocol"]

#: code -> (rule id in docs/coding-protocol.md, severity, meaning)
PROTOCOL_RULES: dict[str, tuple[str, Severity, str]] = {
    "proposed-depth": ("D1", "error", "a proposed measure with depth above 1 (a proposal is always depth 1)"),
    "piloting-depth": ("D1", "error", "a piloting measure with depth 3 (a pilot is at most depth 2)"),
    "discontinued-without-end": ("T1", "error", "a discontinued measure without an end date"),
    "depth3-without-indicator": (
        "D4",
        "warning",
        "a depth-3 measure with no indicator, i.e. no recorded evidence of operation",
    ),
    "depth3-structural-only": (
        "D3",
        "warning",
        "a depth-3 measure whose indicators only count the design (documents, articles, departments, "
        "posts, bodies, subsidiaries), never evidence of operation",
    ),
    "high-without-support": (
        "F1",
        "error",
        "high confidence without a primary source and without two distinct non-reprint sources",
    ),
    "single-reprint-above-low": ("F2", "warning", "medium or high confidence resting on a single reprint or mirror"),
    "indicator-after-source": ("Y4", "error", "an indicator dated after the source that reports it"),
}

#: Units that count a measure's design, not its operation (rule D3); compared in lower case.
STRUCTURAL_UNITS: frozenset[str] = frozenset(
    {
        "article",
        "articles",
        "chapter",
        "chapters",
        "document",
        "documents",
        "policies",
        "policy",
        "department",
        "departments",
        "division",
        "divisions",
        "unit",
        "units",
        "body",
        "bodies",
        "institution",
        "institutions",
        "organisation",
        "organisations",
        "post",
        "posts",
        "subsidiary",
        "subsidiaries",
        "company",
        "companies",
        "park",
        "parks",
        "zone",
        "zones",
        "subdistrict",
        "subdistricts",
        "tier",
        "tiers",
        "task",
        "tasks",
        "item",
        "items",
        "area",
        "areas",
        "package",
        "packages",
        "indicator",
        "indicators",
        "percent",
        "km2",
        "years",
        "days",
    }
)


def check_protocol(zone: Zone, doc: Document) -> list[Issue]:
    """The protocol's checkable rules for one zone; never raises.

    Sources that the zone does not list are skipped here (``unknown-source`` reports them).
    """
    sources = {s.id: s for s in zone.sources}
    issues: list[Issue] = []
    for i, measure in enumerate(zone.measures):
        issues += _check_measure(measure, ("measures", i), doc, sources)
    return issues


def _issue(doc: Document, code: str, path: tuple[str | int, ...], message: str, expected: str, found: str) -> Issue:
    rule, severity, _meaning = PROTOCOL_RULES[code]
    return doc.issue(
        code,
        path,
        f"{message} (coding protocol rule {rule})",
        expected=expected,
        found=found,
        hint=f"see docs/coding-protocol.md, rule {rule}",
        severity=severity,
    )


def _check_measure(
    measure: Measure, base: tuple[str | int, ...], doc: Document, sources: dict[str, Source]
) -> list[Issue]:
    issues: list[Issue] = []
    depth_path = (*base, "depth")
    if measure.status == "proposed" and measure.depth > 1:
        issues.append(
            _issue(doc, "proposed-depth", depth_path, "a proposal is coded above depth 1", "1", str(measure.depth))
        )
    if measure.status == "piloting" and measure.depth > 2:
        issues.append(
            _issue(doc, "piloting-depth", depth_path, "a pilot is coded at depth 3", "1 or 2", str(measure.depth))
        )
    if measure.status == "discontinued" and measure.end is None:
        issues.append(
            _issue(
                doc,
                "discontinued-without-end",
                (*base, "status"),
                "a discontinued measure has no end date",
                "an end date",
                "none",
            )
        )
    if measure.depth >= 3:
        if not measure.indicators:
            issues.append(
                _issue(
                    doc,
                    "depth3-without-indicator",
                    depth_path,
                    "depth 3 without any indicator of operation",
                    "an indicator counting what was done (cases, people served, funds disbursed), or depth 2",
                    "no indicators",
                )
            )
        elif all(ind.unit.strip().lower() in STRUCTURAL_UNITS for ind in measure.indicators):
            units = ", ".join(sorted({ind.unit for ind in measure.indicators}))
            issues.append(
                _issue(
                    doc,
                    "depth3-structural-only",
                    depth_path,
                    "depth 3 rests only on counts of the design",
                    "an indicator of operation (cases, people served, funds disbursed), or depth 2",
                    units,
                )
            )
    issues += _check_confidence(measure, base, doc, sources)
    for j, ind in enumerate(measure.indicators):
        src = sources.get(ind.source)
        if src is not None and src.date is not None and date_bounds(ind.as_of)[0] > date_bounds(src.date)[1]:
            issues.append(
                _issue(
                    doc,
                    "indicator-after-source",
                    (*base, "indicators", j, "as_of"),
                    f"the figure is dated after its source '{src.id}' ({src.date})",
                    f"an as_of on or before {src.date}",
                    ind.as_of,
                )
            )
    return issues


def _check_confidence(
    measure: Measure, base: tuple[str | int, ...], doc: Document, sources: dict[str, Source]
) -> list[Issue]:
    cited: list[Source] = [sources[s] for s in dict.fromkeys(e.source for e in measure.evidence) if s in sources]
    if not cited:
        return []
    path = (*base, "confidence")
    kinds = [s.kind for s in cited]
    found = f"{measure.confidence}; evidence: " + ", ".join(f"{s.id} ({s.kind})" for s in cited)
    if measure.confidence == "high" and "primary" not in kinds and _distinct(cited, exclude="reprint") < 2:
        return [
            _issue(
                doc,
                "high-without-support",
                path,
                "high confidence needs an official text or two independent reputable reports",
                "a primary source, or two non-reprint sources; otherwise medium or low",
                found,
            )
        ]
    if measure.confidence != "low" and len(cited) == 1 and kinds[0] == "reprint":
        return [
            _issue(
                doc,
                "single-reprint-above-low",
                path,
                "a single reprint or mirror supports at most low confidence",
                "low, or a second independent source",
                found,
            )
        ]
    return []


def _distinct(cited: Sequence[Source], *, exclude: str) -> int:
    return len({s.id for s in cited if s.kind != exclude})
