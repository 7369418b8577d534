"""``draft``: from a policy text to a zone file of measures awaiting review."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .._params import Date, FilePath, Instance, Int, Maybe, Options, Real, Str, Strs, validate_params
from ..data.model import ID_PATTERN, Evidence, Indicator, LocalText, Measure, Region, Source, Zone
from ..errors import InputError
from . import tense
from .propose import Proposal, propose
from .segment import Paragraph, split_paragraphs

if TYPE_CHECKING:
    import pandas as pd

    from ..data.dataset import Dataset
    from ..data.model import SourceKind
    from .classify import CategoryClassifier

__all__ = ["PROPOSAL_COLUMNS", "Draft", "draft"]

#: Columns of :meth:`Draft.table`.
PROPOSAL_COLUMNS = [
    "measure_id",
    "locator",
    "line",
    "code",
    "score",
    "candidates",
    "status",
    "status_reason",
    "depth",
    "depth_reason",
    "start",
    "start_reason",
    "indicators",
    "key_phrase",
    "sentence",
]
SOURCE_ID = "source-text"
_DATE = re.compile(r"(?:日期|发布|印发|时间)\s*[:：]?\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})")


@dataclass(frozen=True)
class Draft:
    """A draft coding: the zone (every measure ``confidence: low``, ``review: pending``) and its proposals.

    Attributes
    ----------
    zone : Zone
        The zone model; save it with :meth:`save` and review it by hand.
    proposals : tuple of Proposal
        One per measure, in zone order.
    params : dict
        The parameters that produced it (classifier, thresholds, excluded zones).
    """

    zone: Zone
    proposals: tuple[Proposal, ...] = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """The proposals as a DataFrame.

        Columns: measure_id, locator, line, code, score, candidates ("CODE 0.41; CODE 0.20"),
        status, status_reason, depth, depth_reason, start, start_reason, indicators, key_phrase,
        sentence.
        """
        import pandas as pd

        rows = [
            {
                "measure_id": measure.id,
                "locator": p.paragraph.locator,
                "line": p.paragraph.line,
                "code": p.code,
                "score": p.candidates[0][1],
                "candidates": "; ".join(f"{code} {score:.2f}" for code, score in p.candidates),
                "status": p.status,
                "status_reason": p.status_reason,
                "depth": p.depth,
                "depth_reason": p.depth_reason,
                "start": p.start,
                "start_reason": p.start_reason,
                "indicators": "; ".join(f"{i.value:g} {i.unit} ({i.name})" for i in p.indicators),
                "key_phrase": p.key_phrase,
                "sentence": p.sentence,
            }
            for measure, p in zip(self.zone.measures, self.proposals, strict=True)
        ]
        return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)

    def to_yaml(self) -> str:
        """The zone as YAML text (what :meth:`save` writes)."""
        from ..data.io import dump_model

        return dump_model(self.zone)

    @validate_params({"path": FilePath()}, name="Draft.save")
    def save(self, path: str) -> None:
        """Write the zone file atomically."""
        from ..data.io import dump_zone

        dump_zone(self.zone, path)


def _document_date(text: str) -> str | None:
    match = _DATE.search(text[:2000])
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _title(paragraphs: Sequence[Paragraph]) -> str:
    """The document's title: its most repeated short line before the first heading, else its first line."""
    head = [p.text for p in paragraphs if not p.section and len(p.text) <= 40][:10]
    if not head:
        return paragraphs[0].text[:60]
    return max(head, key=lambda t: (head.count(t), -head.index(t)))


def _measure(zone_id: str, n: int, p: Proposal, labels: dict[str, str], as_of: str | None) -> Measure:
    label = labels.get(p.code, p.code)
    indicators = [
        Indicator(
            name=LocalText(zh=i.name, en=f"{i.name} (count in {i.unit_en}; translate when reviewing)"),
            value=i.value,
            unit=i.unit_en,
            as_of=as_of,
            source=SOURCE_ID,
        )
        for i in p.indicators
        if as_of is not None
    ]
    unused = (
        ""
        if as_of is not None or not p.indicators
        else " Indicators found but no date known: " + "; ".join(f"{i.value:g} {i.unit}" for i in p.indicators)
    )
    note = (
        f"Draft by policybench.draft. Candidates: {'; '.join(f'{c} {s:.2f}' for c, s in p.candidates)}. "
        f"Status: {p.status_reason}. Depth: {p.depth_reason}. Start: {p.start_reason}.{unused}"
    )
    return Measure(
        id=f"{zone_id}.draft-{n:03d}",
        title=LocalText(zh=p.key_phrase, en=f"{label} (draft)"),
        summary=LocalText(
            zh=p.sentence[:200], en=f"Drafted from {p.paragraph.locator}: write the summary when reviewing."
        ),
        category=p.code,
        status=p.status,
        depth=p.depth,
        start=p.start,
        indicators=indicators,
        evidence=[Evidence(source=SOURCE_ID, locator=p.paragraph.locator, key_phrase=p.key_phrase)],
        confidence="low",
        review="pending",
        note=note,
    )


