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
    "non_measure_kind",
    "reform_parts",
    "split_outside_brackets",
    "without_problems",
    "guess_depth",
    "is_measure_sentence",
    "is_title_line",
    "measure_clauses",
    "key_phrase",
]

#: Verbs and nouns by which a sentence states a measure (something done or to be done).
MEASURE_WORDS = re.compile(
    "推行|推进|推动|实施|实行|建立|设立|成立|组建|开展|探索|取消|下放|承接|试点|试行|打造|构建|深化|优化|落实|"
    "引入|引进|鼓励|支持|推出|制定|出台|完善|健全|合并|整合|争取|授权|改革|创新|简化|精简|取消|赋予|授予|委托|"
    "采取|采用|实现|设置|聘任|选聘|招聘|考核|外包|购买|补贴|奖励|基金|机制|制度|模式|办法|方案|清单|"
    # every action verb states a measure in a sentence too (移交45项社会事务职能至属地镇街)
    "精减|竞聘|剥离|划转|调整|核定|分离|移交|交由|组织|搭建|创设|启动"
)
#: Verbs by which a clause on its own states a measure (nouns such as 机制, 模式 are not enough for a clause).
ACTION_WORDS = re.compile(
    "推行|推进|推动|实施|实行|建立|设立|成立|组建|开展|探索|取消|下放|承接|试点|试行|打造|构建|深化|优化|落实|"
    "引入|引进|鼓励|支持|推出|制定|出台|完善|健全|合并|整合|争取|授权|简化|精简|精减|赋予|授予|委托|采取|采用|"
    "设置|聘任|选聘|招聘|竞聘|外包|购买|剥离|划转|调整|改革|核定|分离|移交|交由|组织|搭建|创设|启动|实现"
)
#: Sentences of context, not measures (history, macro figures, motives).
CONTEXT_WORDS = re.compile("十九大以来|以来,随着|GDP|增速|经济总量|形势|大变局|当前位置|来源:|点击")
#: Sentences that state no measure, by kind: issuing boilerplate, bylines, quoted national documents, history, results.
_NON_MEASURE = (
    (
        "boilerplate",
        re.compile(
            "请认真贯彻|认真贯彻落实|请结合实际|印发给你们|现将|特此通知|遵照执行|照此执行|自印发之日起|负责解释|"
            "各有关单位要|各地各部门要|切实提高政治站位|确保各项.{0,6}落到实处"
        ),
    ),
    (
        "byline",
        re.compile(
            r"责任编辑|来源\s*[:：]|发布时间|发布日期|点击\s*[:：]|浏览次数|打印本页|关闭窗口|供稿|本报记者|通讯员|作者\s*[:：]"
        ),
    ),
    (
        "quoted",
        re.compile(
            r"^(?:\d{4}年\d{0,2}月?[,，]?\s*)?(?:国务院|国家|中共中央|党中央|中办|国办|中央|党的.{1,4}大|.{0,4}总书记)"
            r".{0,40}(?:印发|出台|发布|指出|提出|要求|强调|明确)"
        ),
    ),
    ("summary", re.compile("通过.{2,80}?等(?:一?系列|多项)?(?:创新)?举措|成效(?:瞩目|显著)")),
    ("history", re.compile("经国务院批准|始建于|建区以来|获批(?:设立|成立|升级)|升级为国家级|前身为|启动开发时")),
    ("outcome", re.compile(r"排名|位居|名列|第\d+位|同比增长|增长\d|生产总值|营业收入|总产值|规上工业|满意度")),
)
#: Clauses that name a problem or a goal, not a measure: "机构设置不够规范", "真正实现管委会精简高效".
_PROBLEM_OR_GOAL = re.compile(
    "不够|不足|不强|不高|不畅|不到位|不适应|短板|瓶颈|滞后|薄弱|突出问题|"
    "^(?:真正|从而|进而|以|努力|力求|切实)实现|^确保"
)
_FRAME = re.compile(
    r"^(伴随|随着|为了)|^(在|为|根据|围绕|按照|结合|针对|对于).*(方面|上|中|下|要求|问题|过程|背景|趋势)$"
)

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
    """A number with a unit found in a sentence; ``structural`` when it counts the design (protocol D3)."""

    name: str
    value: float
    unit: str
    unit_en: str
    structural: bool = False


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
    return (
        len(text) >= 6
        and MEASURE_WORDS.search(text) is not None
        and CONTEXT_WORDS.search(text) is None
        and non_measure_kind(text) is None
    )


