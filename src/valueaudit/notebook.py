"""What ``valueaudit.audit()`` returns: a scan held in memory, for notebooks and scripts.

:class:`AuditResult` is the scan's :class:`~valueaudit.scan.ScanResult` (files,
findings, the portfolio ledger, :meth:`opportunities`) plus the views a notebook wants:
:meth:`~AuditResult.to_dict`, the document ``scan -f json`` writes (through the same
writer); DataFrames of the touchpoints, findings and parties (pandas, or polars with
``library="polars"``), every value a plain number or text (an interval always as
``_low`` and ``_high`` columns, never a list); and a short ``repr`` and a Markdown
summary, so that a cell shows a readable table rather than thousands of characters.

pandas and polars are optional: the one asked for is imported only when a frame is,
and its absence is a clear :class:`MissingPandasError` (an ``ImportError``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from valueaudit.findings import count_by_severity
from valueaudit.mdtext import md
from valueaudit.scan import ScanResult
from valueaudit.settings import Settings

if TYPE_CHECKING:
    from valueaudit.interval import Interval

#: Rows of the processes table and of the opportunities in a notebook's summary.
SUMMARY_ROWS = 10


#: The DataFrame libraries a frame can be made with.
LIBRARIES = ("pandas", "polars")


class MissingPandasError(ImportError):
    """A DataFrame was asked for, and its library (pandas, or polars) is not installed."""


def _frame(rows: list[dict[str, Any]], columns: list[str], library: str) -> Any:
    """A DataFrame of ``rows`` (plain values only) with ``columns``, in ``library``."""
    if library not in LIBRARIES:
        raise ValueError(f"library must be one of {', '.join(LIBRARIES)}, not {library!r}")
    try:
        module = importlib.import_module(library)
    except ImportError:
        raise MissingPandasError(
            f"valueaudit's DataFrames need {library}, which is not installed: pip install {library}"
        ) from None
    if library == "polars":  # every row read for the types: a column may start empty
        records = [{column: row.get(column) for column in columns} for row in rows]
        return module.DataFrame(records, schema=columns, infer_schema_length=None)
    return module.DataFrame(rows, columns=columns)


def _ends(prefix: str, value: Interval | None) -> dict[str, float | None]:
    """An interval as two columns, ``prefix_low`` and ``prefix_high`` (both empty for none)."""
    low, high = (None, None) if value is None else value
    return {f"{prefix}_low": low, f"{prefix}_high": high}


def _cell(text: object) -> str:
    """User text for a Markdown table cell, escaped as the report escapes it."""
    return md(text)


@dataclass(frozen=True)
class AuditResult(ScanResult):
    """A scan held in memory, with the settings it ran with."""

    settings: Settings = field(default_factory=Settings)

    def to_dict(self) -> dict[str, Any]:
        """The document ``valueaudit scan -f json`` writes (README, "JSON"), as plain
        Python values: made from the same typed documents as the JSON writer's
        (:mod:`valueaudit.documents`), so the shapes cannot drift apart."""
        from valueaudit import documents

        values: dict[str, Any] = documents.plain_values(documents.ScanDocument, self.document())
        return values

    def touchpoints_frame(self, library: str = "pandas") -> Any:
        """One row per touchpoint of every scored process, in file order: its process,
        position, id, name, practice, channel, stage, volume, disparity (``_low`` and
        ``_high``), the party it favours, its praxis and its findings. ``library`` is
        ``pandas`` or ``polars``."""
        rows = []
        for result in self.processes:
            process, score = result.process, result.score
            assert process is not None and score is not None
            counts: dict[str | None, int] = {}
            for finding in result.findings:
                counts[finding.touchpoint] = counts.get(finding.touchpoint, 0) + 1
            for touchpoint, scored in zip(process.touchpoints, score.touchpoints, strict=True):
                rows.append(
                    {
                        "process": process.id,
                        "position": scored.touchpoint_index,
                        "touchpoint": touchpoint.id,
                        "name": touchpoint.title,
                        "practice": touchpoint.practice,
                        "channel": touchpoint.channel,
                        "stage": touchpoint.stage,
                        "volume": scored.volume,
                        **_ends("disparity", scored.disparity),
                        "favoured": scored.favoured,
                        "praxis": scored.praxis,
                        "findings": counts.get(touchpoint.id, 0),
                    }
                )
        return _frame(rows, _TOUCHPOINT_COLUMNS, library)

    def findings_frame(self, library: str = "pandas") -> Any:
        """One row per finding, in the order of :attr:`findings` (file order; the
        portfolio's last), with the fields of ``scan -f json``. ``library`` is ``pandas``
        or ``polars``."""
        from valueaudit.documents import finding_document

        rows = [{**finding_document(f), "severity": f.severity.value} for f in self.findings]
        return _frame(rows, _FINDING_COLUMNS, library)

    def parties_frame(self, library: str = "pandas") -> Any:
        """One row per party of the portfolio ledger (by id across files, and unit),
        sorted by id: name, role, unit, received, given, exchange ratio, cost and net
        (``_low`` and ``_high``; the ratio's high end is empty when what it gives may be
        0), the touchpoints where it is favoured and losing, the exchanges it takes part
        in and loses at an uneven one, and its processes. ``library`` is ``pandas`` or
        ``polars``."""
        from valueaudit.documents import ledger_document

        rows = []
        ledger = ledger_document(self.ledger)["parties"] if self.ledger is not None else []
        for party in ledger:  # the JSON output's parties, by id, with intervals unwritten
            ratio = party["exchange_ratio"]
            rows.append(
                {
                    **party,
                    "party": party["id"],
                    **_ends("received", party["received"]),
                    **_ends("given", party["given"]),
                    "ratio_low": None if ratio is None else ratio[0],
                    "ratio_high": None if ratio is None else ratio[1],
                    **_ends("cost", party["cost"]),
                    **_ends("net", party["net"]),
                }
            )
        return _frame(rows, _PARTY_COLUMNS, library)

    def _counts(self) -> str:
        counts = count_by_severity(self.findings)
        return ", ".join(
            f"{n} {severity}" if n == 1 or severity == "info" else f"{n} {severity}s"
            for severity, n in counts.items()
        )

    def __repr__(self) -> str:
        return (
            f"<AuditResult: {len(self.files)} files, {self.valid} valid processes, "
            f"{self._counts()}>"
        )

    def _repr_markdown_(self) -> str:
        """What a notebook shows: the counts, the processes and the best opportunities."""
        from valueaudit.numbers import gain_text, interval

        lines = [f"**valueaudit**: {len(self.files)} files, {self._counts()}", ""]
        processes = self.processes
        if processes:
            lines += ["| process | touchpoints | disparity | favoured | findings |"]
            lines += ["|---|---:|---:|---|---:|"]
            for result in processes[:SUMMARY_ROWS]:
                process, score = result.process, result.score
                assert process is not None and score is not None
                lines.append(
                    f"| {_cell(process.id)} | {len(process.touchpoints)} | "
                    f"{interval(score.disparity)} | {_cell(score.favoured or '–')} | "
                    f"{len(result.findings)} |"
                )
            if len(processes) > SUMMARY_ROWS:
                lines.append(f"\n…and {len(processes) - SUMMARY_ROWS} more processes.")
            lines.append("")
        best = self.opportunities()[:SUMMARY_ROWS]
        if best:
            lines += ["| gain | rule | where | suggestion |", "|---:|---|---|---|"]
            for o in best:
                f = o.finding
                lines.append(
                    f"| {gain_text(o.gain, o.unit)} | {f.code}{o.also_text} | {_cell(o.place)} | "
                    f"{_cell(f.suggestion or f.message)} |"
                )
        return "\n".join(lines)


_TOUCHPOINT_COLUMNS = [
    *("process", "position", "touchpoint", "name", "practice", "channel", "stage", "volume"),
    *("disparity_low", "disparity_high", "favoured", "praxis", "findings"),
]


def _finding_columns() -> list[str]:
    from valueaudit.documents import FindingDocument

    return list(FindingDocument.__annotations__)


_FINDING_COLUMNS = _finding_columns()
_PARTY_COLUMNS = [
    *("party", "name", "role", "unit", "received_low", "received_high", "given_low"),
    *("given_high", "ratio_low", "ratio_high", "cost_low", "cost_high", "net_low", "net_high"),
    *("touchpoints", "favoured", "losing", "exchanges", "losing_uneven", "processes"),
]


def audit_result(scan: ScanResult, settings: Settings) -> AuditResult:
    """A scan, with the settings it ran with, as the API returns it."""
    return AuditResult(scan.files, scan.summary, scan.scan_errors, settings)
