"""Reading a saved :class:`~policybench.similarity.text.TextIndex` file, every part checked (private).

:meth:`TextIndex.save` writes one ``.npz`` archive (no pickle) holding:

=========  ==============  ====================================================================
meta       uint8 (m,)      UTF-8 JSON object: format, version, params (the constructor
                           parameters), segmenter (None or "jieba"), ids (n str), vocabularies
                           (one list of terms per block)
columns    int (f,)        a permutation of the f = sum of the vocabulary sizes fitted columns:
                           ``columns[j]`` is the fitted column put at position j
dense      float64 (n, d)  the first d positions, d <= f
data       float64 (nnz,)  the other f - d positions, as CSR arrays (indices sorted in each row)
indices    int (nnz,)
indptr     int (n + 1,)
shape      int (2,)        (n, f - d)
idf_<i>    float64 (f_i,)  the idf of block i (one array per vocabulary)
=========  ==============  ====================================================================

:func:`read_index` checks all of it before anything uses it, so a damaged or hand-made file
raises :class:`~policybench.errors.InputError` naming the file and saying what is wrong
(expected against found), never a builtin exception or a crash in a compiled kernel. The
checks cost one pass over each array. The vocabularies are checked on load for their number
and sizes (which fix the columns); their terms, which only :meth:`TextIndex.query` reads, are
checked when the vectorizers are rebuilt from them on the first query (:func:`check_terms`,
:func:`check_vectorizers`): a vocabulary holds millions of terms, and a pass over them would
be most of the checks' cost on every load.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._params import check_path
from ..errors import InputError
from ._chartfidf import row_runs
from ._tfidf import FORMAT, FORMAT_VERSION, check_params

if TYPE_CHECKING:
    from .text import TextIndex

__all__ = ["IndexFile", "check_terms", "check_vectorizers", "read_index"]

_META_KEYS = ("format", "version", "params", "segmenter", "ids", "vocabularies")
_ARRAYS = ("meta", "columns", "dense", "data", "indices", "indptr", "shape")
_INTEGERS = (np.dtype(np.int32), np.dtype(np.int64))
#: Rows must have an L2 norm of 1 (or be empty) to within this, squared.
_NORM_TOLERANCE = 1e-6
# What reading an archive can raise: damaged zip (BadZipFile, zlib.error), truncated or bad
# .npy member (ValueError, EOFError), unsupported or encrypted member (NotImplementedError,
# RuntimeError), a member header declaring an impossible size (MemoryError).
_READ_ERRORS = (
    OSError,
    ValueError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    MemoryError,
)


@dataclass(frozen=True)
class IndexFile:
    """The checked contents of an index file."""

    segmenter: str | None
    ids: list[str]
    vocabularies: list[list[str]]
    idf: list[np.ndarray]
    columns: np.ndarray
    dense: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


def read_index(path: str | os.PathLike[str], cls: type[TextIndex]) -> tuple[TextIndex, IndexFile]:
    """The unfitted index (``cls`` with the saved parameters, checked) and the checked contents of ``path``.

    Raises
    ------
    InputError
        Naming the file and what is wrong with it.
    """
    check_path("TextIndex.load", "path", path)
    name = os.fsdecode(path)
    arrays = _read_arrays(name)
    meta = _read_meta(name, arrays)
    index = _make_index(name, cls, meta["params"])
    segmenter = _segmenter(name, meta["segmenter"], index)
    vocabularies = _vocabularies(name, meta["vocabularies"], 2 if segmenter == "jieba" else 1)
    ids = _ids(name, meta["ids"])
    _check_names(name, arrays, len(vocabularies))
    n_features = sum(len(terms) for terms in vocabularies)
    columns = _columns(name, arrays["columns"], n_features)
    dense = _dense(name, arrays["dense"], len(ids), n_features)
    shape = _shape(name, arrays["shape"], (len(ids), n_features - dense.shape[1]))
    data, indices, indptr = _csr(name, arrays, shape)
    _check_norms(name, dense, data, indptr)
    idf = [_idf(name, arrays[f"idf_{i}"], f"idf_{i}", len(terms)) for i, terms in enumerate(vocabularies)]
    return index, IndexFile(segmenter, ids, vocabularies, idf, columns, dense, data, indices, indptr, shape)


def check_terms(source: str, vocabularies: Sequence[list[Any]]) -> None:
    """Check that the vocabularies of file ``source`` hold only strings (before vectorizers are built from them)."""
    for position, terms in enumerate(vocabularies):
        if set(map(type, terms)) != {str}:
            other = next(term for term in terms if type(term) is not str)
            raise _error(source, f"metadata 'vocabularies[{position}]' holds a non-string", "strings", repr(other))


def check_vectorizers(source: str, vectorizers: Sequence[Any], vocabularies: Sequence[list[str]]) -> None:
    """Check that the vectorizers rebuilt from the vocabularies of file ``source`` hold each term once.

    The character block's terms must be in the order :meth:`TextIndex.save` writes (sorted
    as strings, each once); scikit-learn's word block must not repeat a term.
    """
    for position, (vectorizer, terms) in enumerate(zip(vectorizers, vocabularies, strict=True)):
        keys = getattr(vectorizer, "keys_", None)
        if keys is not None:
            increasing = keys[1:] > keys[:-1]
            if not increasing.all():
                at = int(np.argmin(increasing)) + 1
                raise _error(
                    source,
                    f"vocabularies[{position}] is not sorted or repeats a term",
                    "each term once, in sorted order",
                    f"{terms[at]!r} at position {at} after {terms[at - 1]!r}",
                )
        elif len(vectorizer.vocabulary) != len(terms):
            raise _error(
                source,
                f"vocabularies[{position}] repeats a term",
                f"{len(terms)} distinct terms",
                f"{len(vectorizer.vocabulary)}",
            )


# --- the archive and its metadata --------------------------------------------------------------


def _error(name: str, what: str, expected: str, found: str) -> InputError:
    return InputError(f"{name}: {what} (expected {expected}; found {found}).")


def _read_arrays(name: str) -> dict[str, np.ndarray]:
    # The file is opened here, not by np.load, which leaves it open when the zip is damaged.
    _check_regular_file(name)
    try:
        with open(name, "rb") as handle:
            loaded = np.load(handle, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                found = f"a single {type(loaded).__name__}"
                arrays = None
            else:
                with loaded as archive:
                    arrays = {key: archive[key] for key in archive.files}
    except _READ_ERRORS as exc:
        raise InputError(f"{name}: cannot read a text index ({type(exc).__name__}: {exc}).") from exc
    if arrays is None:
        raise _error(name, "not a policybench text index", "an .npz archive", found)
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray):
            raise _error(name, f"archive member {key!r} is not a numpy array", "a .npy member", "other bytes")
    return arrays


def _check_regular_file(name: str) -> None:
    """``name`` is a regular file: reading a pipe or a device could block or never end."""
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InputError(f"{name}: cannot read a text index ({type(exc).__name__}: {exc}).") from exc
    if not stat.S_ISREG(mode):
        found = "a directory" if stat.S_ISDIR(mode) else "a pipe, socket or device"
        raise _error(name, "not a file", "a file written by TextIndex.save", found)


def _read_meta(name: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    if "meta" not in arrays:
        missing = ", ".join(key for key in _ARRAYS if key not in arrays)
        raise InputError(f"{name}: not a policybench text index (missing {missing}).")
    raw = arrays["meta"]
    if raw.ndim != 1 or raw.dtype != np.uint8:
        raise _error(name, "array 'meta' is not UTF-8 bytes", "1-D uint8", f"{raw.ndim}-D {raw.dtype}")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _error(name, "the metadata is not UTF-8", "UTF-8 JSON", str(exc)) from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _error(name, "the metadata is not JSON", "a JSON object", str(exc)) from exc
    if not isinstance(meta, dict):
        raise _error(name, "the metadata is not a JSON object", "a JSON object", _kind(meta))
    if meta.get("format") != FORMAT:
        raise _error(name, "not a policybench text index", f"format {FORMAT!r}", f"{meta.get('format')!r}")
    if meta.get("version") != FORMAT_VERSION:
        raise InputError(f"{name}: text index format version {meta.get('version')!r}; expected {FORMAT_VERSION}.")
    _check_keys(name, "the metadata", meta, _META_KEYS)
    return meta


def _check_keys(name: str, what: str, mapping: dict[str, Any], expected: Sequence[str]) -> None:
    missing = [key for key in expected if key not in mapping]
    extra = sorted(str(key) for key in mapping if key not in expected)
    if missing or extra:
        found = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
            )
            if part
        )
        raise _error(name, f"{what} does not hold exactly the expected keys", ", ".join(expected), found)


def _kind(value: object) -> str:
    """A JSON value's type, in JSON's words."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def _make_index(name: str, cls: type[TextIndex], params: object) -> TextIndex:
    names = tuple(cls().get_params())
    if not isinstance(params, dict):
        raise _error(
            name, "metadata 'params' is not an object", "an object of the constructor parameters", _kind(params)
        )
    _check_keys(name, "metadata 'params'", params, names)
    values = dict(params)
    if isinstance(values["ngram_range"], list):
        values["ngram_range"] = tuple(values["ngram_range"])
    index = cls(**values)
    try:
        check_params(index)
    except InputError as exc:
        raise InputError(f"{name}: wrong parameters in the metadata: {exc}") from exc
    return index


