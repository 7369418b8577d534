"""TextIndex.load on damaged or hand-made files: every part of the file is checked (issue 25, item 6).

A small index is saved, then the saved file is tampered with in one way per test case; loading
it must raise InputError naming the file and saying what is wrong, never a builtin exception
and never a crash (a decreasing indptr used to crash the numba kernel of neighbours()).
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from policybench.errors import InputError
from policybench.similarity.text import QUERY_COLUMNS, TextIndex

HAS_JIEBA = importlib.util.find_spec("jieba") is not None
TEXTS = [
    "推行法定机构改革，实施全员聘任",
    "法定机构改革试点",
    "设立创新券，探索前补贴",
    "建立城市合伙人制度",
    "深化放权赋能改革，推行承诺制审批",
    "试点标准地出让",
    "实施容缺受理",
    "探索飞地经济，建立平台公司",
    "推行一制三化改革",
    "深化混合所有制改革",
    "建立管委会+公司模式",
    "推行竞争上岗和绩效考核",
]
IDS = [f"m{i:02d}" for i in range(len(TEXTS))]


@dataclass
class Saved:
    """The arrays of a saved index and its parsed metadata (None: leave arrays['meta'] as it is)."""

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] | None


def _save(index: TextIndex, directory: Path) -> Path:
    path = directory / "index.npz"
    index.save(path)
    return path


def _read(path: Path) -> Saved:
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return Saved(arrays, json.loads(arrays["meta"].tobytes().decode("utf-8")))


def _write(saved: Saved, path: Path) -> None:
    arrays = dict(saved.arrays)
    if saved.meta is not None:
        arrays["meta"] = np.frombuffer(json.dumps(saved.meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


@pytest.fixture(scope="module")
def index() -> TextIndex:
    # a few dense columns, so that both the dense block and the sparse CSR part are in the file
    return TextIndex(segmenter=None, dense_features=4).fit(TEXTS, IDS)


@pytest.fixture()
def saved_path(index: TextIndex, tmp_path: Path) -> Path:
    return _save(index, tmp_path)


# --- helpers that pick an entry to tamper with ---------------------------------------------------


def _row_with(saved: Saved, entries: int) -> int:
    """A row with at least ``entries`` entries in the sparse part."""
    return int(np.flatnonzero(np.diff(saved.arrays["indptr"]) >= entries)[0])


def _set(saved: Saved, key: str, value: Any) -> None:
    saved.arrays[key] = value


def _meta(saved: Saved) -> dict[str, Any]:
    assert saved.meta is not None
    return saved.meta


def _raw_meta(saved: Saved, raw: bytes) -> None:
    saved.meta = None
    saved.arrays["meta"] = np.frombuffer(raw, dtype=np.uint8)


def _raw_array(saved: Saved, meta: np.ndarray) -> None:
    saved.meta = None
    saved.arrays["meta"] = meta


def _decreasing_indptr(saved: Saved) -> None:
    """Row 2 made to end at the last entry: row 3 then ends before it starts (first and last stay right).

    Without the check, this file crashed the process (heap corruption, SIGABRT) in the numba
    kernel of neighbours().
    """
    indptr = saved.arrays["indptr"].copy()
    assert indptr[4] < indptr[-1]
    indptr[3] = indptr[-1]
    saved.arrays["indptr"] = indptr


def _swap_in_row(saved: Saved) -> None:
    indices = saved.arrays["indices"].copy()
    start = int(saved.arrays["indptr"][_row_with(saved, 2)])
    indices[start], indices[start + 1] = indices[start + 1], indices[start]
    saved.arrays["indices"] = indices


def _repeat_in_row(saved: Saved) -> None:
    indices = saved.arrays["indices"].copy()
    start = int(saved.arrays["indptr"][_row_with(saved, 2)])
    indices[start + 1] = indices[start]
    saved.arrays["indices"] = indices


def _changed(key: str, change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Saved], None]:
    return lambda saved: _set(saved, key, change(saved.arrays[key].copy()))


def _at(position: int, value: Any) -> Callable[[np.ndarray], np.ndarray]:
    def change(array: np.ndarray) -> np.ndarray:
        array.flat[position] = value
        return array

    return change


def _dropped(key: str) -> Callable[[Saved], None]:
    def tamper(saved: Saved) -> None:
        del saved.arrays[key]

    return tamper


# Each case: id, tampering, a pattern the message must hold (after the file name).
CASES: list[tuple[str, Callable[[Saved], None], str]] = [
    # the archive
    ("array-missing", _dropped("indices"), r"does not hold exactly the expected keys .*found missing indices"),
    ("array-extra", lambda s: _set(s, "extra", np.arange(3)), r"found unexpected extra"),
    ("idf-missing", _dropped("idf_0"), r"found missing idf_0"),
    ("idf-extra-block", lambda s: _set(s, "idf_1", s.arrays["idf_0"]), r"found unexpected idf_1"),
    # the metadata
    (
        "meta-missing",
        lambda s: _raw_array(s, np.zeros(0, dtype=np.uint8)) or _dropped("meta")(s),
        r"not a policybench text index \(missing meta\)",
    ),
    ("meta-not-utf8", lambda s: _raw_meta(s, b'{"format": "\xff\xfe"}'), r"the metadata is not UTF-8"),
    ("meta-not-json", lambda s: _raw_meta(s, b'{"format": '), r"the metadata is not JSON"),
    ("meta-deep-json", lambda s: _raw_meta(s, b"[" * 200_000), r"the metadata is not JSON"),
    ("meta-a-list", lambda s: _raw_meta(s, b"[1, 2]"), r"not a JSON object .*found an array"),
    ("meta-a-string", lambda s: _raw_meta(s, b'"index"'), r"not a JSON object .*found a string"),
    ("meta-empty", lambda s: _raw_meta(s, b""), r"the metadata is not JSON"),
    (
        "meta-wrong-dtype",
        lambda s: _raw_array(s, s.arrays["meta"].astype(np.int64)),
        r"'meta' is not UTF-8 bytes .*expected 1-D uint8; found 1-D int64",
    ),
    ("meta-2d", lambda s: _raw_array(s, s.arrays["meta"][None, :]), r"'meta' is not UTF-8 bytes .*found 2-D uint8"),
    ("format-wrong", lambda s: _meta(s).update(format="other"), r"not a policybench text index .*found 'other'"),
    ("version-wrong", lambda s: _meta(s).update(version=2), r"format version 2; expected 1"),
    ("meta-key-missing", lambda s: _meta(s).pop("vocabularies") and None, r"found missing vocabularies"),
    ("meta-ids-missing", lambda s: _meta(s).pop("ids") and None, r"found missing ids"),
    ("meta-key-extra", lambda s: _meta(s).update(comment="x"), r"found unexpected comment"),
    ("params-not-object", lambda s: _meta(s).update(params=[1]), r"'params' is not an object .*found an array"),
    ("params-missing", lambda s: _meta(s)["params"].pop("engine") and None, r"'params' .*found missing engine"),
    ("params-extra", lambda s: _meta(s)["params"].update(norm="l2"), r"'params' .*found unexpected norm"),
    ("params-bad-lang", lambda s: _meta(s)["params"].update(lang="fr"), r"wrong parameters .*'lang'"),
    ("params-ngram-int", lambda s: _meta(s)["params"].update(ngram_range=5), r"wrong parameters .*'ngram_range'"),
    ("params-ngram-long", lambda s: _meta(s)["params"].update(ngram_range=[1, 2, 3]), r"'ngram_range'"),
    ("params-bad-engine", lambda s: _meta(s)["params"].update(engine="fast"), r"wrong parameters .*'engine'"),
    ("params-min-df-0", lambda s: _meta(s)["params"].update(min_df=0), r"wrong parameters .*'min_df'"),
    ("params-chunk-bool", lambda s: _meta(s)["params"].update(chunk_size=True), r"'chunk_size'"),
    ("segmenter-unknown", lambda s: _meta(s).update(segmenter="spacy"), r"'segmenter' is wrong .*found 'spacy'"),
    (
        "segmenter-contradicts",
        lambda s: _meta(s).update(segmenter="jieba"),
        r"'segmenter' contradicts .*expected null; found 'jieba'",
    ),
    ("segmenter-missing-for-jieba", lambda s: _meta(s)["params"].update(segmenter="jieba"), r"'segmenter'"),
    ("vocabularies-missing", lambda s: _meta(s).update(vocabularies=[]), r"'vocabularies' is wrong .*found 0 lists"),
    ("vocabularies-not-list", lambda s: _meta(s).update(vocabularies={"a": 1}), r"found an object"),
    (
        "vocabularies-one-too-many",
        lambda s: _meta(s)["vocabularies"].append(["法"]),
        r"expected 1 list\(s\) of terms, one per block; found 2 lists",
    ),
    ("vocabulary-empty", lambda s: _meta(s).update(vocabularies=[[]]), r"'vocabularies\[0\]' is wrong .*empty"),
    ("vocabulary-not-list", lambda s: _meta(s).update(vocabularies=["法定"]), r"'vocabularies\[0\]' is wrong"),
    (
        "vocabulary-shorter",
        lambda s: _meta(s)["vocabularies"][0].pop() and None,
        r"'columns' has the wrong length .*the vocabularies' total size",
    ),
    ("ids-not-list", lambda s: _meta(s).update(ids="m00"), r"'ids' is wrong .*found a string"),
    ("ids-empty", lambda s: _meta(s).update(ids=[]), r"'ids' is wrong"),
    ("ids-non-string", lambda s: _meta(s)["ids"].__setitem__(2, 2), r"'ids' holds a non-string .*found 2"),
    ("ids-repeated", lambda s: _meta(s)["ids"].__setitem__(2, "m00"), r"'ids' repeats an id .*found 'm00'"),
    ("ids-fewer-than-rows", lambda s: _meta(s)["ids"].pop() and None, r"'dense' has the wrong shape .*one row per id"),
    ("ids-more-than-rows", lambda s: _meta(s)["ids"].append("extra"), r"'dense' has the wrong shape"),
    # columns: the permutation of the fitted columns
    ("columns-float", _changed("columns", lambda a: a.astype(np.float64)), r"'columns' has the wrong dtype"),
    ("columns-2d", _changed("columns", lambda a: a[None, :]), r"'columns' has the wrong shape .*expected 1-D"),
    ("columns-short", _changed("columns", lambda a: a[:-1]), r"'columns' has the wrong length"),
    ("columns-negative", _changed("columns", _at(0, -1)), r"'columns' is out of range .*found -1"),
    ("columns-too-large", _changed("columns", _at(0, 10**6)), r"'columns' is out of range .*found 1000000"),
    ("columns-repeated", _changed("columns", lambda a: _at(0, a[1])(a)), r"'columns' is not a permutation"),
    ("columns-unsigned", _changed("columns", lambda a: a.astype(np.uint64)), r"expected int32 or int64; found uint64"),
    # dense
    ("dense-1d", _changed("dense", lambda a: a.ravel()), r"'dense' has the wrong shape .*expected 2-D; found 1-D"),
    ("dense-int", _changed("dense", lambda a: a.astype(np.int64)), r"'dense' .*expected float64; found int64"),
    ("dense-float32", _changed("dense", lambda a: a.astype(np.float32)), r"expected float64; found float32"),
    ("dense-rows", _changed("dense", lambda a: a[:-1]), r"'dense' has the wrong shape"),
    ("dense-wide", _changed("dense", lambda a: np.zeros((a.shape[0], 10**4))), r"'dense' has the wrong shape"),
    ("dense-nan", _changed("dense", _at(0, np.nan)), r"'dense' holds a value outside \[0, 1\] .*found nan"),
    ("dense-inf", _changed("dense", _at(0, np.inf)), r"'dense' holds a value outside \[0, 1\]"),
    ("dense-negative", _changed("dense", lambda a: -a), r"'dense' holds a value outside \[0, 1\]"),
    # shape of the sparse part
    ("shape-huge", _changed("shape", _at(0, 2**40)), r"'shape' does not match .*found \(1099511627776, "),
    ("shape-negative", _changed("shape", _at(1, -5)), r"'shape' does not match .*found \(12, -5\)"),
    ("shape-columns", _changed("shape", lambda a: a + np.array([0, 1])), r"'shape' does not match"),
    ("shape-three", _changed("shape", lambda a: np.append(a, 1)), r"'shape' does not match"),
    ("shape-float", _changed("shape", lambda a: a.astype(np.float64)), r"'shape' has the wrong dtype"),
    ("shape-scalar", _changed("shape", lambda a: np.int64(12)), r"'shape' has the wrong shape .*found 0-D"),
    # indptr
    ("indptr-decreasing", _decreasing_indptr, r"'indptr' decreases .*expected non-decreasing row starts; found row"),
    ("indptr-past-data", _changed("indptr", lambda a: _at(-1, a[-1] + 3)(a)), r"'indptr' does not span the entries"),
    ("indptr-short-of-data", _changed("indptr", lambda a: _at(-1, a[-1] - 1)(a)), r"does not span"),
    ("indptr-not-from-0", _changed("indptr", _at(0, 1)), r"expected first 0 and last \d+ .*found first 1"),
    ("indptr-length", _changed("indptr", lambda a: a[:-1]), r"'indptr' has the wrong length .*rows \+ 1"),
    ("indptr-float", _changed("indptr", lambda a: a.astype(np.float64)), r"'indptr' has the wrong dtype"),
    ("indptr-2d", _changed("indptr", lambda a: a[:, None]), r"'indptr' has the wrong shape"),
    # indices
    ("indices-float", _changed("indices", lambda a: a.astype(np.float64)), r"'indices' .*expected int32 or int64"),
    ("indices-int16", _changed("indices", lambda a: a.astype(np.int16)), r"found int16"),
    ("indices-negative", _changed("indices", _at(0, -1)), r"'indices' is out of range .*found -1"),
    ("indices-past-columns", _changed("indices", _at(0, 10**6)), r"'indices' is out of range .*found 1000000"),
    ("indices-length", _changed("indices", lambda a: a[:-1]), r"'indices' has the wrong length"),
    ("indices-unsorted", _swap_in_row, r"'indices' is not sorted in row \d+"),
    ("indices-repeated", _repeat_in_row, r"'indices' is not sorted in row \d+"),
    # data
    ("data-int", _changed("data", lambda a: (a * 100).astype(np.int64)), r"'data' .*expected float64; found int64"),
    ("data-2d", _changed("data", lambda a: a[None, :]), r"'data' has the wrong shape"),
    ("data-nan", _changed("data", _at(0, np.nan)), r"'data' holds a value outside \[0, 1\] .*found nan at entry 0"),
    ("data-inf", _changed("data", _at(1, np.inf)), r"'data' holds a value outside \[0, 1\] .*at entry 1"),
    ("data-negative", _changed("data", lambda a: _at(0, -a[0])(a)), r"'data' holds a value outside \[0, 1\]"),
    ("data-not-normalised", _changed("data", lambda a: a * 0.5), r"row \d+ of the matrix is not normalised"),
    # idf
    ("idf-short", _changed("idf_0", lambda a: a[:-1]), r"'idf_0' has the wrong length .*size of its vocabulary"),
    ("idf-long", _changed("idf_0", lambda a: np.append(a, 1.0)), r"'idf_0' has the wrong length"),
    ("idf-nan", _changed("idf_0", _at(2, np.nan)), r"'idf_0' holds a wrong idf .*found nan at entry 2"),
    ("idf-inf", _changed("idf_0", _at(2, np.inf)), r"'idf_0' holds a wrong idf"),
    ("idf-zero", _changed("idf_0", _at(0, 0.0)), r"'idf_0' holds a wrong idf .*finite positive"),
    ("idf-int", _changed("idf_0", lambda a: a.astype(np.int64)), r"'idf_0' has the wrong dtype"),
    ("idf-2d", _changed("idf_0", lambda a: a[None, :]), r"'idf_0' has the wrong shape"),
]


@pytest.mark.parametrize(("tamper", "pattern"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_tampered_file_is_an_input_error(saved_path: Path, tamper: Callable[[Saved], None], pattern: str) -> None:
    saved = _read(saved_path)
    tamper(saved)
    _write(saved, saved_path)
    with pytest.raises(InputError) as caught:
        TextIndex.load(saved_path)
    message = str(caught.value)
    assert message.startswith(f"{saved_path}: "), message
    assert caught.type is InputError  # not a builtin exception that happens to be a ValueError
    assert re.search(pattern, message), message


def test_expected_and_found_are_named(saved_path: Path) -> None:
    saved = _read(saved_path)
    saved.arrays["indices"] = saved.arrays["indices"].astype(np.float64)
    _write(saved, saved_path)
    with pytest.raises(InputError, match=r"expected int32 or int64; found float64\)\.$"):
        TextIndex.load(saved_path)


# --- the archive itself ------------------------------------------------------------------------


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _zip_with(saved_path: Path, members: dict[str, bytes]) -> None:
    with open(saved_path, "rb") as handle:
        original = handle.read()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(saved_path, "w") as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info))
        for name, content in members.items():
            target.writestr(name, content)


def _header_only(shape: tuple[int, ...]) -> bytes:
    """A .npy header declaring ``shape`` (float64), followed by no data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


