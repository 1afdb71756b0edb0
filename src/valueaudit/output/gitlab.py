"""The ``gitlab`` format: GitLab Code Quality JSON.

Severity mapping: error -> ``critical``, warning -> ``major``, info -> ``info``.
Fingerprints are unique and do not depend on line numbers. One issue a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from valueaudit.findings import Finding, Severity, fingerprints
from valueaudit.output import Options
from valueaudit.output.encoding import dumps
from valueaudit.rules import RULES

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.scan import Summary

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
CATEGORIES = {"1": "Bug Risk", "2": "Complexity", "3": "Clarity", "4": "Complexity"}


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    """One Code Quality issue."""
    rule = RULES[finding.code]
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.message}",
        "content": {"body": finding.suggestion or rule.summary},
        "categories": [CATEGORIES.get(rule.family, "Style")],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint,
        "location": {"path": finding.file, "lines": {"begin": finding.line}},
    }


def prepare(result: FileResult, options: Options) -> tuple[str, ...]:
    """One file's issues, each encoded on one line (a fingerprint counts within its
    file)."""
    return _encoded(result.findings)


def _encoded(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    return tuple(
        "  " + dumps(issue(finding, fingerprint))
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    )


class ScanWriter:
    """A Code Quality report (a JSON array of issues), written as findings arrive."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.any = False

    def add(self, piece: tuple[str, ...]) -> None:
        """Write one file's issues."""
        for text in piece:
            self.out.write(",\n" if self.any else "[\n")
            self.out.write(text)
            self.any = True

    def finish(self, totals: Summary) -> None:
        """Write the scan-level findings and close the array."""
        for _, findings in totals.placed():
            self.add(_encoded(findings))
        self.out.write("\n]\n" if self.any else "[]\n")
