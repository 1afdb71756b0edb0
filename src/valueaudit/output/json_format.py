"""The ``json`` format: a documented, versioned object with a stable key order.

Shape (SPEC §7; keys may be added in later versions, none removed or renamed)::

    {"tool": {"name", "version"}, "format_version": 1,
     "summary": {"files", "processes", "findings": {"error", "warning", "info"}},
     "processes": [{"id", "name", "file", "disparity", "clarity", "favoured",
                    "balance": {party: {"received", "share"}},
                    "touchpoints": [{"id", "line", "stage", "practice", "channel",
                                     "volume", "disparity", "favoured", "received",
                                     "cumulative", "praxis"}]}],
     "findings": [{"code", "severity", "message", "file", "line", "column", "process",
                   "touchpoint", "path", "suggestion", "gain"}]}

An interval is written ``[low, high]``; numbers are rounded to 4 decimals. Each
process and each finding stands on a line of its own.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO

from valueaudit import __version__
from valueaudit.engine import FileReport, ProcessReport, ScanResult, TouchpointReport
from valueaudit.findings import Finding
from valueaudit.output.numbers import interval, plain

if TYPE_CHECKING:
    from valueaudit.baseline import BaselineSummary

_SPOOL_BYTES = 8 * 1024 * 1024

FORMAT_VERSION = 1


class JsonWriter:
    """Writes the ``json`` format from file reports as they arrive, in flat memory.

    Processes and findings are encoded one per line into spooled temporary files (in
    memory while small, on disk beyond that); :meth:`finish` writes the summary, which
    comes first in the document, and then copies them out.
    """

    def __init__(self) -> None:
        # the spools live until finish() copies and closes them
        self._processes = _spool()
        self._findings = _spool()
        self._files = 0
        self._valid = 0
        self._counts = {"error": 0, "warning": 0, "info": 0}
        self._any_process = False
        self._any_finding = False

    def add(self, report: FileReport) -> None:
        """Take one file's report (in path order)."""
        self.add_encoded(encode_report(report))

    def add_encoded(self, encoded: EncodedReport, duplicate: Finding | None = None) -> None:
        """Take one file's report as a worker encoded it, with the scan's VA104."""
        self._files += 1
        self._valid += encoded.valid
        if encoded.process is not None:
            self._processes.write(",\n  " if self._any_process else "\n  ")
            self._processes.write(encoded.process)
            self._any_process = True
        findings = list(encoded.findings)
        if duplicate is not None:
            findings.append((duplicate.sort_key, duplicate.severity.value, _line(duplicate)))
            findings.sort(key=lambda item: item[0])
        for _, severity, line in findings:
            self._counts[severity] += 1
            self._findings.write(",\n  " if self._any_finding else "\n  ")
            self._findings.write(line)
            self._any_finding = True

    @property
    def counts(self) -> dict[str, int]:
        """Findings so far, per severity."""
        return dict(self._counts)

    def finish(self, out: TextIO, baseline: BaselineSummary | None = None) -> None:
        """Write the whole document to ``out``."""
        summary: dict[str, Any] = {
            "files": self._files,
            "processes": self._valid,
            "findings": dict(self._counts),
        }
        if baseline is not None:
            summary["baseline"] = {"known": baseline.known, "fixed": baseline.fixed}
        tool = {"name": "valueaudit", "version": __version__}
        out.write(f'{{"tool": {_dumps(tool)}, "format_version": {FORMAT_VERSION},\n')
        out.write(f' "summary": {_dumps(summary)},\n "processes": [')
        for part, closing in ((self._processes, '],\n "findings": ['), (self._findings, "]}\n")):
            part.seek(0)
            shutil.copyfileobj(part, out)
            out.write(closing)
            part.close()


@dataclass(frozen=True, slots=True)
class EncodedReport:
    """A file's report as JSON lines, made in the worker that audited it."""

    valid: bool
    process: str | None
    findings: tuple[tuple[tuple[str, int, int, str, str], str, str], ...]


def _line(finding: Finding) -> str:
    return _dumps(finding_json(finding))


def encode_report(report: FileReport) -> EncodedReport:
    """Encode a report for :meth:`JsonWriter.add_encoded` (picklable, cheap to send)."""
    return EncodedReport(
        valid=report.valid,
        process=_dumps(process_json(report.process)) if report.process is not None else None,
        findings=tuple((f.sort_key, f.severity.value, _line(f)) for f in report.findings),
    )


def _spool() -> tempfile.SpooledTemporaryFile[str]:
    return tempfile.SpooledTemporaryFile(_SPOOL_BYTES, mode="w+", encoding="utf-8")


# One encoder for every line: json.dumps builds a new one per call unless every option
# is the default, and a report is many small lines.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


def render(result: ScanResult) -> str:
    """The whole scan as JSON text, ending with a newline."""
    writer = JsonWriter()
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:  # after a baseline, fewer than the reports hold
        by_file.setdefault(finding.file, []).append(finding)
    for report in result.files:
        writer.add(replace(report, findings=tuple(by_file.get(report.file, ()))))
    out = io.StringIO()
    writer.finish(out, result.baseline)
    return out.getvalue()


def process_json(process: ProcessReport) -> dict[str, Any]:
    """One process and its scores."""
    return {
        "id": process.id,
        "name": process.name,
        "file": process.file,
        "disparity": interval(process.disparity),
        "clarity": None if process.clarity is None else plain(process.clarity),
        "favoured": process.favoured,
        "balance": {
            party: {
                "received": interval(process.received[party]),
                "share": interval(process.share[party]),
            }
            for party in process.received
        },
        "touchpoints": [touchpoint_json(t) for t in process.touchpoints],
    }


def touchpoint_json(touchpoint: TouchpointReport) -> dict[str, Any]:
    """One touchpoint and its scores."""
    return {
        "id": touchpoint.id,
        "line": touchpoint.line,
        "stage": touchpoint.stage,
        "practice": touchpoint.practice,
        "channel": touchpoint.channel,
        "volume": plain(touchpoint.volume),
        "disparity": interval(touchpoint.disparity),
        "favoured": touchpoint.favoured,
        "received": {p: interval(v) for p, v in touchpoint.received.items()},
        "cumulative": {p: interval(v) for p, v in touchpoint.cumulative.items()},
        "praxis": touchpoint.praxis,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "process": finding.process,
        "touchpoint": finding.touchpoint,
        "path": finding.path,
        "suggestion": finding.suggestion,
        "gain": None if finding.gain is None else plain(finding.gain),
    }
