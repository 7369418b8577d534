"""Exceptions and the located :class:`Issue` that every check reports.

One root exception, :class:`PolicyBenchError`; subclasses also inherit the fitting
builtin so that ``except ValueError`` keeps working for callers who do not know us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in an input, located precisely enough to fix it.

    Parameters
    ----------
    file : str
        The file the problem is in (as given by the caller, or the shipped path).
    line, column : int
        1-based position of the offending node; 0 when the position is unknown.
    code : str
        Stable slug such as ``unknown-code`` or ``duplicate-id``; see ``ISSUE_CODES``.
    path : str
        Location inside the document, e.g. ``measures[3].category``; ``""`` for the root.
    message : str
        One sentence for a person.
    expected, found : str
        What the schema or the check wanted, and what the file holds.
    hint : str
        How to fix it when that is knowable (``did you mean 'MKT.PARTNER_SYSTEM'?``).
    severity : {"error", "warning"}
        Errors make a dataset invalid; warnings do not.
    """

    file: str
    line: int
    column: int
    code: str
    path: str = ""
    message: str = ""
    expected: str = ""
    found: str = ""
    hint: str = ""
    severity: Severity = field(default="error")

    def location(self) -> str:
        """``file:line:column`` (line and column left out when unknown)."""
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        where = self.location() + (f" {self.path}" if self.path else "")
        text = f"{where}: {self.severity} [{self.code}] {self.message}"
        if self.expected or self.found:
            text += f" (expected {self.expected or '-'}; found {self.found or '-'})"
        if self.hint:
            text += f" {self.hint}"
        return text


#: Every issue code a check can emit, with its meaning. Codes are stable: never reused.
ISSUE_CODES: dict[str, str] = {
    "file-not-found": "the path does not exist or is not readable",
    "not-a-file": "the path is a folder, a pipe or a device, not a regular file",
    "file-too-large": "the file is larger than the size limit (10 MB unless POLICYBENCH_MAX_FILE_SIZE says otherwise)",
    "too-deep": "mappings and lists nested deeper than the limit (100 levels)",
    "alias-limit": "YAML aliases that expand too far (an 'alias bomb') or refer to themselves",
    "control-character": "a control character (escape, NUL, bell...) in the file or in a text value",
    "not-utf8": "the file is not valid UTF-8",
    "empty-file": "the file holds no document",
    "yaml-syntax": "the YAML cannot be parsed",
    "unsafe-tag": "a YAML tag that could construct arbitrary objects (only plain data is read)",
    "duplicate-key": "a key appears twice in one YAML mapping (YAML keeps only the last)",
    "wrong-type": "a value has the wrong type",
    "missing-field": "a required field is absent",
    "unknown-field": "a field that the schema does not define",
    "bad-value": "a value outside its allowed set or range",
    "bad-date": "a date that is not YYYY, YYYY-MM or YYYY-MM-DD, or not a real date",
    "bad-id": "an identifier that does not follow the id pattern",
    "too-long": "a text longer than its limit",
    "duplicate-id": "an id used twice (within a file or across files)",
    "unknown-code": "a category or domain code that the codebook does not define",
    "unknown-status": "a status that the codebook does not define",
    "bad-depth": "a depth that the codebook's depth rule does not define",
    # coding-protocol rules (policybench.data.protocol.PROTOCOL_RULES; docs/coding-protocol.md)
    "proposed-depth": "a proposed measure with depth above 1 (protocol D1)",
    "piloting-depth": "a piloting measure with depth 3 (protocol D1)",
    "discontinued-without-end": "a discontinued measure without an end date (protocol T1)",
    "depth3-without-indicator": "a depth-3 measure without any indicator of operation (protocol D4, warning)",
    "depth3-structural-only": "a depth-3 measure whose indicators only count the design (protocol D3, warning)",
    "high-without-support": "high confidence without a primary source or two non-reprint sources (protocol F1)",
    "single-reprint-above-low": "medium or high confidence on a single reprint or mirror (protocol F2, warning)",
    "indicator-after-source": "an indicator dated after the source that reports it (protocol Y4)",
    "unknown-source": "evidence or an indicator that cites a source id the zone does not list",
    "dangling-reference": "inspired_by or parent naming a zone or measure that does not exist",
    "end-before-start": "a measure that ends before it starts",
    "indicator-without-unit": "an indicator whose unit is missing or empty",
    "secondary-repeats-primary": "a secondary category equal to the primary category",
    "reprint-only-high": "a measure rated high confidence whose only sources are reprints",
    "no-zones": "a dataset folder with no zone file",
    "bad-output": "a batch output name with a placeholder other than {target} and {lang}",
    "output-outside": "a batch output outside the jobs file's folder (absolute or '..') without --allow-outside",
    "duplicate-output": "two batch jobs (or languages) that would write the same file",
    "parent-cycle": "a zone that is its own parent, directly or through other zones",
    "requires-cycle": "the codebook's requires relation has a cycle",
    "review-pending": "a machine-drafted measure not yet reviewed (never counted until the field is cleared)",
    "no-scope": "a zone file that declares no scope, so every category without a counted measure is unknown",
    "absent-contradicts-measure": "a category listed under absent that a counted measure of the zone carries",
    "measure-outside-scope": "a measure coded in a category outside the zone's declared scope (warning)",
    # the checklist (data format 2.0; coding protocol K4-K7)
    "absent-format-1": "an absent entry without basis or confidence (data format 1.x; warning, read as stated/medium)",
    "absent-without-evidence": "an absent entry whose basis needs a source but that cites none",
    "absent-without-search": "an absent entry on basis 'search' without a search record",
    "search-absence-high": "an absence resting on a search rated high confidence (protocol K5)",
    "empty-search": "a search record with neither a source read nor a query run",
    "repeated-entry": "a code or source listed twice in a scope list (a warning: the repeat is ignored)",
    "search-source-not-read": "a search-based absence citing sources not listed as read in full, without "
    "evidence (warning, protocol K5)",
    "state-conflict": "a category given two states (two entries, or an entry beside a counted measure)",
    "core-undecided": "core categories of the codebook left without any state in a zone file (warning)",
}


#: Issue codes that mean a file could not be read at all: the command line exits 2 for them.
IO_ISSUE_CODES = frozenset({"file-not-found", "not-a-file"})


class PolicyBenchError(Exception):
    """Root of every exception policybench raises on purpose."""


class PolicyBenchWarning(UserWarning):
    """Root of policybench's warnings: the result was produced, but with less than it should show."""


class InputError(PolicyBenchError, ValueError):
    """An input (file, id, parameter value) is wrong; the message says which and why."""


class UnknownIdError(PolicyBenchError, KeyError):
    """A zone, measure or category id that the dataset does not have."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataValidationError(InputError):
    """Loading found errors; ``.issues`` holds all of them, not only the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        head = "\n".join(str(i) for i in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s) in the input:\n{head}{more}")
