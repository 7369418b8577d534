"""TextIndex: known answers, exact neighbours against brute force, persistence, errors."""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
import unicodedata
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policybench.errors import InputError, UnknownIdError
from policybench.similarity import _topk
from policybench.similarity.text import NEIGHBOUR_COLUMNS, TextIndex, normalize_text

HAS_JIEBA = importlib.util.find_spec("jieba") is not None
TERMS = [
    "法定机构", "全员聘任", "竞争上岗", "绩效考核", "放权赋能", "承诺制审批", "一制三化", "平台公司",
    "混合所有制", "城市合伙人", "创新券", "前补贴", "飞地", "管委会+公司", "容缺受理", "标准地",
]  # fmt: skip
VERBS = ["推行", "实施", "探索", "建立", "深化", "试点"]
TOL = 2e-12  # two rounding steps of 12 decimals


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """Short reform texts; some exact duplicates, so that ties occur."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n):
        parts = [
            f"{VERBS[rng.integers(len(VERBS))]}{TERMS[rng.integers(len(TERMS))]}" for _ in range(rng.integers(1, 5))
        ]
        texts.append("，".join(parts) + ("改革" if rng.random() < 0.5 else ""))
    return texts


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    texts = synthetic_texts(300)
    return texts, [f"m{i:03d}" for i in range(len(texts))]


@pytest.fixture(scope="module")
def fitted(corpus: tuple[list[str], list[str]]) -> TextIndex:
    texts, ids = corpus
    return TextIndex(segmenter=None).fit(texts, ids)


def brute_force(index: TextIndex) -> np.ndarray:
    """All cosines with plain numpy: dense matrix product of the whole TF-IDF matrix."""
    matrix = index.matrix_.toarray()
    return matrix @ matrix.T


def assert_exact_top_k(table: pd.DataFrame, scores: np.ndarray, ids: tuple[str, ...], k: int) -> None:
    """Every item's list is a true top k (ties within TOL may swap), best first, ties by index."""
    position = {item: i for i, item in enumerate(ids)}
    assert list(table.columns) == NEIGHBOUR_COLUMNS
    assert len(table) == len(ids) * k
    for item, group in table.groupby("measure_id", sort=False):
        i = position[item]
        row = np.delete(scores[i], i)
        best = np.sort(row)[::-1][:k]
        found = np.array([position[n] for n in group["neighbour_id"]])
        assert list(group["rank"]) == list(range(1, k + 1))
        assert i not in found and len(set(found)) == k
        np.testing.assert_allclose(group["similarity"], best, rtol=0, atol=TOL)
        np.testing.assert_allclose(group["similarity"], scores[i, found], rtol=0, atol=TOL)
        values = group["similarity"].to_numpy()
        assert np.all(np.diff(values) <= 0)
        tied = values[1:] == values[:-1]
        assert np.all(found[1:][tied] > found[:-1][tied])


# --- normalisation and known answers -------------------------------------------------------


def test_normalize_text_folds_width_case_and_space() -> None:
    assert normalize_text("ＡＢＣ１２３\u3000法定机构") == normalize_text("abc123 法定机构") == "abc123 法定机构"
    assert normalize_text("  Legal\tENTITY \n reform ") == "legal entity reform"
    assert normalize_text(normalize_text("Ｆｕｌｌ　Ｗｉｄｔｈ")) == "full width"


def test_full_width_and_half_width_are_identical() -> None:
    index = TextIndex(segmenter=None).fit(
        ["ＡＢＣ１２３ 法定机构", "abc123 法定机构", "创新券"], ["full", "half", "other"]
    )
    assert index.similarity(["full"], ["half"]).iloc[0, 0] == 1.0
    first = index.neighbours(k=1).iloc[0]
    assert (first["neighbour_id"], first["similarity"]) == ("half", 1.0)


def test_unigram_cosine_by_hand() -> None:
    # "ab" and "ac": a is in both documents (idf 1), b and c in one (idf 1 + ln 1.5), tf = 1.
    # cos = 1 / (1 + (1 + ln 1.5) ** 2)
    index = TextIndex(ngram_range=(1, 1), segmenter=None).fit(["ab", "ac"], ["x", "y"])
    expected = 1 / (1 + (1 + math.log(1.5)) ** 2)
    assert index.similarity(["x"], ["y"]).iloc[0, 0] == pytest.approx(expected, abs=1e-12)


