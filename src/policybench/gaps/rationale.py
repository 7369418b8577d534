"""Bilingual rationale sentences for recommendations, from fixed templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..labels import phrase, term
from ..numbers import shown

if TYPE_CHECKING:
    from .analysis import GapAnalysis

__all__ = ["rationale"]


def _quoted(title: str) -> str:
    """Chinese quotation marks around a title, unless it already starts with a quotation mark."""
    return title if title.startswith(("“", "《", '"')) else f"“{title}”"


def rationale(gap: GapAnalysis, cells: dict[str, Any]) -> tuple[str, str]:
    """Chinese and English rationale for one recommendation row (``cells``)."""
    zone = gap.dataset.zone(gap.target)
    adopted = int(cells["n_adopted"])
    n = int(cells.get("n_examined", len(gap.benchmark)))
    prereq = ", ".join(cells["prerequisites_missing"].split(",")) if cells["prerequisites_missing"] else ""
    numbers = {
        "target": shown(cells["target"], "score"),
        "frontier": shown(cells["frontier"], "score"),
        "gap": shown(cells["gap"], "score"),
        "dtf": shown(cells["dtf"], "dtf"),
        "adopted": adopted,
        "n": n,
    }
    out: dict[str, list[str]] = {"zh": [], "en": []}
    for lang in ("zh", "en"):
        say = out[lang].append
        say(phrase("rationale.head", lang, label=cells[f"label_{lang}"], target_name=zone.name.get(lang), **numbers))
        if str(cells.get("absence_evidence", "")) in ("source", "search"):
            say(
                phrase(
                    "rationale.absence",
                    lang,
                    basis=phrase(f"rationale.basis.{cells['absence_evidence']}", lang),
                    confidence=term(_absence_confidence(gap, cells["code"]), lang),
                    p=shown(float(cells["p_lacks"]), "share"),
                )
            )
        if cells["exemplars"]:
            ex = cells["exemplars"][0]
            title = _quoted(ex["title_zh"]) if lang == "zh" else ex["title_en"]
            confidence = term(ex["confidence"], lang)
            say(
                phrase(
                    "rationale.exemplar",
                    lang,
                    zone=ex[f"zone_name_{lang}"],
                    title=title,
                    depth=ex["depth"],
                    confidence=confidence,
                )
            )
        for key, column in (
            ("planned", "planned_measures"),
            ("not_counted", "not_counted"),
            ("prereq", "prerequisites_missing"),
        ):
            if cells[column]:
                say(
                    phrase(
                        f"rationale.{key}",
                        lang,
                        planned=cells["planned_measures"],
                        not_counted=cells["not_counted"],
                        prereq=prereq,
                    )
                )
        if cells["zone_can_act_alone"]:
            say(phrase("rationale.authority_alone", lang))
        else:
            say(phrase("rationale.authority_up", lang, level=term(cells["authority"], lang)))
        if cells["uplift"] > 0:
            say(phrase("rationale.uplift", lang, uplift=shown(cells["uplift"], "dtf")))
    return "".join(out["zh"]), " ".join(out["en"])


def _absence_confidence(gap: GapAnalysis, code: str) -> str:
    from .evidence import absence_evidence

    found = absence_evidence(gap.dataset.zone(gap.target), code, gap.params["status"])
    return found.confidence if found is not None and found.confidence else "low"
