"""The portfolio matrix: how far each zone has gone in each category (METHODS §1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._params import check_choice, check_status, check_type, check_unit_interval
from ..codebook import is_counted

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["portfolio_matrix"]


def portfolio_matrix(
    dataset: Dataset,
    *,
    level: Literal["category", "domain"] = "category",
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
    domain_rollup: Literal["mean", "max"] = "mean",
    zones: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Zones x codes matrix of how far each zone has gone, in [0, 1].

    s(z, c) = max over the zone's measures m counted by ``status`` that carry c of
    d(m) / d_max x r(m, c), with r = 1 for the primary category and ``secondary_weight``
    for a secondary one. At domain level, the mean (or max) of the domain's categories.

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
    from ..dataset import Dataset

    check_type("portfolio_matrix", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    fn = "portfolio_matrix"
    check_choice(fn, "level", level, ("category", "domain"))
    check_choice(fn, "domain_rollup", domain_rollup, ("mean", "max"))
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
    }
    return frame
