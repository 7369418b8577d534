"""The rule layer of a draft: is a sentence a measure, its status, indicators, depth and key phrase.

Rules read the wording only; each answer comes with the reason a reviewer can check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..data.model import KEY_PHRASE_MAX

__all__ = [
    "FoundIndicator",
    "find_indicators",
    "guess_depth",
    "guess_status",
    "is_measure_sentence",
    "is_title_line",
    "measure_clauses",
    "key_phrase",
]

#: Verbs and nouns by which a sentence states a measure (something done or to be done).
MEASURE_WORDS = re.compile(
    "推行|推进|推动|实施|实行|建立|设立|成立|组建|开展|探索|取消|下放|承接|试点|试行|打造|构建|深化|优化|落实|"
    "引入|引进|鼓励|支持|推出|制定|出台|完善|健全|合并|整合|争取|授权|改革|创新|简化|精简|取消|赋予|授予|委托|"
    "采取|采用|实现|设置|聘任|选聘|招聘|考核|外包|购买|补贴|奖励|基金|机制|制度|模式|办法|方案|清单"
)
#: Sentences of context, not measures (history, macro figures, motives).
CONTEXT_WORDS = re.compile("十九大以来|以来,随着|GDP|增速|经济总量|形势|大变局|当前位置|来源:|点击")
_PILOT = re.compile("试点|试行|先行先试")
_DONE = re.compile("已经|已|累计|实现了|建成|取得|共计|完成了|率先推出|先后|截至|目前")
_FUTURE = re.compile("将|拟|计划|力争|探索|鼓励|下一步|逐步|加快|研究")
_WEAK_FUTURE = re.compile("推动|推进|争取|进一步|积极")
_DONE_HEADINGS = re.compile("经验|成效|做法|实践|成果|进展|回顾|举措")
_FUTURE_HEADINGS = re.compile("方向|展望|下一步|建议|思路|任务|目标|计划|规划|路径")
_FRAME = re.compile(
    r"^(伴随|随着|为了)|^(在|为|根据|围绕|按照|结合|针对|对于).*(方面|上|中|下|要求|问题|过程|背景|趋势)$"
)
_ZONE_WIDE = re.compile("全面|全区|全员|全部|统一|所有")

#: Units of the numbers read as indicators, with their English names.
UNITS = {
    "亿元": "CNY 100m",
    "万元": "CNY 10k",
    "万人": "10k people",
    "万家": "10k firms",
    "项": "items",
    "件": "cases",
    "个": "units",
    "家": "firms",
    "人": "people",
    "名": "people",
    "户": "households",
    "天": "days",
    "个工作日": "working days",
    "%": "percent",
}
_INDICATOR = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + ")"
)


@dataclass(frozen=True)
class FoundIndicator:
    """A number with a unit found in a sentence."""

    name: str
    value: float
    unit: str
    unit_en: str


def is_title_line(line: str) -> bool:
    """True for a short line without sentence punctuation: a title or banner, not a statement.

    Examples
    --------
    >>> is_title_line("天津高新区管理体制改革的实践"), is_title_line("探索园区合伙人制度。")
    (True, False)
    """
    return len(line) <= 24 and not re.search(r"[。；;，,！!？?]", line)


def is_measure_sentence(sentence: str) -> bool:
    """True when a sentence reads as stating a measure (a measure word, no context marker, 6+ characters).

    Examples
    --------
    >>> is_measure_sentence("全面取消行政事业在编人员身份。")
    True
    >>> is_measure_sentence("2017年以来,随着GDP增速下滑。")
    False
    """
    text = sentence.strip()
    return len(text) >= 6 and MEASURE_WORDS.search(text) is not None and CONTEXT_WORDS.search(text) is None


def guess_status(sentence: str, headings: tuple[str, ...]) -> tuple[str, str]:
    """(status, reason) from the wording: 试点/试行 -> piloting; 已/累计/实现 -> implemented; 将/拟/探索 -> proposed.

    Weak future verbs (推动, 推进, 争取) defer to the section: under a heading of experience
    or results (经验, 成效, 做法) they describe something done; under one of direction or tasks
    (方向, 任务, 下一步) something proposed. With no marker at all the section decides, and
    without a telling section the answer is "proposed": the cautious reading, never counted.

    Examples
    --------
    >>> guess_status("探索园区合伙人制度。", ("方向",))
    ('proposed', "wording '探索'")
    >>> guess_status("全面推动法定机构改革。", ("经验:打破制度障碍",))
    ('implemented', "section '经验:打破制度障碍' reports experience; '推动' read as done")
    """
    for pattern, status in ((_PILOT, "piloting"), (_DONE, "implemented"), (_FUTURE, "proposed")):
        match = pattern.search(sentence)
        if match:
            return status, f"wording '{match.group(0)}'"
    weak = _WEAK_FUTURE.search(sentence)
    for heading in reversed(headings):
        if _FUTURE_HEADINGS.search(heading):
            return "proposed", f"section '{heading}' sets out directions"
        if _DONE_HEADINGS.search(heading):
            verb = f"; '{weak.group(0)}' read as done" if weak else ""
            return "implemented", f"section '{heading}' reports experience{verb}"
    if weak:
        return "proposed", f"wording '{weak.group(0)}'"
    return "proposed", "no status wording and no telling section: the cautious reading"


def find_indicators(sentence: str) -> list[FoundIndicator]:
    """Numbers with a unit (项, 件, 个, 亿元, 人, ...), named by the words just before them.

    Examples
    --------
    >>> [(i.name, i.value, i.unit) for i in find_indicators("承接185项市级权力事项,办理4842件。")]
    [('承接', 185.0, '项'), ('办理', 4842.0, '件')]
    """
    found = []
    for match in _INDICATOR.finditer(sentence):
        before = re.split(r"[,，、;；。:：\s]", sentence[: match.start()])[-1]
        name = re.sub(r"\d+(?:\.\d+)?$", "", before)[-12:] or sentence[max(0, match.start() - 6) : match.start()]
        unit = match.group("unit")
        found.append(FoundIndicator(name or unit, float(match.group("value")), unit, UNITS[unit]))
    return found


def guess_depth(status: str, sentence: str, indicators: list[FoundIndicator]) -> tuple[int, str]:
    """(depth, reason) by the codebook's depth rule, read from one sentence.

    Proposed -> 1 (announced); piloting -> 2 (piloted); implemented -> 3 only with an
    operating figure and zone-wide wording (全面, 全区, 全员), else 2.

    Examples
    --------
    >>> guess_depth("implemented", "全面承接185项市级权力事项。", find_indicators("全面承接185项市级权力事项。"))
    (3, 'implemented zone-wide (全面) with an operating figure (185 项)')
    """
    if status == "proposed":
        return 1, "proposed: announced only"
    if status == "piloting":
        return 2, "piloting: partial by definition"
    wide = _ZONE_WIDE.search(sentence)
    if indicators and wide:
        first = indicators[0]
        return 3, f"implemented zone-wide ({wide.group(0)}) with an operating figure ({first.value:g} {first.unit})"
    missing = "an operating figure" if not indicators else "zone-wide wording"
    return 2, f"implemented, without {missing}: depth 3 needs both"


def measure_clauses(sentence: str) -> list[str]:
    """The clauses of a sentence (cut at ，,；;：:) that state a measure on their own (6+ characters).

    Examples
    --------
    >>> measure_clauses("推出“多项合一”审批模式,支持“一址多照”和集群注册,效率明显提高。")
    ['推出“多项合一”审批模式', '支持“一址多照”和集群注册']
    """
    clauses = [c.strip() for c in re.split(r"[,，;；:：。!！?？]", sentence) if c.strip()]
    return [c for c in clauses if len(c) >= 6 and MEASURE_WORDS.search(c) and not _FRAME.match(c)]


def key_phrase(
    sentence: str, *, limit: int = KEY_PHRASE_MAX, rank: Callable[[Sequence[str]], Sequence[float]] | None = None
) -> str:
    """A verbatim phrase of at most ``limit`` characters: the clause that best states the measure.

    Clauses are cut at punctuation; framing clauses ("在人员设置方面", "根据……要求") are
    skipped. Among clauses with a measure word, ``rank`` (e.g. the classifier's score of the
    chosen category for each clause) picks the best; without it, the first one.

    Examples
    --------
    >>> key_phrase("在人员设置方面,全面取消行政事业在编人员身份,持法定机构工作人员身份。")
    '全面取消行政事业在编人员身份'
    """
    clauses = [c.strip() for c in re.split(r"[,，;；。:：!！?？]", sentence) if c.strip()]
    candidates = [c for c in clauses if MEASURE_WORDS.search(c) and len(c) >= 4 and not _FRAME.match(c)]
    if not candidates:
        return (clauses[0] if clauses else sentence.strip())[:limit]
    if rank is not None and len(candidates) > 1:
        scores = list(rank(candidates))
        best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
        return candidates[best][:limit]
    return candidates[0][:limit]
