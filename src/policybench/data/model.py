"""Typed, frozen models of the codebook and of zone files.

The models define the shape of the data; the JSON Schemas in ``schemas/`` are generated
from them (``python -m policybench.data.schema``). Checks that need more than one document
(unknown codes, duplicate ids across files, dangling references) live in
:mod:`policybench.data.validate`. This module imports no pandas.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..errors import UnknownIdError

__all__ = [
    "Absence",
    "AbsenceBasis",
    "ApplicabilityTag",
    "Authority",
    "Category",
    "Codebook",
    "Confidence",
    "DepthLevel",
    "Domain",
    "Evidence",
    "Indicator",
    "LocalText",
    "Measure",
    "NationalDuty",
    "NotApplicable",
    "Region",
    "Scope",
    "SearchRecord",
    "Source",
    "StatusDef",
    "UnknownCell",
    "Zone",
    "coerce_partial_date",
    "date_bounds",
]

ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
MEASURE_ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\.[a-z0-9]+(?:[-_][a-z0-9]+)*$"
CODE_PATTERN = r"^[A-Z]{2,5}\.[A-Z0-9]+(?:_[A-Z0-9]+)*$"
DOMAIN_PATTERN = r"^[A-Z]{2,5}$"
SCOPE_CODE_PATTERN = r"^[A-Z]{2,5}(?:\.[A-Z0-9]+(?:_[A-Z0-9]+)*)?$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
KEY_PHRASE_MAX = 30

Authority = Literal["zone", "municipal", "provincial", "national"]
Confidence = Literal["high", "medium", "low"]
ZoneKind = Literal[
    "national-high-tech-zone",
    "development-zone",
    "city-programme",
    "company",
    "national-policy",
    "other",
]
SourceKind = Literal["primary", "news", "research", "reprint"]
#: What shows that a zone does not do something (coding protocol K4).
AbsenceBasis = Literal["stated", "planned", "failed", "assigned-elsewhere", "search"]
#: What a codebook category can be marked not applicable to: a zone kind, or a zone in a province-level city.
ApplicabilityTag = Literal[
    "province-level-city",
    "national-high-tech-zone",
    "development-zone",
    "city-programme",
    "company",
    "national-policy",
    "other",
]

_DATE_RE = re.compile(DATE_PATTERN)


def coerce_partial_date(value: object) -> object:
    """Accept ``2019``, ``"2019"``, ``"2019-09"``, ``"2019-09-15"``; keep the precision."""
    if value.__class__ is str:  # the usual case first (300,000 dates at 2,500 zones)
        return _checked_date(value)
    if isinstance(value, bool):
        return value  # let the str check reject it
    if isinstance(value, int):
        value = f"{value:04d}"
    if isinstance(value, _dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        return value
    return _checked_date(value)


@functools.lru_cache(maxsize=4096)
def _checked_date(value: str) -> str:
    """``value`` stripped, when it is a real partial date (ValueError otherwise, which is not cached).

    Cached: a dataset repeats its dates thousands of times (2,500 zones: 300,000 dates).
    """
    text = value.strip()
    if not _DATE_RE.match(text):
        raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    try:
        _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"not a real calendar date ({exc})") from None
    return text


PartialDate = Annotated[
    str,
    BeforeValidator(coerce_partial_date),
    Field(
        pattern=DATE_PATTERN,
        description="A date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.",
        json_schema_extra={"examples": ["2019", "2019-09", "2019-09-15"]},
    ),
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ZoneId = Annotated[str, Field(pattern=ID_PATTERN, description="Zone id: lower-case words joined by '-'.")]
Code = Annotated[
    str,
    Field(pattern=CODE_PATTERN, description="Category code DOMAIN.NAME, e.g. 'GOV.STATUTORY_BODY'."),
]


def date_bounds(value: str) -> tuple[_dt.date, _dt.date]:
    """Earliest and latest day a partial date can stand for.

    >>> date_bounds("2019-02")
    (datetime.date(2019, 2, 1), datetime.date(2019, 2, 28))
    >>> date_bounds("9999-12")[1]
    datetime.date(9999, 12, 31)
    """
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 3:
        day = _dt.date(year, parts[1], parts[2])
        return day, day
    if len(parts) == 2:
        last = calendar.monthrange(year, parts[1])[1]  # no 'next month' step: 9999-12 has none
        return _dt.date(year, parts[1], 1), _dt.date(year, parts[1], last)
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


class _Frozen(BaseModel):
    # strict: YAML's `yes` is not a depth and 1 is not `true`; no NaN or infinity anywhere.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, strict=True, allow_inf_nan=False)


class LocalText(_Frozen):
    """A text in Chinese and English; Chinese is the original, English our rendering."""

    zh: NonEmpty = Field(description="Chinese text (UTF-8; normalised with NFKC before comparison).")
    en: NonEmpty = Field(description="English text.")

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('zh' or 'en')."""
        return self.zh if lang == "zh" else self.en


