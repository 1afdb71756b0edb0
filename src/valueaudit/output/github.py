"""The ``github`` format: GitHub Actions workflow commands, one per finding.

``::error file=F,line=L,col=C,title=T::MESSAGE``; info findings become ``notice``.
Messages escape ``%``, CR and LF; properties also escape ``:`` and ``,``, as the
Actions toolkit does.

GitHub shows only 10 annotations of each level per step and drops the rest silently,
so the commands come errors first, then warnings, then notices, each by gain (SPEC §7).
When a level has more than fits, the annotations are the best of each level, every
finding follows as a plain log line (in path order, spooled, so memory stays bounded),
and one last ``::notice::`` says how many there are and where to see them all.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import SORT_KEY, Finding, Severity, TopN
from valueaudit.output import Options, shown_file
from valueaudit.output.files import Spool
from valueaudit.rules import RULES

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.scan import Summary

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


#: Annotations GitHub shows per level and step.
SHOWN_PER_LEVEL = 10

#: One finding as the writer keeps it: its place (level, gain, position) and itself (its
#: command is written only for the few annotations kept).
_Annotation = tuple[tuple[int, float, tuple[str, int, int, str, str]], Finding]


def _place(finding: Finding) -> tuple[int, float, tuple[str, int, int, str, str]]:
    return (-finding.severity.rank, -(finding.gain or 0.0), SORT_KEY(finding))


def prepare(result: FileResult, options: Options) -> tuple[_Annotation, ...]:
    """One file's findings with their places (in the worker; the findings themselves
    cross to the main process anyway, so this adds only the places)."""
    return _placed(result.findings)


def _placed(findings: tuple[Finding, ...]) -> tuple[_Annotation, ...]:
    return tuple((_place(f), f) for f in findings)


class ScanWriter:
    """Workflow commands: the best of each level first, then, if some did not fit,
    every finding as a plain line and a closing notice."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.levels = {
            severity.rank: TopN[_Annotation](SHOWN_PER_LEVEL, operator.itemgetter(0))
            for severity in Severity
        }
        self.lines = Spool()

    def add(self, piece: tuple[_Annotation, ...]) -> None:
        """Keep one file's best findings per level, and all of them as plain lines."""
        for annotation in piece:
            self.levels[-annotation[0][0]].push(annotation)
        lines = (
            f"{shown_file(f.file)}:{f.line}:{f.column} {f.code} {f.message}\n" for _, f in piece
        )
        self.lines.write("".join(lines))

    def finish(self, totals: Summary) -> None:
        """Write the annotations, and what did not fit (the scan-level findings taken as
        every file's are)."""
        for _, findings in totals.placed():
            self.add(_placed(findings))
        crowded = any(level.seen > SHOWN_PER_LEVEL for level in self.levels.values())
        for severity in sorted(Severity, key=lambda s: -s.rank):
            best = self.levels[severity.rank].best()
            if crowded and severity is Severity.INFO:
                best = best[: SHOWN_PER_LEVEL - 1]  # the closing notice is the tenth
            self.out.write("".join(command(finding) for _, finding in best))
        if not crowded:
            return
        counts = totals.counts
        self.out.write("All findings:\n")
        self.lines.copy_to(self.out)
        errors, warnings = counts["error"], counts["warning"]
        summary = (
            f"valueaudit: {errors} error{'s' * (errors != 1)}, {warnings} "
            f"warning{'s' * (warnings != 1)}, {counts['info']} info in {totals.files} "
            f"file{'s' * (totals.files != 1)}; GitHub shows {SHOWN_PER_LEVEL} of "
            "each level, the best by gain: the log above lists every one, and so does code "
            "scanning (-f sarif); the job summary (-f markdown) ranks them, within its size "
            "limit"
        )
        self.out.write(f"::notice title=valueaudit::{escape_data(summary)}\n")
