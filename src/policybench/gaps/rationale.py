"""Bilingual rationale sentences for recommendations, from fixed templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import GapAnalysis

__all__ = ["rationale"]

_AUTHORITY_ZH = {"zone": "园区自身", "municipal": "市级", "provincial": "省级", "national": "国家"}

_ZH = {
    "head": "{label}：{target_name}得分{target:.2f}，标杆前沿{frontier:.2f}（差距{gap:.2f}，DTF {dtf:.0f}）；考察过此项的标杆中{adopted}采用。",
    "absence": "本区未开展此项的依据：{basis}（可信度{confidence}），估计确未开展的概率为{p:.0%}。",
    "exemplar": "可借鉴{zone}的{title}（深度{depth}，可信度{confidence}）。",
    "planned": "本区已提出相关方向（{planned}），尚未计入实施。",
    "not_counted": "本区曾有相关举措但未计入：{not_counted}。",
    "prereq": "需先具备：{prereq}。",
    "authority_alone": "园区自身即可推动。",
    "authority_up": "需要{level}层面授权或配合。",
    "uplift": "若达到标杆深度，总体DTF可提高{uplift:.0f}分。",
}
_EN = {
    "head": "{label}: {target_name} scores {target:.2f} against a frontier of {frontier:.2f} (gap {gap:.2f}, DTF {dtf:.0f}); {adopted_en} benchmark zones that examined it have it.",
    "absence": "That the zone lacks it rests on {basis} ({confidence} confidence): P(lacks) {p:.0%}.",
    "exemplar": "Exemplar: {zone_en}, '{title_en}' (depth {depth}, {confidence} confidence).",
    "planned": "The zone has already proposed this ({planned}), not yet counted as implemented.",
    "not_counted": "Earlier measures here are not counted: {not_counted}.",
    "prereq": "Prerequisites first: {prereq}.",
    "authority_alone": "The zone can act alone.",
    "authority_up": "Needs {level}-level authorisation or support.",
    "uplift": "Reaching the exemplar's depth would raise the overall DTF by {uplift:.0f} points.",
}
_CONF_ZH = {"high": "高", "medium": "中", "low": "低"}
_BASIS = {
    "source": ("来源明确记载", "a source that says so"),
    "search": (
        "检索记录（相关来源和检索均未发现）",
        "a search record (the sources read and queries run found nothing)",
    ),
}


def _quoted(title: str) -> str:
    """Chinese quotation marks around a title, unless it already starts with a quotation mark."""
    return title if title.startswith(("“", "《", '"')) else f"“{title}”"


def rationale(gap: GapAnalysis, cells: dict[str, Any]) -> tuple[str, str]:
    """Chinese and English rationale for one recommendation row (``cells``)."""
    zone = gap.dataset.zone(gap.target)
    n = int(cells.get("n_examined", len(gap.benchmark)))
    adopted = int(cells["n_adopted"])
    values = {
        **cells,
        "label": cells["label_zh"],
        "target_name": zone.name.zh,
        "adopted": f"{adopted}/{n}",
        "adopted_en": f"{adopted} of {n}",
        "prereq": ", ".join(cells["prerequisites_missing"].split(",")) if cells["prerequisites_missing"] else "",
        "level": cells["authority"],
    }
    zh = [_ZH["head"].format(**values)]
    en = [_EN["head"].format(**{**values, "label": cells["label_en"], "target_name": zone.name.en})]
    basis = _BASIS.get(str(cells.get("absence_evidence", "")))
    if basis is not None:
        confidence = _absence_confidence(gap, cells["code"])
        p = float(cells["p_lacks"])
        zh.append(_ZH["absence"].format(basis=basis[0], confidence=_CONF_ZH[confidence], p=p))
        en.append(_EN["absence"].format(basis=basis[1], confidence=confidence, p=p))
    if cells["exemplars"]:
        ex = cells["exemplars"][0]
        zh.append(
            _ZH["exemplar"].format(
                zone=ex["zone_name_zh"],
                title=_quoted(ex["title_zh"]),
                depth=ex["depth"],
                confidence=_CONF_ZH[ex["confidence"]],
            )
        )
        en.append(
            _EN["exemplar"].format(
                zone_en=ex["zone_name_en"], title_en=ex["title_en"], depth=ex["depth"], confidence=ex["confidence"]
            )
        )
    for key in ("planned", "not_counted", "prereq"):
        source = {"planned": "planned_measures", "not_counted": "not_counted", "prereq": "prerequisites_missing"}[key]
        if cells[source]:
            zh.append(
                _ZH[key].format(
                    planned=cells["planned_measures"], not_counted=cells["not_counted"], prereq=values["prereq"]
                )
            )
            en.append(
                _EN[key].format(
                    planned=cells["planned_measures"], not_counted=cells["not_counted"], prereq=values["prereq"]
                )
            )
    if cells["zone_can_act_alone"]:
        zh.append(_ZH["authority_alone"])
        en.append(_EN["authority_alone"])
    else:
        zh.append(_ZH["authority_up"].format(level=_AUTHORITY_ZH[cells["authority"]]))
        en.append(_EN["authority_up"].format(level=cells["authority"]))
    if cells["uplift"] > 0:
        zh.append(_ZH["uplift"].format(uplift=cells["uplift"]))
        en.append(_EN["uplift"].format(uplift=cells["uplift"]))
    return "".join(zh), " ".join(en)


def _absence_confidence(gap: GapAnalysis, code: str) -> str:
    from .evidence import absence_evidence

    found = absence_evidence(gap.dataset.zone(gap.target), code, gap.params["status"])
    return found.confidence if found is not None and found.confidence else "low"
