from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The cache of validated zone files in a fresh folder of this session, never the user's."""
    if not os.environ.get("POLICYBENCH_CACHE_DIR"):
        os.environ["POLICYBENCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="policybench-tests-cache-")
        config.stash[_CACHE_KEY] = os.environ["POLICYBENCH_CACHE_DIR"]


def pytest_unconfigure(config: pytest.Config) -> None:
    made = config.stash.get(_CACHE_KEY, None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
        if os.environ.get("POLICYBENCH_CACHE_DIR") == made:
            del os.environ["POLICYBENCH_CACHE_DIR"]


_CACHE_KEY = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def toy_codebook_path() -> Path:
    return DATA / "toy" / "codebook.yaml"


@pytest.fixture(scope="session")
def shipped():
    from policybench import load_dataset

    return load_dataset()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store",
        type=int,
        nargs="?",
        const=50_000,
        default=None,
        metavar="N",
        help="run the zone-file fuzzer for N random examples (default 50,000) instead of 2,000 fixed ones",
    )


@pytest.fixture(scope="session")
def shipped_examined(shipped):
    """The shipped data as if every zone's coders had examined every domain.

    Method tests on real text use it so that they do not depend on how far the data's
    scopes have got; data tests pinned to the data's version use ``shipped``.
    """
    from _checklist import examined

    return examined(shipped, {z.id: shipped.codebook.domain_codes for z in shipped.zones})


# ------------------------------------------------------------------ system packages
#: Debian packages some tests need, and how to tell whether each is there. On CI (CI=true)
#: .ci/run installs them and a test that needs a missing one fails; elsewhere it is skipped
#: with the install command, and the session header names what is missing before any test runs.
SYSTEM_PACKAGES: dict[str, str] = {
    "chromium": "the browser test of the HTML report",
    "poppler-utils": "the PDF tests (pdftoppm, pdftotext read the PDF back)",
    "fonts-noto-cjk": "Chinese text in PDF pages and browser screenshots",
    "libpangoft2-1.0-0": "PDF reports (WeasyPrint needs Pango)",
}


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    listing = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(listing.strip())


def _present(package: str) -> bool:
    if package == "chromium":
        return Path("/usr/bin/chromium").exists() or shutil.which("chromium") is not None
    if package == "poppler-utils":
        return bool(shutil.which("pdftoppm") and shutil.which("pdftotext"))
    if package == "fonts-noto-cjk":
        return _has_cjk_font()
    return ctypes.util.find_library("pangoft2-1.0") is not None


def missing_system_packages(*packages: str) -> list[str]:
    """The named Debian packages (all of SYSTEM_PACKAGES when none is named) that are not installed."""
    return [p for p in (packages or tuple(SYSTEM_PACKAGES)) if not _present(p)]


def require_system(*packages: str) -> None:
    """Skip the calling test (fail it on CI) when a system package it needs is missing."""
    missing = missing_system_packages(*packages)
    if not missing:
        return
    message = f"needs the system package(s) {', '.join(missing)}: sudo apt-get install {' '.join(missing)}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (.ci/run installs them on CI)")
    pytest.skip(message)


def pytest_report_header(config: pytest.Config) -> list[str]:
    missing = missing_system_packages()
    if not missing:
        return ["system packages for the report tests: all present"]
    what = "; ".join(f"{p} ({SYSTEM_PACKAGES[p]})" for p in missing)
    verdict = "their tests FAIL (CI=true)" if os.environ.get("CI") == "true" else "their tests are skipped"
    return [
        f"system packages missing: {what}",
        f"  {verdict}; install with: sudo apt-get install {' '.join(missing)}",
    ]
