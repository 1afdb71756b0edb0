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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO

from valueaudit import __version__
from valueaudit.engine import FileReport, ProcessReport, ScanResult
from valueaudit.findings import Finding
from valueaudit.interval import Interval
from valueaudit.output.numbers import json_interval, json_number, plain

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
            findings.append((duplicate.sort_key, duplicate.severity.value, finding_line(duplicate)))
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


def encode_report(report: FileReport) -> EncodedReport:
    """Encode a report for :meth:`JsonWriter.add_encoded` (picklable, cheap to send)."""
    return EncodedReport(
        valid=report.valid,
        process=None if report.process is None else process_line(report.process),
        findings=tuple((f.sort_key, f.severity.value, finding_line(f)) for f in report.findings),
    )


def _spool() -> tempfile.SpooledTemporaryFile[str]:
    return tempfile.SpooledTemporaryFile(_SPOOL_BYTES, mode="w+", encoding="utf-8")


# What the encoder escapes strings with when ``ensure_ascii`` is off (C, when built).
_string = json.encoder.encode_basestring


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


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


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _intervals(values: Mapping[str, Interval], keys: Mapping[str, str]) -> str:
    """A mapping of parties to intervals; ``keys`` holds the parties already written
    as JSON keys (every touchpoint names the same few)."""
    return (
        "{"
        + ", ".join(
            [(keys.get(p) or _string(p) + ": ") + json_interval(v) for p, v in values.items()]
        )
        + "}"
    )


def process_line(process: ProcessReport) -> str:
    """One process and its scores, as the line the document holds.

    Written as text directly rather than as dicts for the encoder: a report holds
    hundreds of numbers, and this is the formatter's inner loop. Strings go through the
    encoder's own escaping, numbers through :func:`json_number`, so the text is what
    ``json.dumps`` would write.
    """
    keys = {party: _string(party) + ": " for party in process.received}
    balance = ", ".join(
        [
            f'{keys[party]}{{"received": {json_interval(received)}, '
            f'"share": {json_interval(process.share[party])}}}'
            for party, received in process.received.items()
        ]
    )
    touchpoints = ", ".join(
        [
            f'{{"id": {_string(t.id)}, "line": {t.line}, "stage": {_text(t.stage)}, '
            f'"practice": {_text(t.practice)}, "channel": {_text(t.channel)}, '
            f'"volume": {json_number(t.volume)}, "disparity": {json_interval(t.disparity)}, '
            f'"favoured": {_text(t.favoured)}, "received": {_intervals(t.received, keys)}, '
            f'"cumulative": {_intervals(t.cumulative, keys)}, "praxis": {_text(t.praxis)}}}'
            for t in process.touchpoints
        ]
    )
    clarity = "null" if process.clarity is None else json_number(process.clarity)
    return (
        f'{{"id": {_string(process.id)}, "name": {_string(process.name)}, '
        f'"file": {_string(process.file)}, "disparity": {json_interval(process.disparity)}, '
        f'"clarity": {clarity}, "favoured": {_text(process.favoured)}, '
        f'"balance": {{{balance}}}, "touchpoints": [{touchpoints}]}}'
    )


def finding_line(finding: Finding) -> str:
    """One finding as the line the document holds: the text ``json.dumps`` writes for
    :func:`finding_json`, written directly (see :func:`process_line`)."""
    gain = "null" if finding.gain is None else json_number(finding.gain)
    return (
        f'{{"code": {_string(finding.code)}, "severity": "{finding.severity.value}", '
        f'"message": {_string(finding.message)}, "file": {_string(finding.file)}, '
        f'"line": {finding.line}, "column": {finding.column}, '
        f'"process": {_text(finding.process)}, "touchpoint": {_text(finding.touchpoint)}, '
        f'"path": {_string(finding.path)}, "suggestion": {_text(finding.suggestion)}, '
        f'"gain": {gain}}}'
    )


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding, as a mapping (for documents encoded as a whole, like ``diff``'s)."""
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
