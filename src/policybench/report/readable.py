"""What a person reads in place of a code or an id: names, titles, publishers and notes in the report's language.

The machine formats (JSON, the id columns of XLSX) keep the ids; HTML, Markdown, Word and PDF
show the names this module gives. Everything here works on the report content (plain data),
so every format gets the same words.
"""

from __future__ import annotations

import re
from typing import Any

from ..data.model import title_recorded
from ..labels import phrase, term

__all__ = ["Names", "publisher_text", "short_name", "title_recorded"]

_CODE = re.compile(r"\b[A-Z]{2,5}\.[A-Z0-9_]+\b")
_HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b", re.I)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_STATUS_IN_PARENS = re.compile(r"\s*\((proposed|piloting|implemented|discontinued)\)")


def _split_note(text: str) -> tuple[str, str]:
    """'Name (note)' -> ('Name', 'note'); a publisher without a note -> (publisher, '')."""
    for opening, closing in (("(", ")"), ("（", "）")):
        at = text.find(opening)
        if at > 0 or (at == 0 and opening == "("):
            return text[:at].strip(), text[at + 1 :].rstrip().removesuffix(closing).strip()
    return text.strip(), ""


def _note_in(note: str, lang: str) -> str:
    """The parts of a publisher's note a reader of ``lang`` can read; web sites are kept whatever the language."""
    kept = []
    for part in re.split(r"[;；,，]\s*", note):
        part = part.strip()
        if not part:
            continue
        rest = _HOST.sub("", part)
        readable = not _LATIN_WORD.search(rest) if lang == "zh" else not _CJK.search(rest)
        if readable:
            kept.append(part)
        else:
            kept += _HOST.findall(part)
    return ("，" if lang == "zh" else ", ").join(dict.fromkeys(kept))


def publisher_text(publisher: str, lang: str) -> str:
    """A source's publisher as the reader sees it: the name as given, 'unknown' and the notes in ``lang``.

    A note in the other language is left out except the web sites it names.

    >>> publisher_text("unknown (handmsg.com 页面)", "zh"), publisher_text("unknown (handmsg.com 页面)", "en")
    ('发布者不详（handmsg.com 页面）', 'publisher unknown (handmsg.com)')
    >>> publisher_text("unknown", "zh"), publisher_text("China Daily (copy on china.org.cn)", "zh")
    ('发布者不详', 'China Daily（china.org.cn）')
    """
    text = (publisher or "").strip()
    if text.lower().startswith("unknown"):
        name, note = phrase("publisher_unknown", lang), _split_note(text)[1]
    else:
        name, note = _split_note(text)
    note = _note_in(note, lang)
    if not note:
        return name
    return f"{name}（{note}）" if lang == "zh" else f"{name} ({note})"


def short_name(name: str) -> str:
    """A zone's name without its parenthesised aliases, for a chart label.

    >>> short_name("武汉东湖新技术开发区（东湖高新区、中国光谷）")
    '武汉东湖新技术开发区'
    """
    for opening in ("（", " ("):
        at = name.find(opening)
        if at > 0:
            name = name[:at]
    return name.strip()


class Names:
    """Names in one language for the zones, domains, categories and measures a report mentions.

    Built from the ``names`` block of the report content; an unknown key is shown as it is.
    """

    def __init__(self, names: dict[str, dict[str, str]], lang: str) -> None:
        self.lang = lang
        self.zones = names.get("zones", {})
        self.domains = names.get("domains", {})
        self.categories = names.get("categories", {})
        self.measures = names.get("measures", {})
        ids = sorted(self.measures, key=len, reverse=True)
        self._measure_ids = re.compile("|".join(re.escape(i) for i in ids)) if ids else None
        zone_ids = sorted(self.zones, key=len, reverse=True)
        self._zone_ids = (
            re.compile(r"(?<![A-Za-z0-9_.:-])(" + "|".join(re.escape(i) for i in zone_ids) + r")(?![A-Za-z0-9_.:-])")
            if zone_ids
            else None
        )

    @classmethod
    def from_dataset(cls, dataset: Any, lang: str, measure_ids: Any = ()) -> Names:
        """Names of every zone, domain and category of ``dataset``, and of the measures ``measure_ids`` name."""
        measures = {}
        for measure_id in measure_ids:
            try:
                measures[str(measure_id)] = dataset.measure(str(measure_id)).title.get(lang)
            except KeyError:
                continue
        names = {
            "zones": {z.id: z.name.get(lang) for z in dataset.zones},
            "domains": {d.code: d.label.get(lang) for d in dataset.codebook.domains},
            "categories": {c.code: c.label.get(lang) for c in dataset.codebook.categories},
            "measures": measures,
        }
        return cls(names, lang)

    def zones_list(self, ids: Any) -> str:
        """Zone ids (a list, or text joined by ',') as their names."""
        items = ids.split(",") if isinstance(ids, str) else list(ids)
        return phrase("sep.list", self.lang).join(self.zone(str(i).strip()) for i in items if str(i).strip())

    def zone(self, zone_id: str) -> str:
        """The zone's name."""
        return self.zones.get(zone_id, zone_id)

    def category(self, code: str) -> str:
        """The category's (or domain's) label."""
        return self.categories.get(code) or self.domains.get(code) or code

    def quoted(self, title: str) -> str:
        """A title in quotation marks of the language (unless it already has some)."""
        if title.startswith(("“", "《", '"', "'")) or "“" in title:  # no quotation marks around quotation marks
            return title
        return f"“{title}”" if self.lang == "zh" else f"'{title}'"

    def measure(self, measure_id: str) -> str:
        """The measure's title in quotation marks, with its zone when that is not the target's."""
        title = self.measures.get(measure_id)
        if title is None:
            return measure_id
        return self.quoted(title)

    def measure_with_zone(self, measure_id: str) -> str:
        """'Zone: “title”' for an exemplar measure."""
        zone = self.zone(measure_id.split(".", 1)[0])
        sep = "：" if self.lang == "zh" else ": "
        return f"{zone}{sep}{self.measure(measure_id)}"

    def measures_list(self, ids: str, *, with_zone: bool = False) -> str:
        """Comma-joined measure ids as their titles, joined in the language's way."""
        show = self.measure_with_zone if with_zone else self.measure
        parts = [show(i.strip()) for i in ids.split(",") if i.strip()]
        return phrase("sep.clause" if with_zone else "sep.list", self.lang).join(parts)

    def categories_list(self, codes: Any) -> str:
        """Category codes (a list, or text joined by ',') as their labels."""
        items = codes.split(",") if isinstance(codes, str) else list(codes)
        return phrase("sep.list", self.lang).join(self.category(c.strip()) for c in items if str(c).strip())

    def prose(self, text: Any) -> str:
        """Text with every measure id and category code in it replaced by the title or label.

        Status notes such as '(discontinued)' after an id are put in the language as well.
        """
        out = str(text or "")
        out = _STATUS_IN_PARENS.sub(
            lambda m: f"（{term(m.group(1), 'zh')}）" if self.lang == "zh" else f" ({m.group(1)})", out
        )
        if self._measure_ids is not None:
            out = self._measure_ids.sub(lambda m: self.measure(m.group(0)), out)
        out = _CODE.sub(lambda m: self.category(m.group(0)), out)
        if self._zone_ids is not None:
            out = self._zone_ids.sub(lambda m: self.zone(m.group(1)), out)
        if self.lang == "zh":  # lists of ids became lists of titles and labels
            out = out.replace(", ", "、").replace(",“", "、“")
        return out
