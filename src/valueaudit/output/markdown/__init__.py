"""The ``markdown`` format: a report for people, rendered by GitHub and GitLab.

The portfolio (where the value goes, processes by clarity and disparity, the ledger's
tables: :mod:`valueaudit.output.diagrams`), a summary (processes, findings by
severity, top opportunities), then per process its touchpoint tables, a Mermaid
sequence diagram of the chain's flows with the touchpoints that have warnings shaded,
a pie of the value each party receives, the running balance, opportunities and
findings; a glossary of the rules that fired. Everything a user wrote is escaped (only
where it would change the rendering) so that no name can break a table, open raw HTML
or break a diagram; tables fit GitHub's 948 px column and keep each value on one line.

Each process's section is written from its own file's result as it arrives and waits
in a spool, since the summary comes first. The report keeps at most
``report.max-processes`` sections and summary rows (``--max-processes``) and stays
under GitHub's 1 MiB job summary limit, saying how many processes it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import Finding, Opportunity, Severity, opportunities
from valueaudit.output import Options
from valueaudit.output.files import Spool
from valueaudit.output.ledger_report import PortfolioPieces
from valueaudit.rules import RULES
from valueaudit.version import __version__

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.model import Process
    from valueaudit.scan import Summary
from valueaudit.mdtext import PROSE_CHARACTERS, md
from valueaudit.output.markdown.cells import (
    SEVERITY_ICON,
    plural,
    table_lines,
    table_row,
    unbroken,
)
from valueaudit.output.markdown.decisions import (
    Decisions,
    Effort,
    Wait,
    customer_effort,
    customer_wait,
)
from valueaudit.output.markdown.diff import DiffWriter
from valueaudit.output.markdown.portfolio import REPORT_PORTFOLIO_ROWS, portfolio_lines
from valueaudit.output.markdown.process import process_section, summary_row

#: GitHub's limit for a job summary is 1 MiB; stay a little under it.
MAX_BYTES = 1_000_000
#: Rows of the "files that could not be audited" table, at most.
MAX_UNREADABLE_ROWS = 200
#: The most bytes the summary table's rows take, and the unreadable files' rows: long
#: names are shortened (:func:`~valueaudit.mdtext.md`), and these keep many rows of them
#: within the limit too.
TABLE_BYTES = MAX_BYTES // 4


def _within(rows: list[list[str]], most: int) -> int:
    """How many of ``rows``, from the first, fit in ``most`` bytes as table lines."""
    used = 0
    for count, row in enumerate(rows):
        used += len(table_row(row).encode()) + 1
        if used > most:
            return count
    return len(rows)


@dataclass(frozen=True, slots=True)
class Piece:
    """One file's part of the report, made in the worker."""

    row: list[str] | None
    section: str | None
    unreadable: tuple[list[str], ...]
    opportunities: tuple[Opportunity, ...]
    fired: frozenset[str]
    effort: Effort | None = None
    wait: Wait | None = None


def prepare(result: FileResult, options: Options) -> Piece:
    """One file's summary row and section, or its rows in the table of files that could
    not be audited; its opportunities and the rules that fired. A section is made only
    where the report can keep it: for the first ``--max-processes`` files (a file further
    on cannot be among the first that many processes)."""
    process, score = result.process, result.score
    row = section = effort = wait = None
    if process is not None and score is not None:
        row = summary_row(process, score, result.findings)
        effort, wait = customer_effort(process, score), customer_wait(process, score)
        if result.index < options.max_processes and _may_fit(process, result.findings):
            section = process_section(result, process, score)
    unreadable: tuple[list[str], ...] = ()
    if not result.valid:
        where = md(result.file)
        unreadable = tuple(
            [where, f"{x.line}:{x.column}", x.code, md(x.message, PROSE_CHARACTERS)]
            for x in result.findings
            if x.severity is Severity.ERROR
        )
    return Piece(
        row,
        section,
        unreadable,
        tuple(opportunities(result.findings)),
        frozenset(f.code for f in result.findings),
        effort,
        wait,
    )


def _may_fit(process: Process, findings: Sequence[Finding]) -> bool:
    """Whether a process's section can fit in a report at all: each touchpoint takes at
    least three lines of 20 bytes (its row, its note in the diagram, its balance row) and
    each finding a row of 40; a section that cannot fit is not built (it would be left
    out, after costing memory in proportion to the process)."""
    return 60 * len(process.touchpoints) + 40 * len(findings) <= MAX_BYTES


