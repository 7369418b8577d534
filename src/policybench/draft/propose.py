"""From a text's paragraphs to proposed measures: units to classify, their readings, one proposal per reform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import rules, tense
from .segment import Paragraph, Sentence, split_sentences

if TYPE_CHECKING:
    from .classify import CategoryClassifier

__all__ = ["Proposal", "propose", "units"]


@dataclass(frozen=True)
class Proposal:
    """One proposed measure: where it is, what it is, and why."""

    paragraph: Paragraph
    sentence: str
    candidates: tuple[tuple[str, float], ...]
    status: str
    status_reason: str
    depth: int
    depth_reason: str
    indicators: tuple[rules.FoundIndicator, ...]
    key_phrase: str
    start: str | None = None
    start_reason: str = "no year stated"

    @property
    def code(self) -> str:
        """The proposed primary category."""
        return self.candidates[0][0]


def units(paragraphs: Sequence[Paragraph]) -> list[tuple[Sentence, str, str | None]]:
    """(sentence, text to classify, clause of a list item): measure sentences, their clauses, listed reforms.

    Chinese policy sentences often list several measures, one per clause ("推出……模式、……制度，
    支持……，全面推行……"), and a clause may name several reforms at once ("去行政化、去社会化"),
    so clauses and the items of a clause's list are classified too; the sentence keeps the context.
    A list item is kept only for a category among its clause's candidates (see :func:`_candidates`).
    Sentences that read as boilerplate, bylines, quoted national documents, history or results
    (:func:`~policybench.draft.rules.non_measure_kind`) are skipped.
    """
    counts: dict[str, int] = {}
    for p in paragraphs:
        counts[p.text] = counts.get(p.text, 0) + 1
    out: list[tuple[Sentence, str, str | None]] = []
    for p in paragraphs:
        if counts[p.text] > 1 or rules.is_title_line(p.text):  # running headers and titles state nothing
            continue
        for sentence in split_sentences(p):
            if not rules.is_measure_sentence(sentence.text):
                continue
            clauses = rules.measure_clauses(sentence.text)
            for clause in clauses:
                if len(clauses) > 1:
                    out.append((sentence, clause, None))
                out += [(sentence, part, clause) for part in rules.reform_parts(clause)]
            out.append((sentence, rules.without_problems(sentence.text), None))
    return out


def _ranker(classifier: CategoryClassifier, column: int) -> Callable[[Sequence[str]], Sequence[float]]:
    """Scores of one category for a list of clauses (picks the key phrase)."""

    def rank(clauses: Sequence[str]) -> Sequence[float]:
        return [float(x) for x in classifier.scores(list(clauses))[:, column]]

    return rank


def propose(
    paragraphs: Sequence[Paragraph],
    classifier: CategoryClassifier,
    top: int,
    min_score: float,
    default: tuple[str, str],
    latest: str | None,
) -> list[Proposal]:
    """The proposals of a text: the top reading of each unit scoring ``min_score`` or more, one per reform.

    ``default`` is the text's tense (:func:`~policybench.draft.tense.document_tense`) and ``latest``
    its date (no start after it).
    """
    from .classify import NOT_A_MEASURE

    found = units(paragraphs)
    if not found:
        return []
    ranked = classifier.top([text for _s, text, _c in found], k=top + 1)
    clauses = sorted({clause for _s, _t, clause in found if clause is not None})
    clause_codes = {
        clause: {c for c, _score in ranking}
        for clause, ranking in zip(clauses, classifier.top(clauses, k=top), strict=True)
    }
    code_index = {code: j for j, code in enumerate(classifier.codes)}
    # a clause states one reform: of the readings that quote the same phrase, the best scored is kept
    readings: list[tuple[Sentence, str, tuple[tuple[str, float], ...], str]] = []
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for (sentence, unit, clause), ranking in zip(found, ranked, strict=True):
        code, score = ranking[0]
        if code == NOT_A_MEASURE or score < min_score:
            continue
        if clause is not None and code not in clause_codes[clause]:  # a list item names one of its clause's reforms
            continue
        phrase = rules.key_phrase(unit, rank=_ranker(classifier, code_index[code]))
        where = (sentence.paragraph.locator, phrase)
        if where not in best or score > best[where][0]:
            best[where] = (score, len(readings))
        readings.append((sentence, unit, tuple(ranking), phrase))
    proposals: list[Proposal] = []
    seen: set[tuple[str, str]] = set()
    for n, (sentence, unit, reading, phrase) in enumerate(readings):
        key = (sentence.paragraph.locator, reading[0][0])
        if best[(sentence.paragraph.locator, phrase)][1] != n or key in seen:
            continue
        seen.add(key)
        candidates = tuple((c, s) for c, s in reading if c != NOT_A_MEASURE)[:top]
        proposals.append(_proposal(sentence, unit, candidates, phrase, default, latest))
    return proposals


def _proposal(
    sentence: Sentence,
    unit: str,
    candidates: tuple[tuple[str, float], ...],
    phrase: str,
    default: tuple[str, str],
    latest: str | None,
) -> Proposal:
    """A proposal with its status, depth, start and indicators read from the unit and its sentence."""
    context = sentence.text if unit != sentence.text else ""
    status, status_reason = tense.guess_status(unit, sentence.paragraph.headings, context=context, default=default)
    own = rules.find_indicators(unit)
    found = own or rules.find_indicators(sentence.text)
    depth, depth_reason = rules.guess_depth(status, unit, own)  # a figure of another clause is not this one's
    start, start_reason = tense.find_start(unit, context, latest=latest)
    return Proposal(
        sentence.paragraph,
        sentence.text,
        candidates,
        status,
        status_reason,
        depth,
        depth_reason,
        tuple(found),
        phrase,
        start,
        start_reason,
    )