def non_measure_kind(sentence: str) -> str | None:
    """The kind of non-measure a sentence reads as by its wording (boilerplate, byline, quoted, history, outcome).

    Examples
    --------
    >>> non_measure_kind("现将《实施方案》印发给你们,请认真贯彻落实。")
    'boilerplate'
    >>> non_measure_kind("2017年,国务院办公厅出台《关于促进开发区改革和创新发展的若干意见》。")
    'quoted'
    >>> non_measure_kind("全面推行全员聘任制。") is None
    True
    """
    for kind, pattern in _NON_MEASURE:
        if pattern.search(sentence.strip()):
            return kind
    return None


#: What a count of the design counts (protocol D3): bodies, departments, posts, listed items and powers, documents.
_DESIGN_AFTER = re.compile(
    r"[^，,。；;、]{0,6}?(?:机构|部门|部室|处室|科室|局|中心|岗位|职位|职数|员额|编制|类|事项|职能|职责|权限|权力|"
    r"文件|政策|办法|条|章|园|开发区|功能区|片区|板块|公司|平台|基金|任务|清单|改革)"
)
_DESIGN_BEFORE = re.compile("控制数|员额|编制|职数|岗位数|定员")
#: A count of 个 or 项 after a noun of the design counts the design: 内设机构由5个压缩至3个, 剥离清单42项.
_DESIGN_NOUN_BEFORE = re.compile("机构|部门|部室|处室|科室|园区|开发区|限额|事项|职能|职责|清单|权限")


def find_indicators(sentence: str) -> list[FoundIndicator]:
    """Numbers with a unit (项, 件, 个, 亿元, 人, ...), named by the words just before them.

    A count of the design (22个内设机构, 273项事项, 人员控制数290名) is marked ``structural``:
    the coding protocol's rule D3 does not take it as evidence of operation.

    Examples
    --------
    >>> [(i.name, i.value, i.unit, i.structural) for i in find_indicators("承接185项市级权力事项,办理4842件。")]
    [('承接', 185.0, '项', True), ('办理', 4842.0, '件', False)]
    """
    found = []
    for match in _INDICATOR.finditer(sentence):
        before = re.split(r"[,，、;；。:：\s]", sentence[: match.start()].rstrip())[-1]
        name = re.sub(r"\d+(?:\.\d+)?$", "", before)[-12:] or sentence[max(0, match.start() - 6) : match.start()]
        unit = match.group("unit")
        after = sentence[match.end() : match.end() + 10]
        counted = unit in ("个", "项") and _DESIGN_NOUN_BEFORE.search(before) is not None
        structural = unit == "%" or counted or bool(_DESIGN_AFTER.match(after) or _DESIGN_BEFORE.search(before))
        found.append(FoundIndicator(name or unit, float(match.group("value")), unit, UNITS[unit], structural))
    return found


def guess_depth(status: str, sentence: str, indicators: list[FoundIndicator]) -> tuple[int, str]:
    """(depth, reason) by the codebook's depth rule, read from the wording.

    Proposed -> 1 (announced); piloting -> 2 (piloted); implemented -> 3 when an operating
    figure is given (cases handled, people appointed or served, firms, money: evidence of
    operation), else 2: counts of the design (bodies, departments, posts, listed items; protocol
    rule D3) and percentages do not earn depth 3.

    Examples
    --------
    >>> guess_depth("implemented", "办理4842件。", find_indicators("办理4842件。"))
    (3, 'implemented with an operating figure (4842 件)')
    >>> guess_depth("implemented", "精简为9个内设机构。", find_indicators("精简为9个内设机构。"))
    (2, 'implemented; only counts of the design (9 个), which rule D3 does not take as operation')
    """
    if status == "proposed":
        return 1, "proposed: announced only"
    if status == "piloting":
        return 2, "piloting: partial by definition"
    counts = [i for i in indicators if not i.structural]
    if counts:
        first = counts[0]
        return 3, f"implemented with an operating figure ({first.value:g} {first.unit})"
    design = [i for i in indicators if i.unit != "%"]
    if design:
        return 2, (
            f"implemented; only counts of the design ({design[0].value:g} {design[0].unit}), "
            "which rule D3 does not take as operation"
        )
    return 2, "implemented, without an operating figure: depth 3 needs one"


def measure_clauses(sentence: str) -> list[str]:
    """The clauses of a sentence (cut at ，,；;：:) that state a measure on their own (6+ characters, an action verb).

    Examples
    --------
    >>> measure_clauses("推出“多项合一”审批模式,支持“一址多照”和集群注册,效率明显提高。")
    ['推出“多项合一”审批模式', '支持“一址多照”和集群注册']
    """
    clauses = [c.strip() for c in split_outside_brackets(sentence) if c.strip()]
    return [
        c
        for c in clauses
        if len(c) >= 6 and ACTION_WORDS.search(c) and not _FRAME.match(c) and not _PROBLEM_OR_GOAL.search(c)
    ]