ARCHIVE_CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("empty-file", lambda p: p.write_bytes(b""), r"cannot read a text index \(EOFError"),
    ("text-file", lambda p: p.write_text("not an index\n"), r"cannot read a text index"),
    ("truncated-zip", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), r"cannot read a text index"),
    ("bare-npy", lambda p: p.write_bytes(_npy_bytes(np.arange(3))), r"not a policybench text index .*single ndarray"),
    ("member-not-npy", lambda p: _zip_with(p, {"notes": b"hello"}), r"member 'notes' is not a numpy array"),
    ("member-pickled", lambda p: _zip_with(p, {"dense.npy": _npy_bytes(np.array([{}], dtype=object))}), r"pickle"),
    ("member-truncated", lambda p: _zip_with(p, {"data.npy": _npy_bytes(np.ones(50))[:-40]}), r"cannot read"),
    ("member-header-huge", lambda p: _zip_with(p, {"data.npy": _header_only((2**62,))}), r"cannot read"),
    ("member-bad-header", lambda p: _zip_with(p, {"data.npy": b"\x93NUMPY\x01\x00garbage"}), r"cannot read"),
]


@pytest.mark.parametrize(
    ("tamper", "pattern"), [case[1:] for case in ARCHIVE_CASES], ids=[case[0] for case in ARCHIVE_CASES]
)
def test_damaged_archive_is_an_input_error(saved_path: Path, tamper: Callable[[Path], None], pattern: str) -> None:
    tamper(saved_path)
    with pytest.raises(InputError) as caught:
        TextIndex.load(saved_path)
    message = str(caught.value)
    assert message.startswith(f"{saved_path}: "), message
    assert re.search(pattern, message), message


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"not a file \(expected a file written by TextIndex.save; found a directory\)"
    ):
        TextIndex.load(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipe_is_an_input_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.npz")
    with pytest.raises(InputError, match=r"not a file .*found a pipe, socket or device"):
        TextIndex.load(tmp_path / "pipe.npz")


@pytest.mark.parametrize("path", [123, None, ["index.npz"]], ids=["int", "none", "list"])
def test_path_of_the_wrong_type_is_an_input_error(path: Any) -> None:
    with pytest.raises(InputError, match=r"The 'path' parameter of TextIndex.load must be a path"):
        TextIndex.load(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing.npz: cannot read a text index \(FileNotFoundError"):
        TextIndex.load(tmp_path / "missing.npz")


# --- the vocabularies' terms: checked when the vectorizers are rebuilt (first query) -----------
# (neighbours() and similarity() never read them; a pass over millions of terms on every load
# would cost more than all the other checks)


@pytest.mark.parametrize(
    ("tamper", "pattern"),
    [
        (lambda terms: terms.reverse(), r"vocabularies\[0\] is not sorted or repeats a term"),
        (lambda terms: terms.__setitem__(1, terms[0]), r"vocabularies\[0\] is not sorted or repeats a term"),
        (lambda terms: terms.__setitem__(-1, "四个字符"), r"wrong vocabulary: An n-gram of more than 3 characters"),
        (lambda terms: terms.__setitem__(3, 7), r"'vocabularies\[0\]' holds a non-string .*found 7"),
        (lambda terms: terms.__setitem__(3, ["法"]), r"'vocabularies\[0\]' holds a non-string .*found \['法'\]"),
    ],
    ids=["unsorted", "repeated", "too-long", "non-string", "a-list"],
)
def test_wrong_character_vocabulary_is_an_input_error_on_query(
    saved_path: Path, tamper: Callable[[list[str]], None], pattern: str
) -> None:
    saved = _read(saved_path)
    tamper(_meta(saved)["vocabularies"][0])
    _write(saved, saved_path)
    loaded = TextIndex.load(saved_path)  # the terms' order is not needed until a query
    with pytest.raises(InputError, match=pattern) as caught:
        loaded.query(["法定机构"], k=2)
    assert str(caught.value).startswith(f"{saved_path}: ")


@pytest.fixture(scope="module")
def jieba_index() -> TextIndex:
    if not HAS_JIEBA:
        pytest.skip("jieba not installed")
    return TextIndex(segmenter="jieba", dense_features=4).fit(TEXTS, IDS)


def test_two_block_file_round_trip(jieba_index: TextIndex, tmp_path: Path) -> None:
    loaded = TextIndex.load(_save(jieba_index, tmp_path))
    pd.testing.assert_frame_equal(loaded.neighbours(k=5), jieba_index.neighbours(k=5), check_exact=True)
    pd.testing.assert_frame_equal(loaded.query(["深化放权赋能改革"], k=3), jieba_index.query(["深化放权赋能改革"], k=3))


TWO_BLOCK_CASES: list[tuple[str, Callable[[Saved], None], str]] = [
    ("idf-1-missing", _dropped("idf_1"), r"found missing idf_1"),
    ("idf-1-short", _changed("idf_1", lambda a: a[:-1]), r"'idf_1' has the wrong length"),
    (
        "vocabulary-1-missing",
        lambda s: _meta(s)["vocabularies"].pop() and None,
        r"expected 2 list\(s\) of terms, one per block; found 1 lists",
    ),
    (
        "segmenter-dropped",
        lambda s: _meta(s).update(segmenter=None),
        r"'segmenter' contradicts .*expected 'jieba'; found null",
    ),
]


@pytest.mark.parametrize(
    ("tamper", "pattern"), [case[1:] for case in TWO_BLOCK_CASES], ids=[case[0] for case in TWO_BLOCK_CASES]
)
def test_tampered_two_block_file_is_an_input_error(
    jieba_index: TextIndex, tmp_path: Path, tamper: Callable[[Saved], None], pattern: str
) -> None:
    path = _save(jieba_index, tmp_path)
    saved = _read(path)
    tamper(saved)
    _write(saved, path)
    with pytest.raises(InputError, match=pattern) as caught:
        TextIndex.load(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_repeated_word_is_an_input_error_on_query(jieba_index: TextIndex, tmp_path: Path) -> None:
    """A repeated word would make scikit-learn's vocabulary lose a column (a ValueError on transform)."""
    path = _save(jieba_index, tmp_path)
    saved = _read(path)
    words = _meta(saved)["vocabularies"][1]
    words[1] = words[0]
    _write(saved, path)
    loaded = TextIndex.load(path)
    with pytest.raises(InputError, match=r"vocabularies\[1\] repeats a term"):
        loaded.query(["深化放权赋能改革"], k=3)


# --- what a crash used to be -------------------------------------------------------------------


def test_decreasing_indptr_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    """Run in a child process: were the check missing, the numba kernel would kill the process."""
    index = TextIndex(segmenter=None, dense_features=4, engine="numba").fit(TEXTS, IDS)
    path = _save(index, tmp_path)
    saved = _read(path)
    _decreasing_indptr(saved)
    _write(saved, path)
    script = textwrap.dedent(
        f"""
        from policybench.errors import InputError
        from policybench.similarity.text import TextIndex
        try:
            TextIndex.load({str(path)!r}).neighbours(k=3)
        except InputError as exc:
            print("InputError:", exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])  # a signal gives a negative code
    assert done.stdout.startswith(f"InputError: {path}: array 'indptr' decreases"), done.stdout
    with pytest.raises(InputError, match="'indptr' decreases"):  # and in this process
        TextIndex.load(path).neighbours(k=3)


# --- files written by save load unchanged ------------------------------------------------------


@pytest.mark.parametrize("engine", ["scipy", "numba"])  # numba is a core dependency
def test_round_trip_gives_identical_neighbours(tmp_path: Path, engine: str) -> None:
    index = TextIndex(segmenter=None, dense_features=4, engine=engine).fit(TEXTS, IDS)
    path = _save(index, tmp_path)
    loaded = TextIndex.load(path)
    assert loaded.ids_ == index.ids_ and loaded.get_params() == index.get_params()
    assert loaded.segmenter_ == index.segmenter_ and loaded.n_features_ == index.n_features_
    pd.testing.assert_frame_equal(loaded.neighbours(k=5), index.neighbours(k=5), check_exact=True)
    pd.testing.assert_frame_equal(loaded.query(["推行法定机构"], k=4), index.query(["推行法定机构"], k=4))
    assert (loaded.matrix_ != index.matrix_).nnz == 0
    loaded.save(tmp_path / "again.npz")  # and a loaded index saves the same file content
    again, first = _read(tmp_path / "again.npz"), _read(path)
    assert again.meta == first.meta
    assert again.arrays.keys() == first.arrays.keys()
    for key, array in first.arrays.items():
        np.testing.assert_array_equal(again.arrays[key], array)
        assert again.arrays[key].dtype == array.dtype


def test_round_trip_with_empty_rows_and_no_sparse_part(tmp_path: Path) -> None:
    """Edge files save can write: a text without any n-gram (an empty row), every column dense."""
    index = TextIndex(segmenter=None, dense_features=10**6).fit([*TEXTS, ""], [*IDS, "empty"])
    path = _save(index, tmp_path)
    loaded = TextIndex.load(path)
    assert loaded._split.sparse.shape[1] == 0
    pd.testing.assert_frame_equal(loaded.neighbours(k=3), index.neighbours(k=3), check_exact=True)


def test_query_without_texts_is_empty(index: TextIndex, saved_path: Path) -> None:
    expected = index.query(["法定机构"], k=3)
    for fitted in (index, TextIndex.load(saved_path)):
        result = fitted.query([], k=3)
        assert list(result.columns) == QUERY_COLUMNS and len(result) == 0
        assert result.dtypes.to_dict() == expected.dtypes.to_dict()