def reference_char_tfidf(texts: list[str], n_max: int) -> np.ndarray:
    """Char 1..n_max-gram TF-IDF (sublinear tf, smooth idf, L2 rows), written out in plain Python."""
    grams = [Counter(t[i : i + n] for n in range(1, n_max + 1) for i in range(len(t) - n + 1)) for t in texts]
    vocabulary = sorted(set().union(*grams))
    df = np.array([sum(g in doc for doc in grams) for g in vocabulary])
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    tf = np.array([[1 + math.log(doc[g]) if doc[g] else 0.0 for g in vocabulary] for doc in grams])
    weights = tf * idf
    return weights / np.linalg.norm(weights, axis=1, keepdims=True)


def test_char_trigram_cosine_against_plain_computation() -> None:
    texts = ["推行法定机构改革", "法定机构改革试点，法定机构", "设立创新券和前补贴"]
    index = TextIndex(segmenter=None).fit(texts, ["a", "b", "c"])
    reference = reference_char_tfidf([normalize_text(t) for t in texts], 3)
    expected = reference @ reference.T
    got = index.similarity(["a", "b", "c"], ["a", "b", "c"]).to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert 0.3 < got[0, 1] < 0.9 and got[0, 2] == 0.0  # a real overlap, and none


def test_english_uses_word_unigrams_and_bigrams() -> None:
    index = TextIndex(lang="en").fit(["Legal entity reform", "legal ENTITY pilots", "innovation vouchers"], list("abc"))
    # 5 terms each; shared: "legal", "entity", "legal entity" (df 2 of 3, idf 1 + ln 4/3); the other
    # two have df 1 (idf 1 + ln 2); tf 1 everywhere
    shared, rare = 1 + math.log(4 / 3), 1 + math.log(2)
    expected = 3 * shared**2 / (3 * shared**2 + 2 * rare**2)
    assert index.similarity(["a"], ["b"]).iloc[0, 0] == pytest.approx(expected, abs=1e-12)
    assert index.segmenter_ is None


@pytest.mark.skipif(not HAS_JIEBA, reason="jieba not installed")
def test_word_block_averages_the_two_cosines() -> None:
    texts = ["推行法定机构改革", "法定机构改革试点", "设立创新券"]
    ids = ["a", "b", "c"]
    both = TextIndex(segmenter="jieba").fit(texts, ids)
    chars = TextIndex(segmenter=None).fit(texts, ids)
    assert both.segmenter_ == "jieba" and TextIndex().fit(texts, ids).segmenter_ == "jieba"
    words = both._fitted_vectorizers()[1].transform(texts).toarray()
    expected = (chars.similarity(ids, ids).to_numpy() + words @ words.T) / 2
    np.testing.assert_allclose(both.similarity(ids, ids).to_numpy(), expected, rtol=0, atol=1e-12)


# --- neighbours ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["numba", "scipy"])
def test_neighbours_equal_brute_force(corpus: tuple[list[str], list[str]], engine: str) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    index = TextIndex(segmenter=None, engine=engine).fit(*corpus)
    assert_exact_top_k(index.neighbours(k=10), brute_force(index), index.ids_, 10)


