"""The ``github`` format: GitHub Actions workflow commands, one per finding.

``::error file=F,line=L,col=C,title=T::MESSAGE``; info findings become ``notice``.
Messages escape ``%``, CR and LF; properties also escape ``:`` and ``,``, as the
Actions toolkit does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import Finding, Severity
from valueaudit.output import Options
from valueaudit.rules import RULES

if TYPE_CHECKING:
    from valueaudit.engine import FileResult, Totals

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    """The workflow command of one finding."""
    title = f"{finding.code} {RULES[finding.code].name}"
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", finding.file),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", title),
        )
    )
    message = finding.message
    if finding.suggestion:
        message += f"\n{finding.suggestion}"
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(message)}\n"


def prepare(result: FileResult, options: Options) -> str:
    """One file's workflow commands (in the worker)."""
    return "".join(command(finding) for finding in result.findings)


class ScanWriter:
    """Workflow commands, written as each file's findings arrive."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out

    def add(self, piece: str) -> None:
        """Write one file's commands."""
        self.out.write(piece)

    def finish(self, totals: Totals) -> None:
        """Nothing is left to write."""
