"""Relations in the codebook: hierarchy, default weights, prerequisites, authority.

The :class:`~policybench.data.model.Codebook` model holds the data; this module computes on it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, KeysView
from typing import TYPE_CHECKING

from .._params import Instance, Maybe, Strs, fail, validate_params
from ..errors import UnknownIdError
from .model import Codebook, Measure

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AUTHORITY_LEVELS",
    "category_weights",
    "codebook_table",
    "expand_codes",
    "is_counted",
    "prerequisites",
    "prerequisite_order",
    "requires_cycle",
]

#: Levels of government, from the zone itself upwards.
AUTHORITY_LEVELS: tuple[str, ...] = ("zone", "municipal", "provincial", "national")


def is_counted(measure: Measure, statuses: Collection[str]) -> bool:
    """Whether ``measure`` counts (in portfolios, frontiers, exemplars, similarity): the one rule.

    ``statuses`` is the status filter in force, resolved with
    :func:`policybench._params.check_status` (``None`` there means the codebook's statuses
    marked ``counted: true``). A measure still under review (``review: pending``, as
    :func:`policybench.draft` writes them) never counts. Every module asks this function, so a
    new reason for a measure not to count is added here once.

    >>> from policybench import load_dataset
    >>> ds = load_dataset()
    >>> m = ds.measure("tianjin-htz.haitai-mixed-ownership-attempt")
    >>> m.status, is_counted(m, ds.codebook.counted_statuses)
    ('discontinued', False)
    """
    if not isinstance(measure, Measure):
        raise fail("is_counted", "measure", "a Measure", measure)
    if isinstance(statuses, str) or not isinstance(statuses, tuple | list | set | frozenset | KeysView):
        raise fail("is_counted", "statuses", "a collection of status codes (str)", statuses)
    return measure.status in statuses and measure.review != "pending"


@validate_params({"codebook": Instance("Codebook"), "codes": Maybe(Strs("category codes", keys=True))})
def category_weights(codebook: Codebook, codes: Iterable[str] | None = None) -> dict[str, float]:
    """Default category weights, renormalised over ``codes`` (all categories when None).

    Domains are weighted by their ``weight``, categories within a domain by theirs; the
    weights sum to 1.

    Each domain present in ``codes`` gets its domain weight, shared among its categories in
    ``codes`` in proportion to their category weights ("domains equal, categories equal within
    their domain" with the shipped weights of 1).

    >>> from policybench import load_codebook
    >>> w = category_weights(load_codebook(), ["GOV.STATUTORY_BODY", "GOV.BUREAU_MERGER", "MKT.PARTNER_SYSTEM"])
    >>> [round(w[c], 3) for c in sorted(w)]
    [0.25, 0.25, 0.5]
    """
    selected = list(codebook.codes if codes is None else dict.fromkeys(codes))
    by_domain: dict[str, list[str]] = {}
    for code in selected:
        try:
            by_domain.setdefault(codebook.category(code).domain, []).append(code)
        except KeyError:
            raise UnknownIdError(f"unknown category code '{code}'") from None
    raw: dict[str, float] = {}
    for domain, members in by_domain.items():
        dom_weight = codebook.domain(domain).weight
        total = sum(codebook.category(c).weight for c in members)
        for code in members:
            raw[code] = dom_weight * codebook.category(code).weight / total
    norm = sum(raw.values())
    return {code: raw[code] / norm for code in selected} if norm else {}


def expand_codes(codebook: Codebook, codes: Iterable[str]) -> set[str]:
    """The category codes that a list of domain and category codes covers.

    A domain code stands for every category of the domain; unknown codes are ignored (the
    validator reports them).

    >>> from policybench import load_codebook
    >>> sorted(expand_codes(load_codebook(), ["GOV.ZONE_LEGISLATION"]))
    ['GOV.ZONE_LEGISLATION']
    """
    wanted = set(codes)
    return {c.code for c in codebook.categories if c.code in wanted or c.domain in wanted}


def prerequisites(codebook: Codebook, code: str) -> list[str]:
    """All categories that ``code`` requires, directly or indirectly, prerequisites first."""
    order: list[str] = []
    _visit(codebook, code, order, set(), ())
    return [c for c in order if c != code]


@validate_params({"codebook": Instance("Codebook"), "codes": Strs("category codes", keys=True)})
def prerequisite_order(codebook: Codebook, codes: Iterable[str]) -> list[str]:
    """``codes`` in an order where every prerequisite in the set comes before what needs it.

    Ties keep the given order, so a ranked list stays ranked where the relation allows.
    """
    wanted = list(dict.fromkeys(codes))
    keep = set(wanted)
    order: list[str] = []
    done: set[str] = set()
    for code in wanted:
        for item in [*prerequisites(codebook, code), code]:
            if item in keep and item not in done:
                done.add(item)
                order.append(item)
    return order


def _visit(codebook: Codebook, code: str, order: list[str], seen: set[str], stack: tuple[str, ...]) -> None:
    if code in seen:
        return
    if code in stack:
        raise ValueError(f"the requires relation has a cycle: {' -> '.join((*stack, code))}")
    for req in codebook.category(code).requires:
        _visit(codebook, req, order, seen, (*stack, code))
    seen.add(code)
    order.append(code)


def requires_cycle(codebook: Codebook) -> list[str]:
    """A cycle in the requires relation as a list of codes, or [] when there is none."""
    known = set(codebook.codes)
    state: dict[str, int] = {}

    def walk(code: str, stack: list[str]) -> list[str]:
        state[code] = 1
        for req in codebook.category(code).requires:
            if req not in known:
                continue
            if state.get(req) == 1:
                return [*stack[stack.index(req) :], req] if req in stack else [code, req]
            if req not in state:
                found = walk(req, [*stack, req])
                if found:
                    return found
        state[code] = 2
        return []

    for code in codebook.codes:
        if code not in state:
            cycle = walk(code, [code])
            if cycle:
                return cycle
    return []


@validate_params({"codebook": Instance("Codebook")})
def codebook_table(codebook: Codebook) -> pd.DataFrame:
    """The categories as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        One row per category, in codebook order, with columns ``code``, ``domain``,
        ``label_zh``, ``label_en``, ``domain_label_zh``, ``domain_label_en``,
        ``definition_zh``, ``definition_en``, ``weight`` (codebook default), ``requires``
        (codes joined by ','), ``authority``, ``reserved``, ``core`` (on the checklist),
        ``national_duty`` (the duty's date, '' when none) and ``not_applicable_to`` (joined by ',').
    """
    import pandas as pd

    rows = []
    for cat in codebook.categories:
        dom = codebook.domain(cat.domain)
        rows.append(
            {
                "code": cat.code,
                "domain": cat.domain,
                "label_zh": cat.label.zh,
                "label_en": cat.label.en,
                "domain_label_zh": dom.label.zh,
                "domain_label_en": dom.label.en,
                "definition_zh": cat.definition.zh,
                "definition_en": cat.definition.en,
                "weight": cat.weight,
                "requires": ",".join(cat.requires),
                "authority": cat.authority,
                "reserved": cat.reserved,
                "core": cat.core,
                "national_duty": cat.national_duty.since if cat.national_duty is not None else "",
                "not_applicable_to": ",".join(cat.not_applicable_to),
            }
        )
    return pd.DataFrame(rows)
