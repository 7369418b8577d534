"""The tense of a draft's measure: its status (piloting, implemented, proposed) and its start, from the wording.

Each answer comes with the phrase it rests on. Markers are read in the clause first, then in its
sentence, then the section's heading, then what the whole text mostly does (:func:`document_tense`).
"""

from __future__ import annotations

import re

from .rules import find_indicators
from .segment import HEADING_MAX

__all__ = ["document_tense", "find_start", "guess_status"]

#: Piloting: a trial or pilot label.
_PILOT = re.compile("试点|试行|先行先试")
#: Done: perfect markers, results of counts ("由22个精简为9个"), reports of adoption.
_DONE = re.compile(
    r"已经|已(?!有的)|累计|截至|截止|先后|完成了|实现了|建成了|改革后|共计|共有|目前|此前|率先|成功|"
    r"由\s*\d+(?:\.\d+)?\s*[个人名项家]?\S{0,8}?(?:精简|精减|减少|压缩|调整|整合|缩减)(?:为|至|到)\s*\d+|"
    r"(?:精简|精减|压缩|减少)(?:了|为|至)\s*\d+|制定出台|出台了|印发了|(?<![为除])(?:[\u4e00-\u9fff])了(?=[\u4e00-\u9fff，,。；;])"
)
#: Future: plans, intentions, directions (将 only before a verb or adverb, not as the object marker of 将X委托).
_FUTURE = re.compile(
    r"拟|计划|力争|下一步|争取|到\d{4}年|探索|研究|鼓励|支持|逐步|加快|着力|(?<![主重需必只紧摘纲])要(?!求|素|点|事|件|害|闻)|"
    r"将(?:进一步|继续|逐步|全面|加快|着力|重点|积极|在|于|推|建|实施|实行|开展|出台|设立|成立|启动|探索|打造|构建|形成|"
    r"得到|会|能|可|被)"
)
#: Directions that reports of things done use too ("探索实行……" in a zone's account of its reform): they mark a
#: clause as planned but do not make a whole text a plan (:func:`document_tense`).
_OPEN_FUTURE = re.compile("^(?:探索|研究|鼓励|支持|逐步|加快|着力|要)$")
#: 将 as the object marker (将X交由Y, 将X委托Y实施, 将22个机构精简为9个): no future.
_OBJECT_JIANG = re.compile(
    "将[^，,。；;]{1,30}?(?:交由|委托|纳入|划入|划归|划转|下放|移交|作为|列入|调整为|精简为|精减为|整合为|合并为|归并|赋予|授予)"
)
_WEAK_FUTURE = re.compile("推动|推进|进一步|积极")
_DONE_HEADINGS = re.compile("经验|成效|做法|实践|成果|进展|回顾|举措")
_FUTURE_HEADINGS = re.compile("方向|展望|下一步|建议|思路|任务|目标|计划|规划|路径")


def _plans(text: str) -> list[re.Match[str]]:
    """The markers of plans in a text, without 将 used as the object marker (将X委托开发区实施)."""
    objects = [m.span() for m in _OBJECT_JIANG.finditer(text)]
    return [
        m
        for m in _FUTURE.finditer(text)
        if not (m.group(0).startswith("将") and any(a <= m.start() < b for a, b in objects))
    ]


def document_tense(text: str) -> tuple[str, str]:
    """(status, reason) a statement without markers of its own takes: what the text mostly does.

    A text with more markers of things done (已, 累计, 由22个精简为9个, ...了, 制定出台) than of
    firm plans (拟, 计划, 力争, 下一步, 到2025年, 将推进, ...) reports; so does a text with neither
    (it states rules, as a province's or city's requirements do: coders read them as in force);
    otherwise it plans. Open
    directions (探索, 研究, 逐步, 加快 ...) are not counted: reports of things done use them as
    much as plans ("探索实行……"); they still mark their own clause as proposed.

    Examples
    --------
    >>> document_tense("已取消编制。累计承接185项。拟设立基金。")[0]
    'implemented'
    >>> document_tense("制定出台《若干措施》。探索将招商事项交由市场承担。")[0]
    'implemented'
    """
    done = len(_DONE.findall(text))
    future = sum(1 for m in _plans(text) if not _OPEN_FUTURE.match(m.group(0)))
    if done > future:
        return "implemented", f"the text reports more than it plans ({done} markers of done vs {future} of firm plans)"
    if done == future == 0:
        return (
            "implemented",
            "the text states no plans and no results: read as rules in force (no firm plans, nothing done)",
        )
    return "proposed", f"the text plans more than it reports ({future} markers of firm plans vs {done} of done)"


def _governing(clause: str, context: str) -> str:
    """The part of a sentence whose markers of plans can govern one of its clauses: up to the clause's end."""
    at = context.find(clause)
    return context if at < 0 else context[: at + len(clause)]


#: A sentence that opens as a plan ("下一步, 市发改委将督促……"): every clause of it is planned.
_PLAN_OPENING = re.compile(r"^[^，,。；;]{0,12}?(?:下一步|今后|未来|接下来)|^(?:拟|计划|将要)")


def _marked(clause: str, context: str) -> tuple[str, str] | None:
    """(status, reason) from a marker of piloting, done or plans in the clause, else in its sentence.

    In the sentence, a result (已, 精简为9个) speaks of the clauses before it too, but a marker of
    plans or piloting governs only what follows it: "可自主设置内设机构, 探索将招商交由市场" is not
    a plan to let the zone set up its own bodies. A sentence that opens as a plan (下一步, 今后)
    plans all its clauses that report nothing done themselves, and something done under a pilot
    frame of its sentence ("试点开发区……完成了全员竞聘") is piloting.
    """
    own = _first_marker(clause, clause)
    if context:
        governs = _governing(clause, context)
        opening = _PLAN_OPENING.search(context)
        if opening and (own is None or own[0] != "implemented"):
            return "proposed", f"wording '{opening.group(0).lstrip()}' (its sentence opens as a plan)"
        pilot = _PILOT.search(governs)
        if own is not None and own[0] == "implemented" and pilot:
            return "piloting", f"{own[1]} under '{pilot.group(0)}' (in its sentence)"
    if own is not None:
        return own
    if context:
        found = _first_marker(context, _governing(clause, context))
        if found is not None:
            return found[0], f"{found[1]} (in its sentence)"
    return None


def _first_marker(text: str, governs: str) -> tuple[str, str] | None:
    """The first kind of marker found: piloting (in ``governs``), done (anywhere), plans (in ``governs``)."""
    for status in ("piloting", "implemented", "proposed"):
        if status == "piloting":
            match = _PILOT.search(governs)
        elif status == "implemented":
            match = _DONE.search(text)
        else:
            match = next(iter(_plans(governs)), None)
        if match:
            return status, f"wording '{match.group(0)}'"
    return None


def guess_status(
    sentence: str, headings: tuple[str, ...], *, context: str = "", default: tuple[str, str] | None = None
) -> tuple[str, str]:
    """(status, reason) from the wording: 试点 -> piloting; 已/累计/由X精简为Y/...了 -> implemented; 拟/将推进/探索 -> proposed.

    The clause is read first, then its sentence (``context``); weak future verbs (推动, 推进)
    defer to the section: under a heading of experience or results (经验, 成效, 做法) they
    describe something done, under one of direction or tasks (方向, 任务, 下一步) something
    proposed; outside such a section they take ``default`` (what the whole text mostly does,
    :func:`document_tense`): a report pushes reforms forward as much as a plan does. A clause
    giving a count (370名, 185项) with no word of plans reports something done. With no marker
    at all the section decides, then ``default``, else "proposed", the cautious reading. Only a
    short heading (a title, not a long item line) tells anything. The reason quotes the phrase
    the answer rests on.

    Examples
    --------
    >>> guess_status("探索园区合伙人制度。", ("方向",))
    ('proposed', "wording '探索'")
    >>> guess_status("全面推动法定机构改革。", ("经验:打破制度障碍",))
    ('implemented', "section '经验:打破制度障碍' reports experience; '推动' read as done")
    >>> guess_status("改革后人员由463人精减为272人", ())
    ('implemented', "wording '改革后'")
    """
    marked = _marked(sentence, context)
    if marked is not None:
        return marked
    counts = [i for i in find_indicators(sentence) if i.unit != "%"]
    if counts:
        return "implemented", f"an operating count ({counts[0].value:g} {counts[0].unit}) with no word of plans"
    weak = _WEAK_FUTURE.search(sentence) or _WEAK_FUTURE.search(_governing(sentence, context))
    for heading in reversed([h for h in headings if len(h) <= HEADING_MAX]):  # a long item is no title
        if _FUTURE_HEADINGS.search(heading):
            return "proposed", f"section '{heading}' sets out directions"
        if _DONE_HEADINGS.search(heading):
            verb = f"; '{weak.group(0)}' read as done" if weak else ""
            return "implemented", f"section '{heading}' reports experience{verb}"
    if default is not None:  # a weak verb (推进, 推动) is as much a report's as a plan's: the text decides
        return (default[0], f"{default[1]}; '{weak.group(0)}' read with it") if weak else default
    if weak:
        return "proposed", f"wording '{weak.group(0)}'"
    return "proposed", "no status wording and no telling section: the cautious reading"


_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年(?:\s*(?P<month>\d{1,2})\s*月)?")
_TARGET_BEFORE = re.compile(r"(?:到|至|截至|截止|力争|争取|预计)\s*$")


def find_start(sentence: str, context: str = "", *, latest: str | None = None) -> tuple[str | None, str]:
    """(start, reason): the first year (and month) stated in the clause, else in its sentence.

    Targets (到2025年, 力争2025年) and as-of dates (截至2020年) are not starts; nor is a year
    after ``latest`` (the text's date).

    Examples
    --------
    >>> find_start("2019年2月起全面推开法定机构改革")
    ('2019-02', "stated '2019年2月'")
    >>> find_start("到2025年建成一流园区")
    (None, 'no year stated')
    """
    for text in (sentence, context):
        for match in _YEAR.finditer(text or ""):
            if _TARGET_BEFORE.search(text[: match.start()]):
                continue
            year, month = match.group("year"), match.group("month")
            value = f"{year}-{int(month):02d}" if month and 1 <= int(month) <= 12 else year
            if latest is not None and value[:4] > latest[:4]:
                continue
            where = "" if text is sentence else " in its sentence"
            return value, f"stated '{match.group(0)}'{where}"
    return None, "no year stated"
