"""The portfolio matrix and the state of each cell (METHODS §1 and §10).

A zone x category cell is **present** (a counted measure carries the category), **absent**
(the coders examined it, through ``scope.examined`` or an ``absent`` entry, and nothing
counted carries it) or **unknown** (not examined). Unknown is never read as zero unless
the caller asks for it (``unknown="zero"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._params import check_choice, check_status, check_type, check_unit_interval
from ..data.codebook import expand_codes, is_counted

if TYPE_CHECKING:
    from ..data.dataset import Dataset

__all__ = ["STATES", "portfolio_matrix", "scope_matrix"]

#: The three states of a zone x category cell.
STATES: tuple[str, ...] = ("present", "absent", "unknown")


def scope_matrix(
    dataset: Dataset,
    *,
    status: Sequence[str] | str | None = None,
    zones: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Zones x categories matrix of states: "present", "absent" or "unknown".

    present: a measure with a status in ``status`` carries the category (primary or
    secondary). absent: not present, and the category is inside the zone's
    ``scope.examined`` (a domain code covers its categories) or listed under ``absent``.
    unknown: neither (a zone file without a scope has only present and listed-absent cells).

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    status : sequence of str
        Statuses counted (default None: the codebook's counted statuses).
    zones : sequence of str, optional
        Zone ids (rows) in this order; default: every zone of the dataset.

    Returns
    -------
    pandas.DataFrame
        Index ``zone_id``, columns every category code (codebook order), values in
        ``STATES``. ``attrs["status"]`` records the filter.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> states = scope_matrix(load_dataset())
    >>> sorted(set(states.to_numpy().ravel())) <= ["absent", "present", "unknown"]
    True
    """
    statuses = check_status(dataset.codebook, status, "scope_matrix")
    zone_ids = list(dataset.zone_ids if zones is None else zones)
    codes = list(dataset.codebook.codes)
    rows = []
    for zone_id in zone_ids:
        zone = dataset.zone(zone_id)
        present = {c for m in zone.measures if is_counted(m, statuses) for c in m.categories}
        examined = expand_codes(dataset.codebook, zone.scope.examined if zone.scope else ())
        examined |= {a.code for a in zone.absent}
        rows.append(["present" if c in present else "absent" if c in examined else "unknown" for c in codes])
    frame = pd.DataFrame(rows, index=pd.Index(zone_ids, name="zone_id"), columns=pd.Index(codes, name="code"))
    frame.attrs = {"status": list(statuses)}
    return frame


def portfolio_matrix(
    dataset: Dataset,
    *,
    level: Literal["category", "domain"] = "category",
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
    domain_rollup: Literal["mean", "max"] = "mean",
    zones: Sequence[str] | None = None,
    unknown: Literal["nan", "zero"] = "nan",
) -> pd.DataFrame:
    """Zones x codes matrix of how far each zone has gone, in [0, 1]; NaN where unknown.

    s(z, c) = max over the zone's measures m counted by ``status`` that carry c of
    d(m) / d_max x r(m, c), with r = 1 for the primary category and ``secondary_weight``
    for a secondary one; 0 where the state is absent; NaN where it is unknown (see
    :func:`scope_matrix`). At domain level, the mean (or max) of the domain's known
    categories (NaN when all are unknown).

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    level : {"category", "domain"}
        Columns are categories, or domains (rolled up).
    status : sequence of str
        Statuses counted (default None: the codebook's counted statuses).
    secondary_weight : float
        Credit for a secondary category, in [0, 1].
    domain_rollup : {"mean", "max"}
        How a domain's score is made from its categories' scores.
    zones : sequence of str, optional
        Zone ids (rows) in this order; default: every zone of the dataset.
    unknown : {"nan", "zero"}
        "nan" (default) leaves unknown cells NaN. "zero" reads every cell without a counted
        measure as 0, as versions before 0.2 did: it treats "nobody looked" as "not done".

    Returns
    -------
    pandas.DataFrame
        Index ``zone_id`` (dataset order), columns every codebook code (codebook order) at
        that level. ``attrs`` records the parameters.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> p = portfolio_matrix(load_dataset())
    >>> float(p.loc["tianjin-htz", "DEL.MUNICIPAL_POWERS"])
    1.0
    """
    from ..data.dataset import Dataset

    check_type("portfolio_matrix", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    fn = "portfolio_matrix"
    check_choice(fn, "level", level, ("category", "domain"))
    check_choice(fn, "domain_rollup", domain_rollup, ("mean", "max"))
    check_choice(fn, "unknown", unknown, ("nan", "zero"))
    check_unit_interval(fn, "secondary_weight", secondary_weight)
    statuses = check_status(dataset.codebook, status, fn)
    zone_ids = list(dataset.zone_ids if zones is None else zones)
    for zone_id in zone_ids:
        dataset.zone(zone_id)  # raises UnknownIdError with a suggestion
    codes = list(dataset.codebook.codes)
    column = {code: j for j, code in enumerate(codes)}
    values = np.zeros((len(zone_ids), len(codes)))
    top = float(dataset.codebook.max_depth)
    for i, zone_id in enumerate(zone_ids):
        for measure in dataset.zone(zone_id).measures:
            if not is_counted(measure, statuses):
                continue
            for role, code in [(1.0, measure.category), *[(float(secondary_weight), c) for c in measure.secondary]]:
                j = column[code]
                values[i, j] = max(values[i, j], measure.depth / top * role)
    if unknown == "nan":
        values[scope_matrix(dataset, status=statuses, zones=zone_ids).to_numpy() == "unknown"] = np.nan
    frame = pd.DataFrame(values, index=pd.Index(zone_ids, name="zone_id"), columns=pd.Index(codes, name="code"))
    if level == "domain":
        domains = [c.split(".")[0] for c in codes]
        grouped = frame.T.groupby(domains, sort=False)
        frame = (grouped.mean() if domain_rollup == "mean" else grouped.max()).T
        frame = frame[list(dataset.codebook.domain_codes)]
        frame.columns.name = "domain"
    frame.attrs = {
        "level": level,
        "status": list(statuses),
        "secondary_weight": float(secondary_weight),
        "domain_rollup": domain_rollup,
        "unknown": unknown,
    }
    return frame
