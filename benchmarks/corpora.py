"""Benchmark corpora of measure-like texts, seeded and reproducible (not part of the package).

- ``prose``: recombined clauses of real Chinese policy prose: the shipped source article
  (/work/shared/sources or ``datasets/sources``) and the Chinese titles, summaries and
  descriptions of the shipped zone files, cut at clause punctuation and drawn at random;
- ``plain``: the same real prose recombined by whole sentences only (every text is a run of
  unaltered sentences);
- ``terms``: the synthetic term-list corpus of ``bench_similarity`` (a few hundred reform
  terms drawn Zipf-like; almost every pair of texts shares n-grams).

Text lengths are drawn uniformly from 30-300 characters in every corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_PLACES = [
    ROOT / "datasets" / "sources" / "tianjin-htz-reform-2020.txt",
    ROOT.parents[1] / "shared" / "sources" / "tianjin-htz-reform-2020.txt",
    Path("/work/shared/sources/tianjin-htz-reform-2020.txt"),
]
ZONE_FIELDS = ("name", "title", "summary", "description")
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
CLAUSE_END = re.compile(r"(?<=[。！？；，、：!?;,:])|\n+")


def _zh_texts(node: object, field: str | None = None) -> list[str]:
    """Chinese texts under the fields ZONE_FIELDS anywhere in a parsed zone file."""
    found: list[str] = []
    if isinstance(node, dict):
        if field in ZONE_FIELDS and isinstance(node.get("zh"), str):
            found.append(node["zh"])
        for key, value in node.items():
            found += _zh_texts(value, key if isinstance(key, str) else None)
    elif isinstance(node, list):
        for value in node:
            found += _zh_texts(value, field)
    return found


@lru_cache(maxsize=1)
def source_texts() -> tuple[str, ...]:
    """The article (when present) and the Chinese zone texts, as found on this machine."""
    texts: list[str] = []
    for place in ARTICLE_PLACES:
        if place.is_file():
            texts.append(place.read_text(encoding="utf-8"))
            break
    for path in sorted((ROOT / "datasets" / "zones").glob("*.yaml")):
        texts += _zh_texts(yaml.safe_load(path.read_text(encoding="utf-8")))
    return tuple(texts)


def _pieces(pattern: re.Pattern[str]) -> list[str]:
    pieces = [piece.strip() for text in source_texts() for piece in pattern.split(text)]
    return [piece for piece in pieces if len(piece) >= 2]


def _recombine(pieces: list[str], n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(pieces), size=n * 40)
    targets = rng.integers(30, 301, size=n)
    texts, used = [], 0
    for target in targets:
        text = ""
        while len(text) < target:
            if used == draws.size:
                draws, used = rng.integers(0, len(pieces), size=draws.size), 0
            text += pieces[draws[used]]
            used += 1
        texts.append(text[:target])
    return texts


def prose_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` texts of recombined clauses of real policy prose."""
    return _recombine(_pieces(CLAUSE_END), n, seed)


def plain_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` texts of recombined whole sentences of real policy prose."""
    return _recombine(_pieces(SENTENCE_END), n, seed)


def corpus(name: str, n: int, seed: int = 0) -> list[str]:
    """The corpus ``name`` ("prose", "plain" or "terms") of ``n`` texts."""
    if name == "prose":
        return prose_texts(n, seed)
    if name == "plain":
        return plain_texts(n, seed)
    if name == "terms":
        from bench_similarity import measure_texts

        return measure_texts(n, seed)
    raise ValueError(f"unknown corpus {name!r}; expected prose, plain or terms")


def describe() -> dict[str, int]:
    """Sizes of the real-prose material."""
    return {
        "source_texts": len(source_texts()),
        "characters": sum(len(text) for text in source_texts()),
        "clauses": len(_pieces(CLAUSE_END)),
        "sentences": len(_pieces(SENTENCE_END)),
    }