def test_fallback_without_numba_is_used_and_exact(
    corpus: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    expected = TextIndex(segmenter=None, engine="numba").fit(*corpus).neighbours(k=5)
    monkeypatch.setattr(_topk, "has_numba", lambda: False)
    monkeypatch.setitem(sys.modules, "numba", None)  # importing numba now fails
    index = TextIndex(segmenter=None).fit(*corpus)
    assert _topk.choose_engine(index._split, index._split, True) == "scipy"
    got = index.neighbours(k=5)
    assert_exact_top_k(got, brute_force(index), index.ids_, 5)
    pd.testing.assert_frame_equal(got[["measure_id", "rank"]], expected[["measure_id", "rank"]])
    np.testing.assert_allclose(got["similarity"], expected["similarity"], rtol=0, atol=TOL)


@pytest.mark.parametrize("dense_features", [0, 7, 10_000])
def test_dense_block_size_does_not_change_results(corpus: tuple[list[str], list[str]], dense_features: int) -> None:
    index = TextIndex(segmenter=None, dense_features=dense_features).fit(*corpus)
    assert_exact_top_k(index.neighbours(k=4), brute_force(index), index.ids_, 4)


@pytest.mark.parametrize("engine", ["auto", "scipy"])
def test_chunk_size_does_not_change_results(corpus: tuple[list[str], list[str]], engine: str) -> None:
    reference = TextIndex(segmenter=None, engine=engine).fit(*corpus).neighbours(k=6)
    for chunk_size in (1, 7, 64, 1000):
        got = TextIndex(segmenter=None, engine=engine, chunk_size=chunk_size).fit(*corpus).neighbours(k=6)
        pd.testing.assert_frame_equal(got[["measure_id", "rank"]], reference[["measure_id", "rank"]])
        np.testing.assert_allclose(got["similarity"], reference["similarity"], rtol=0, atol=TOL)
        assert (got["neighbour_id"] == reference["neighbour_id"]).mean() > 0.99  # only near-ties may swap


@pytest.mark.parametrize("tile", [1, 37, 128])
def test_tiles_of_the_corpus_do_not_change_results(
    corpus: tuple[list[str], list[str]], tile: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    monkeypatch.setattr(_topk, "TILE", tile)  # the numba engine walks the corpus in tiles of TILE rows
    index = TextIndex(segmenter=None, chunk_size=50).fit(*corpus)
    assert_exact_top_k(index.neighbours(k=5), brute_force(index), index.ids_, 5)
    queries = index.query(corpus[0][:20], k=3)
    assert (queries.groupby("query")["similarity"].first() == 1.0).all()


def test_neighbours_are_identical_across_runs(fitted: TextIndex) -> None:
    pd.testing.assert_frame_equal(fitted.neighbours(k=10), fitted.neighbours(k=10), check_exact=True)


def test_duplicates_tie_at_one_and_break_by_corpus_order() -> None:
    texts = ["设立创新券", "推行法定机构", "设立创新券", "设立创新券", "实施前补贴"]
    table = TextIndex(segmenter=None).fit(texts, list("abcde")).neighbours(k=2)
    of_a = table[table["measure_id"] == "a"]
    assert list(of_a["neighbour_id"]) == ["c", "d"] and list(of_a["similarity"]) == [1.0, 1.0]
    assert list(table[table["measure_id"] == "d"]["neighbour_id"]) == ["a", "c"]


def test_k_is_clipped_to_the_corpus() -> None:
    index = TextIndex(segmenter=None).fit(["法定机构", "创新券", "飞地"], ["a", "b", "c"])
    assert len(index.neighbours(k=10)) == 3 * 2
    single = TextIndex(segmenter=None).fit(["法定机构"], ["a"]).neighbours()
    assert single.empty and list(single.columns) == NEIGHBOUR_COLUMNS


def test_query_finds_the_same_text_first(fitted: TextIndex, corpus: tuple[list[str], list[str]]) -> None:
    texts, ids = corpus
    table = fitted.query([texts[5], "飞地"], k=3)
    assert list(table.columns) == ["query", "rank", "neighbour_id", "similarity"]
    first = table[table["query"] == 0].iloc[0]
    assert first["similarity"] == 1.0
    assert texts[ids.index(first["neighbour_id"])] == texts[5]
    assert table["similarity"].between(0, 1).all()


def test_similarity_is_labelled(fitted: TextIndex) -> None:
    frame = fitted.similarity(["m001", "m002"], ["m003", "m001", "m004"])
    assert list(frame.index) == ["m001", "m002"] and list(frame.columns) == ["m003", "m001", "m004"]
    assert frame.loc["m001", "m001"] == 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="法定机构改革创新券ab１２ Ａ", max_size=12), min_size=2, max_size=12))
def test_similarity_symmetric_and_bounded(texts: list[str]) -> None:
    assume(any(normalize_text(t) for t in texts))
    ids = [f"t{i}" for i in range(len(texts))]
    index = TextIndex(segmenter=None).fit(texts, ids)
    matrix = index.similarity(ids, ids).to_numpy()
    np.testing.assert_allclose(matrix, matrix.T, rtol=0, atol=1e-12)
    assert matrix.min() >= 0 and matrix.max() <= 1 + 1e-9
    assert all(matrix[i, i] == 1.0 for i, t in enumerate(texts) if normalize_text(t))
    assert_exact_top_k(index.neighbours(k=1), matrix, index.ids_, 1)