class ScanWriter:
    """The report, built as results arrive; the summary waits for the end."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.most = options.max_processes
        self.rows: list[list[str]] = []
        self.sections = Spool()
        #: (characters, bytes) of each kept section, in order
        self.sizes: list[tuple[int, int]] = []
        self.processes = 0
        self.unreadable: list[list[str]] = []
        self.unreadable_left = 0
        self.decisions = Decisions()
        self.fired: set[str] = set()

    def add(self, piece: Piece) -> None:
        """Take one file's part: its row, its section, its opportunities."""
        self.fired.update(piece.fired)
        self.decisions.add(piece.opportunities, piece.effort, piece.wait)
        if piece.row is not None:
            self.processes += 1
            if len(self.rows) < self.most:
                self.rows.append(piece.row)
                if piece.section is None:  # a process too large for any report
                    self.sizes.append((0, MAX_BYTES + 1))
                else:
                    self.sections.write(piece.section)
                    self.sizes.append((len(piece.section), len(piece.section.encode())))
        for row in piece.unreadable:
            if len(self.unreadable) < MAX_UNREADABLE_ROWS:
                self.unreadable.append(row)
            else:
                self.unreadable_left += 1

    def finish(self, totals: Summary) -> None:
        """Write the report: summary, the sections that fit, unreadable files, glossary."""
        self.fired.update(f.code for f in totals.findings)
        del self.rows[_within(self.rows, TABLE_BYTES) :]
        head = self._summary(totals)
        tail = _glossary(sorted(self.fired))
        unreadable = self._unreadable_section()
        budget = MAX_BYTES - len((head + tail + unreadable).encode()) - 1000
        kept = characters = 0
        for size, size_bytes in self.sizes[: len(self.rows)]:
            if size_bytes > budget:
                break
            kept += 1
            characters += size
            budget -= size_bytes
        self.out.write(head)
        if kept < self.processes:
            self.out.write(
                f"> **Report truncated:** {self.processes - kept} of {self.processes} processes "
                f"are left out (at most {self.most} sections, and under the 1 MiB limit of a "
                "GitHub job summary). Raise `--max-processes`, run `valueaudit report` on fewer "
                "files, or see `--format json` for everything.\n\n"
            )
        self.sections.copy_to(self.out, characters)
        self.out.write(unreadable + tail)

    def _summary(self, totals: Summary) -> str:
        counts = totals.counts
        lines = [
            "# valueaudit report",
            "",
            f"{plural(totals.files, 'file')} · {plural(totals.valid, 'valid process')} · "
            + " · ".join(
                f"{SEVERITY_ICON[s]} {plural(counts[s.value], s.value)}"
                for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            )
            + f" · valueaudit {__version__}",
            "",
            *self.decisions.lines(),
        ]
        if totals.ledger is not None and totals.ledger.parties:
            lines += ["## Portfolio", ""]
            lines += portfolio_lines(
                totals.ledger, totals.files, 3, totals.findings, REPORT_PORTFOLIO_ROWS
            )
        if totals.baseline_known is not None:
            lines += [
                f"Compared with the baseline: {totals.baseline_known} known findings not shown, "
                f"{totals.baseline_fixed} fixed since.",
                "",
            ]
        if self.rows:
            lines += ["## Summary", ""]
            lines += table_lines(
                [
                    "process",
                    "name",
                    "touchpoints",
                    "disparity",
                    "clarity",
                    "favoured",
                    "errors",
                    "warnings",
                    "info",
                ],
                "llrrrlrrr",
                self.rows,
            )
            if self.processes > len(self.rows):
                lines.append(f"\n…and {self.processes - len(self.rows)} more processes.")
            lines.append("")
        return "\n".join(lines) + "\n"

    def _unreadable_section(self) -> str:
        if not self.unreadable:
            return ""
        fit = _within(self.unreadable, TABLE_BYTES)
        self.unreadable_left += len(self.unreadable) - fit
        del self.unreadable[fit:]
        lines = ["## Files that could not be audited", ""]
        lines += table_lines(["file", "line", "rule", "message"], "lrll", self.unreadable)
        if self.unreadable_left:
            lines.append(f"\n…and {self.unreadable_left} more.")
        return "\n".join(lines) + "\n\n"


def _glossary(fired: Sequence[str]) -> str:
    if not fired:
        return ""
    lines = ["## Rules that fired", ""]
    lines += table_lines(
        ["rule", "name", "severity", "what it finds"],
        "llll",
        (
            [code, RULES[code].name, RULES[code].severity.value, RULES[code].summary]
            for code in fired
        ),
    )
    lines += ["", "`valueaudit explain CODE` tells why each matters and how to fix it.", ""]
    return "\n".join(lines)


class PortfolioWriter(PortfolioPieces):
    """The portfolio ledger as Markdown: the parties, practices, channels and stages."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out

    def finish(self, totals: Summary) -> None:
        """Write the report."""
        assert totals.ledger is not None
        lines = ["# valueaudit portfolio", ""]
        lines += portfolio_lines(totals.ledger, totals.files, 2, totals.findings)
        self.out.write("\n".join(lines))


__all__ = ["DiffWriter", "PortfolioWriter", "ScanWriter", "md", "prepare", "unbroken"]
