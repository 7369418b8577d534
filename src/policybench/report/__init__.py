"""Gap reports people read: HTML, Markdown, JSON and XLSX, in Chinese or English."""

from __future__ import annotations

from .render import FORMATS, GapReport, report

__all__ = ["FORMATS", "GapReport", "report"]
