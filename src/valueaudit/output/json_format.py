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

An interval is written ``[low, high]``; numbers are rounded to 4 decimals.
"""

from __future__ import annotations

import json
from typing import Any

from valueaudit import __version__
from valueaudit.engine import ProcessReport, ScanResult, TouchpointReport
from valueaudit.findings import Finding, count_by_severity
from valueaudit.output.numbers import interval, plain

FORMAT_VERSION = 1


def render(result: ScanResult) -> str:
    """The whole scan as JSON text, ending with a newline."""
    document = {
        "tool": {"name": "valueaudit", "version": __version__},
        "format_version": FORMAT_VERSION,
        "summary": summary_json(result),
        "processes": [process_json(p) for p in result.processes],
        "findings": [finding_json(f) for f in result.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def summary_json(result: ScanResult) -> dict[str, Any]:
    """Counts of files, valid processes and findings (and the baseline comparison)."""
    summary: dict[str, Any] = {
        "files": len(result.files),
        "processes": result.valid,
        "findings": count_by_severity(result.findings),
    }
    if result.baseline is not None:
        summary["baseline"] = {"known": result.baseline.known, "fixed": result.baseline.fixed}
    return summary


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
