"""TF-IDF blocks, parameter checks and index-file helpers behind :class:`TextIndex`."""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import check_choice
from ..errors import InputError

if TYPE_CHECKING:
    from scipy import sparse

    from .text import TextIndex

#: Name and version written into saved index files.
FORMAT, FORMAT_VERSION = "policybench-text-index", 1


def check_int(function: str, name: str, value: object, *, minimum: int) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise InputError(f"The '{name}' parameter of {function} must be {kind}. Got {value!r} instead.")


def check_params(index: TextIndex) -> None:
    check_choice("TextIndex", "lang", index.lang, ("zh", "en"))
    check_choice("TextIndex", "segmenter", index.segmenter, ("auto", "jieba", None))
    check_choice("TextIndex", "engine", index.engine, ("auto", "numba", "scipy"))
    check_choice("TextIndex", "sublinear_tf", index.sublinear_tf, (True, False))
    check_int("TextIndex", "dense_features", index.dense_features, minimum=0)
    if index.chunk_size is not None:
        check_int("TextIndex", "chunk_size", index.chunk_size, minimum=1)
    _check_ngram_range(index.ngram_range)
    _check_min_df(index.min_df)
    if index.engine == "numba" and importlib.util.find_spec("numba") is None:
        raise InputError(
            "The 'engine' parameter of TextIndex is 'numba' but numba is not installed (pip install numba)."
        )
    if index.segmenter == "jieba" and index.lang == "zh" and importlib.util.find_spec("jieba") is None:
        raise InputError(
            "The 'segmenter' parameter of TextIndex is 'jieba' but jieba is not installed (pip install jieba)."
        )


def _check_ngram_range(value: object) -> None:
    ok = value is None or (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value)
        and value[0] <= value[1]
    )
    if not ok:
        raise InputError(
            "The 'ngram_range' parameter of TextIndex must be None or a tuple (min_n, max_n) of positive ints "
            f"with min_n <= max_n. Got {value!r} instead."
        )


def _check_min_df(value: object) -> None:
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1
    is_share = isinstance(value, float) and 0.0 < value <= 1.0
    if not (is_int or is_share):
        raise InputError(
            f"The 'min_df' parameter of TextIndex must be an int >= 1 or a float in (0, 1]. Got {value!r} instead."
        )


def check_texts(function: str, name: str, values: Sequence[str]) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InputError(
            f"The '{name}' parameter of {function} must be a sequence of str. Got {type(values).__name__} instead."
        )
    for position, value in enumerate(values):
        if not isinstance(value, str):
            raise InputError(f"{name}[{position}] must be a str. Got {type(value).__name__} instead.")
    return list(values)


def check_corpus(texts: Sequence[str], ids: Sequence[str]) -> tuple[list[str], list[str]]:
    texts, ids = check_texts("fit", "texts", texts), check_texts("fit", "ids", ids)
    if not texts:
        raise InputError("fit needs at least one text. Got an empty corpus.")
    if len(texts) != len(ids):
        raise InputError(f"fit needs one id per text. Got {len(texts)} texts and {len(ids)} ids.")
    duplicated = sorted(item for item, count in Counter(ids).items() if count > 1)
    if duplicated:
        raise InputError(f"ids must be unique; duplicated: {', '.join(repr(item) for item in duplicated)}")
    return texts, ids


def resolve_segmenter(lang: str, segmenter: str | None) -> str | None:
    if lang != "zh" or segmenter is None:
        return None
    if segmenter == "auto" and importlib.util.find_spec("jieba") is None:
        return None
    return "jieba"


# --- vectorisation -------------------------------------------------------------------------


def build_vectorizers(
    params: dict[str, Any], segmenter: str | None, vocabularies: list[list[str]] | None = None
) -> list[Any]:
    """One TF-IDF vectorizer per block (texts arrive normalised), with fixed vocabularies if given."""
    common = {
        "lowercase": False,
        "sublinear_tf": params["sublinear_tf"],
        "min_df": params["min_df"],
        "dtype": np.float64,
    }
    if params["lang"] == "en":
        specs: list[dict[str, Any]] = [{"analyzer": "word", "ngram_range": params["ngram_range"] or (1, 2)}]
    else:
        specs = [{"analyzer": "char", "ngram_range": params["ngram_range"] or (1, 3)}]
        if segmenter == "jieba":
            specs.append({"analyzer": _word_ngrams})
    fixed: list[list[str] | None] = list(vocabularies) if vocabularies else [None] * len(specs)
    return [_vectorizer(common, spec, terms) for spec, terms in zip(specs, fixed, strict=True)]


