"""CharTfidfVectorizer: the same matrix as scikit-learn's TfidfVectorizer, entry for entry."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from policybench.errors import InputError
from policybench.similarity import _chartfidf
from policybench.similarity.vectorize import CharTfidfVectorizer, decode_keys, encode_terms

TEXTS = ["法定机构改革", "法定机构  试点", "", "创新券 ab", "改革\n\n改革改革", "x", "𠀀𠀁 é"]


def sklearn_matrix(texts: list[str], **params: object):
    return TfidfVectorizer(analyzer="char", lowercase=False, **params).fit(texts)


def assert_same(ours, theirs) -> None:
    """Identical CSR arrays: same entries, in the same order, with bit-identical values."""
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)
    np.testing.assert_array_equal(ours.data, theirs.data)


def test_hand_computed_tfidf() -> None:
    # "ab", "abc" with 1-2-grams, raw tf, smooth idf: idf = ln(3 / (1 + df)) + 1.
    matrix = CharTfidfVectorizer(ngram_range=(1, 2)).fit_transform(["ab", "abc"]).toarray()
    common, only = 1.0, math.log(3 / 2) + 1  # a, ab, b are in both texts; bc, c only in the second
    first = np.array([common, common, common, 0, 0])
    second = np.array([common, common, common, only, only])
    np.testing.assert_allclose(matrix[0], first / np.linalg.norm(first), rtol=0, atol=1e-15)
    np.testing.assert_allclose(matrix[1], second / np.linalg.norm(second), rtol=0, atol=1e-15)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3), (3, 3)])
@pytest.mark.parametrize("min_df", [1, 2, 0.1])
@pytest.mark.parametrize("sublinear_tf", [True, False])
def test_identical_to_scikit_learn(ngram_range: tuple[int, int], min_df: float, sublinear_tf: bool) -> None:
    texts = TEXTS * 3 + ["改革试点" * 5, "试点法定"]
    params = {"ngram_range": ngram_range, "min_df": min_df, "sublinear_tf": sublinear_tf}
    theirs = sklearn_matrix(texts, **params)
    ours = CharTfidfVectorizer(**params)
    assert_same(ours.fit_transform(texts), sklearn_matrix(texts, **params).fit_transform(texts))
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()
    assert ours.vocabulary_ == theirs.vocabulary_
    np.testing.assert_array_equal(ours.idf_, theirs.idf_)
    queries = ["法定机构", "unknown 𠀀", ""]
    assert_same(ours.transform(queries), theirs.transform(queries))


@pytest.mark.parametrize("norm", ["l2", "l1", None])
def test_identical_on_real_prose(shipped_texts: list[str], norm: str | None) -> None:
    # Long rows of real policy prose: the row norms are sums of hundreds of terms.
    params = {"ngram_range": (1, 3), "sublinear_tf": True, "norm": norm}
    theirs = TfidfVectorizer(analyzer="char", lowercase=False, **params)
    ours = CharTfidfVectorizer(**params)
    assert_same(ours.fit_transform(shipped_texts), theirs.fit_transform(shipped_texts))
    assert_same(ours.transform(shipped_texts[::-1]), theirs.transform(shipped_texts[::-1]))


@pytest.mark.parametrize("norm", ["l2", "l1"])
def test_runs_of_entries_do_not_change_the_matrix(monkeypatch: pytest.MonkeyPatch, norm: str) -> None:
    # Counting, weighting and normalising go through the matrix in runs of ENTRY_CHUNK entries.
    texts = TEXTS * 5 + ["改革试点" * 5]
    params = {"ngram_range": (1, 3), "sublinear_tf": True, "min_df": 2, "norm": norm}
    theirs = TfidfVectorizer(analyzer="char", lowercase=False, **params)
    monkeypatch.setattr(_chartfidf, "ENTRY_CHUNK", 5)
    ours = CharTfidfVectorizer(**params)
    assert_same(ours.fit_transform(texts), theirs.fit_transform(texts))
    np.testing.assert_array_equal(ours.idf_, theirs.idf_)


def test_chunks_do_not_change_the_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = TEXTS * 5
    whole = CharTfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    monkeypatch.setattr(_chartfidf, "CHUNK_CHARACTERS", 7)  # the engine under the vectoriser
    assert_same(CharTfidfVectorizer(sublinear_tf=True).fit_transform(texts), whole)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="ab改革 é𠀀", max_size=12), min_size=1, max_size=8))
def test_identical_on_generated_texts(texts: list[str]) -> None:
    try:
        theirs = sklearn_matrix(texts, ngram_range=(1, 3)).transform(texts)
    except ValueError:  # scikit-learn: empty vocabulary
        with pytest.raises(InputError):
            CharTfidfVectorizer().fit_transform(texts)
        return
    ours = CharTfidfVectorizer().fit(texts)
    assert_same(ours.transform(texts), theirs)


def test_codes_round_trip() -> None:
    terms = ["a", "ab", "abc", "改", "改革", "𠀀", "é ", " "]
    assert decode_keys(encode_terms(terms)) == terms
    assert np.all(np.diff(encode_terms(sorted(terms))) > 0)  # codes sort as the strings do


def test_scikit_learn_api() -> None:
    vectorizer = CharTfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    assert clone(vectorizer).get_params() == vectorizer.get_params()
    pipeline = make_pipeline(vectorizer, Normalizer()).fit(TEXTS)
    assert pipeline.transform(["法定"]).shape == (1, len(vectorizer.get_feature_names_out()))
    restored = CharTfidfVectorizer.from_vocabulary(
        vectorizer.get_feature_names_out().tolist(), vectorizer.idf_, ngram_range=(1, 2), sublinear_tf=True
    )
    assert_same(restored.transform(TEXTS), vectorizer.transform(TEXTS))


@pytest.fixture(scope="module")
def shipped_texts() -> list[str]:
    from policybench import load_dataset

    measures = [measure for _zone, measure in load_dataset().measures()]
    return [f"{m.title.get('zh')} {m.summary.get('zh')}" for m in measures]


def test_errors() -> None:
    with pytest.raises(InputError, match="The 'norm' parameter of CharTfidfVectorizer must be one of"):
        CharTfidfVectorizer(norm="max").fit(["abc"])
    with pytest.raises(InputError, match="The 'ngram_range' parameter of CharTfidfVectorizer"):
        CharTfidfVectorizer(ngram_range=(1, 4)).fit(["abc"])
    with pytest.raises(InputError, match="not fitted"):
        CharTfidfVectorizer().transform(["abc"])
    with pytest.raises(InputError, match="single str"):
        CharTfidfVectorizer().fit("abc")
    with pytest.raises(InputError, match="No n-gram left"):
        CharTfidfVectorizer(min_df=3).fit(["ab", "cd"])