def _segmenter(name: str, segmenter: object, index: TextIndex) -> str | None:
    """The saved segmenter, which must be the one ``fit`` resolves from the parameters."""
    if segmenter not in (None, "jieba"):
        raise _error(name, "metadata 'segmenter' is wrong", "null or 'jieba'", repr(segmenter))
    if index.lang == "en" or index.segmenter is None:
        possible: tuple[str | None, ...] = (None,)
    else:
        possible = ("jieba",) if index.segmenter == "jieba" else (None, "jieba")
    if segmenter not in possible:
        expected = " or ".join("null" if item is None else repr(item) for item in possible)
        raise _error(
            name,
            f"metadata 'segmenter' contradicts the parameters lang={index.lang!r}, segmenter={index.segmenter!r}",
            expected,
            "null" if segmenter is None else repr(segmenter),
        )
    return None if segmenter is None else "jieba"


def _vocabularies(name: str, vocabularies: object, n_blocks: int) -> list[list[str]]:
    if not isinstance(vocabularies, list) or len(vocabularies) != n_blocks:
        found = f"{len(vocabularies)} lists" if isinstance(vocabularies, list) else _kind(vocabularies)
        raise _error(name, "metadata 'vocabularies' is wrong", f"{n_blocks} list(s) of terms, one per block", found)
    for position, terms in enumerate(vocabularies):
        if not isinstance(terms, list) or not terms:
            found = "an empty array" if terms == [] else _kind(terms)
            raise _error(name, f"metadata 'vocabularies[{position}]' is wrong", "a non-empty array of strings", found)
    return vocabularies


