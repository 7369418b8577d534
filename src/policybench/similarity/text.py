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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import FilePath, Instance, Options, Str, Strs, validate_params
from ..data.io import atomic_write
from ..errors import InputError, UnknownIdError
from ._chartfidf import column_counts
from ._tfidf import (
    FORMAT,
    FORMAT_VERSION,
    build_vectorizers,
    check_corpus,
    check_int,
    check_params,
    check_texts,
    fit_block,
    join_blocks,
    order_columns,
    rank_table,
    resolve_segmenter,
    vocabulary_terms,
)

if TYPE_CHECKING:
    from scipy import sparse

    from ..data.dataset import Dataset
    from ._topk import Split

__all__ = ["NEIGHBOUR_COLUMNS", "QUERY_COLUMNS", "TextIndex", "normalize_text", "normalize_texts"]

#: Columns of :meth:`TextIndex.neighbours`.
NEIGHBOUR_COLUMNS = ["measure_id", "rank", "neighbour_id", "similarity"]
#: Columns of :meth:`TextIndex.query`.
QUERY_COLUMNS = ["query", "rank", "neighbour_id", "similarity"]

_WHITE_SPACE = re.compile(r"\s+")
_SEPARATOR = "\x00"
_TABLE_FROM = 10_000  # characters from which _nfkc's table beats unicodedata
_PARAMS = ("lang", "ngram_range", "sublinear_tf", "segmenter", "dense_features", "chunk_size", "min_df", "engine")