class LocalTerms(_Frozen):
    """Keywords or phrases in Chinese and English."""

    zh: list[NonEmpty] = Field(default_factory=list, description="Chinese keywords.")
    en: list[NonEmpty] = Field(default_factory=list, description="English keywords.")


class DepthLevel(_Frozen):
    """One step of the codebook's depth rule."""

    depth: int = Field(ge=1, description="The depth value coded on measures.")
    label: LocalText = Field(description="Short name of the level.")
    definition: LocalText = Field(description="What a measure must show to be coded at this depth.")


class StatusDef(_Frozen):
    """One status of the status vocabulary."""

    code: Annotated[str, Field(pattern=r"^[a-z]+(?:-[a-z]+)*$")] = Field(description="Status slug.")
    label: LocalText = Field(description="Display name.")
    definition: LocalText = Field(description="When a measure has this status.")
    counted: bool = Field(description="Counted in portfolios and gap analyses by default.")


class Domain(_Frozen):
    """First level of the codebook."""

    code: Annotated[str, Field(pattern=DOMAIN_PATTERN)] = Field(description="Domain code, e.g. 'GOV'.")
    label: LocalText = Field(description="Display name.")
    definition: LocalText = Field(description="What the domain covers.")
    weight: float = Field(default=1.0, gt=0, description="Default weight of the domain in overall scores.")


class NationalDuty(_Frozen):
    """A national law or State Council regulation that makes a category a duty of every zone."""

    since: PartialDate = Field(description="The date the duty takes effect.")
    instrument: LocalText = Field(
        description="The law or regulation, with its number, e.g. 优化营商环境条例（国务院令第722号）."
    )
    provision: str | None = Field(default=None, description="The article that sets the duty, e.g. 'Art. 55'.")
    url: str | None = Field(default=None, description="Address of the official text.")


class Category(_Frozen):
    """Second level of the codebook: one kind of reform measure."""

    code: Code = Field(description="Stable code DOMAIN.NAME; never reused, never renumbered.")
    domain: Annotated[str, Field(pattern=DOMAIN_PATTERN)] = Field(description="Code of the parent domain.")
    label: LocalText = Field(description="Display name.")
    definition: LocalText = Field(description="What a measure must do to belong here.")
    include: LocalText = Field(description="Examples that belong here.")
    exclude: LocalText = Field(description="Near misses that belong elsewhere, with where.")
    keywords: LocalTerms = Field(description="Terms that suggest this category in a document.")
    weight: float = Field(default=1.0, gt=0, description="Default weight within its domain.")
    requires: list[Code] = Field(
        default_factory=list,
        description="Categories that must exist first (prerequisites), by code.",
    )
    authority: Authority = Field(description="Lowest level of government that can adopt it alone.")
    reserved: bool = Field(
        default=False,
        description="True for a direction defined before any zone in the data is observed doing it.",
    )
    core: bool = Field(
        default=False,
        description="On the core checklist: every zone file gives this category a state (present, absent, "
        "unknown with a note, or not applicable).",
    )
    national_duty: NationalDuty | None = Field(
        default=None,
        description="A law or State Council regulation that binds every zone from a date: the category is presumed "
        "present from then unless a zone's evidence says otherwise, and is never recommended as a zone reform.",
    )
    not_applicable_to: list[ApplicabilityTag] = Field(
        default_factory=list,
        description="Zones this category does not apply to: zone kinds, or 'province-level-city' for zones in "
        "Beijing, Tianjin, Shanghai and Chongqing.",
    )


