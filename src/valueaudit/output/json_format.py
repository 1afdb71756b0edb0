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

Every part is a typed document of :mod:`valueaudit.documents` (the one definition of
each, which also gives the output's JSON Schema, ``valueaudit schema --output``),
serialised by pydantic: an interval is written ``[low, high]``; numbers are rounded to 4
decimals. Each process and each finding stands on a line of its own, written as the
file's result arrives; the summary, which comes first, is written at the end, the lines
having waited in a spool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from valueaudit import documents as docs
from valueaudit.output.encoding import dumps
from valueaudit.output.files import Spool
from valueaudit.output.ledger_report import PortfolioPieces

if TYPE_CHECKING:
    from valueaudit.diff import DiffPart, DiffTotals
    from valueaudit.engine import FileResult
    from valueaudit.findings import Finding
    from valueaudit.output import Options
    from valueaudit.scan import Summary


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


#: A file's part of the document: its process line (if scored) and its finding lines.
Piece = tuple[str | None, tuple[str, ...]]


def prepare(result: FileResult, options: Options) -> Piece:
    """Encode one file's process and findings (in the worker)."""
    scored = result.process is not None and result.score is not None
    process = _encoded(docs.ProcessDocument, docs.process_document(result)) if scored else None
    return process, tuple(_finding(finding) for finding in result.findings)


def _encoded(kind: Any, document: object) -> str:
    return dumps(docs.plain_values(kind, document))


def _finding(finding: Finding) -> str:
    return _encoded(docs.FindingDocument, docs.finding_document(finding))


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
            self.document.append_text("findings", _finding(finding))
        summary = docs.scan_summary(
            totals.files, totals.valid, totals.counts, totals.baseline_known, totals.baseline_fixed
        )
        head: dict[str, Any] = {
            "tool": docs.tool(),
            "format_version": docs.FORMAT_VERSION,
            "summary": summary,
        }
        if totals.ledger is not None:
            ledger = docs.ledger_document(totals.ledger)
            head["portfolio"] = docs.plain_values(docs.LedgerDocument, ledger)
        self.document.finish(self.out, head)


class DiffWriter:
    """A diff as one JSON document (``kind: diff``), written as its parts arrive."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.document = Document(
            (
                "worse_off",
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
        for finding in part.worse:
            self.document.append_text("worse_off", _finding(finding))
        for change in part.changes:
            self.document.append_text(
                "processes", _encoded(docs.ProcessChangeDocument, docs.change_document(change))
            )
        for added in part.added:
            self.document.append("processes_added", added.process_id)
        for removed in part.removed:
            self.document.append("processes_removed", removed.process_id)
        for invalid in part.invalid:
            error = docs.finding_document(invalid.error) if invalid.error else None
            document: docs.NowInvalidDocument = {
                "id": invalid.id,
                "file": invalid.file,
                "error": error,
                "unchecked": invalid.unchecked,
            }
            encoded = _encoded(docs.NowInvalidDocument, document)
            self.document.append_text("processes_invalid", encoded)
        for finding in part.fixed:
            self.document.append_text("fixed", _finding(finding))
        for finding in part.introduced:
            self.document.append_text("introduced", _finding(finding))

    def finish(self, totals: DiffTotals) -> None:
        """Write the document."""
        head = {
            "tool": docs.tool(),
            "format_version": docs.FORMAT_VERSION,
            "kind": "diff",
            "summary": docs.plain_values(docs.DiffSummary, docs.diff_summary(totals)),
        }
        self.document.finish(self.out, head)


class PortfolioWriter(PortfolioPieces):
    """The portfolio ledger as one JSON document (``kind: portfolio``)."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out

    def finish(self, totals: Summary) -> None:
        """Write the document."""
        document: docs.PortfolioDocument = {
            "tool": docs.tool(),
            "format_version": docs.FORMAT_VERSION,
            "kind": "portfolio",
            "summary": {"files": totals.files, "processes": totals.valid},
            "portfolio": docs.ledger_document(totals.ledger) if totals.ledger else None,
            "findings": [docs.finding_document(finding) for finding in totals.findings],
        }
        self.out.write(_encoded(docs.PortfolioDocument, document) + "\n")
