"""Write a gap report as PDF: the HTML report laid out by WeasyPrint with its print stylesheet.

WeasyPrint is an optional dependency (``pip install 'policybench[pdf]'``) that needs Pango
from the system, and a Chinese report needs a CJK font that fontconfig can find. When either
is missing the error says which and how to install it; a PDF is never written without them
(no blank or tofu pages).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..data.io import write_with
from ..errors import PolicyBenchError

__all__ = ["PDF_INSTALL", "cjk_fonts", "write_pdf"]

PDF_INSTALL = (
    "pip install 'policybench[pdf]' (WeasyPrint), and its system libraries, on Debian/Ubuntu: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)
CJK_INSTALL = "apt-get install fonts-noto-cjk (Debian/Ubuntu), dnf install google-noto-sans-cjk-fonts (Fedora)"


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise PolicyBenchError(f"writing .pdf needs WeasyPrint, which is not installed: {PDF_INSTALL}") from None
    except OSError as exc:  # WeasyPrint is there but Pango (a C library) is not
        raise PolicyBenchError(
            f"writing .pdf needs the Pango library, which WeasyPrint could not load ({exc}): {PDF_INSTALL}"
        ) from None
    return weasyprint


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese text (empty when there is none, or no fc-list)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({name.strip() for line in out.splitlines() for name in line.split(",")[:1] if name.strip()})


def write_pdf(html: str, path: str | os.PathLike[str], *, lang: str) -> Path:
    """Lay out ``html`` (a report page) as PDF at ``path``; atomic.

    Raises
    ------
    PolicyBenchError
        WeasyPrint or Pango is missing, or a Chinese report finds no CJK font; the message
        names what is missing and how to install it.
    """
    weasyprint = _weasyprint()
    if lang == "zh" and not cjk_fonts():
        raise PolicyBenchError(f"a Chinese PDF needs a CJK font and fontconfig lists none: {CJK_INSTALL}")
    document = weasyprint.HTML(string=html, base_url=None).render()
    if not document.pages:
        raise PolicyBenchError("WeasyPrint laid out no page for the report; nothing was written")
    write_with(path, lambda tmp: document.write_pdf(str(tmp)))
    return Path(path)
