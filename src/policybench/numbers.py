"""How numbers are shown: one table of formats for every report format and the command line.

This module imports nothing from policybench, so the renderers, the Word writer and the CLI
all take their number formats from here.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["EXCEL_FORMATS", "NUMBER_FORMATS", "format_number", "shown"]


def format_number(value: Any, spec: str = ".2f", suffix: str = "") -> str:
    """``value`` formatted by ``spec``; an em dash for None or NaN.

    An undefined number (e.g. a DTF with no known applicable category) must never make a
    report fail.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format(value, spec) + suffix


#: How each kind of number is shown, to the precision the data support (one definition for
#: HTML, Markdown, DOCX, the XLSX number formats and the command line; JSON keeps the values).
#: Scores are depth/3 times 1 or the secondary weight (multiples of 1/6 by default) and their
#: means: two decimals tell every depth apart. DTF and its uplift are coarse (a three-level
#: depth scale): whole numbers. Shares and probabilities: whole percent.
NUMBER_FORMATS: dict[str, str] = {"score": ".2f", "dtf": ".0f", "share": ".0%", "similarity": ".2f", "rank": ".0f"}
#: The same, as Excel number formats (the XLSX cells keep the raw values).
EXCEL_FORMATS: dict[str, str] = {"score": "0.00", "dtf": "0", "share": "0%", "similarity": "0.00", "rank": "0"}


def shown(value: Any, kind: str) -> str:
    """``value`` as a report shows a number of ``kind`` (see ``NUMBER_FORMATS``); a dash when undefined.

    >>> shown(2 / 3, "score"), shown(58.09, "dtf"), shown(0.2163, "share"), shown(None, "dtf")
    ('0.67', '58', '22%', '—')
    """
    return format_number(value, NUMBER_FORMATS[kind])
