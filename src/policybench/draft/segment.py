"""Split a policy text into sections, paragraphs and sentences, with locators like '§二(一) para 2'."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Paragraph", "Sentence", "split_paragraphs", "split_sentences"]

_CN_NUM = "一二三四五六七八九十百零〇"
#: Heading markers, outermost first: 一、 / (一) or （一） / 1. 1、 1．
_LEVELS = (
    re.compile(rf"^\s*([{_CN_NUM}]+)\s*[、.．]\s*(.*)$"),
    re.compile(rf"^\s*[(（]\s*([{_CN_NUM}]+)\s*[)）]\s*(.*)$"),
    re.compile(r"^\s*(\d{1,2})\s*(?:[.．、](?!\d)|[)）])\s*(.*)$"),
)
_MARKDOWN = re.compile(r"^\s*#{1,6}\s+(.*)$")
_STATEMENT_END = re.compile(r"[。；;！!？?]\s*$")
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")
#: A heading line is short; a longer line with a marker is an item: it opens a section and is its first paragraph.
HEADING_MAX = 40


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the text with where it sits.

    Attributes
    ----------
    section : tuple of str
        Heading numbers from the outermost, e.g. ("二", "一") for 二、 then (一).
    headings : tuple of str
        The heading texts of those sections.
    number : int
        1-based position among the paragraphs of its innermost section.
    line : int
        1-based line of the text it starts on.
    text : str
        The paragraph as written.
    """

    section: tuple[str, ...]
    headings: tuple[str, ...]
    number: int
    line: int
    text: str

    @property
    def locator(self) -> str:
        """Locator in the style of the zone files: '§二(一) para 2' ('para 3' before any heading)."""
        return f"§{_section_label(self.section)} para {self.number}" if self.section else f"para {self.number}"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph."""

    paragraph: Paragraph
    text: str


def _section_label(section: tuple[str, ...]) -> str:
    parts = []
    for depth, number in enumerate(section):
        parts.append(number if depth == 0 else f"({number})" if depth == 1 else f"{number}")
    return "".join(parts)


def _heading(line: str) -> tuple[int, str, str] | None:
    """(level, number, title) when ``line`` opens a section."""
    match = _MARKDOWN.match(line)
    if match:
        title = match.group(1).strip()
        for level, pattern in enumerate(_LEVELS):
            inner = pattern.match(title)
            if inner:
                return level, inner.group(1), inner.group(2).strip()
        return None
    for candidate in (line, unicodedata.normalize("NFKC", line)):  # the title as written when possible
        for level, pattern in enumerate(_LEVELS):
            match = pattern.match(candidate)
            if match:
                return level, match.group(1), match.group(2).strip()
    return None


def split_paragraphs(text: str) -> list[Paragraph]:
    r"""The paragraphs of ``text`` (one per non-blank line), each with its section and number.

    Headings 一、 / (一) / 1. open nested sections; a short line without final punctuation is a
    heading, not a paragraph; a line that starts with a marker and reads as a statement (an
    item such as "1. 设立创新券，支持……。") opens the section and is also its first paragraph. Markdown headings ``#`` are read the same way.

    Examples
    --------
    >>> text = "前言。\n一、背景\n背景段。\n（一）推行法定机构改革\n第一段。\n1. 设立创新券。"
    >>> [(p.locator, p.text) for p in split_paragraphs(text)]  # doctest: +NORMALIZE_WHITESPACE
    [('para 1', '前言。'), ('§一 para 1', '背景段。'), ('§一(一) para 1', '第一段。'),
     ('§一(一)1 para 1', '1. 设立创新券。')]
    """
    out: list[Paragraph] = []
    section: list[tuple[str, str]] = []
    levels: list[int] = []
    counts: dict[tuple[str, ...], int] = {}
    for line_number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip("\u3000\xa0\ufeff\u200b").strip()
        if not line:
            continue
        heading = _heading(line)
        if heading is not None:
            level, number, title = heading
            while levels and levels[-1] >= level:
                levels.pop()
                section.pop()
            levels.append(level)
            section.append((number, title))
            if len(line) <= HEADING_MAX and not _STATEMENT_END.search(line):
                continue
        key = tuple(n for n, _t in section)
        counts[key] = counts.get(key, 0) + 1
        out.append(Paragraph(key, tuple(t for _n, t in section), counts[key], line_number, line))
    return out


def split_sentences(paragraph: Paragraph) -> list[Sentence]:
    """The sentences of a paragraph, cut after 。；！？ (full or half width).

    Examples
    --------
    >>> p = split_paragraphs("推行改革；设立基金。并将试点。")[0]
    >>> [s.text for s in split_sentences(p)]
    ['推行改革；', '设立基金。', '并将试点。']
    """
    parts = [part.strip() for part in _SENTENCE_END.split(paragraph.text)]
    return [Sentence(paragraph, part) for part in parts if part]