@validate_params({"text": Str(empty=True)})
def normalize_text(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), case-fold, collapse white space.

    Examples
    --------
    >>> normalize_text("ＡＢＣ１２３\u3000法定机构  改革")
    'abc123 法定机构 改革'
    """
    folded = _nfkc(_nfkc(text).casefold())
    return _WHITE_SPACE.sub(" ", folded).strip()


@validate_params({"texts": Strs("texts")})
def normalize_texts(texts: Sequence[str]) -> list[str]:
    """:func:`normalize_text` of each text, done on all of them at once (the same strings, faster).

    The texts are joined with NUL, which no text may hold (else they are taken one by one):
    NFKC, case folding and the white-space rule never act across it (it is a starter that
    composes with nothing and is not white space), so the parts are each text's result.

    Examples
    --------
    >>> normalize_texts(["ＡＢＣ", " 法定机构  改革 "])
    ['abc', '法定机构 改革']
    """
    if len(texts) < 2 or any(_SEPARATOR in text for text in texts):
        return [normalize_text(text) for text in texts]
    folded = _nfkc(_nfkc(_SEPARATOR.join(texts)).casefold())
    return [part.strip() for part in _WHITE_SPACE.sub(" ", folded).split(_SEPARATOR)]


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on long texts.

    Each character is replaced by its own NFKC form (a table lookup over the characters the
    text holds); that text has the same NFKC form as ``text``, since a character and its NFKC
    form decompose alike. When the result is in NFKC already (checked), it is the answer;
    otherwise (combining marks to compose, say), and when a character maps to several, the
    text is normalised the usual way.
    """
    if len(text) < _TABLE_FROM:
        return unicodedata.normalize("NFKC", text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = np.arange(int(points.max()) + 1, dtype=np.uint32)
    for point in np.flatnonzero(np.bincount(points)):
        mapped = unicodedata.normalize("NFKC", chr(point))
        if len(mapped) != 1:
            return unicodedata.normalize("NFKC", text)
        table[point] = ord(mapped)
    replaced = table[points].tobytes().decode("utf-32-le", "surrogatepass")
    return replaced if unicodedata.is_normalized("NFKC", replaced) else unicodedata.normalize("NFKC", text)


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
        (BLAS); a speed and memory setting. It changes the order in which a pair's terms are
        summed, so a similarity may move by one unit of its 12th decimal (about 1 in 10,000
        values on real prose), and neighbours that tie to within that unit may swap.
    chunk_size : int, optional
        Query rows scored at a time by the neighbour search (default: automatic); never
        changes a result.
    min_df : int or float
        Ignore n-grams in fewer documents than this (a float: that share of documents).
    engine : {"auto", "numba", "scipy"}
        Neighbour search engine: the compiled one (numba), the scipy one, or ("auto") the one
        a cost model expects to finish first: scipy for small corpora, where loading numba
        would cost more than it saves. All give the same neighbours.

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
    _source: str | None = None  # the file :meth:`load` read

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
        from ._memory import release_free_memory
        from ._topk import WARM_FROM, WARM_UP_TO, split_columns, warm_in_background

        check_params(self)
        texts, ids = check_corpus(texts, ids)
        if WARM_FROM <= len(texts) < WARM_UP_TO and self.engine != "scipy":
            warm_in_background()  # numba loads while the texts are vectorised
        segmenter = resolve_segmenter(self.lang, self.segmenter)
        vectorizers = build_vectorizers(self.get_params(), segmenter)
        normalised = normalize_texts(texts)
        matrix = join_blocks([fit_block(vectorizer, normalised) for vectorizer in vectorizers])
        del normalised
        frequency = column_counts(matrix.indices, matrix.shape[1])
        columns = np.argsort(-frequency, kind="stable")  # most frequent n-gram first
        split = split_columns(order_columns(matrix, columns), self.dense_features, consume=True)
        del matrix  # its arrays now hold the sparse block
        release_free_memory()  # the normalised texts and the temporaries of the fit
        self._set_fitted(ids, segmenter, columns, split)
        self._vectorizers = vectorizers
        return self

    @classmethod
    @validate_params({"dataset": Instance("Dataset"), "lang": Options("zh", "en")}, name="TextIndex.from_dataset")
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

    def neighbours(self, k: int = 10, *, client: Any = None) -> pd.DataFrame:
        """The exact ``k`` most similar other items of every item.

        Parameters
        ----------
        k : int
            Neighbours per item; fewer when the corpus has no more than ``k`` items.
        client : dask.distributed.Client, optional
            Run on that cluster: the index is scattered to the workers once, blocks of rows
            are tasks, and the result is the same as without it.

        Returns
        -------
        pandas.DataFrame
            One row per item and rank: measure_id, rank (1 = most similar), neighbour_id,
            similarity (cosine in [0, 1], rounded to 12 decimals). Items in corpus order;
            ties broken by corpus order.

        Notes
        -----
        Exact: every pair is scored (no approximation), block by block, so memory grows with
        the corpus and ``k``, never with its square. Either engine (numba's, or scipy's for
        small corpora and without numba) shares the work out to one thread per core; the
        result is the same with either, and on every run.
        """
        from ._topk import top_k

        check_int("neighbours", "k", k, minimum=1)
        split = self._fitted_split()
        k = min(k, split.n_rows - 1)
        if client is not None:
            from ._dask import top_k_on_cluster

            index, similarity = top_k_on_cluster(client, None, split, k, engine=self.engine)
        else:
            index, similarity = top_k(
                split, split, k, exclude_self=True, chunk_size=self.chunk_size, engine=self.engine
            )
        return rank_table(
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
        values = self.similarity_array(ids_a, ids_b)
        return pd.DataFrame(values, index=pd.Index(list(ids_a)), columns=pd.Index(list(ids_b)))

    @validate_params(
        {"ids_a": Strs("ids of the index"), "ids_b": Strs("ids of the index")}, name="TextIndex.similarity_array"
    )
    def similarity_array(self, ids_a: Sequence[str], ids_b: Sequence[str]) -> np.ndarray:
        """:meth:`similarity` as a bare array (rows ``ids_a``, columns ``ids_b``), for callers that need no labels."""
        split = self._fitted_split()
        rows, columns = self._lookup("ids_a", ids_a), self._lookup("ids_b", ids_b)
        return np.asarray(split.rows(rows).dot(split.rows(columns)))

    def query(self, texts: Sequence[str], k: int = 10, *, client: Any = None) -> pd.DataFrame:
        """The ``k`` corpus items most similar to each of ``texts`` (new texts).

        Parameters
        ----------
        texts : sequence of str
            Texts to look up, vectorised with the index's vocabulary.
        k : int
            Items per text; at most the corpus size.
        client : dask.distributed.Client, optional
            Run on that cluster (the index scattered once, blocks of texts as tasks); the
            result is the same as without it.

        Returns
        -------
        pandas.DataFrame
            query (position in ``texts``), rank, neighbour_id, similarity. Empty (no rows, the
            same columns and dtypes) when ``texts`` is empty.
        """
        from ._topk import top_k

        check_int("query", "k", k, minimum=1)
        split = self._fitted_split()
        texts = check_texts("query", "texts", texts)
        ids = np.asarray(self.ids_, dtype=object)
        if not texts:
            empty = np.zeros((0, min(k, split.n_rows)), dtype=np.int64)
            table = rank_table(QUERY_COLUMNS, np.arange(0), ids, empty, np.zeros(empty.shape))
            return table.astype({"neighbour_id": pd.Series(ids[:1]).dtype})  # as pandas infers it from ids
        queries = self._transform(texts)
        k = min(k, split.n_rows)
        if client is not None:
            from ._dask import top_k_on_cluster

            index, similarity = top_k_on_cluster(client, queries, split, k, engine=self.engine)
        else:
            index, similarity = top_k(
                queries, split, k, exclude_self=False, chunk_size=self.chunk_size, engine=self.engine
            )
        return rank_table(QUERY_COLUMNS, np.arange(len(texts)), ids, index, similarity)

    # --- persistence ---------------------------------------------------------------------

    @validate_params({"path": FilePath()}, name="TextIndex.save")
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one ``.npz`` file (arrays and JSON; no pickle), atomically.

        Parameters
        ----------
        path : path-like
            The file, written as named (no suffix added); replaced only once complete.
        """
        split = self._fitted_split()
        meta = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
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
    @validate_params({"path": FilePath()}, name="TextIndex.load")
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
            When the file cannot be read, is not a text index of this format version, or any
            part of it is wrong (an array's shape, dtype or values, the metadata); the message
            names the file and says what was expected and what was found. The file is checked
            before anything uses it (one pass over each array); the vocabularies' terms, which
            only :meth:`query` reads, are checked on the first query.
        """
        from scipy import sparse

        from ._indexfile import read_index
        from ._topk import Split

        index, contents = read_index(path, cls)
        rest = sparse.csr_matrix((contents.data, contents.indices, contents.indptr), shape=contents.shape)
        split = Split(contents.dense, rest)
        index._set_fitted(contents.ids, contents.segmenter, contents.columns, split)
        index._vocabularies = list(zip(contents.vocabularies, contents.idf, strict=True))
        index._source = os.fspath(path)
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
        return [(vocabulary_terms(vectorizer), vectorizer.idf_) for vectorizer in self._vectorizers]

    def _fitted_vectorizers(self) -> list[Any]:
        """The vectorizers; after :meth:`load`, rebuilt from the saved vocabularies on first use."""
        if self._vectorizers is None:
            from ._indexfile import check_terms, check_vectorizers

            vocabularies = [terms for terms, _idf in self._vocabularies]
            check_terms(str(self._source), vocabularies)
            try:
                vectorizers = build_vectorizers(self.get_params(), self.segmenter_, vocabularies)
            except InputError as exc:  # a term the character block cannot hold
                raise InputError(f"{self._source}: wrong vocabulary: {exc}") from exc
            check_vectorizers(str(self._source), vectorizers, vocabularies)
            for vectorizer, (_terms, idf) in zip(vectorizers, self._vocabularies, strict=True):
                vectorizer.idf_ = idf
            self._vectorizers = vectorizers
        return self._vectorizers

    def _lookup(self, name: str, ids: Sequence[str]) -> np.ndarray:
        ids = check_texts("similarity", name, ids)
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
        normalised = normalize_texts(texts)
        matrix = join_blocks([vectorizer.transform(normalised) for vectorizer in self._fitted_vectorizers()])
        return split_columns(order_columns(matrix, self._columns), self._split.dense.shape[1], consume=True)


# --- parameters and inputs -----------------------------------------------------------------