@validate_params(
    {
        "text": Str(empty=True),
        "dataset": Maybe(Instance("Dataset")),
        "zone_id": Str(),
        "name_zh": Maybe(Str()),
        "name_en": Maybe(Str()),
        "source_title": Maybe(Str()),
        "source_path": Maybe(Str()),
        "date": Maybe(Date()),
        "exclude_zones": Strs("zone ids"),
        "top": Int(1),
        "min_score": Real(0, 1),
        "segmenter": Options(None, "auto", "jieba"),
        "classifier": Maybe(Instance("CategoryClassifier")),
        "source_kind": Options("primary", "news", "research", "reprint", None),
    }
)
def draft(
    text: str,
    *,
    dataset: Dataset | None = None,
    zone_id: str = "draft-zone",
    name_zh: str | None = None,
    name_en: str | None = None,
    source_title: str | None = None,
    source_path: str | None = None,
    source_kind: str | None = None,
    date: str | None = None,
    exclude_zones: Sequence[str] = (),
    top: int = 3,
    min_score: float = 0.65,
    segmenter: str | None = None,
    classifier: CategoryClassifier | None = None,
) -> Draft:
    r"""Propose a coding of a policy text: one measure per (paragraph, category) stated in it.

    The text is split into sections and paragraphs (headings 一、 (一) 1.), then sentences,
    clauses and the items of a clause's list; each that states a measure (a rule on its wording)
    is classified into a codebook category or :data:`~policybench.draft.classify.NOT_A_MEASURE`
    (headlines, boilerplate, history, results, quoted documents: nothing is proposed for them).
    Proposals scoring under ``min_score`` are dropped and one measure is kept per paragraph and
    category, so a clause naming two reforms gives two measures with the same locator. Status,
    depth, start, indicators and the key phrase come from rules on the wording
    (:mod:`policybench.draft.rules`), each with the phrase it rests on in the note.

    The classifier is built once per training data and parameters and cached on disk
    (:mod:`policybench.draft.cache`); the same input gives the same output, byte for byte.

    Parameters
    ----------
    text : str
        The policy text (see :func:`~policybench.draft.read_policy_text` for files).
    dataset : Dataset, optional
        Codebook and coded zones to learn from (default: the shipped data, read from the cache
        without parsing when a model was built before).
    zone_id : str
        Id of the drafted zone (lower-case words joined by '-').
    name_zh, name_en : str, optional
        Name of the zone (default: the document's title, and a placeholder in English).
    source_title : str, optional
        Title of the source (default: the document's title).
    source_path : str, optional
        Where the text was read from; recorded in the source's note for ``policybench review``.
    source_kind : {"primary", "news", "research", "reprint"}, optional
        What the text is; not guessed: when not given the source is recorded as "news" with a
        note asking the reviewer to set it.
    date : str, optional
        Date of the text (YYYY, YYYY-MM or YYYY-MM-DD): the source date and the ``as_of`` of
        indicators; default: a "日期: 2020-02-26"-style line of the text, else unknown (then
        indicators are listed in the note, not coded).
    exclude_zones : sequence of str
        Zones left out of the training data (to evaluate on a zone already coded).
    top : int
        Candidate categories listed per measure.
    min_score : float
        Calibrated score under which a sentence is not proposed, in [0, 1]. The default, 0.65, gives
        the highest recall at a precision of at least 0.7 on the benchmark's gold texts (chosen
        leaving each text out, it is 0.65 in 18 of 23 folds and 0.6 in 5; see ``benchmarks/README.md``).
    segmenter : {None, "auto", "jieba"}
        Word features from jieba: never (default), when installed ("auto"), or always.
    classifier : CategoryClassifier, optional
        A fitted classifier to reuse (then ``dataset``, ``exclude_zones`` and ``segmenter`` are its own).

    Returns
    -------
    Draft

    Examples
    --------
    >>> result = draft("一、主要举措\n（一）深化改革\n全面推行法定机构改革，实行全员聘任制。", source_kind="primary")
    >>> [(m.evidence[0].locator, m.category, m.review) for m in result.zone.measures][:1]
    [('§一(一) para 1', 'GOV.STATUTORY_BODY', 'pending')]
    """
    from .cache import cached_classifier

    _check(text, zone_id)
    model = classifier or cached_classifier(dataset, exclude_zones=exclude_zones, segmenter=segmenter)
    paragraphs = split_paragraphs(text)
    as_of = date or _document_date(text)
    proposals = propose(paragraphs, model, top, min_score, tense.document_tense(text), as_of)
    title = _title(paragraphs)
    measures = [_measure(zone_id, n, p, model.labels, as_of) for n, p in enumerate(proposals, start=1)]
    where = f"drafted from: {source_path}" if source_path else "drafted from a text given in memory"
    kind_note = "" if source_kind else "; source kind not stated: set kind when reviewing"
    zone = Zone(
        id=zone_id,
        name=LocalText(zh=name_zh or title, en=name_en or f"Draft coding of '{title}'"),
        kind="other",
        region=Region(province=LocalText(zh="待填写", en="to be filled in")),
        description=LocalText(
            zh=f"由 policybench draft 自动生成的草稿，共 {len(measures)} 项待审举措；审核后方可计入分析。",
            en=f"Machine draft by policybench draft: {len(measures)} measures pending review; "
            "none is counted until a reviewer clears it.",
        ),
        sources=[
            Source(
                id=SOURCE_ID,
                title=source_title or title,
                publisher="unknown",
                date=as_of,
                kind=cast("SourceKind", source_kind or "news"),
                note=where + kind_note,
            )
        ],
        measures=measures,
    )
    params = {
        "top": top,
        "min_score": min_score,
        "exclude_zones": list(model.excluded_zones),
        "segmenter": model.segmenter,
        "temperature": model.temperature,
        "training_examples": model.n_examples,
        "data_hash": model.data_hash,
        "source_kind": source_kind,
    }
    return Draft(zone, tuple(proposals), params)


def _check(text: str, zone_id: str) -> None:
    """What the declared types cannot say: a text with words in it and a well-formed zone id."""
    if not text.strip():
        raise InputError("The 'text' parameter of draft must be a non-empty text. Got an empty text instead.")
    if not re.match(ID_PATTERN, zone_id):
        raise InputError(
            f"The 'zone_id' parameter of draft must be lower-case words joined by '-'. Got {zone_id!r} instead."
        )
