"""Text similarity between measures (METHODS §3): TF-IDF cosine and exact top-k neighbours.

The text of a measure is its title and summary in one language, normalised by
:func:`normalize_text`. Chinese is described by character 1-3-grams (and, when a segmenter is
installed, by word 1-2-grams as a second block: each block is L2-normalised, the two are put
side by side and normalised again, so the cosine is the mean of the two blocks' cosines);
English by word 1-2-grams. Rows are L2-normalised, so the cosine is a dot product.

:meth:`TextIndex.neighbours` finds the exact top k of every measure without ever holding the
n x n matrix; see :mod:`policybench.similarity._topk` for the engine. Similarities are
rounded to 12 decimal places, so equal texts score exactly 1.0 and ties are broken by
corpus order, identically on every run.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError, UnknownIdError
from ..io import atomic_write
from .portfolio import check_choice

if TYPE_CHECKING:
    from scipy import sparse

    from ..dataset import Dataset
    from ._topk import Split

__all__ = ["NEIGHBOUR_COLUMNS", "QUERY_COLUMNS", "TextIndex", "normalize_text"]

#: Columns of :meth:`TextIndex.neighbours`.
NEIGHBOUR_COLUMNS = ["measure_id", "rank", "neighbour_id", "similarity"]
#: Columns of :meth:`TextIndex.query`.
QUERY_COLUMNS = ["query", "rank", "neighbour_id", "similarity"]

_FORMAT, _FORMAT_VERSION = "policybench-text-index", 1
_WHITE_SPACE = re.compile(r"\s+")
_PARAMS = ("lang", "ngram_range", "sublinear_tf", "segmenter", "dense_features", "chunk_size", "min_df", "engine")


def normalize_text(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), case-fold, collapse white space.

    Examples
    --------
    >>> normalize_text("ＡＢＣ１２３\u3000法定机构  改革")
    'abc123 法定机构 改革'
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _WHITE_SPACE.sub(" ", folded).strip()


class TextIndex:
    """TF-IDF vectors of a corpus of measure texts, with exact cosine neighbours.

    The constructor only stores the parameters; :meth:`fit` (or :meth:`from_dataset`) builds
    the index.

    Parameters
    ----------
    lang : {"zh", "en"}
        Chinese: character n-grams (plus segmented words, see ``segmenter``); English: words.
    ngram_range : tuple (min_n, max_n), optional
        Character n-grams for "zh" (default (1, 3)), word n-grams for "en" (default (1, 2)).
    sublinear_tf : bool
        Use 1 + log(tf) instead of tf.
    segmenter : {"auto", "jieba", None}
        For "zh", add word 1-2-grams from jieba as a second block: "auto" when jieba is
        installed, "jieba" always (an error without it), None never.
    dense_features : int
        How many of the most frequent n-grams the neighbour search treats as a dense block
        (BLAS); a speed and memory setting that never changes a result.
    chunk_size : int, optional
        Query rows scored at a time by the neighbour search (default: automatic); never
        changes a result.
    min_df : int or float
        Ignore n-grams in fewer documents than this (a float: that share of documents).
    engine : {"auto", "numba", "scipy"}
        Neighbour search engine: the compiled one when numba is installed ("auto"), or the
        scipy one. Both give the same neighbours.

    Attributes
    ----------
    ids_ : tuple of str
        The corpus ids, in the order given to :meth:`fit`.
    segmenter_ : str or None
        The segmenter used ("jieba" or None).
    n_features_ : int
        Number of n-gram columns.

    Examples
    --------
    >>> index = TextIndex(segmenter=None).fit(
    ...     ["推行法定机构改革", "法定机构改革试点", "设立创新券"], ids=["a", "b", "c"]
    ... )
    >>> index.neighbours(k=1)[["measure_id", "neighbour_id"]].to_numpy().tolist()
    [['a', 'b'], ['b', 'a'], ['c', 'a']]
    >>> float(index.similarity(["a"], ["a"]).iloc[0, 0])
    1.0
    """

    _vectorizers: list[Any] | None
    _vocabularies: list[tuple[list[str], np.ndarray]]

    def __init__(
        self,
        *,
        lang: str = "zh",
        ngram_range: tuple[int, int] | None = None,
        sublinear_tf: bool = True,
        segmenter: str | None = "auto",
        dense_features: int = 256,
        chunk_size: int | None = None,
        min_df: int | float = 1,
        engine: str = "auto",
    ) -> None:
        self.lang = lang
        self.ngram_range = ngram_range
        self.sublinear_tf = sublinear_tf
        self.segmenter = segmenter
        self.dense_features = dense_features
        self.chunk_size = chunk_size
        self.min_df = min_df
        self.engine = engine

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as given."""
        return {name: getattr(self, name) for name in _PARAMS}

    def __repr__(self) -> str:
        params = ", ".join(f"{name}={value!r}" for name, value in self.get_params().items())
        fitted = f"; {len(self.ids_)} texts, {self.n_features_} n-grams" if hasattr(self, "ids_") else ""
        return f"TextIndex({params}){fitted}"

    # --- building ------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], ids: Sequence[str]) -> TextIndex:
        """Build the index.

        Parameters
        ----------
        texts : sequence of str
            One text per item (normalised here with :func:`normalize_text`).
        ids : sequence of str
            One unique id per text.

        Returns
        -------
        TextIndex
            ``self``, fitted.
        """
        from ._topk import split_columns

        _check_params(self)
        texts, ids = _check_corpus(texts, ids)
        segmenter = _resolve_segmenter(self.lang, self.segmenter)
        vectorizers = _vectorizers(self.get_params(), segmenter)
        normalised = [normalize_text(text) for text in texts]
        matrix = _join([_fit_block(vectorizer, normalised) for vectorizer in vectorizers])
        frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
        columns = np.argsort(-frequency, kind="stable")  # most frequent n-gram first
        split = split_columns(_order_columns(matrix, columns), self.dense_features)
        self._set_fitted(ids, segmenter, columns, split)
        self._vectorizers = vectorizers
        return self

    @classmethod
    def from_dataset(cls, dataset: Dataset, *, lang: str = "zh", **params: Any) -> TextIndex:
        """An index of every measure of ``dataset``: title + " " + summary in ``lang``.

        Parameters
        ----------
        dataset : Dataset
            The measures to index.
        lang : {"zh", "en"}
            Language of the texts.
        **params
            Other constructor parameters.

        Returns
        -------
        TextIndex
            Fitted, ids = measure ids in dataset order.
        """
        check_choice("from_dataset", "lang", lang, ("zh", "en"))
        measures = [measure for _zone, measure in dataset.measures()]
        texts = [f"{m.title.get(lang)} {m.summary.get(lang)}" for m in measures]
        return cls(lang=lang, **params).fit(texts, [m.id for m in measures])

    def _set_fitted(self, ids: list[str], segmenter: str | None, columns: np.ndarray, split: Split) -> None:
        self.ids_ = tuple(ids)
        self.segmenter_ = segmenter
        self.n_features_ = int(split.dense.shape[1] + split.sparse.shape[1])
        self._vectorizers = None  # after load: built from _vocabularies when first needed
        self._vocabularies = []
        self._columns = columns
        self._split = split
        self._positions = {item: position for position, item in enumerate(ids)}

    # --- results -------------------------------------------------------------------------

    @property
    def matrix_(self) -> sparse.csr_matrix:
        """The TF-IDF matrix (texts x n-grams, most frequent n-gram first), rows L2-normalised.

        Assembled on each access from the two blocks the index keeps.
        """
        from scipy import sparse

        split = self._fitted_split()
        return sparse.hstack([sparse.csr_matrix(split.dense), split.sparse], format="csr")

    def neighbours(self, k: int = 10) -> pd.DataFrame:
        """The exact ``k`` most similar other items of every item.

        Parameters
        ----------
        k : int
            Neighbours per item; fewer when the corpus has no more than ``k`` items.

        Returns
        -------
        pandas.DataFrame
            One row per item and rank: measure_id, rank (1 = most similar), neighbour_id,
            similarity (cosine in [0, 1], rounded to 12 decimals). Items in corpus order;
            ties broken by corpus order.

        Notes
        -----
        Exact: every pair is scored (no approximation), block by block, so memory grows with
        the corpus and ``k``, never with its square. With numba installed the work is shared
        out to one thread per core; the result is the same with or without it, and on every
        run.
        """
        from ._topk import top_k

        _check_int("neighbours", "k", k, minimum=1)
        split = self._fitted_split()
        k = min(k, split.n_rows - 1)
        index, similarity = top_k(
            split, split, k, exclude_self=True, chunk_size=self.chunk_size, use_numba=self._use_numba()
        )
        return _rank_table(
            NEIGHBOUR_COLUMNS,
            np.asarray(self.ids_, dtype=object),
            np.asarray(self.ids_, dtype=object),
            index,
            similarity,
        )

    def similarity(self, ids_a: Sequence[str], ids_b: Sequence[str]) -> pd.DataFrame:
        """Cosine similarity of the texts ``ids_a`` (rows) and ``ids_b`` (columns).

        Parameters
        ----------
        ids_a, ids_b : sequence of str
            Ids of the index (repeats allowed).

        Returns
        -------
        pandas.DataFrame
            Rows labelled by ``ids_a``, columns by ``ids_b``; values in [0, 1], rounded to
            12 decimals (as in :meth:`neighbours`, to within 1e-12).

        Raises
        ------
        UnknownIdError
            Naming every id the index does not have.
        """
        split = self._fitted_split()
        rows, columns = self._lookup("ids_a", ids_a), self._lookup("ids_b", ids_b)
        values = split.rows(rows).dot(split.rows(columns))
        return pd.DataFrame(values, index=pd.Index(list(ids_a)), columns=pd.Index(list(ids_b)))

    def query(self, texts: Sequence[str], k: int = 10) -> pd.DataFrame:
        """The ``k`` corpus items most similar to each of ``texts`` (new texts).

        Parameters
        ----------
        texts : sequence of str
            Texts to look up, vectorised with the index's vocabulary.
        k : int
            Items per text; at most the corpus size.

        Returns
        -------
        pandas.DataFrame
            query (position in ``texts``), rank, neighbour_id, similarity.
        """
        from ._topk import top_k

        _check_int("query", "k", k, minimum=1)
        split = self._fitted_split()
        texts = _check_texts("query", "texts", texts)
        queries = self._transform(texts)
        index, similarity = top_k(
            queries,
            split,
            min(k, split.n_rows),
            exclude_self=False,
            chunk_size=self.chunk_size,
            use_numba=self._use_numba(),
        )
        positions = np.arange(len(texts))
        return _rank_table(QUERY_COLUMNS, positions, np.asarray(self.ids_, dtype=object), index, similarity)

    # --- persistence ---------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one ``.npz`` file (arrays and JSON; no pickle), atomically.

        Parameters
        ----------
        path : path-like
            The file, written as named (no suffix added); replaced only once complete.
        """
        split = self._fitted_split()
        meta = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "params": self.get_params(),
            "segmenter": self.segmenter_,
            "ids": list(self.ids_),
            "vocabularies": [terms for terms, _idf in self._block_state()],
        }
        arrays: dict[str, Any] = {f"idf_{i}": idf for i, (_terms, idf) in enumerate(self._block_state())}
        arrays |= {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            "columns": self._columns,
            "dense": split.dense,
            "data": split.sparse.data,
            "indices": split.sparse.indices,
            "indptr": split.sparse.indptr,
            "shape": np.asarray(split.sparse.shape, dtype=np.int64),
        }
        with atomic_write(path, mode="wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TextIndex:
        """Read an index written by :meth:`save`; it gives the same results as the original.

        Parameters
        ----------
        path : path-like
            A file written by :meth:`save`.

        Returns
        -------
        TextIndex
            Fitted. Its vectorizers (for :meth:`query`) are rebuilt when first needed.

        Raises
        ------
        InputError
            When the file cannot be read or is not a text index of this format version.
        """
        from scipy import sparse

        from ._topk import Split

        arrays = _read_arrays(path)
        meta = _read_meta(path, arrays)
        params = dict(meta["params"])
        if params["ngram_range"] is not None:
            params["ngram_range"] = tuple(params["ngram_range"])
        index = cls(**params)
        _check_params(index)
        rest = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
        split = Split(np.ascontiguousarray(arrays["dense"]), rest)
        index._set_fitted(meta["ids"], meta["segmenter"], arrays["columns"], split)
        index._vocabularies = [(terms, arrays[f"idf_{i}"]) for i, terms in enumerate(meta["vocabularies"])]
        return index

    # --- helpers -------------------------------------------------------------------------

    def _fitted_split(self) -> Split:
        if not hasattr(self, "_split"):
            raise InputError("This TextIndex is not fitted yet. Call 'fit' or 'from_dataset' first.")
        split: Split = self._split
        return split

    def _block_state(self) -> list[tuple[list[str], np.ndarray]]:
        """Vocabulary (term i at position i) and idf of each block."""
        if self._vectorizers is None:
            return self._vocabularies
        return [(_terms(vectorizer), vectorizer.idf_) for vectorizer in self._vectorizers]

    def _fitted_vectorizers(self) -> list[Any]:
        """The vectorizers; after :meth:`load`, rebuilt from the saved vocabularies on first use."""
        if self._vectorizers is None:
            vocabularies = [terms for terms, _idf in self._vocabularies]
            self._vectorizers = _vectorizers(self.get_params(), self.segmenter_, vocabularies)
            for vectorizer, (_terms, idf) in zip(self._vectorizers, self._vocabularies, strict=True):
                vectorizer.idf_ = idf
        return self._vectorizers

    def _use_numba(self) -> bool:
        from ._topk import has_numba

        return self.engine != "scipy" and has_numba()

    def _lookup(self, name: str, ids: Sequence[str]) -> np.ndarray:
        ids = _check_texts("similarity", name, ids)
        unknown = sorted({item for item in ids if item not in self._positions})
        if unknown:
            shown = ", ".join(repr(item) for item in unknown[:10]) + (
                f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            )
            raise UnknownIdError(f"{len(unknown)} unknown id(s) in {name}: {shown}; the index has {len(self.ids_)} ids")
        return np.fromiter((self._positions[item] for item in ids), dtype=np.int64, count=len(ids))

    def _transform(self, texts: Sequence[str]) -> Split:
        from ._topk import split_columns

        if self.segmenter_ == "jieba" and importlib.util.find_spec("jieba") is None:
            raise InputError("This TextIndex was built with the jieba segmenter; install jieba to query it.")
        normalised = [normalize_text(text) for text in texts]
        matrix = _join([vectorizer.transform(normalised) for vectorizer in self._fitted_vectorizers()])
        return split_columns(_order_columns(matrix, self._columns), self._split.dense.shape[1])


# --- parameters and inputs -----------------------------------------------------------------


def _check_int(function: str, name: str, value: object, *, minimum: int) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise InputError(f"The '{name}' parameter of {function} must be {kind}. Got {value!r} instead.")


def _check_params(index: TextIndex) -> None:
    check_choice("TextIndex", "lang", index.lang, ("zh", "en"))
    check_choice("TextIndex", "segmenter", index.segmenter, ("auto", "jieba", None))
    check_choice("TextIndex", "engine", index.engine, ("auto", "numba", "scipy"))
    check_choice("TextIndex", "sublinear_tf", index.sublinear_tf, (True, False))
    _check_int("TextIndex", "dense_features", index.dense_features, minimum=0)
    if index.chunk_size is not None:
        _check_int("TextIndex", "chunk_size", index.chunk_size, minimum=1)
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


def _check_texts(function: str, name: str, values: Sequence[str]) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InputError(
            f"The '{name}' parameter of {function} must be a sequence of str. Got {type(values).__name__} instead."
        )
    for position, value in enumerate(values):
        if not isinstance(value, str):
            raise InputError(f"{name}[{position}] must be a str. Got {type(value).__name__} instead.")
    return list(values)


def _check_corpus(texts: Sequence[str], ids: Sequence[str]) -> tuple[list[str], list[str]]:
    texts, ids = _check_texts("fit", "texts", texts), _check_texts("fit", "ids", ids)
    if not texts:
        raise InputError("fit needs at least one text. Got an empty corpus.")
    if len(texts) != len(ids):
        raise InputError(f"fit needs one id per text. Got {len(texts)} texts and {len(ids)} ids.")
    duplicated = sorted(item for item, count in Counter(ids).items() if count > 1)
    if duplicated:
        raise InputError(f"ids must be unique; duplicated: {', '.join(repr(item) for item in duplicated)}")
    return texts, ids


def _resolve_segmenter(lang: str, segmenter: str | None) -> str | None:
    if lang != "zh" or segmenter is None:
        return None
    if segmenter == "auto" and importlib.util.find_spec("jieba") is None:
        return None
    return "jieba"


# --- vectorisation -------------------------------------------------------------------------


def _vectorizers(
    params: dict[str, Any], segmenter: str | None, vocabularies: list[list[str]] | None = None
) -> list[Any]:
    """One TfidfVectorizer per block (texts arrive normalised), with fixed vocabularies if given."""
    from sklearn.feature_extraction.text import TfidfVectorizer

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
    return [
        TfidfVectorizer(**common, **spec, vocabulary=None if terms is None else {t: i for i, t in enumerate(terms)})
        for spec, terms in zip(specs, fixed, strict=True)
    ]


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


def _fit_block(vectorizer: Any, texts: list[str]) -> sparse.csr_matrix:
    try:
        return vectorizer.fit_transform(texts)
    except ValueError as exc:  # scikit-learn: "empty vocabulary", "After pruning, no terms remain"
        raise InputError(f"No n-gram left to index the texts ({exc}). Check the texts and 'min_df'.") from exc


def _join(blocks: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """Blocks side by side, rows L2-normalised again (each block is already normalised)."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    if len(blocks) == 1:
        return sparse.csr_matrix(blocks[0])
    return normalize(sparse.hstack(blocks, format="csr"))


