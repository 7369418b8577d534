"""The category classifier of a draft: TF-IDF n-grams + linear SVM, temperature-calibrated.

Training data: every coded measure's title, summary and evidence key phrases (Chinese; the
English title and summary as a second example), and each codebook category's label,
definition, inclusions and keywords. Features: character 1-3-grams of the NFKC-folded text,
and jieba words with word bigrams when jieba is installed (``segmenter="auto"``). Scores are
the softmax of the linear SVM's one-vs-rest decision values divided by a temperature fitted on
out-of-fold predictions, the folds holding out whole zones (so calibration measures how the
model does on a zone it has not seen).
"""

from __future__ import annotations

import importlib
import importlib.util
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from ..data.dataset import Dataset

__all__ = ["CategoryClassifier", "fit_classifier", "training_examples"]


@dataclass(frozen=True)
class TrainingSet:
    """Texts with their category code and group (zone id, or 'codebook')."""

    texts: list[str]
    codes: list[str]
    groups: list[str]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def training_examples(dataset: Dataset, *, exclude_zones: Sequence[str] = (), keywords: bool = True) -> TrainingSet:
    """Training texts from the codebook and from every coded measure outside ``exclude_zones``.

    Measures awaiting review (``review: pending``) are left out: a draft never trains on drafts.
    ``keywords=False`` leaves the codebook's keywords out (labels, definitions and inclusions
    stay), to measure how much a draft owes to keywords written with a known text in view.
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
    return TrainingSet(texts, codes, groups)


def _import_jieba() -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        return importlib.import_module("jieba")


def _jieba_words(text: str) -> list[str]:
    words = [w for w in _import_jieba().lcut(_fold(text)) if any(ch.isalnum() for ch in w)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _featurizer(segmenter: str | None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts: list[tuple[str, Any]] = [
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, preprocessor=_fold)),
    ]
    if segmenter == "jieba":
        parts.append(("words", TfidfVectorizer(analyzer=_jieba_words, sublinear_tf=True)))
    return FeatureUnion(parts)


@dataclass(frozen=True)
class CategoryClassifier:
    """A fitted classifier: ``scores(texts)`` gives calibrated probabilities over ``codes``."""

    codes: tuple[str, ...]
    segmenter: str | None
    temperature: float
    excluded_zones: tuple[str, ...]
    n_examples: int
    _featurizer: Any = field(repr=False)
    _model: Any = field(repr=False)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Texts x codes matrix of calibrated probabilities (rows sum to 1)."""
        from scipy.special import softmax

        logits = self._model.decision_function(self._featurizer.transform(list(texts)))
        return softmax(logits / self.temperature, axis=1)

    def top(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` best codes of each text with their scores, best first (ties in codebook order)."""
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


def _fit(train: TrainingSet, rows: Sequence[int], segmenter: str | None, c: float) -> tuple[Any, Any]:
    from sklearn.svm import LinearSVC

    featurizer = _featurizer(segmenter)
    matrix = featurizer.fit_transform([train.texts[i] for i in rows])
    model = LinearSVC(C=c)
    model.fit(matrix, [train.codes[i] for i in rows])
    return featurizer, model


def _temperature(train: TrainingSet, segmenter: str | None, c: float, folds: int) -> float:
    """Temperature minimising the log loss of out-of-fold predictions, whole zones held out per fold."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    zones = sorted({g for g in train.groups if g != "codebook"})
    if len(zones) < 2:
        return 1.0
    n_folds = min(folds, len(zones))
    logits, truth = [], []
    for fold in range(n_folds):
        held = set(zones[fold::n_folds])
        fit_rows = [i for i, g in enumerate(train.groups) if g not in held]
        test_rows = [i for i, g in enumerate(train.groups) if g in held]
        featurizer, model = _fit(train, fit_rows, segmenter, c)
        logits.append(model.decision_function(featurizer.transform([train.texts[i] for i in test_rows])))
        column = {code: j for j, code in enumerate(model.classes_)}
        truth += [column[train.codes[i]] for i in test_rows]
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
    segmenter: str | None = "auto",
    c: float = 1.0,
    calibration_folds: int = 4,
    keywords: bool = True,
) -> CategoryClassifier:
    """Train the category classifier on the codebook and the coded measures.

    Parameters
    ----------
    dataset : Dataset
        Codebook and zones to learn from.
    exclude_zones : sequence of str
        Zone ids left out of the training set (for honest evaluation on one of them).
    segmenter : {"auto", "jieba", None}
        Add jieba words to the character n-grams: when installed ("auto"), always, or never.
    c : float
        Inverse regularisation strength of the linear support-vector machine.
    calibration_folds : int
        Folds (whole zones held out) for fitting the temperature; 0 or 1 leaves scores
        uncalibrated (temperature 1).
    keywords : bool
        Train on the codebook's keywords too (see :func:`training_examples`).

    Returns
    -------
    CategoryClassifier
        Fitted; the last few fits are kept in memory by (data hash, parameters), so drafting
        several texts in one session trains once.
    """
    for zone_id in exclude_zones:
        dataset.zone(zone_id)  # UnknownIdError with a suggestion
    used = _resolve_segmenter(segmenter)
    key = (dataset.data_hash(), tuple(sorted(exclude_zones)), used, c, calibration_folds, keywords)
    if key not in _FITTED:
        if len(_FITTED) >= _FITTED_MAX:
            _FITTED.pop(next(iter(_FITTED)))
        _FITTED[key] = _fit_classifier(dataset, tuple(exclude_zones), used, c, calibration_folds, keywords)
    return _FITTED[key]


def _fit_classifier(
    dataset: Dataset, exclude_zones: tuple[str, ...], used: str | None, c: float, calibration_folds: int, keywords: bool
) -> CategoryClassifier:
    train = training_examples(dataset, exclude_zones=exclude_zones, keywords=keywords)
    featurizer, model = _fit(train, range(len(train.texts)), used, c)
    temperature = _temperature(train, used, c, calibration_folds) if calibration_folds > 1 else 1.0
    return CategoryClassifier(
        codes=tuple(str(code) for code in model.classes_),
        segmenter=used,
        temperature=temperature,
        excluded_zones=tuple(exclude_zones),
        n_examples=len(train.texts),
        _featurizer=featurizer,
        _model=model,
    )
