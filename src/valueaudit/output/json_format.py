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
process and each finding stands on a line of its own, written by the standard ``json``
encoder as the file's result arrives; the summary, which comes first, is written at the
end, the lines having waited in a spool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from valueaudit.interval import Interval
from valueaudit.numbers import json_interval, plain
from valueaudit.output.encoding import dumps
from valueaudit.output.files import Spool
from valueaudit.output.ledger_report import PortfolioPieces
from valueaudit.version import __version__

if TYPE_CHECKING:
    from valueaudit.diff import DiffPart, DiffTotals, ProcessChange
    from valueaudit.engine import FileResult
    from valueaudit.findings import Finding
    from valueaudit.output import Options
    from valueaudit.portfolio import Disparities, Ledger, PartyTotals
    from valueaudit.scan import Summary
    from valueaudit.simulation import Verdict

FORMAT_VERSION = 1

class Document:
    """A JSON object whose leading keys are known only at the end, followed by arrays
    filled item by item: each array waits in a :class:`Spool`, one item a line."""

    def __init__(self, arrays: tuple[str, ...]) -> None:
        self._arrays = {name: Spool() for name in arrays}

    def append(self, array: str, item: object) -> None:
        """Add one item to an array."""
        self.append_text(array, dumps(item))

    def append_text(self, array: str, text: str) -> None:
        """Add one item, already encoded, to an array."""
        spool = self._arrays[array]
        spool.write(",\n  " if not spool.empty else "\n  ")
        spool.write(text)

    def finish(self, out: TextIO, head: dict[str, Any]) -> None:
        """Write the object: ``head``'s keys first (the first two on one line), then the
        arrays."""
        keys = list(head.items())
        first = ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in keys[:2])
        out.write("{" + first)
        for key, value in keys[2:]:
            out.write(f",\n {dumps(key)}: {dumps(value)}")
        for name, spool in self._arrays.items():
            out.write(f",\n {dumps(name)}: [")
            spool.copy_to(out)
            out.write("]")
        out.write("}\n")


def _tool() -> dict[str, str]:
    return {"name": "valueaudit", "version": __version__}


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding, as the document holds it."""
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


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """What the draws say of a touchpoint or a process (``--simulate``)."""
    return {
        "threshold": plain(verdict.threshold),
        "p_above": plain(verdict.p_above),
        "favoured": {party: plain(share) for party, share in verdict.favoured.items()},
        "d_mean": plain(verdict.d_mean),
        "d_p05": plain(verdict.d_p05),
        "d_p95": plain(verdict.d_p95),
        "measure_first": [
            {
                "touchpoint": m.touchpoint,
                "flow": m.index,
                "gives": m.gives,
                "share": plain(round(m.share, 2)),
            }
            for m in verdict.measure_first
        ],
    }


def process_json(result: FileResult) -> dict[str, Any]:
    """One scored process, as the document holds it; with ``--simulate``, the process
    and its uncertain touchpoints carry a ``simulation`` object."""
    process, score = result.process, result.score
    assert process is not None and score is not None
    document: dict[str, Any] = {
        "id": process.id,
        "name": process.title,
        "file": result.file,
        "disparity": json_interval(score.disparity),
        "clarity": _clarity(score.clarity),
        "favoured": score.favoured,
        "balance": {
            party: {"received": json_interval(received), "share": json_interval(score.share[party])}
            for party, received in score.received.items()
        },
        "touchpoints": [
            {
                "id": touchpoint.id,
                "line": line,
                "stage": touchpoint.stage,
                "practice": touchpoint.practice,
                "channel": touchpoint.channel,
                "volume": plain(scores.volume),
                "disparity": json_interval(scores.disparity),
                "favoured": scores.favoured,
                "received": {p: json_interval(v) for p, v in scores.received.items()},
                "cumulative": {p: json_interval(v) for p, v in scores.cumulative.items()},
                "praxis": scores.praxis,
            }
            for touchpoint, scores, line in zip(
                process.touchpoints, score.touchpoints, result.touchpoint_lines, strict=True
            )
        ],
    }
    simulation = result.simulation
    if simulation is not None:
        for entry, verdict in zip(document["touchpoints"], simulation.touchpoints, strict=True):
            if verdict is not None:
                entry["simulation"] = verdict_json(verdict)
        whole: dict[str, Any] = {"samples": simulation.samples, "seed": simulation.seed}
        if simulation.process is not None:
            whole.update(verdict_json(simulation.process))
        document["simulation"] = whole
    return document


#: A file's part of the document: its process line (if scored) and its finding lines.
Piece = tuple[str | None, tuple[str, ...]]


def prepare(result: FileResult, options: Options) -> Piece:
    """Encode one file's process and findings (in the worker)."""
    scored = result.process is not None and result.score is not None
    process = dumps(process_json(result)) if scored else None
    return process, tuple(dumps(finding_json(finding)) for finding in result.findings)


class ScanWriter:
    """The scan as one JSON document, written as results arrive."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.document = Document(("processes", "findings"))

    def add(self, piece: Piece) -> None:
        """Take one file's part."""
        process, findings = piece
        if process is not None:
            self.document.append_text("processes", process)
        for finding in findings:
            self.document.append_text("findings", finding)

    def finish(self, totals: Summary) -> None:
        """Write the document, the scan-level findings after every file's."""
        for finding in totals.findings:
            self.document.append("findings", finding_json(finding))
        summary: dict[str, Any] = {
            "files": totals.files,
            "processes": totals.valid,
            "findings": totals.counts,
        }
        if totals.baseline_known is not None:
            summary["baseline"] = {"known": totals.baseline_known, "fixed": totals.baseline_fixed}
        head: dict[str, Any] = {
            "tool": _tool(),
            "format_version": FORMAT_VERSION,
            "summary": summary,
        }
        if totals.ledger is not None:
            head["portfolio"] = ledger_json(totals.ledger)
        self.document.finish(self.out, head)


