"""Character n-gram TF-IDF in numpy, without scikit-learn (private; the engine of the vectoriser).

:class:`CharTfidf` computes exactly the matrix of
``TfidfVectorizer(analyzer="char", ngram_range=(min_n, max_n), lowercase=False, ...)`` (same
vocabulary, same column order, same values, operation for operation) for ``max_n <= 3``.
Instead of building one Python string per n-gram it encodes every n-gram of the joined texts
as one 64-bit integer (21 bits per code point, plus one so that a shorter n-gram sorts before
its extensions, as strings do), finds the vocabulary by sorting those integers and counts
terms per text with scipy's compressed-row routines. It imports neither scikit-learn nor
numba, so that :class:`~policybench.similarity.text.TextIndex` starts fast; the public,
scikit-learn-compatible :class:`~policybench.similarity.vectorize.CharTfidfVectorizer` adds
scikit-learn's estimator API on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "CHUNK_CHARACTERS",
    "ENTRY_CHUNK",
    "MAX_N",
    "CharTfidf",
    "column_counts",
    "decode_keys",
    "encode_terms",
    "relabel",
]

#: Characters of text turned into n-gram codes at a time (bounds the memory of fitting).
CHUNK_CHARACTERS = 1_000_000
#: Matrix entries processed at a time by the whole-matrix steps (bounds their temporary arrays).
ENTRY_CHUNK = 1 << 19
#: Longest n-gram the integer encoding holds (three code points of 21 bits).
MAX_N = 3
_BITS = 21
_SHIFTS = (42, 21, 0)
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer collapses
_Fitted = TypeVar("_Fitted", bound="CharTfidf")


class CharTfidf:
    """TF-IDF of character n-grams (up to 3 characters), computed with integer n-gram codes.

    Parameters
    ----------
    ngram_range : tuple (min_n, max_n)
        N-gram lengths, ``1 <= min_n <= max_n <= 3``.
    min_df : int or float
        Drop n-grams found in fewer texts than this (a float: that share of the texts).
    sublinear_tf, smooth_idf, use_idf, norm
        As in scikit-learn's ``TfidfTransformer``.

    Attributes
    ----------
    keys_ : numpy.ndarray
        The vocabulary as sorted int64 codes (column ``j`` is the n-gram of ``keys_[j]``).
    idf_ : numpy.ndarray or None
        Inverse document frequency of each column (None when ``use_idf`` is False).

    Examples
    --------
    >>> vectorizer = CharTfidf(ngram_range=(1, 2))
    >>> matrix = vectorizer.fit_transform(["ab", "abc"])
    >>> vectorizer.get_feature_names_out().tolist()
    ['a', 'ab', 'b', 'bc', 'c']
    >>> matrix.shape
    (2, 5)
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int | float = 1,
        sublinear_tf: bool = False,
        smooth_idf: bool = True,
        use_idf: bool = True,
        norm: str | None = "l2",
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.smooth_idf = smooth_idf
        self.use_idf = use_idf
        self.norm = norm

    # --- scikit-learn API ----------------------------------------------------------------

    def fit(self: _Fitted, raw_documents: Iterable[str], y: object = None) -> _Fitted:
        """Learn the vocabulary and idf of ``raw_documents``."""
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: object = None) -> sparse.csr_matrix:
        """Learn the vocabulary and idf, and return the TF-IDF matrix (texts x n-grams)."""
        self._check()
        texts = _texts(type(self).__name__, raw_documents)
        # Entries within a row in order of first appearance in the corpus, as scikit-learn
        # leaves them: the row norms are then summed in its order, and the values identical.
        # Texts are taken in chunks, so that memory holds the n-grams of one chunk at a time.
        # The counts of each chunk are appended to arrays that grow in place (no second copy).
        seen: Any = None
        data, indices = np.empty(0), np.empty(0, dtype=np.int32)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        row = 0
        for chunk in _chunks(texts):
            keys, per_text = _ngram_keys(chunk, self.ngram_range)
            seen, codes = _codes(seen, keys)
            del keys
            part = _count_matrix(codes, per_text, len(seen))
            del codes
            if len(seen) >= 2**31 and indices.dtype == np.int32:
                indices = indices.astype(np.int64)
            at = data.size
            data = _grow(data, at + part.nnz)
            indices = _grow(indices, at + part.nnz)
            data[at:], indices[at:] = part.data, part.indices
            indptr[row + 1 : row + len(chunk) + 1] = part.indptr[1:] + at
            row += len(chunk)
            del part
        counts = _csr_matrix(data, indices, indptr, (len(texts), len(seen)))
        del data, indices
        uniques = np.asarray(seen, dtype=np.int64)
        del seen
        rank = np.empty(uniques.size, dtype=counts.indices.dtype)
        rank[np.argsort(uniques, kind="stable")] = np.arange(uniques.size, dtype=rank.dtype)
        relabel(counts.indices, rank)
        vocabulary = np.sort(uniques)
        vocabulary, counts = self._prune(vocabulary, counts, len(texts))
        self.keys_ = vocabulary
        self.idf_ = _idf(counts, len(texts), self.smooth_idf) if self.use_idf else None
        return self._weight(counts)

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        """TF-IDF of ``raw_documents`` over the fitted vocabulary (unknown n-grams are ignored)."""
        if not hasattr(self, "keys_"):
            raise InputError(f"This {type(self).__name__} is not fitted yet. Call 'fit' first.")
        texts = _texts(type(self).__name__, raw_documents)
        keys, per_text = _ngram_keys(texts, self.ngram_range)
        columns = np.searchsorted(self.keys_, keys)
        known = columns < self.keys_.size
        known[known] = self.keys_[columns[known]] == keys[known]
        counts = _count_matrix(columns[known], _per_text(known, per_text), self.keys_.size)
        return self._weight(counts)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The n-grams, column by column (an object array of str, as scikit-learn returns)."""
        if not hasattr(self, "keys_"):
            raise InputError(f"This {type(self).__name__} is not fitted yet. Call 'fit' first.")
        return np.asarray(decode_keys(self.keys_), dtype=object)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """N-gram -> column, as scikit-learn's vectorizers give it."""
        return {term: column for column, term in enumerate(decode_keys(self.keys_))}

    @classmethod
    def from_vocabulary(cls: type[_Fitted], terms: list[str], idf: np.ndarray | None, **params: Any) -> _Fitted:
        """A fitted vectorizer from saved terms (as :meth:`get_feature_names_out` gives them) and idf."""
        vectorizer = cls(**params)
        vectorizer._check()
        vectorizer.keys_ = encode_terms(terms)
        vectorizer.idf_ = None if idf is None else np.asarray(idf, dtype=np.float64)
        return vectorizer

    # --- helpers -------------------------------------------------------------------------

    def _check(self) -> None:
        if self.norm not in ("l1", "l2", None):
            raise InputError(
                f"The 'norm' parameter of {type(self).__name__} must be one of 'l1', 'l2' or None. "
                f"Got {self.norm!r} instead."
            )
        low, high = self.ngram_range
        if not (1 <= low <= high <= MAX_N):
            raise InputError(
                f"The 'ngram_range' parameter of {type(self).__name__} must be (min_n, max_n) with "
                f"1 <= min_n <= max_n <= {MAX_N}. Got {self.ngram_range!r} instead."
            )

    def _prune(
        self, vocabulary: np.ndarray, counts: sparse.csr_matrix, n_texts: int
    ) -> tuple[np.ndarray, sparse.csr_matrix]:
        """Drop the columns under ``min_df``, keeping the order of the entries within rows."""
        least = self.min_df if isinstance(self.min_df, (int, np.integer)) else self.min_df * n_texts
        if vocabulary.size and least > 1:
            keep = column_counts(counts.indices, vocabulary.size) >= least
            if not keep.all():
                column = np.cumsum(keep) - 1
                entry = keep[counts.indices]
                indptr = np.zeros_like(counts.indptr)
                np.cumsum(_per_text(entry, np.diff(counts.indptr)), out=indptr[1:])
                counts.data, counts.indices = counts.data[entry], column[counts.indices[entry]].astype(np.int32)
                counts.indptr = indptr
                counts._shape = (counts.shape[0], int(keep.sum()))
                vocabulary = vocabulary[keep]
        if vocabulary.size == 0:
            raise InputError("No n-gram left to index the texts (empty vocabulary). Check the texts and 'min_df'.")
        return vocabulary, counts

    def _weight(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Scikit-learn's TfidfTransformer.transform, step by step (entries stay in their order)."""
        if self.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        if self.idf_ is not None:
            for start in range(0, counts.data.size, ENTRY_CHUNK):
                part = slice(start, start + ENTRY_CHUNK)
                counts.data[part] *= self.idf_[counts.indices[part]]
        if self.norm is not None:
            _normalise_rows(counts, self.norm)
        return counts


def _normalise_rows(matrix: sparse.csr_matrix, norm: str) -> None:
    """Divide each row by its L1 or L2 norm in place, as scikit-learn's ``normalize`` does.

    Bit for bit: the norm of a row is summed entry by entry in storage order (scipy's
    row-by-vector product adds its terms in that order, as scikit-learn's loop does), and
    rows of norm 0 are left alone. Rows are taken in runs of about :data:`ENTRY_CHUNK` entries.
    """
    from scipy import sparse

    indptr, data = matrix.indptr, matrix.data
    ones = np.ones(matrix.shape[1])
    for first, last in row_runs(indptr):
        begin, end = int(indptr[first]), int(indptr[last])
        values = data[begin:end]
        terms = np.abs(values) if norm == "l1" else values * values
        rows = sparse.csr_matrix(
            (terms, matrix.indices[begin:end], indptr[first : last + 1] - begin), shape=(last - first, matrix.shape[1])
        )
        sums = rows @ ones
        norms = np.repeat(sums if norm == "l1" else np.sqrt(sums), np.diff(indptr[first : last + 1]))
        nonzero = norms != 0.0
        values[nonzero] /= norms[nonzero]


def column_counts(indices: np.ndarray, n_columns: int) -> np.ndarray:
    """How many entries each column has (``np.bincount`` in runs of :data:`ENTRY_CHUNK` entries)."""
    counts = np.zeros(n_columns, dtype=np.int64)
    for start in range(0, indices.size, ENTRY_CHUNK):
        counts += np.bincount(indices[start : start + ENTRY_CHUNK], minlength=n_columns)
    return counts


def row_runs(indptr: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive runs of rows ``(first, last)`` of about :data:`ENTRY_CHUNK` entries (at least one row)."""
    first, n_rows = 0, indptr.size - 1
    while first < n_rows:
        last = int(np.searchsorted(indptr, indptr[first] + ENTRY_CHUNK, side="right")) - 1
        last = min(max(first + 1, last), n_rows)
        yield first, last
        first = last


def relabel(indices: np.ndarray, mapping: np.ndarray) -> None:
    """``indices[:] = mapping[indices]`` in place, in runs of :data:`ENTRY_CHUNK` entries."""
    for start in range(0, indices.size, ENTRY_CHUNK):
        part = slice(start, start + ENTRY_CHUNK)
        indices[part] = mapping[indices[part]]


def _idf(counts: sparse.csr_matrix, n_texts: int, smooth: bool) -> np.ndarray:
    """Scikit-learn's smoothed idf, with its operations in its order."""
    frequency = column_counts(counts.indices, counts.shape[1]).astype(np.float64)
    frequency += float(smooth)
    return np.log((n_texts + int(smooth)) / frequency) + 1.0


# --- n-gram codes ------------------------------------------------------------------------------


def _texts(name: str, raw_documents: Iterable[str]) -> list[str]:
    if isinstance(raw_documents, str):
        raise InputError(f"{name} expects an iterable of texts. Got a single str instead.")
    return [_WHITE_SPACES.sub(" ", text) for text in raw_documents]


def _per_text(flags: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """How many of ``flags`` are set within each text, texts holding ``lengths`` consecutive flags each."""
    running = np.zeros(flags.size + 1, dtype=np.int64)
    np.cumsum(flags, out=running[1:])
    ends = np.cumsum(lengths)
    return running[ends] - running[ends - lengths]


def _ngram_keys(texts: list[str], ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Every n-gram of every text as an int64 code, and the number of n-grams per text.

    In scikit-learn's order: text by text, within a text all 1-grams, then all 2-grams, ...
    (so that first appearances, and with them the order of the terms within each row before
    normalisation, are scikit-learn's).
    """
    low, high = ngram_range
    n_chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    raw = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = raw.astype(np.int64) + 1  # 0 marks "no character" in a shorter n-gram
    starts = np.cumsum(n_chars) - n_chars
    text_of = np.repeat(np.arange(len(texts)), n_chars)
    left = starts[text_of] + n_chars[text_of] - np.arange(points.size)  # characters left in the text
    sizes = [np.maximum(n_chars - n + 1, 0) for n in range(low, high + 1)]
    per_text = np.asarray(np.sum(sizes, axis=0, dtype=np.int64), dtype=np.int64).reshape(len(texts))
    offset = np.cumsum(per_text) - per_text - starts  # where position p of a text lands, less p
    keys = np.empty(int(per_text.sum()), dtype=np.int64)
    for n, size in zip(range(low, high + 1), sizes, strict=True):
        at = np.flatnonzero(left >= n)
        code = points[at] << _SHIFTS[0]
        for step in range(1, n):
            code |= points[at + step] << _SHIFTS[step]
        keys[offset[text_of[at]] + at] = code
        offset += size
    return keys, per_text


def _chunks(texts: list[str]) -> Iterator[list[str]]:
    """Consecutive runs of texts of about :data:`CHUNK_CHARACTERS` characters (at least one text each)."""
    start, size = 0, 0
    for end, text in enumerate(texts, start=1):
        size += len(text)
        if size >= CHUNK_CHARACTERS:
            yield texts[start:end]
            start, size = end, 0
    if start < len(texts) or not texts:
        yield texts[start:]


def _codes(seen: Any, keys: np.ndarray) -> tuple[Any, np.ndarray]:
    """Number ``keys`` in order of first appearance, after the keys ``seen`` before (a pandas Index)."""
    import pandas as pd

    local, uniques = pd.factorize(keys, sort=False)
    if seen is None:
        return pd.Index(uniques), local
    where = seen.get_indexer(uniques)
    new = where < 0
    where[new] = len(seen) + np.arange(int(new.sum()))
    return seen.append(pd.Index(uniques[new])), where[local]


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` lengthened to ``size`` in place when it owns its buffer (a realloc), else copied."""
    if array.base is None and array.flags.owndata:
        array.resize(size, refcheck=False)
        return array
    grown = np.empty(size, dtype=array.dtype)
    grown[: array.size] = array
    return grown


def _csr_matrix(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    from scipy import sparse

    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _count_matrix(columns: np.ndarray, per_text: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """Texts x columns counts (float64, as scikit-learn's TfidfVectorizer counts), indices sorted."""
    from scipy import sparse

    indptr = np.zeros(per_text.size + 1, dtype=np.int64)
    np.cumsum(per_text, out=indptr[1:])
    matrix = sparse.csr_matrix(
        (np.ones(columns.size), columns.astype(np.int32 if n_columns < 2**31 else np.int64), indptr),
        shape=(per_text.size, n_columns),
    )
    matrix.sum_duplicates()
    return matrix


def decode_keys(keys: np.ndarray) -> list[str]:
    """The n-grams of integer codes."""
    points = np.stack([(keys >> shift) & ((1 << _BITS) - 1) for shift in _SHIFTS], axis=1) - 1
    points = np.maximum(points, 0).astype(np.uint32)
    return [str(term) for term in np.ascontiguousarray(points).view(f"<U{MAX_N}").ravel()]


def encode_terms(terms: list[str]) -> np.ndarray:
    """Integer codes of n-grams of up to :data:`MAX_N` characters (the inverse of :func:`decode_keys`)."""
    keys = np.zeros(len(terms), dtype=np.int64)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    if lengths.size and lengths.max() > MAX_N:
        raise InputError(f"An n-gram of more than {MAX_N} characters cannot be encoded.")
    points = np.asarray(terms, dtype=f"<U{MAX_N}").view(np.uint32).reshape(-1, MAX_N).astype(np.int64) + 1
    for offset, shift in enumerate(_SHIFTS):
        keys |= np.where(lengths > offset, points[:, offset], 0) << shift
    return keys
