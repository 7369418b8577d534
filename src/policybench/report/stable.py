"""Identical runs give identical bytes: Office files (zip) without the time they were written.

A .docx or .xlsx is a zip whose entries carry the time they were written and whose
``docProps/core.xml`` says when the document was created and modified. Both are set from the
report's date, so the same report written twice, on any day, is the same file.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["stable_zip"]

_STAMPS = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def stable_zip(path: str | Path, date: str) -> None:
    """Rewrite the zip at ``path`` in place: every entry dated ``date`` (YYYY-MM-DD), core.xml stamps too.

    Entries keep their order, names, compression and contents otherwise.
    """
    year, month, day = (int(p) for p in date[:10].split("-"))
    stamp = (max(year, 1980), month, day, 0, 0, 0)
    target = Path(path)
    with zipfile.ZipFile(target) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(target, "w") as out:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _STAMPS.sub(lambda m: m.group(1) + f"{date[:10]}T00:00:00Z".encode() + m.group(3), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            fixed.create_system = 0
            out.writestr(fixed, data)