def _vectorizer(common: dict[str, Any], spec: dict[str, Any], terms: list[str] | None) -> Any:
    """Our numpy vectorizer for character n-grams of up to 3 characters; scikit-learn's otherwise."""
    from ._chartfidf import MAX_N, CharTfidf

    if spec["analyzer"] == "char" and spec["ngram_range"][1] <= MAX_N:
        params = {
            "ngram_range": spec["ngram_range"],
            "sublinear_tf": common["sublinear_tf"],
            "min_df": common["min_df"],
        }
        if terms is None:
            return CharTfidf(**params)
        return CharTfidf.from_vocabulary(terms, None, **params)
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**common, **spec, vocabulary=None if terms is None else {t: i for i, t in enumerate(terms)})


def _word_ngrams(text: str) -> list[str]:
    """Words from jieba (those with a letter or digit) and word bigrams, for the word block."""
    jieba = _import_jieba()
    words = [word for word in jieba.lcut(text) if any(char.isalnum() for char in word)]
    return words + [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]


def _import_jieba() -> Any:
    with warnings.catch_warnings():
        # jieba imports pkg_resources, which newer setuptools deprecate; nothing for our users to act on.
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        return importlib.import_module("jieba")


def fit_block(vectorizer: Any, texts: list[str]) -> sparse.csr_matrix:
    try:
        return vectorizer.fit_transform(texts)
    except ValueError as exc:  # scikit-learn: "empty vocabulary", "After pruning, no terms remain"
        raise InputError(f"No n-gram left to index the texts ({exc}). Check the texts and 'min_df'.") from exc


def join_blocks(blocks: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """Blocks side by side, rows L2-normalised again (each block is already normalised)."""
    from scipy import sparse

    if len(blocks) == 1:
        return sparse.csr_matrix(blocks[0])
    from sklearn.preprocessing import normalize  # the word block is scikit-learn's: it is loaded already

    return normalize(sparse.hstack(blocks, format="csr"))


def order_columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``matrix[:, columns]`` (``columns`` a permutation), indices sorted, made in place: a relabelling and one sort per row."""
    from ._chartfidf import relabel

    position = np.empty(columns.size, dtype=matrix.indices.dtype)
    position[columns] = np.arange(columns.size, dtype=matrix.indices.dtype)
    relabel(matrix.indices, position)
    matrix.has_sorted_indices = False
    matrix.sort_indices()
    return matrix


def vocabulary_terms(vectorizer: Any) -> list[str]:
    """The vectorizer's vocabulary as a list, term ``i`` at position ``i``."""
    return [str(term) for term in vectorizer.get_feature_names_out()]


def rank_table(
    columns: list[str], items: np.ndarray, ids: np.ndarray, index: np.ndarray, similarity: np.ndarray
) -> pd.DataFrame:
    """Long table of top-k lists: item, rank, neighbour id, similarity.

    The items and ids are converted to pandas' column type once (``n`` strings, say, to
    Arrow strings), then taken by position, rather than converting one string per row. An
    empty table is built from the plain arrays, whose columns pandas types alike as before.
    """
    n, k = index.shape
    if index.size == 0:
        first, neighbours = np.repeat(items, k), ids[index.ravel()]
    else:
        first = pd.Series(items).array.take(np.repeat(np.arange(n), k))
        neighbours = pd.Series(ids).array.take(index.ravel())
    return pd.DataFrame(
        {
            columns[0]: first,
            columns[1]: np.tile(np.arange(1, k + 1, dtype=np.int64), n),
            columns[2]: neighbours,
            columns[3]: similarity.ravel(),
        },
        columns=columns,
    )
