"""Make data text safe for each place it is shown: Markdown, links, spreadsheets, CSV, JSON.

Zone files come from other people, so every value in them is untrusted. These functions are
the one definition of "safe" per output; renderers apply them to every data value. This
module imports nothing from policybench, so any layer may use it. (Terminal text is
:func:`policybench.cli.table.clean_text`, which only the command line needs.)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from .._json import json_safe

__all__ = [
    "csv_cell",
    "json_safe",
    "markdown_code",
    "markdown_text",
    "markdown_url",
    "spreadsheet_cell",
    "web_url",
    "xml_safe",
]

# Every ASCII punctuation character that can start or end a CommonMark inline construct
# (emphasis, code, links, images, autolinks, raw HTML, entities, tables, strikethrough).
_MD_INLINE = re.compile(r"([\\`*\[\]<>!|~]|&(?=#?[0-9A-Za-z]+;)|(?<![^\W_])_|_(?![^\W_]))")  # "_" in a word is inert
# Block constructs that only matter at the start of a line: quotes, headings, bullets, ordered
# lists ("1." / "1)"), thematic breaks and setext underlines ("---", "===").
_MD_BLOCK_START = re.compile(r"^(>|#{1,6}(?=\s|$)|[-+](?=\s|$)|\d{1,9}[.)](?=\s|$)|[-=](?=[-=\s]*$))")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")
# Characters XML 1.0 (and so XLSX) cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_WEB_SCHEMES = frozenset({"http", "https"})


def markdown_text(value: Any) -> str:
    r"""``value`` as inert CommonMark text: no HTML, links, images, emphasis, headings or lists.

    Line breaks become spaces (a value never starts a new block), the punctuation that opens
    inline constructs is backslash-escaped, and a block marker at the start is escaped too.

    >>> markdown_text("<img src=x onerror=alert(1)>")
    '\\<img src=x onerror=alert(1)\\>'
    >>> markdown_text("# big\r\n- item [a](javascript:alert(1))")
    '\\# big - item \\[a\\](javascript:alert(1))'
    """
    text = _LINE_BREAKS.sub(" ", str(value)).replace("\t", " ").strip()
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def markdown_code(value: Any) -> str:
    """``value`` as a CommonMark code span, fenced by more backticks than it contains.

    >>> markdown_code("a`b")
    '`` a`b ``'
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"{fence}{text}{fence}"


def web_url(value: Any) -> str:
    """``value`` if it is an http(s) address with a host, else ``''`` (never link it then).

    >>> web_url("https://www.gov.cn/x?a=1")
    'https://www.gov.cn/x?a=1'
    >>> web_url("javascript:alert(1)"), web_url(" JaVaScRiPt:alert(1)"), web_url("data:text/html,x")
    ('', '', '')
    """
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else ""


def markdown_url(value: Any) -> str:
    """An http(s) address as a Markdown link destination (``''`` for anything else).

    Characters that could end the destination or the link (brackets, quotes, backslashes,
    backticks) are percent-encoded; an address with spaces is not a link at all.

    >>> markdown_url("https://x.cn/a)(c<d>`")
    'https://x.cn/a%29%28c%3Cd%3E%60'
    """
    url = web_url(value)
    return quote(url, safe="/:?#@!$&*+,;=%-._~") if url else ""


def spreadsheet_cell(value: Any) -> Any:
    r"""A cell for XLSX: characters XML cannot hold removed, formula-like text neutralised.

    >>> spreadsheet_cell("=HYPERLINK(\"http://x\")"), spreadsheet_cell("a\x00b"), spreadsheet_cell(-1.5)
    ('\'=HYPERLINK("http://x")', 'ab', -1.5)
    """
    if not isinstance(value, str):
        return value
    return csv_cell(_XML_ILLEGAL.sub("", value))


def xml_safe(value: Any) -> Any:
    r"""``value`` (text, or dicts and lists of it) without the characters XML 1.0 cannot hold.

    >>> xml_safe({"t": ["a\x00b", 1]})
    {'t': ['ab', 1]}
    """
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        cleaned = [xml_safe(v) for v in value]
        return cleaned if isinstance(value, list) else tuple(cleaned)
    return value


def csv_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers are left alone (``-3`` stays a number); only text starting with ``= + - @``,
    a tab or a line break is changed.

    >>> csv_cell("=1+1"), csv_cell("-2"), csv_cell(-2), csv_cell("GOV.X")
    ("'=1+1", "'-2", -2, 'GOV.X')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