# --- persistence -----------------------------------------------------------------------------


def test_save_load_round_trip(fitted: TextIndex, tmp_path) -> None:
    path = tmp_path / "index.npz"
    fitted.save(path)
    loaded = TextIndex.load(path)
    assert loaded.get_params() == fitted.get_params() and loaded.ids_ == fitted.ids_
    pd.testing.assert_frame_equal(loaded.neighbours(k=10), fitted.neighbours(k=10), check_exact=True)
    pd.testing.assert_frame_equal(loaded.query(["推行法定机构"], k=5), fitted.query(["推行法定机构"], k=5))
    assert (loaded.matrix_ != fitted.matrix_).nnz == 0
    assert [p.name for p in tmp_path.iterdir()] == ["index.npz"]  # no temporary file left


@pytest.mark.skipif(not HAS_JIEBA, reason="jieba not installed")
def test_save_load_round_trip_with_word_block(tmp_path) -> None:
    index = TextIndex(segmenter="jieba").fit(synthetic_texts(40), [f"m{i}" for i in range(40)])
    index.save(tmp_path / "index.npz")
    loaded = TextIndex.load(tmp_path / "index.npz")
    pd.testing.assert_frame_equal(loaded.query(["深化放权赋能改革"], k=5), index.query(["深化放权赋能改革"], k=5))


def test_load_rejects_other_files(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read a text index"):
        TextIndex.load(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", x=np.arange(3))
    with pytest.raises(InputError, match="not a policybench text index"):
        TextIndex.load(tmp_path / "other.npz")


def test_from_dataset(shipped) -> None:
    index = TextIndex.from_dataset(shipped, lang="en", engine="scipy")
    ids = [m.id for _zone, m in shipped.measures()]
    assert index.ids_ == tuple(ids)
    assert_exact_top_k(index.neighbours(k=3), brute_force(index), index.ids_, 3)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lang": "fr"}, "The 'lang' parameter of TextIndex must be one of {'zh', 'en'}. Got 'fr' instead."),
        ({"ngram_range": (3, 1)}, "The 'ngram_range' parameter of TextIndex must be None or a tuple"),
        ({"segmenter": "thulac"}, "The 'segmenter' parameter of TextIndex must be one of"),
        ({"dense_features": -1}, "The 'dense_features' parameter of TextIndex must be an int >= 0. Got -1 instead."),
        ({"chunk_size": 0}, "The 'chunk_size' parameter of TextIndex must be a positive int. Got 0 instead."),
        ({"min_df": 0}, "The 'min_df' parameter of TextIndex must be an int >= 1 or a float in (0, 1]."),
        ({"engine": "gpu"}, "The 'engine' parameter of TextIndex must be one of {'auto', 'numba', 'scipy'}."),
        ({"sublinear_tf": "yes"}, "The 'sublinear_tf' parameter of TextIndex must be one of {True, False}."),
    ],
)
def test_bad_parameters(params: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as caught:
        TextIndex(**params).fit(["法定机构"], ["a"])  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_bad_k(fitted: TextIndex, k: object) -> None:
    with pytest.raises(
        InputError, match=r"^The 'k' parameter of neighbours must be a positive int\. Got .* instead\.$"
    ):
        fitted.neighbours(k=k)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("texts", "ids", "message"),
    [
        ([], [], "fit needs at least one text. Got an empty corpus."),
        (["a", "b"], ["x"], "fit needs one id per text. Got 2 texts and 1 ids."),
        (["a", "b", "c"], ["x", "y", "x"], "ids must be unique; duplicated: 'x'"),
        ("abc", ["x"], "The 'texts' parameter of fit must be a sequence of str. Got str instead."),
        (["a", 3], ["x", "y"], "texts[1] must be a str. Got int instead."),
        (["", " "], ["x", "y"], "No n-gram left to index the texts"),
    ],
)
def test_bad_corpus(texts: object, ids: object, message: str) -> None:
    with pytest.raises(InputError) as caught:
        TextIndex(segmenter=None).fit(texts, ids)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_unknown_ids_are_all_named(fitted: TextIndex) -> None:
    with pytest.raises(UnknownIdError, match=r"2 unknown id\(s\) in ids_b: 'nope', 'zzz'"):
        fitted.similarity(["m001"], ["zzz", "m002", "nope"])


