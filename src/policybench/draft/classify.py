"""The category classifier of a draft: TF-IDF character n-grams + linear SVM, temperature-calibrated.

Training data: every coded measure's title, summary and evidence key phrases (Chinese; the
English title and summary as a second example), each codebook category's label, definition,
inclusions and keywords, sentences that state no measure (:data:`NOT_A_MEASURE`, from
``nonmeasures.tsv``: headlines, bylines, issuing boilerplate, history, outcomes, quoted
higher-level documents, rhetoric), and the gold codings of the benchmark's texts of zones not in
the data (``examples.tsv``: each coded phrase as an example of its category, each paragraph coded
as stating no measure as a non-measure; grouped by text, so an evaluation leaves its text out). Features: character 1-4-grams of the NFKC-folded text (with
word traps such as 编制 "to compile" rewritten), and jieba words with word bigrams when asked
(``segmenter="jieba"``). Scores are the softmax of the linear SVM's one-vs-rest decision values
divided by a temperature fitted on out-of-fold predictions, the folds holding out whole zones.

The fitted model is plain arrays (vocabulary, idf, coefficients), so it can be written to a
cache and read back without pickles (:mod:`policybench.draft.cache`); the transform is the same
as scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True)``.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from ..data.dataset import Dataset

__all__ = [
    "NOT_A_MEASURE",
    "CategoryClassifier",
    "fit_classifier",
    "nonmeasure_examples",
    "text_examples",
    "training_examples",
]

#: The pseudo-category of text that states no measure: a draft proposes nothing for it.
NOT_A_MEASURE = "NONE"
NONMEASURES_FILE = Path(__file__).with_name("nonmeasures.tsv")
#: Gold codings of texts of zones not in the data (benchmarks/make_draft_examples.py writes it).
EXAMPLES_FILE = Path(__file__).with_name("examples.tsv")
#: 编制 followed by a document noun means "to compile", not "staffing establishment".
_COMPILE = re.compile(r"编制(?=[^，,。；;]{0,14}?(?:清单|规划|方案|计划|目录|报告|预算|指南|标准|名录|图))")
_SPACES = re.compile(r"\s\s+")
#: Character n-grams 1 to 4: four characters hold many a reform's name (全员聘任, 社会事务, 一区多园).
NGRAMS = (1, 4)


@dataclass(frozen=True)
class TrainingSet:
    """Texts with their category code and group (zone id, 'codebook' or 'generic')."""

    texts: list[str]
    codes: list[str]
    groups: list[str]


def _fold(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return _COMPILE.sub("编写", folded)


def nonmeasure_examples(exclude_zones: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(group, kind, text) of the labelled non-measure sentences, without those of ``exclude_zones``."""
    excluded = set(exclude_zones)
    rows = _tsv_rows(NONMEASURES_FILE)
    return [(r["group"], r["kind"], r["text"]) for r in rows if r["group"] not in excluded and r["text"]]