def _order_columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    from scipy import sparse

    ordered = sparse.csr_matrix(matrix[:, columns])
    ordered.sort_indices()
    return ordered


def _terms(vectorizer: Any) -> list[str]:
    """The vectorizer's vocabulary as a list, term ``i`` at position ``i``."""
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return terms


def _read_arrays(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{os.fspath(path)}: cannot read a text index ({exc}).") from exc


def _read_meta(path: str | os.PathLike[str], arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    required = {"meta", "columns", "dense", "data", "indices", "indptr", "shape"}
    missing = sorted(required - set(arrays))
    meta: dict[str, Any] = json.loads(arrays["meta"].tobytes().decode("utf-8")) if "meta" in arrays else {}
    if missing or meta.get("format") != _FORMAT:
        raise InputError(f"{os.fspath(path)}: not a policybench text index (missing {', '.join(missing) or 'format'}).")
    if meta.get("version") != _FORMAT_VERSION:
        raise InputError(
            f"{os.fspath(path)}: text index format version {meta.get('version')!r}; expected {_FORMAT_VERSION}."
        )
    return meta


def _rank_table(
    columns: list[str], items: np.ndarray, ids: np.ndarray, index: np.ndarray, similarity: np.ndarray
) -> pd.DataFrame:
    """Long table of top-k lists: item, rank, neighbour id, similarity."""
    n, k = index.shape
    return pd.DataFrame(
        {
            columns[0]: np.repeat(items, k),
            columns[1]: np.tile(np.arange(1, k + 1, dtype=np.int64), n),
            columns[2]: ids[index.ravel()],
            columns[3]: similarity.ravel(),
        },
        columns=columns,
    )