def _ids(name: str, ids: object) -> list[str]:
    if not isinstance(ids, list) or not ids:
        raise _error(name, "metadata 'ids' is wrong", "a non-empty array of strings", _kind(ids))
    other = [item for item in ids if type(item) is not str]
    if other:
        raise _error(name, "metadata 'ids' holds a non-string", "strings", repr(other[0]))
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                raise _error(name, "metadata 'ids' repeats an id", "unique ids", repr(item))
            seen.add(item)
    return ids


def _check_names(name: str, arrays: dict[str, np.ndarray], n_blocks: int) -> None:
    expected = [*_ARRAYS, *(f"idf_{i}" for i in range(n_blocks))]
    _check_keys(name, "the archive", dict(arrays), expected)


# --- the arrays ----------------------------------------------------------------------------------


def _typed(name: str, array: np.ndarray, key: str, ndim: int, kind: str) -> np.ndarray:
    """``array`` if it has ``ndim`` dimensions and is of ``kind`` ("int": int32 or int64; "float": float64)."""
    if array.ndim != ndim:
        raise _error(name, f"array {key!r} has the wrong shape", f"{ndim}-D", f"{array.ndim}-D {array.shape}")
    if (kind == "int" and array.dtype not in _INTEGERS) or (kind == "float" and array.dtype != np.float64):
        expected = "int32 or int64" if kind == "int" else "float64"
        raise _error(name, f"array {key!r} has the wrong dtype", expected, str(array.dtype))
    return array


def _length(name: str, array: np.ndarray, key: str, expected: int, meaning: str) -> None:
    if array.shape[0] != expected:
        raise _error(name, f"array {key!r} has the wrong length", f"{expected} ({meaning})", str(array.shape[0]))


def _columns(name: str, columns: np.ndarray, n_features: int) -> np.ndarray:
    _typed(name, columns, "columns", 1, "int")
    _length(name, columns, "columns", n_features, "the vocabularies' total size")
    _in_range(name, columns, "columns", n_features)
    seen = np.zeros(n_features, dtype=bool)
    seen[columns] = True
    if not seen.all():
        raise _error(
            name,
            "array 'columns' is not a permutation",
            f"each of 0..{n_features - 1} once",
            f"{int(np.argmin(seen))} missing",
        )
    return columns


def _in_range(name: str, values: np.ndarray, key: str, stop: int) -> None:
    if values.size and (int(values.min()) < 0 or int(values.max()) >= stop):
        bad = values[(values < 0) | (values >= stop)]
        raise _error(name, f"array {key!r} is out of range", f"values in 0..{stop - 1}", f"{int(bad[0])}")


def _dense(name: str, dense: np.ndarray, n_rows: int, n_features: int) -> np.ndarray:
    _typed(name, dense, "dense", 2, "float")
    if dense.shape[0] != n_rows or dense.shape[1] > n_features:
        raise _error(
            name,
            "array 'dense' has the wrong shape",
            f"({n_rows}, at most {n_features}): one row per id, columns within the vocabularies",
            str(dense.shape),
        )
    _unit_interval(name, dense.ravel(), "dense")
    return np.ascontiguousarray(dense)