def test_not_fitted() -> None:
    with pytest.raises(InputError, match="not fitted yet"):
        TextIndex().neighbours()


def test_missing_optional_dependencies(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name in {"numba", "jieba"} else real(name, *a)
    )
    with pytest.raises(InputError, match="'numba' but numba is not installed"):
        TextIndex(engine="numba").fit(["法定机构"], ["a"])
    with pytest.raises(InputError, match="'jieba' but jieba is not installed"):
        TextIndex(segmenter="jieba").fit(["法定机构"], ["a"])
    assert TextIndex().fit(["法定机构"], ["a"]).segmenter_ is None  # "auto" without jieba


def test_import_is_light() -> None:
    code = "import sys, policybench.similarity.text; print(sorted({'sklearn', 'numba', 'jieba'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- engines: blocks of rows, cost model, nothing compiled on import ------------------------


@pytest.mark.parametrize("engine", ["numba", "scipy"])
def test_blocks_of_rows_equal_the_whole(fitted: TextIndex, engine: str) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    split = fitted._split
    whole = _topk.top_k(split, split, 6, exclude_self=True, engine=engine)
    parts = [
        _topk.top_k(
            split.rows(np.arange(start, min(start + 70, split.n_rows))),
            split,
            6,
            exclude_self=True,
            offset=start,
            engine=engine,
        )
        for start in range(0, split.n_rows, 70)
    ]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), whole[0])
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), whole[1])