def _tsv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def text_examples(exclude_texts: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(text id, code, text) of the gold codings' examples, without those of ``exclude_texts``.

    ``code`` is a category, or :data:`NOT_A_MEASURE` for a paragraph coded as stating no measure.
    """
    excluded = set(exclude_texts)
    rows = _tsv_rows(EXAMPLES_FILE)
    return [(r["group"], r["code"], r["text"]) for r in rows if r["group"] not in excluded and r["text"]]


def training_examples(
    dataset: Dataset,
    *,
    exclude_zones: Sequence[str] = (),
    keywords: bool = True,
    nonmeasures: bool = True,
    exclude_texts: Sequence[str] = (),
    examples: bool = True,
) -> TrainingSet:
    """Training texts from the codebook, every coded measure outside ``exclude_zones``, non-measures and examples.

    Measures awaiting review (``review: pending``) are left out: a draft never trains on drafts.
    ``keywords=False`` leaves the codebook's keywords out (labels, definitions and inclusions
    stay), to measure how much a draft owes to keywords written with a known text in view;
    ``nonmeasures=False`` leaves out the :data:`NOT_A_MEASURE` class (the old behaviour);
    ``examples=False`` leaves out the gold codings' examples (:func:`text_examples`), and
    ``exclude_texts`` those of the given texts (to evaluate on one of them). Examples of a code
    the codebook does not have are skipped.
    """
    texts: list[str] = []
    codes: list[str] = []
    groups: list[str] = []
    excluded = set(exclude_zones)
    for cat in dataset.codebook.categories:
        for lang in ("zh", "en"):
            terms = getattr(cat.keywords, lang) if keywords else []
            texts.append(" ".join([cat.label.get(lang), cat.definition.get(lang), cat.include.get(lang), *terms]))
            texts.append(" ".join([cat.label.get(lang), *terms]))
            codes += [cat.code, cat.code]
            groups += ["codebook", "codebook"]
    for zone, measure in dataset.measures():
        if zone.id in excluded or getattr(measure, "review", None) == "pending":
            continue
        phrases = " ".join(ev.key_phrase or "" for ev in measure.evidence)
        texts.append(f"{measure.title.zh} {measure.summary.zh} {phrases}")
        texts.append(f"{measure.title.en} {measure.summary.en}")
        codes += [measure.category, measure.category]
        groups += [zone.id, zone.id]
    if nonmeasures:
        for group, _kind, text in nonmeasure_examples(exclude_zones):
            texts.append(text)
            codes.append(NOT_A_MEASURE)
            groups.append(group)
    if examples:
        known = {cat.code for cat in dataset.codebook.categories} | ({NOT_A_MEASURE} if nonmeasures else set())
        for group, code, text in text_examples(exclude_texts):
            if code in known:
                texts.append(text)
                codes.append(code)
                groups.append(group)
    return TrainingSet(texts, codes, groups)


def _import_jieba() -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        return importlib.import_module("jieba")


def _jieba_words(text: str) -> list[str]:
    words = [w for w in _import_jieba().lcut(_fold(text)) if any(ch.isalnum() for ch in w)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def char_ngrams(text: str) -> list[str]:
    """The character 1-4-grams of the folded text, as scikit-learn's char analyzer makes them.

    Examples
    --------
    >>> char_ngrams("编制清单")
    ['编', '写', '清', '单', '编写', '写清', '清单', '编写清', '写清单', '编写清单']
    """
    folded = _SPACES.sub(" ", _fold(text))
    low, high = NGRAMS
    return [folded[i : i + n] for n in range(low, min(high, len(folded)) + 1) for i in range(len(folded) - n + 1)]


@dataclass(frozen=True)
class Block:
    """One feature block: a vocabulary and its idf weights (sublinear tf, l2-normalised rows)."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    def rows(self, tokens: Sequence[Sequence[str]]) -> list[tuple[list[int], list[float]]]:
        """(column indices, weights) of each text's tokens, in column order."""
        out = []
        for toks in tokens:
            counts = Counter(self.vocabulary[t] for t in toks if t in self.vocabulary)
            columns = sorted(counts)
            weights = [(1.0 + math.log(counts[j])) * float(self.idf[j]) for j in columns]
            norm = math.sqrt(sum(w * w for w in weights)) or 1.0
            out.append((columns, [w / norm for w in weights]))
        return out


@dataclass(frozen=True)
class CategoryClassifier:
    """A fitted classifier: ``scores(texts)`` gives calibrated probabilities over ``codes``.

    ``codes`` includes :data:`NOT_A_MEASURE` when it was trained with non-measures; ``labels``
    maps each category code to its English label (for drafted titles without the codebook).
    """

    codes: tuple[str, ...]
    segmenter: str | None
    temperature: float
    excluded_zones: tuple[str, ...]
    n_examples: int
    blocks: tuple[Block, ...] = field(repr=False)
    coef: np.ndarray = field(repr=False)
    intercept: np.ndarray = field(repr=False)
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    data_hash: str = ""

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Texts x codes matrix of the linear model's decision values."""
        import numpy as np

        out = np.tile(self.intercept, (len(texts), 1))
        offset = 0
        for n, block in enumerate(self.blocks):
            tokens = [char_ngrams(t) for t in texts] if n == 0 else [_jieba_words(t) for t in texts]
            for i, (columns, weights) in enumerate(block.rows(tokens)):
                if columns:
                    out[i] += self.coef[:, [offset + j for j in columns]] @ np.asarray(weights)
            offset += len(block.vocabulary)
        return out

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Texts x codes matrix of calibrated probabilities (rows sum to 1)."""
        import numpy as np

        z = self.decision(texts) / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def top(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` best codes of each text with their scores, best first (ties in code order)."""
        import numpy as np

        probabilities = self.scores(texts)
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
        return [
            [(self.codes[j], float(row[j])) for j in ranks] for row, ranks in zip(probabilities, order, strict=True)
        ]


def _resolve_segmenter(segmenter: str | None) -> str | None:
    from .._params import check_choice

    check_choice("fit_classifier", "segmenter", segmenter, ("auto", "jieba", None))
    if segmenter == "auto":
        return "jieba" if importlib.util.find_spec("jieba") is not None else None
    if segmenter == "jieba" and importlib.util.find_spec("jieba") is None:
        raise InputError("The 'segmenter' parameter of fit_classifier is 'jieba' but jieba is not installed.")
    return segmenter


def _fit(train: TrainingSet, rows: Sequence[int], segmenter: str | None, c: float) -> tuple[list[Any], Any]:
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizers = [TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, dtype=np.float64)]
    if segmenter == "jieba":
        vectorizers.append(TfidfVectorizer(analyzer=_jieba_words, sublinear_tf=True, dtype=np.float64))
    texts = [train.texts[i] for i in rows]
    matrix = sp.hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    model = LinearSVC(C=c, random_state=0)
    model.fit(matrix, [train.codes[i] for i in rows])
    return vectorizers, model


