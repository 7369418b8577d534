"""The words module: one definition, consistent with the codebook."""

from __future__ import annotations

import string

import pytest

from policybench import load_dataset
from policybench.labels import PHRASES, TERMS, phrase


def test_status_words_are_the_codebooks_labels() -> None:
    codebook = load_dataset().codebook
    for status in codebook.statuses:
        assert TERMS["zh"][status.code] == status.label.zh
        assert status.label.en.lower() == TERMS["en"].get(status.code, status.code)


def test_every_phrase_has_both_languages_with_the_same_fields() -> None:
    for key, texts in PHRASES.items():
        assert set(texts) == {"zh", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("zh", "en")]
        assert fields[0] == fields[1], key


def test_phrase_fills_in_and_refuses_a_missing_value() -> None:
    assert phrase("gap.overall", "en", dtf="58") == "overall DTF 58"
    assert phrase("comparison.head_undefined", "zh", a="x", b="y") == "x与y：无法计算相似度"
    with pytest.raises(KeyError):
        phrase("gap.overall", "en")
