"""The ``github`` format: GitHub Actions workflow commands, one per finding.

``::error file=F,line=L,col=C,title=T::MESSAGE``; info findings become ``notice``.
Messages escape ``%``, CR and LF; properties also escape ``:`` and ``,``, as the
Actions toolkit does.
"""

from __future__ import annotations

from valueaudit.engine import ScanResult
from valueaudit.findings import Severity
from valueaudit.rules import RULES

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult) -> str:
    """Workflow commands for every finding, then a one-line summary."""
    lines = []
    for finding in result.findings:
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
        lines.append(f"::{COMMANDS[finding.severity]} {properties}::{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