class Codebook(_Frozen):
    """The two-level classification (domain -> category) with its coding rules."""

    schema_ref: str | None = Field(default=None, alias="$schema", description="JSON Schema for editors.")
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = Field(description="Semantic version.")
    title: LocalText = Field(description="Name of the codebook.")
    description: LocalText = Field(description="Scope and use.")
    depth_rule: list[DepthLevel] = Field(min_length=1, description="Meaning of each depth value.")
    statuses: list[StatusDef] = Field(min_length=1, description="The status vocabulary.")
    domains: list[Domain] = Field(min_length=1, description="First-level domains.")
    categories: list[Category] = Field(min_length=1, description="Second-level categories.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @property
    def codes(self) -> tuple[str, ...]:
        """Category codes in codebook order."""
        return tuple(c.code for c in self.categories)

    @property
    def domain_codes(self) -> tuple[str, ...]:
        """Domain codes in codebook order."""
        return tuple(d.code for d in self.domains)

    @property
    def status_codes(self) -> tuple[str, ...]:
        """The status vocabulary."""
        return tuple(s.code for s in self.statuses)

    @property
    def counted_statuses(self) -> tuple[str, ...]:
        """Statuses counted by default (``counted: true`` in the codebook)."""
        return tuple(s.code for s in self.statuses if s.counted)

    @property
    def depths(self) -> tuple[int, ...]:
        """Depth values the depth rule defines."""
        return tuple(level.depth for level in self.depth_rule)

    @property
    def max_depth(self) -> int:
        """The highest depth of the depth rule (3 in the shipped codebook)."""
        return max(self.depths)

    def category(self, code: str) -> Category:
        """The category with this code (UnknownIdError, a KeyError, if unknown)."""
        for cat in self.categories:
            if cat.code == code:
                return cat
        raise _unknown("category code", code, self.codes)

    def domain(self, code: str) -> Domain:
        """The domain with this code (UnknownIdError, a KeyError, if unknown)."""
        for dom in self.domains:
            if dom.code == code:
                return dom
        raise _unknown("domain code", code, self.domain_codes)

    def status(self, code: str) -> StatusDef:
        """The status definition with this code (UnknownIdError, a KeyError, if unknown)."""
        for st in self.statuses:
            if st.code == code:
                return st
        raise _unknown("status code", code, self.status_codes)


class Region(_Frozen):
    """Where a zone is."""

    province: LocalText = Field(description="Province-level unit (or 'national').")
    city: LocalText | None = Field(default=None, description="City, when the zone belongs to one.")


#: A coder's placeholder for a title that was not recorded (coding protocol: never invent a title).
_NOT_RECORDED = re.compile(r"(title|headline) not recorded|\[标题未记录\]", re.I)


def title_recorded(title: str) -> bool:
    """False for a coder's placeholder such as '[title not recorded] ...' or '... (exact title not recorded)'.

    >>> title_recorded("Optics Valley, the cradle of star startups"), title_recorded("Report (exact title not recorded)")
    (True, False)
    """
    return bool(title) and not _NOT_RECORDED.search(title)


class Source(_Frozen):
    """A document that evidence points to."""

    id: ZoneId = Field(description="Source id, unique within the zone file.")
    title: NonEmpty = Field(description="Title as published (original language).")
    publisher: NonEmpty = Field(description="Publisher or outlet; 'unknown' when it is not known.")
    date: PartialDate | None = Field(default=None, description="Publication date at the precision known.")
    url: str | None = Field(default=None, description="Address of the original, when known.")
    accessed: PartialDate | None = Field(default=None, description="When the text was read.")
    kind: SourceKind = Field(description="primary (official text), news, research or reprint.")
    original: str | None = Field(
        default=None, description="For a reprint: the original outlet, title and date it names."
    )
    note: str | None = Field(default=None, description="Caveats about this source.")

    def record(self) -> dict[str, str]:
        """The fields a citation shows, as plain text ('' where unknown)."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date or "",
            "url": self.url or "",
            "kind": self.kind,
        }


class Evidence(_Frozen):
    """Where in a source a measure is stated."""

    source: ZoneId = Field(description="Id of a source listed in the same zone file.")
    locator: NonEmpty = Field(description="Section, paragraph or page, e.g. '二(一) para 2'.")
    key_phrase: Annotated[str, StringConstraints(max_length=KEY_PHRASE_MAX)] | None = Field(
        default=None,
        description=f"A short key phrase from the source (at most {KEY_PHRASE_MAX} characters).",
    )


class Indicator(_Frozen):
    """A number that documents a measure."""

    name: LocalText = Field(description="What is counted.")
    value: float = Field(description="The number.")
    unit: NonEmpty = Field(description="Unit, e.g. 'items', 'cases', 'departments', 'CNY bn'.")
    as_of: PartialDate = Field(description="The date or period the number refers to.")
    source: ZoneId = Field(description="Id of a source listed in the same zone file.")


class Measure(_Frozen):
    """One coded reform measure of one zone."""

    id: Annotated[str, Field(pattern=MEASURE_ID_PATTERN)] = Field(
        description="Stable id '<zone-id>.<slug>', unique across all datasets."
    )
    title: LocalText = Field(description="Short title.")
    summary: LocalText = Field(description="What was done, in our own words (not a quotation).")
    category: Code = Field(description="Primary codebook category.")
    secondary: list[Code] = Field(default_factory=list, description="Secondary categories.")
    status: Annotated[str, Field(pattern=r"^[a-z]+(?:-[a-z]+)*$")] = Field(
        description="A status of the codebook vocabulary: proposed, piloting, implemented, discontinued."
    )
    depth: int = Field(ge=1, description="Depth by the codebook's depth rule (1-3).")
    start: PartialDate | None = Field(default=None, description="When it started (precision kept).")
    end: PartialDate | None = Field(default=None, description="When it ended, if it did.")
    actors: list[NonEmpty] = Field(default_factory=list, description="Bodies that carry it out.")
    indicators: list[Indicator] = Field(default_factory=list, description="Numbers that document it.")
    evidence: list[Evidence] = Field(min_length=1, description="Where the sources state it.")
    confidence: Confidence = Field(description="high, medium or low: how sure the coding is.")
    inspired_by: str | None = Field(default=None, description="Zone id or measure id it follows.")
    authority: Authority | None = Field(default=None, description="Overrides the category's authority.")
    tags: list[NonEmpty] = Field(default_factory=list, description="Free tags.")
    note: str | None = Field(default=None, description="Coder's note (caveats, conflicts).")
    review: Literal["pending", "accepted"] | None = Field(
        default=None,
        description="'pending' for a machine draft (policybench draft) that no person has checked: never counted. "
        "A reviewer who has checked the measure deletes the field or sets it to 'accepted'.",
    )

    @property
    def categories(self) -> tuple[str, ...]:
        """Primary category first, then secondary ones."""
        return (self.category, *self.secondary)


class Scope(_Frozen):
    """What the coders of a zone file examined: without it, nothing not coded is known."""

    examined: list[Annotated[str, Field(pattern=SCOPE_CODE_PATTERN)]] = Field(
        default_factory=list,
        description=(
            "Domain codes (e.g. 'GOV') or category codes (e.g. 'HR.MARKET_HIRING') the coders read for: "
            "a record of the reading only. Since data format 2.0 silence inside it is unknown, not absent: "
            "an absence needs an 'absent' entry with evidence or a search record."
        ),
    )
    sources: list[ZoneId] = Field(
        default_factory=list, description="Ids of the sources (listed in this file) read in full for this coding."
    )
    as_of: PartialDate | None = Field(default=None, description="The date the coding describes.")
    note: LocalText | None = Field(default=None, description="What the coding covers and what it leaves out.")


class SearchRecord(_Frozen):
    """A search that would have shown a measure: the sources read in full and the queries run, with the date."""

    date: PartialDate = Field(description="When the search was run.")
    sources: list[ZoneId] = Field(
        default_factory=list, description="Ids of sources (listed in this file) read in full that would have shown it."
    )
    queries: list[NonEmpty] = Field(default_factory=list, description="The look-ups run, as typed.")


class Absence(_Frozen):
    """A category found not done, with the evidence that shows it (coding protocol K4)."""

    code: Code = Field(description="Category code found not done.")
    basis: AbsenceBasis | None = Field(
        default=None,
        description="stated (a source says it is not done), planned (a plan lists it as future work), failed "
        "(a report that it failed or was withdrawn), assigned-elsewhere (a statute or decision gives the power to "
        "another body), or search (a search record shows nothing where it would have shown). Required from data "
        "format 2.0 on; a 1.x entry without it is read as 'stated' with a warning.",
    )
    confidence: Confidence | None = Field(
        default=None,
        description="How sure the absence is: high, medium or low (a search-based absence is never high). "
        "Required from data format 2.0 on.",
    )
    evidence: list[Evidence] = Field(
        default_factory=list, description="Where the sources show it is not done (required unless basis is search)."
    )
    search: SearchRecord | None = Field(default=None, description="The search behind a basis 'search'.")
    note: LocalText | None = Field(default=None, description="How the evidence shows the absence.")


class UnknownCell(_Frozen):
    """A category whose state stays unknown, with what was searched and why it stays unknown."""

    code: Code = Field(description="Category code.")
    note: LocalText = Field(description="What was searched and why the state stays unknown.")
    search: SearchRecord | None = Field(default=None, description="The search run, when there was one.")


class NotApplicable(_Frozen):
    """A category that does not apply to this zone, beyond the codebook's own rules, with the reason."""

    code: Code = Field(description="Category code.")
    note: LocalText = Field(description="Why the category does not apply to this zone.")


class Zone(_Frozen):
    """A zone or reference model with its sources and measures (one YAML file)."""

    schema_ref: str | None = Field(default=None, alias="$schema", description="JSON Schema for editors.")
    id: ZoneId = Field(description="Stable zone id, e.g. 'tianjin-htz'.")
    name: LocalText = Field(description="Name of the zone or model.")
    kind: ZoneKind = Field(description="What kind of entity this is.")
    region: Region = Field(description="Where it is.")
    established: PartialDate | None = Field(default=None, description="When it was set up.")
    parent: ZoneId | None = Field(default=None, description="Id of the zone or programme it belongs to.")
    description: LocalText = Field(description="Our summary, including what is not known.")
    not_found: list[LocalText] = Field(
        default_factory=list,
        description="Facts searched for and not found: listed so that nobody encodes them as fact.",
    )
    scope: Scope | None = Field(
        default=None,
        description="What the coders examined; without it every category with no counted measure is unknown.",
    )
    absent: list[Absence] = Field(
        default_factory=list, description="Categories found not done, with evidence or a search record."
    )
    unknown: list[UnknownCell] = Field(
        default_factory=list, description="Categories whose state stays unknown, each with what was searched."
    )
    not_applicable: list[NotApplicable] = Field(
        default_factory=list, description="Categories that do not apply to this zone, each with the reason."
    )
    sources: list[Source] = Field(min_length=1, description="Documents the evidence cites.")
    measures: list[Measure] = Field(default_factory=list, description="Coded reform measures.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def source(self, source_id: str) -> Source:
        """The source with this id (UnknownIdError, a KeyError, if absent)."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise _unknown(f"source id of zone {self.id}", source_id, tuple(s.id for s in self.sources))


def _unknown(what: str, value: object, known: tuple[str, ...]) -> UnknownIdError:
    """The error for a code or id that is not there (an UnknownIdError, so still a KeyError)."""
    import difflib

    close = difflib.get_close_matches(value, known, n=3) if isinstance(value, str) else []
    hint = (
        f"; did you mean {', '.join(repr(c) for c in close)}?"
        if close
        else f"; known: {', '.join(known[:10])}" + (" ..." if len(known) > 10 else "")
    )
    return UnknownIdError(f"unknown {what} {value!r}" + hint)
