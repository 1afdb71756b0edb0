"""Findings: the plain, immutable data every stage of valueaudit hands on."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

#: A position inside a YAML document: mapping keys and sequence indexes.
YamlPath = tuple[str | int, ...]


class Severity(enum.Enum):
    """How serious a finding is; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """A number that orders severities: info 0, warning 1, error 2."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def format_path(path: YamlPath) -> str:
    """Write a YAML path the way users read it: ``touchpoints[1].flows[0].value``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem or opportunity, located in a file.

    ``line`` and ``column`` are 1-based and point at the offending key or value.
    ``gain`` is set on opportunities (VA2xx-VA5xx) and orders them.
    """

    code: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    process: str | None = None
    touchpoint: str | None = None
    path: str = ""
    suggestion: str | None = None
    gain: float | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, position, code and message."""
        return (self.file, self.line, self.column, self.code, self.message)


def count_by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    """Count findings per severity, always with all three keys, most severe first."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts
