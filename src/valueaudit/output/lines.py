"""The lines the ``text`` format shares with quiet runs, as (text, style) segments.

:mod:`valueaudit.output.text` prints them with rich, coloured in a terminal;
:func:`write_plain` writes the quiet output (findings and the summary) without
importing rich at all, for pipes and pre-commit, where every 50 ms of start-up counts.
"""

from __future__ import annotations

import os
import sys
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import Finding, Severity, count_by_severity

if TYPE_CHECKING:
    from valueaudit.engine import ScanResult

#: A piece of a line and its rich style ("" for none).
Segment = tuple[str, str]

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_segments(finding: Finding) -> list[Segment]:
    """``file:line:col CODE message``, the code styled by severity."""
    return [
        (f"{finding.file}:{finding.line}:{finding.column}", "bold"),
        (" ", ""),
        (finding.code, SEVERITY_STYLE[finding.severity]),
        (" ", ""),
        (finding.message, ""),
    ]


def summary_segments(result: ScanResult) -> list[Segment]:
    """``3 files, 2 processes: 1 error, 2 warnings, 0 info`` and, with a baseline, how
    many findings it hides and how many were fixed since."""
    counts = count_by_severity(result.findings)
    files = len(result.files)
    processes = result.valid
    baseline = ""
    if result.baseline is not None:
        baseline = (
            f" ({result.baseline.known} known from the baseline not shown; "
            f"{result.baseline.fixed} findings fixed since the baseline)"
        )
    errors, warnings, infos = counts["error"], counts["warning"], counts["info"]
    return [
        (f"{files} file{'s' * (files != 1)}, {processes} process{'es' * (processes != 1)}: ", ""),
        (f"{errors} error{'s' * (errors != 1)}", SEVERITY_STYLE[Severity.ERROR]),
        (", ", ""),
        (f"{warnings} warning{'s' * (warnings != 1)}", SEVERITY_STYLE[Severity.WARNING]),
        (", ", ""),
        (f"{infos} info", SEVERITY_STYLE[Severity.INFO]),
        (baseline, ""),
    ]


def by_file(findings: tuple[Finding, ...]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by file, in their (sorted) order."""
    return [(file, list(group)) for file, group in groupby(findings, key=lambda f: f.file)]


def colour_wanted(stream: TextIO) -> bool:
    """Whether rich would style ``stream``: a terminal, or colour forced by the
    environment (``FORCE_COLOR``, ``TTY_COMPATIBLE=1``)."""
    return (
        stream.isatty()
        or bool(os.environ.get("FORCE_COLOR"))
        or os.environ.get("TTY_COMPATIBLE") == "1"
    )


def write_plain(result: ScanResult, out: TextIO | None = None) -> None:
    """The quiet text output without styles, to ``out`` (stdout): findings by file, then
    the summary."""
    out = out or sys.stdout
    for file, findings in by_file(result.findings):
        out.write(f"{file}\n")
        for finding in findings:
            out.write("".join(text for text, _ in finding_segments(finding)) + "\n")
        out.write("\n")
    out.write("".join(text for text, _ in summary_segments(result)) + "\n")