_CLAUSE_END = re.compile(r"[,，;；:：。!！?？]")
_OPENING, _CLOSING = "(（“《「【", ")）”》」】"


def split_outside_brackets(sentence: str) -> list[str]:
    """The sentence cut at clause punctuation (，；：。), except inside brackets and quotation marks.

    A list in brackets ("三化三制"(专业化、市场化、国际化,任期制、聘任制、绩效薪酬制)) stays in its
    clause; with a bracket left open, the sentence is cut everywhere.

    Examples
    --------
    >>> split_outside_brackets("推进“三化三制”(专业化,任期制、聘任制),强化经济属性")
    ['推进“三化三制”(专业化,任期制、聘任制)', '强化经济属性']
    """
    pieces, start, depth = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and _CLAUSE_END.match(ch):
            pieces.append(sentence[start:i])
            start = i + 1
    if depth:
        return _CLAUSE_END.split(sentence)
    return [*pieces, sentence[start:]]


_PART_SPLIT = re.compile("、|以及|和|及|与|[,，](?=[^()（）]*[)）])")  # a comma only inside brackets
#: What a list item keeps of its brackets: the words inside them.
_PART_BRACKETS = re.compile(r"^[^()（）]*[(（]|[)）][^()（）]*$")
_REFORM_NOUN = re.compile("[化制]$|[化制](?:改革|管理)")
#: The verb a list shares ("推进A、B改革") and its closing noun, trimmed from each item.
_PART_TRIM = re.compile(
    "^(?:全面|积极|深入|加快|大力|进一步|持续)*(?:推进|推行|实施|实行|深化|开展|推动)?|(?:改革|工作|等)$"
)


def without_problems(sentence: str) -> str:
    """The sentence without its clauses that name a problem or a goal (what is classified of it).

    Examples
    --------
    >>> without_problems("针对机构设置不够规范等突出问题,制定出台若干措施,推行全员聘任。")
    '制定出台若干措施,推行全员聘任。'
    """
    pieces = re.split(r"(?<=[,，;；:：])", sentence)
    kept = [p for p in pieces if not _PROBLEM_OR_GOAL.search(p.rstrip(",，;；:：。"))]
    return "".join(kept) if kept and len(kept) < len(pieces) else sentence


def _unquoted_split(clause: str) -> list[str]:
    """The clause cut at its list separators, except inside quotation marks ("一区多园、一个机构" is one name)."""
    quoted = [m.span() for m in re.finditer(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|《[^》]*》", clause)]
    parts, start = [], 0
    for m in _PART_SPLIT.finditer(clause):
        if any(a < m.start() < b for a, b in quoted):
            continue
        parts.append(clause[start : m.start()])
        start = m.end()
    parts.append(clause[start:])
    return parts


def reform_parts(clause: str) -> list[str]:
    """The parts of a clause that names several reforms in a list ("去行政化、去社会化").

    A part is kept when it has 4+ characters and reads as a reform: a measure word, or a
    noun of reform ending in 化 or 制; a three-character system (任期制, 聘任制) is kept too. A list
    in brackets gives its items without the brackets. A clause with one item gives no parts (it
    is classified whole).

    Examples
    --------
    >>> reform_parts("推进去行政化、去社会化改革")
    ['去行政化', '去社会化']
    >>> reform_parts("推行全员聘任制")
    []
    >>> reform_parts("着力推进“三化三制”(专业化、市场化,任期制、聘任制、绩效薪酬制)")
    ['任期制', '聘任制', '绩效薪酬制']
    """
    parts = [_PART_TRIM.sub("", _PART_BRACKETS.sub("", p.strip())) for p in _unquoted_split(clause) if p.strip()]
    if len(parts) < 2:
        return []
    return [p for p in parts if _reads_as_reform(p)]


def _reads_as_reform(part: str) -> bool:
    """A list item naming a reform: 4+ characters with a measure word or a noun of reform, or a system (任期制)."""
    if len(part) == 3:
        return part.endswith("制")
    return len(part) >= 4 and bool(MEASURE_WORDS.search(part) or _REFORM_NOUN.search(part))


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
    candidates = [
        c
        for c in clauses
        if MEASURE_WORDS.search(c) and len(c) >= 4 and not _FRAME.match(c) and not _PROBLEM_OR_GOAL.search(c)
    ]
    if not candidates:
        return (clauses[0] if clauses else sentence.strip())[:limit]
    if rank is not None and len(candidates) > 1:
        scores = list(rank(candidates))
        best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
        return candidates[best][:limit]
    return candidates[0][:limit]
