"""The HTML report in a real browser: it renders, stays offline, and shows injected markup as text.

Runs headless Chromium from the system (Debian package ``chromium``, with ``fonts-noto-cjk`` for
the Chinese text) through Playwright's Python package; Playwright's own browser downloads are
never used. Skipped when either is missing, except on CI (``CI=true``), where it must run.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

import policybench
from policybench.data.model import Scope
from policybench.gaps import simulate
from policybench.report import report

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET = "tianjin-htz"
MODELS = ["wuhan-city-partner", "donghu-htz"]
PAYLOAD = "<script>alert(1)</script>"
GENERATED = "2020-01-01"  # fixed report date: the page does not depend on the day the test runs


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail on CI where the browser test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"browser test cannot run: {reason}. CI=true requires it: install the Debian packages "
            "'chromium' and 'fonts-noto-cjk' and the 'playwright' Python package (never 'playwright install')",
            pytrace=False,
        )
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian package 'chromium')")
    with sync_playwright() as pw:
        # Default launch: Playwright gives the browser a fresh, temporary user-data dir.
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """A page opened on one file, with everything it did recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_renders_offline_in_chromium(browser: Any, tmp_path: Path) -> None:
    gap = policybench.assess(policybench.load_dataset(), TARGET, against=MODELS, draws=100)
    html = report(gap, lang="zh", generated=GENERATED).save(tmp_path / "report.html")
    visit = Visit(browser, html)
    try:
        page = visit.page
        assert visit.errors == []
        assert visit.requests == [visit.url], "the report must load nothing but itself"

        title = page.inner_text("h1")
        assert "天津" in title and "对标" in title, title
        body = page.inner_text("body")
        assert title in body

        charts = page.query_selector_all("svg")
        assert len(charts) >= 2, "expected the domain and the gap charts"
        for chart in charts:
            box = chart.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50, box
            labels = [t.text_content() or "" for t in chart.query_selector_all("text")]
            assert len(labels) > 5 and all(label.strip() for label in labels), labels
        chart_text = " ".join(t.text_content() or "" for t in page.query_selector_all("svg text"))
        # charts labelled in Chinese, domains and categories alike; tooltips too: names, never codes
        domains = gap.gap.domain_table()
        assert domains["label_zh"].iloc[0] in chart_text
        assert gap.gap.known_table()["label_zh"].iloc[0] in chart_text
        from test_report_language import _given_names, _ids, leaks

        shipped = gap.dataset
        assert not leaks(body + chart_text, "zh", _given_names(shipped, "zh"), _ids(shipped))

        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        width, height = _png_size(shot)
        assert shot.stat().st_size > 50_000, shot.stat().st_size
        assert width >= 1000 and height > 2000, (width, height)
        assert visit.dialogs == []
    finally:
        visit.close()


def test_injected_markup_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    shipped = policybench.load_dataset()
    # Tianjin as if its coders had examined every domain, so that the partner system is ranked
    # whatever the shipped scope says (this test is about escaping, not about the data).
    everything = Scope(examined=list(shipped.codebook.domain_codes))
    ds = shipped.replace_zones(
        [z.model_copy(update={"scope": everything}) if z.id == TARGET else z for z in shipped.zones]
    )
    # A what-if Wuhan measure whose (English) title is markup: it becomes an exemplar of the
    # partner-system recommendation, so the English report prints its title.
    whatif = simulate(ds, "wuhan-city-partner", add=[{"category": "MKT.PARTNER_SYSTEM", "depth": 3, "title": PAYLOAD}])
    gap = policybench.assess(whatif, TARGET, against=MODELS, draws=100)
    rendered = report(gap, lang="en", generated=GENERATED)
    exemplar_titles = [e["title_en"] for r in rendered.content["recommendations"] for e in r["exemplars"]]
    assert PAYLOAD in exemplar_titles, "the payload must reach the page for this test to mean anything"
    html = rendered.save(tmp_path / "report.html")

    visit = Visit(browser, html)
    try:
        page = visit.page
        assert visit.dialogs == []
        assert page.query_selector_all("script") == []
        assert PAYLOAD in page.inner_text("body")
        assert visit.errors == []
        assert visit.requests == [visit.url]
    finally:
        visit.close()