def _clarity(clarity: float | None) -> int | float | None:
    return None if clarity is None else plain(clarity)


def _pair(before: Interval | None, after: Interval | None) -> dict[str, object]:
    return {"old": json_interval(before), "new": json_interval(after)}


def _change_json(change: ProcessChange) -> dict[str, Any]:
    from valueaudit.diff import parties_of

    old, new = change.old_score, change.new_score
    parties = parties_of(change)

    def pair(before: object, after: object) -> dict[str, object]:
        return {"old": before, "new": after}

    return {
        "id": change.id,
        "file": pair(change.old.file, change.new.file),
        "disparity": _pair(old.disparity, new.disparity),
        "clarity": pair(_clarity(old.clarity), _clarity(new.clarity)),
        "balance": {p: _pair(old.received.get(p), new.received.get(p)) for p in parties},
        "touchpoints_added": list(change.added),
        "touchpoints_removed": list(change.removed),
        "touchpoints": [
            {
                "id": tp.id,
                "disparity": _pair(tp.old.disparity, tp.new.disparity),
                "received": {
                    p: _pair(tp.old.received.get(p), tp.new.received.get(p)) for p in parties
                },
                "praxis": pair(tp.old.praxis, tp.new.praxis),
            }
            for tp in change.touchpoints
        ],
    }


class DiffWriter:
    """A diff as one JSON document (``kind: diff``), written as its parts arrive."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.document = Document(
            (
                "processes",
                "processes_added",
                "processes_removed",
                "processes_invalid",
                "fixed",
                "introduced",
            )
        )

    def add(self, part: DiffPart) -> None:
        """Take one part of the diff."""
        for change in part.changes:
            self.document.append("processes", _change_json(change))
        for added in part.added:
            self.document.append("processes_added", added.process_id)
        for removed in part.removed:
            self.document.append("processes_removed", removed.process_id)
        for invalid in part.invalid:
            error = finding_json(invalid.error) if invalid.error else None
            self.document.append(
                "processes_invalid",
                {
                    "id": invalid.id,
                    "file": invalid.file,
                    "error": error,
                    "unchecked": invalid.unchecked,
                },
            )
        for finding in part.fixed:
            self.document.append("fixed", finding_json(finding))
        for finding in part.introduced:
            self.document.append("introduced", finding_json(finding))

    def finish(self, totals: DiffTotals) -> None:
        """Write the document."""
        head = {
            "tool": _tool(),
            "format_version": FORMAT_VERSION,
            "kind": "diff",
            "summary": totals.as_json(),
        }
        self.document.finish(self.out, head)


def _ratio_json(ratio: tuple[float, float | None] | None) -> object:
    """An exchange ratio: like an interval, with ``null`` for an unbounded high end."""
    if ratio is None:
        return None
    low, high = ratio
    return [plain(low), None] if high is None else json_interval(Interval(low, high))


def _party_json(key: str, totals: PartyTotals, ledger: Ledger | None = None) -> dict[str, Any]:
    ratio = totals.exchange_ratio
    simulated = None if ledger is None else ledger.p_ratio_at_most(key)
    return {
        "id": key,
        "name": totals.name,
        "role": totals.role,
        "received": json_interval(totals.received),
        "given": json_interval(totals.given),
        "exchange_ratio": _ratio_json(ratio),
        "cost": json_interval(totals.cost),
        "touchpoints": totals.touchpoints,
        "favoured": totals.favoured,
        "losing": totals.losing,
        "processes": totals.processes,
        # with --simulate: how often its ratio is at or below thresholds.exchange-ratio
        **({} if simulated is None else {"p_ratio_at_most": round(simulated, 4)}),
    }


def _groups_json(name: str, groups: dict[str, Disparities]) -> list[dict[str, Any]]:
    return [
        {
            name: key,
            "touchpoints": figures.touchpoints,
            "disparity": json_interval(figures.disparity),
            **({"praxis": dict(sorted(figures.praxis.items()))} if name == "practice" else {}),
        }
        for key, figures in sorted(groups.items())
    ]


def ledger_json(ledger: Ledger) -> dict[str, Any]:
    """The ledger as the documents hold it (SPEC §4.7), every list sorted."""
    return {
        "processes": ledger.processes,
        "shard": ledger.shard,
        "parties": [_party_json(k, t, ledger) for k, t in sorted(ledger.parties.items())],
        "roles": [_party_json(k, t) for k, t in sorted(ledger.roles.items())],
        "practices": _groups_json("practice", ledger.practices),
        "channels": _groups_json("channel", ledger.channels),
        "stages": _groups_json("stage", ledger.stages),
        "flows": [
            {"from": source, "to": target, "kind": kind, "value": json_interval(value)}
            for (source, target, kind), value in sorted(ledger.flows.items())
        ],
    }


class PortfolioWriter(PortfolioPieces):
    """The portfolio ledger as one JSON document (``kind: portfolio``)."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out

    def finish(self, totals: Summary) -> None:
        """Write the document."""
        document = {
            "tool": _tool(),
            "format_version": FORMAT_VERSION,
            "kind": "portfolio",
            "summary": {"files": totals.files, "processes": totals.valid},
            "portfolio": ledger_json(totals.ledger) if totals.ledger else None,
            "findings": [finding_json(finding) for finding in totals.findings],
        }
        self.out.write(dumps(document) + "\n")