def _classifier(vectorizers: list[Any], model: Any, **meta: Any) -> CategoryClassifier:
    import numpy as np

    blocks = tuple(
        Block({str(k): int(v) for k, v in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])}, vec.idf_.copy())
        for vec in vectorizers
    )
    coef = np.asarray(model.coef_, dtype=np.float32)  # float32 as cached, so a fresh and a cached model agree
    intercept = np.asarray(model.intercept_, dtype=float)
    if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row; make it one per class
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    blocks = tuple(Block(b.vocabulary, np.asarray(b.idf, dtype=np.float64)) for b in blocks)
    return CategoryClassifier(
        codes=tuple(str(code) for code in model.classes_), blocks=blocks, coef=coef, intercept=intercept, **meta
    )


def _temperature(train: TrainingSet, segmenter: str | None, c: float, folds: int) -> float:
    """Temperature minimising the log loss of out-of-fold predictions, whole zones held out per fold."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    zones = sorted({g for g in train.groups if g not in ("codebook", "generic")})
    if len(zones) < 2:
        return 1.0
    n_folds = min(folds, len(zones))
    logits, truth = [], []
    for fold in range(n_folds):
        held = set(zones[fold::n_folds])
        fit_rows = [i for i, g in enumerate(train.groups) if g not in held]
        test_rows = [i for i, g in enumerate(train.groups) if g in held]
        vectorizers, model = _fit(train, fit_rows, segmenter, c)
        column = {code: j for j, code in enumerate(model.classes_)}
        keep = [i for i in test_rows if train.codes[i] in column]
        fitted = _classifier(vectorizers, model, segmenter=segmenter, temperature=1.0, excluded_zones=(), n_examples=0)
        logits.append(fitted.decision([train.texts[i] for i in keep]))
        truth += [column[train.codes[i]] for i in keep]
    z = np.vstack(logits)
    y = np.asarray(truth)

    def loss(t: float) -> float:
        return float(-log_softmax(z / t, axis=1)[np.arange(len(y)), y].mean())

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


_FITTED: dict[tuple[object, ...], CategoryClassifier] = {}
_FITTED_MAX = 4


def fit_classifier(
    dataset: Dataset,
    *,
    exclude_zones: Sequence[str] = (),
    segmenter: str | None = None,
    c: float = 1.0,
    calibration_folds: int = 4,
    keywords: bool = True,
    nonmeasures: bool = True,
    exclude_texts: Sequence[str] = (),
    examples: bool = True,
) -> CategoryClassifier:
    """Train the category classifier on the codebook, the coded measures and the non-measures.

    Parameters
    ----------
    dataset : Dataset
        Codebook and zones to learn from.
    exclude_zones : sequence of str
        Zone ids left out of the training set (for honest evaluation on one of them); their
        non-measure sentences are left out too.
    segmenter : {None, "auto", "jieba"}
        Add jieba words to the character n-grams: never (default, fastest), when installed
        ("auto"), or always.
    c : float
        Inverse regularisation strength of the linear support-vector machine.
    calibration_folds : int
        Folds (whole zones held out) for fitting the temperature; 0 or 1 leaves scores
        uncalibrated (temperature 1).
    keywords : bool
        Train on the codebook's keywords too (see :func:`training_examples`).
    nonmeasures : bool
        Train the :data:`NOT_A_MEASURE` class on the labelled non-measure sentences.
    exclude_texts : sequence of str
        Gold-coded texts whose examples are left out (to evaluate on one of them: leave one text out).
    examples : bool
        Train on the gold codings' examples (:func:`text_examples`).

    Returns
    -------
    CategoryClassifier
        Fitted (deterministic: fixed seed); the last few fits are kept in memory by (data hash,
        parameters). :func:`policybench.draft.cache.cached_classifier` keeps them on disk.
    """
    for zone_id in exclude_zones:
        dataset.zone(zone_id)  # UnknownIdError with a suggestion
    used = _resolve_segmenter(segmenter)
    texts = tuple(sorted(exclude_texts)) if examples else ()
    key: tuple[object, ...] = (dataset.data_hash(), tuple(sorted(exclude_zones)), used, c, calibration_folds)
    key += (keywords, nonmeasures, examples, texts)
    if key not in _FITTED:
        if len(_FITTED) >= _FITTED_MAX:
            _FITTED.pop(next(iter(_FITTED)))
        train = training_examples(
            dataset,
            exclude_zones=exclude_zones,
            keywords=keywords,
            nonmeasures=nonmeasures,
            exclude_texts=exclude_texts,
            examples=examples,
        )
        vectorizers, model = _fit(train, range(len(train.texts)), used, c)
        temperature = _temperature(train, used, c, calibration_folds) if calibration_folds > 1 else 1.0
        _FITTED[key] = _classifier(
            vectorizers,
            model,
            segmenter=used,
            temperature=temperature,
            excluded_zones=tuple(sorted(exclude_zones)),
            n_examples=len(train.texts),
            labels={cat.code: cat.label.en for cat in dataset.codebook.categories},
            data_hash=dataset.data_hash(),
        )
    return _FITTED[key]