def _unit_interval(name: str, values: np.ndarray, key: str) -> None:
    """TF-IDF weights of L2-normalised rows are in [0, 1] (which also rules out NaN)."""
    inside = (values >= 0.0) & (values <= 1.0)
    if not inside.all():
        at = int(np.argmin(inside))
        raise _error(
            name,
            f"array {key!r} holds a value outside [0, 1]",
            "finite weights in [0, 1]",
            f"{float(values[at])!r} at entry {at}",
        )


def _shape(name: str, shape: np.ndarray, expected: tuple[int, int]) -> tuple[int, int]:
    _typed(name, shape, "shape", 1, "int")
    if shape.tolist() != list(expected):
        raise _error(
            name,
            "array 'shape' does not match the ids and vocabularies",
            f"{expected} (ids, vocabulary terms less the dense columns)",
            str(tuple(shape.tolist())),
        )
    return expected


def _csr(name: str, arrays: dict[str, np.ndarray], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = _typed(name, arrays["data"], "data", 1, "float")
    indices = _typed(name, arrays["indices"], "indices", 1, "int")
    indptr = _typed(name, arrays["indptr"], "indptr", 1, "int")
    _length(name, indices, "indices", data.size, "one per entry of 'data'")
    _length(name, indptr, "indptr", shape[0] + 1, "rows + 1")
    if int(indptr[0]) != 0 or int(indptr[-1]) != data.size:
        raise _error(
            name,
            "array 'indptr' does not span the entries",
            f"first 0 and last {data.size} (the entries in 'data')",
            f"first {int(indptr[0])} and last {int(indptr[-1])}",
        )
    steps = np.diff(indptr)
    if steps.size and int(steps.min()) < 0:
        row = int(np.argmax(steps < 0))
        raise _error(
            name,
            "array 'indptr' decreases",
            "non-decreasing row starts",
            f"row {row} from {int(indptr[row])} to {int(indptr[row + 1])}",
        )
    _in_range(name, indices, "indices", shape[1])
    _check_sorted_rows(name, indices, indptr)
    _unit_interval(name, data, "data")
    return data, indices, indptr


def _check_sorted_rows(name: str, indices: np.ndarray, indptr: np.ndarray) -> None:
    """Column indices strictly increasing within each row (sorted, no repeats), as ``save`` writes them."""
    for first, last in row_runs(indptr):
        begin, end = int(indptr[first]), int(indptr[last])
        increasing = np.diff(indices[begin:end]) > 0
        starts = indptr[first + 1 : last] - begin  # a new row starts there: no order across it
        starts = starts[(starts > 0) & (starts < end - begin)]
        increasing[starts - 1] = True
        if not increasing.all():
            at = begin + int(np.argmin(increasing))
            row = int(np.searchsorted(indptr, at, side="right")) - 1
            raise _error(
                name,
                f"array 'indices' is not sorted in row {row}",
                "increasing column indices within a row",
                f"{int(indices[at])} then {int(indices[at + 1])}",
            )


def _check_norms(name: str, dense: np.ndarray, data: np.ndarray, indptr: np.ndarray) -> None:
    """Every row has an L2 norm of 1, or is empty (a text without any indexed n-gram)."""
    squares = np.einsum("ij,ij->i", dense, dense)
    for first, last in row_runs(indptr):
        begin, end = int(indptr[first]), int(indptr[last])
        if end > begin:
            starts = indptr[first:last] - begin
            sums = np.add.reduceat(data[begin:end] ** 2, np.minimum(starts, end - begin - 1))
            sums[indptr[first + 1 : last + 1] - begin == starts] = 0.0  # reduceat gives an empty row one entry
            squares[first:last] += sums
    wrong = (np.abs(squares - 1.0) > _NORM_TOLERANCE) & (squares != 0.0)
    if wrong.any():
        row = int(np.argmax(wrong))
        raise _error(
            name,
            f"row {row} of the matrix is not normalised",
            "an L2 norm of 1 (or an empty row)",
            f"{float(np.sqrt(squares[row]))!r}",
        )


def _idf(name: str, idf: np.ndarray, key: str, size: int) -> np.ndarray:
    _typed(name, idf, key, 1, "float")
    _length(name, idf, key, size, "the size of its vocabulary")
    positive = np.isfinite(idf) & (idf > 0.0)
    if not positive.all():
        at = int(np.argmin(positive))
        raise _error(
            name, f"array {key!r} holds a wrong idf", "finite positive values", f"{float(idf[at])!r} at entry {at}"
        )
    return idf