def test_cost_model_sends_small_corpora_to_scipy_and_large_ones_to_numba(
    fitted: TextIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    split = fitted._split
    monkeypatch.delitem(sys.modules, "numba", raising=False)  # numba not loaded yet: its start-up counts
    assert _topk.choose_engine(split, split, True) == "scipy"
    from scipy import sparse

    rng = np.random.default_rng(0)
    big = _topk.Split(
        np.zeros((50_000, 256)), sparse.random(50_000, 20_000, density=0.02, format="csr", random_state=rng)
    )
    assert _topk.choose_engine(big, big, True) == "numba"


def test_nothing_is_compiled_or_loaded_for_a_small_corpus() -> None:
    code = (
        "import sys\n"
        "from policybench.similarity.text import TextIndex\n"
        "index = TextIndex(segmenter=None).fit(['法定机构改革', '法定机构试点', '创新券'] * 30, [str(i) for i in range(90)])\n"
        "assert len(index.neighbours(k=3)) == 270\n"
        "print(sorted({'numba', 'sklearn'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"  # neither numba nor scikit-learn is loaded


def test_kernels_load_in_the_background_with_the_argument_types_of_the_real_run(
    corpus: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    from policybench.similarity import _kernels

    started: list[object] = []
    real = _topk.warm_in_background
    monkeypatch.setattr(_topk, "warm_in_background", lambda: started.append(real()) or started[-1])
    monkeypatch.setattr(_topk, "WARM_FROM", 1)
    TextIndex(segmenter=None, engine="scipy").fit(*corpus)
    assert started == []  # the scipy engine never needs numba
    index = TextIndex(segmenter=None, engine="numba").fit(*corpus)
    assert len(started) == 1 and started[0] is not None
    started[0].join()  # type: ignore[attr-defined]
    kernels = (_kernels.tile_postings_kernel, _kernels.block_kernel, _kernels.merge_kernel)
    loaded = [len(kernel.signatures) for kernel in kernels]
    assert all(loaded)
    assert_exact_top_k(index.neighbours(k=5), brute_force(index), index.ids_, 5)
    assert [len(kernel.signatures) for kernel in kernels] == loaded  # nothing new compiled for the real run
    monkeypatch.setattr(_topk, "WARM_UP_TO", len(corpus[0]))
    TextIndex(segmenter=None, engine="numba").fit(*corpus)
    assert len(started) == 1  # a corpus this large loads numba when it searches, not while it is fitted


def test_freed_memory_goes_back_to_the_system() -> None:
    from policybench.similarity import _memory

    if _memory._libc() is None:
        pytest.skip("not glibc: nothing to give back")

    def resident_mb() -> float:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    held = [bytes(1000 + i % 7) for i in range(60_000)]  # ~60 MB in mid-sized heap blocks
    keep = held[::50]  # a few survivors pin the top of the heap, as in a real fit
    del held
    before = resident_mb()
    assert _memory.release_free_memory() is True
    assert resident_mb() < before - 20
    assert len(keep) == 1200


@pytest.mark.parametrize(("first", "last"), [(0, 40), (0, 7), (7, 8), (5, 31), (39, 40)])
def test_tile_postings_are_the_transpose_of_the_tile(first: int, last: int) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    from scipy import sparse

    rng = np.random.default_rng(3)
    dense = rng.random((40, 30)) * (rng.random((40, 30)) < 0.2)
    dense[7] = 0.0  # an empty row
    dense[:, 11] = 0.0  # an empty column
    split = _topk.split_columns(sparse.csr_matrix(dense), 4)
    tile = _topk._Tile.for_corpus(split, last - first)
    assert tile.rows.size == max(
        split.sparse.indptr[t] - split.sparse.indptr[t - last + first] for t in range(last - first, 41)
    )
    tile.build(split, 40 - (last - first), 40)  # another tile first: the arrays are reused
    tile.build(split, first, last)
    expected = _topk.postings(_topk.Split(split.dense[first:last], split.sparse[first:last]))
    n = expected.nnz
    np.testing.assert_array_equal(tile.indptr, expected.indptr)
    np.testing.assert_array_equal(tile.rows[:n], expected.indices)  # rows numbered from the tile's first
    np.testing.assert_array_equal(tile.data[:n], expected.data)


@pytest.mark.parametrize("tile", [1, 5, 64])
@pytest.mark.parametrize("chunk_size", [None, 3])
def test_numba_engine_in_tiles_equals_the_scipy_engine_bit_for_bit(
    fitted: TextIndex, monkeypatch: pytest.MonkeyPatch, tile: int, chunk_size: int | None
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    split = fitted._split
    before = (split.sparse.indptr.copy(), split.sparse.indices.copy(), split.sparse.data.copy())
    expected = _topk.top_k(split, split, 7, exclude_self=True, engine="scipy")
    monkeypatch.setattr(_topk, "TILE", tile)
    for queries, offset in ((split, 0), (split.rows(np.arange(10, 30)), 10)):
        got = _topk.top_k(queries, split, 7, exclude_self=True, offset=offset, engine="numba", chunk_size=chunk_size)
        np.testing.assert_array_equal(got[0], expected[0][offset : offset + queries.n_rows])
        np.testing.assert_array_equal(got[1], expected[1][offset : offset + queries.n_rows])
    for got_array, want in zip((split.sparse.indptr, split.sparse.indices, split.sparse.data), before, strict=True):
        np.testing.assert_array_equal(got_array, want)  # the index is only read


@pytest.mark.parametrize("entry_chunk", [5, 1 << 21])
@pytest.mark.parametrize("n_dense", [0, 3, 40, 10_000])
def test_split_columns_in_runs_and_in_place_equal_the_plain_split(
    fitted: TextIndex, monkeypatch: pytest.MonkeyPatch, entry_chunk: int, n_dense: int
) -> None:
    from policybench.similarity import _chartfidf

    monkeypatch.setattr(_chartfidf, "ENTRY_CHUNK", entry_chunk)
    matrix = fitted.matrix_
    dense = matrix.toarray()
    n = min(n_dense, matrix.shape[1])
    copies = [matrix.copy() for _ in range(3)]
    held = copies[2].data[1:]  # a view of the buffer: it must not be cut under it
    splits = [
        _topk.split_columns(copies[0], n_dense),
        _topk.split_columns(copies[1], n_dense, consume=True),
        _topk.split_columns(copies[2], n_dense, consume=True),
    ]
    for split in splits:
        np.testing.assert_array_equal(split.dense, dense[:, :n])
        np.testing.assert_array_equal(split.sparse.toarray(), dense[:, n:])
        assert split.sparse.has_sorted_indices and split.sparse.nnz == np.count_nonzero(dense[:, n:])
    owner = splits[1].sparse.data
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    assert owner.size == splits[1].sparse.nnz  # cut in place: the tail of the buffer is given back
    assert held.base is not None and held.base.size == matrix.nnz  # a view was held: not cut under it


def test_normalize_texts_at_once_equal_one_by_one() -> None:
    from policybench.similarity.text import _nfkc, normalize_texts

    rng = np.random.default_rng(11)
    # full-width forms, ideographic space, compatibility characters that expand (ﬁ, …, ㍿),
    # combining marks that compose across characters, astral characters, NUL, white space of
    # every kind, cased letters whose folding expands (ß, İ)
    alphabet = list("法定机构改革，。：（）ＡＢＣａｂｃ１２３\u3000 \t\n\r\x0bﬁ…㍿e\u0301\u0327Åß İΣς𠀀😀\x00abcXYZ")
    texts = ["".join(rng.choice(alphabet, size=rng.integers(0, 40))) for _ in range(1000)]
    expected = [normalize_text(text) for text in texts]
    assert normalize_texts(texts) == expected  # some hold NUL: one by one
    no_nul = [text.replace("\x00", "") for text in texts]
    assert normalize_texts(no_nul) == [normalize_text(text) for text in no_nul]  # joined
    assert normalize_texts([]) == [] and normalize_texts(["ＡＢ"]) == ["ab"]
    for long in ("".join(no_nul) * 3, "法定机构，改革" * 3000, "e\u0301" * 6000, "…" * 12000, "ab" * 6000):
        assert _nfkc(long) == unicodedata.normalize("NFKC", long)  # the table path and its fall-backs


@pytest.mark.parametrize("n_parts", [1, 2, 5, 200])
def test_parts_of_the_pairs_merged_equal_the_whole(
    fitted: TextIndex, n_parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _topk.has_numba()  # numba is a core dependency
    split = fitted._split
    n = split.n_rows
    expected = _topk.top_k(split, split, 6, exclude_self=True, engine="scipy")
    monkeypatch.setattr(_topk, "TILE", 16)  # parts that start inside a tile, and tiles skipped
    ranges = _topk.balanced_parts(n, n_parts)
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    pairs = [sum(n - 1 - i for i in range(a, b)) for a, b in ranges]
    if n_parts <= 5:
        assert len(ranges) == n_parts and max(pairs) - min(pairs) <= n  # about equal work
    parts = [_topk.top_k_part(split, 6, a, b, n_threads=1) for a, b in ranges]
    for merged in (_topk.merge_parts(parts, 6), _topk.merge_parts(parts[::-1], 6)):  # any order
        np.testing.assert_array_equal(merged[0], expected[0])
        np.testing.assert_array_equal(merged[1], expected[1])


def test_balanced_parts_edge_cases() -> None:
    assert _topk.balanced_parts(0, 3) == []
    assert _topk.balanced_parts(1, 3) == [(0, 1)]
    assert _topk.balanced_parts(2, 3) == [(0, 1), (1, 2)]
    # rows 0..9 have 9, 8, ..., 0 later partners (45 pairs): 9 + 8 + 7 = 24 reaches half first
    assert _topk.balanced_parts(10, 2) == [(0, 3), (3, 10)]
    assert _topk.balanced_parts(10, 1) == [(0, 10)]


def plain_top_k(queries: _topk.Split, corpus: _topk.Split, k: int, offset: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The scipy engine's formula written plainly: one dense product, each pair's sparse sum
    (scipy's public product) added where it belongs, rounded, and a full sort by (similarity
    descending, neighbour ascending)."""
    scores = np.matmul(queries.dense, corpus.dense.T)
    product = (queries.sparse @ _topk.postings(corpus)).tocoo()
    scores[product.row, product.col] += product.data
    rounded = _topk.round_similarity(scores)
    if offset is not None:
        rounded[np.arange(queries.n_rows), np.arange(queries.n_rows) + offset] = -np.inf
    columns = np.broadcast_to(np.arange(corpus.n_rows), rounded.shape)
    order = np.lexsort((columns, -rounded), axis=-1)[:, :k]
    return order, np.take_along_axis(rounded, order, axis=1)


@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("chunk_size", [None, 1, 7, 1000])
@pytest.mark.parametrize("compiled", [True, False])
def test_scipy_engine_in_threads_and_chunks_equals_the_plain_formula_bit_for_bit(
    fitted: TextIndex, monkeypatch: pytest.MonkeyPatch, n_threads: int, chunk_size: int | None, compiled: bool
) -> None:
    split = fitted._split
    if compiled:
        assert _topk._sparsetools() is not None  # scipy's product into given arrays, dense addition
    else:
        monkeypatch.setattr(_topk, "_sparsetools", lambda: None)  # scipy's public operations
    for queries, offset, exclude in ((split, 0, True), (split.rows(np.arange(10, 30)), 10, True), (split, 0, False)):
        got = _topk.top_k(
            queries,
            split,
            7,
            exclude_self=exclude,
            offset=offset,
            engine="scipy",
            chunk_size=chunk_size,
            n_threads=n_threads,
        )
        expected = plain_top_k(queries, split, 7, offset if exclude else None)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize("direct", [True, False])
def test_scipy_engine_runs_blas_on_one_thread(fitted: TextIndex, monkeypatch: pytest.MonkeyPatch, direct: bool) -> None:
    from threadpoolctl import threadpool_info

    openblas = _topk._numpy_openblas()
    wheels = [i for i in threadpool_info() if i["internal_api"] == "openblas" and "numpy" in i["filepath"]]
    if wheels:
        assert openblas is not None  # numpy's own OpenBLAS, found through numpy's core
    if openblas is None:
        pytest.skip("numpy's BLAS is not an OpenBLAS found through numpy's core")
    numpy_blas_threads = openblas[0]
    if not direct:
        monkeypatch.setattr(_topk, "_numpy_openblas", lambda: None)  # then threadpoolctl sets it
    if numpy_blas_threads() == 1:
        pytest.skip("BLAS runs on one thread here anyway")
    seen: list[int] = []
    select = _topk._select
    monkeypatch.setattr(_topk, "_select", lambda *args: seen.append(numpy_blas_threads()) or select(*args))
    split = fitted._split
    _topk.top_k(split, split, 5, exclude_self=True, engine="scipy", n_threads=2)
    assert seen and set(seen) == {1}  # every chunk's products ran on one BLAS thread
    assert numpy_blas_threads() > 1  # given back afterwards


def test_overlapping_searches_share_the_blas_limit_and_give_the_count_back(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = [4]
    monkeypatch.setattr(_topk, "_numpy_openblas", lambda: (lambda: counts[-1], counts.append))
    first, second = _topk.one_blas_thread(), _topk.one_blas_thread()
    first.__enter__()
    assert counts[-1] == 1
    second.__enter__()  # another thread's search starts meanwhile
    first.__exit__(None, None, None)
    assert counts[-1] == 1  # the other search still runs on one BLAS thread
    second.__exit__(None, None, None)
    assert counts == [4, 1, 4]  # set once, given back once, to the count from before


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("part_rows", [1, 7, 64])
def test_corpus_scored_whole_equals_the_chunks_bit_for_bit(
    fitted: TextIndex, monkeypatch: pytest.MonkeyPatch, n_threads: int, part_rows: int
) -> None:
    split = fitted._split
    calls: list[int] = []
    whole = _topk._top_k_scipy_symmetric
    monkeypatch.setattr(_topk, "_top_k_scipy_symmetric", lambda *args: calls.append(1) or whole(*args))
    monkeypatch.setattr(_topk, "_MIN_CHUNK_ROWS", part_rows)  # parts of this many rows (the last one shorter)
    got = _topk.top_k(split, split, 7, exclude_self=True, engine="scipy", n_threads=n_threads)
    assert calls == [1]  # the corpus against itself, scored whole
    chunks = _topk.top_k(split, split, 7, exclude_self=True, engine="scipy", n_threads=n_threads, chunk_size=50)
    assert calls == [1]  # a chunk size given: chunks
    np.testing.assert_array_equal(got[0], chunks[0])
    np.testing.assert_array_equal(got[1], chunks[1])
    monkeypatch.setattr(_topk, "CHUNK_BYTES", 8 * split.n_rows**2 - 1)  # the scores do not fit: chunks
    again = _topk.top_k(split, split, 7, exclude_self=True, engine="scipy", n_threads=n_threads)
    assert calls == [1]
    np.testing.assert_array_equal(again[0], got[0])
    np.testing.assert_array_equal(again[1], got[1])
