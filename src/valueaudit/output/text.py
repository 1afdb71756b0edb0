"""The ``text`` format: findings by file, a summary table of processes, ranked
opportunities. Coloured in a terminal, plain when piped or with ``NO_COLOR``.

Findings are rendered in the workers and printed as each file's result arrives; the
table (at most ``--max-processes`` rows, saying how many it leaves out) and the best
opportunities (a bounded top list) wait for the end. User text is always
passed to rich as :class:`~rich.text.Text`, never as markup, so a name like ``[bold]``
prints as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.table import Table
from rich.text import Text

from valueaudit.findings import (
    Finding,
    Opportunity,
    RankedOpportunities,
    Severity,
    count_by_severity,
    opportunities,
)
from valueaudit.journey import LABEL_TEXT
from valueaudit.numbers import gain_text, interval, percent
from valueaudit.output import (
    SEVERITY_STYLE,
    Options,
    console,
    print_whole,
    shown_file,
    text_console,
)
from valueaudit.output.diff_report import Sections
from valueaudit.output.ledger_report import PortfolioPieces
from valueaudit.scoring import at_least

if TYPE_CHECKING:
    from valueaudit.diff import DiffPart, DiffTotals
    from valueaudit.engine import FileResult
    from valueaudit.portfolio import Ledger
    from valueaudit.scan import Summary
    from valueaudit.settings import Settings

#: Opportunities listed in the terminal; the JSON and Markdown outputs list them all.
TOP_OPPORTUNITIES = 10


def finding_line(finding: Finding) -> Text:
    """``file:line:col CODE message``, the code coloured by severity."""
    return Text.assemble(
        (f"{shown_file(finding.file)}:{finding.line}:{finding.column}", "bold"),
        " ",
        (finding.code, SEVERITY_STYLE[finding.severity]),
        " ",
        finding.message,
    )


def summary_line(totals: Summary) -> Text:
    """``3 files, 2 processes: 1 error, 2 warnings, 0 info`` and, with a baseline, how
    many findings it hides and how many were fixed since."""
    files, processes = totals.files, totals.valid
    errors, warnings, infos = (totals.counts[s] for s in ("error", "warning", "info"))
    baseline = ""
    if totals.baseline_known is not None:
        baseline = (
            f" ({totals.baseline_known} known from the baseline not shown; "
            f"{totals.baseline_fixed} finding{'s' * (totals.baseline_fixed != 1)} fixed "
            "since the baseline)"
        )

    def count(number: int, words: str, severity: Severity) -> tuple[str, str]:
        return words, SEVERITY_STYLE[severity] if number else ""  # no alarm for none

    return Text.assemble(
        f"{files} file{'s' * (files != 1)}, {processes} process{'es' * (processes != 1)}: ",
        count(errors, f"{errors} error{'s' * (errors != 1)}", Severity.ERROR),
        ", ",
        count(warnings, f"{warnings} warning{'s' * (warnings != 1)}", Severity.WARNING),
        ", ",
        count(infos, f"{infos} info", Severity.INFO),
        baseline,
    )


def _counts_text(counts: dict[str, int]) -> Text:
    parts = [
        (f"{counts[s.value]}{s.value[0].upper()}", SEVERITY_STYLE[s])
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s.value]
    ]
    text = Text(" ").join(Text(p, style=style) for p, style in parts)
    return text if parts else Text("0")


@dataclass(frozen=True, slots=True)
class Piece:
    """One file's part of the text output, made in the worker."""

    #: the file's findings, rendered (styled when the output is)
    findings: str
    #: the process's row of the table: id, touchpoints, disparity, clarity, favoured,
    #: and with ``--simulate`` the probability that it is uneven
    row: tuple[str, ...] | None
    counts: dict[str, int]
    opportunities: tuple[Opportunity, ...]


def findings_block(
    file: str, findings: tuple[Finding, ...], options: Options, *, across: bool = False
) -> str:
    """A file's findings under its name (the scan-level ones, ``across``, in a block of
    their own), rendered as the output shows them."""
    if not findings:
        return ""
    buffer = io.StringIO()
    # one print of the whole block: rich's cost is mostly per print
    heading = shown_file(file)
    if across:  # VA104 alone is about files; the portfolio rules about all processes
        only_ids = all(finding.code == "VA104" for finding in findings)
        heading += " (across all files)" if only_ids else " (portfolio, across all processes)"
    lines = [Text(heading, style="bold underline"), *map(finding_line, findings)]
    text_console(buffer, options).print(*lines, "", sep="\n", soft_wrap=True)
    return buffer.getvalue()


def prepare(result: FileResult, options: Options) -> Piece:
    """Render one file's findings, as the output will show them (in the worker)."""
    block = findings_block(result.file, result.findings, options)
    process, score = result.process, result.score
    row: tuple[str, ...] | None = None
    if process is not None and score is not None and not options.quiet:
        row = (
            process.id,
            str(len(process.touchpoints)),
            interval(score.disparity),
            "–" if score.clarity is None else f"{score.clarity:.0%}",
            score.favoured or "–",
        )
        if options.settings.simulate.samples:
            row += (_uneven(result, options.settings),)
    found = () if options.quiet else tuple(opportunities(result.findings))
    return Piece(block, row, count_by_severity(result.findings), found)


def _uneven(result: FileResult, settings: Settings) -> str:
    """P(uneven) of a process: its share of draws at or above VA203's threshold; 0% or
    100% when nothing in it is uncertain."""
    simulation, score = result.simulation, result.score
    if simulation is not None and simulation.process is not None:
        return percent(simulation.process.p_above)
    if score is None or score.disparity is None:
        return "–"
    return "100%" if at_least(score.disparity.low, settings.process_disparity_threshold) else "0%"


#: Parties in the scan's short table (``valueaudit portfolio`` shows them all).
SHORT_PARTIES = 5


class ScanWriter:
    """The scan for people: findings as they come, the table and ranking at the end."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.options = options
        self.console = console(out, stdout=options.stdout)
        self.quiet = options.quiet
        self.most = options.max_processes
        self.processes = 0
        self.simulating = bool(options.settings.simulate.samples)
        self.rows: list[tuple[tuple[str, ...], dict[str, int]]] = []
        self.opportunities = RankedOpportunities(TOP_OPPORTUNITIES)

    def add(self, piece: Piece) -> None:
        """Print one file's findings; keep its row and its opportunities."""
        self.out.write(piece.findings)
        if piece.row is not None:
            self.processes += 1
            if len(self.rows) < self.most:
                self.rows.append((piece.row, piece.counts))
        for opportunity in piece.opportunities:
            self.opportunities.push(opportunity)

    def finish(self, totals: Summary) -> None:
        """Print the scan-level findings, the table of processes, the best
        opportunities and the summary."""
        for file, findings in totals.placed():
            self.out.write(findings_block(file, findings, self.options, across=True))
        if not self.quiet:
            if self.rows:
                self._processes()
            if totals.ledger is not None and totals.ledger.parties:
                self._parties(totals.ledger)
            if self.opportunities.seen:
                self._opportunities()
        self.console.print(summary_line(totals))

    def _processes(self) -> None:
        table = Table(title="Processes", box=box.SIMPLE_HEAVY, title_justify="left")
        # names fold when the window is narrow; numbers are never cut (SPEC §7)
        table.add_column("process", overflow="fold", min_width=8)
        table.add_column("touchpoints", justify="right", no_wrap=True)
        for header in ("disparity", "clarity"):
            table.add_column(header, justify="right", no_wrap=True)
        table.add_column("favoured", overflow="fold", min_width=6)
        if self.simulating:
            table.add_column("P(uneven)", justify="right", no_wrap=True)
        table.add_column("findings", justify="right", no_wrap=True)
        for (name, touchpoints, disparity, clarity, favoured, *uneven), counts in self.rows:
            table.add_row(
                Text(name),
                touchpoints,
                disparity,
                clarity,
                Text(favoured),
                *uneven,
                _counts_text(counts),
            )
        print_whole(self.console, table)
        if self.processes > len(self.rows):
            more = self.processes - len(self.rows)
            self.console.print(
                f"… and {more} more processes (--max-processes shows more; --format json "
                "has them all)\n"
            )

    def _parties(self, ledger: Ledger) -> None:
        """The parties most often on the losing side (``valueaudit portfolio`` has all)."""
        from valueaudit.output import ledger_report as rows

        table = Table(
            title="Parties across the processes (most often on the losing side first)",
            box=box.SIMPLE_HEAVY,
            title_justify="left",
        )
        table.add_column("party", overflow="fold", min_width=6)
        for header in ("received", "given", "ratio", "net", "losing"):
            table.add_column(header, justify="right", no_wrap=True)
        ranked = rows.ranked_parties(ledger)
        for key, figures in ranked[:SHORT_PARTIES]:
            cells = rows.party_row(key, figures)
            table.add_row(Text(cells[0]), cells[2], cells[3], cells[4], cells[6], cells[9])
        print_whole(self.console, table)
        if len(ranked) > SHORT_PARTIES:
            self.console.print(
                f"… and {len(ranked) - SHORT_PARTIES} more parties (valueaudit portfolio)\n"
            )

    def _opportunities(self) -> None:
        out = self.console
        out.print(
            Text("Opportunities, ranked by gain within each unit", style="italic"),
            Text("(volume × value that would move, per period)", style="dim"),
        )
        best = self.opportunities.best()
        width = max(len(gain_text(o.gain, o.unit)) for o in best)
        for rank, opportunity in enumerate(best, start=1):
            finding = opportunity.finding
            out.print(
                Text.assemble(
                    f"{rank:>3}. ",
                    (f"{gain_text(opportunity.gain, opportunity.unit):>{width}}", "bold"),
                    "  ",
                    (finding.code, SEVERITY_STYLE[finding.severity]),
                    "  ",
                    opportunity.place,
                    (opportunity.also_text, "dim"),
                    (_rests_on(opportunity), "yellow"),
                ),
                soft_wrap=True,
            )
            out.print(Text(f"     {finding.suggestion or finding.message}"), soft_wrap=True)
        out.print()
        more = self.opportunities.seen - len(best)
        if more > 0:
            out.print(f"… and {more} more (all of them in --format json or markdown)\n")


def _rests_on(opportunity: Opportunity) -> str:
    """`` · rests on assumptions`` (or ``partly``), nothing when the figures are backed."""
    text = LABEL_TEXT.get(opportunity.evidence)
    return f" · {text}" if text else ""


class DiffWriter:
    """A diff for people: a block per changed process, then what was added, removed,
    fixed and introduced, and a summary line."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.console = console(out, stdout=options.stdout)
        self.sections = Sections(self._heading, self._line, self.console.print)

    def _heading(self, title: str) -> None:
        self.console.print(Text(title, style="bold"))

    def _line(self, text: str) -> None:
        self.console.print(Text(f"  {text}"), soft_wrap=True)

    def add(self, part: DiffPart) -> None:
        """Print or keep one part of the diff."""
        self.sections.add(part)

    def finish(self, totals: DiffTotals) -> None:
        """Print the lists and the summary line."""
        self.sections.finish(totals)
        self.console.print(totals.line())


class PortfolioWriter(PortfolioPieces):
    """The portfolio ledger for people: the parties, practices, channels and stages,
    and the scan-level findings."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.console = console(out, stdout=options.stdout)

    def finish(self, totals: Summary) -> None:
        """Print the tables."""
        from valueaudit.output import ledger_report as rows

        ledger = totals.ledger
        assert ledger is not None
        self.console.print(Text(f"Portfolio: {rows.scope(ledger, totals.files)}", style="bold"))
        self.console.print()
        parties = Table(
            title="Parties (most often on the losing side first)",
            box=box.SIMPLE_HEAVY,
            title_justify="left",
        )
        for k, header in enumerate(rows.party_headers(ledger)):
            name_column = k < 2
            parties.add_column(
                header,
                justify="left" if name_column else "right",
                overflow="fold" if name_column else "ellipsis",
                no_wrap=not name_column,
            )
        for party, party_totals in rows.ranked_parties(ledger):
            # every cell as Text: names are user text, never rich markup
            parties.add_row(*map(Text, rows.party_row(party, party_totals, ledger)))
        print_whole(self.console, parties)
        for title, headers, cells in rows.group_tables(ledger):
            table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")
            for header in headers:
                numeric = header in (*rows.GROUP_HEADERS, *rows.SERVING_HEADERS)
                table.add_column(
                    header,
                    justify="right" if numeric else "left",
                    no_wrap=numeric,
                    overflow="ellipsis" if numeric else "fold",
                )
            for row in cells:
                table.add_row(*map(Text, row))
            print_whole(self.console, table)
        if totals.findings:
            self.console.print(Text("Findings across all processes", style="bold"))
            self.console.print(*map(finding_line, totals.findings), "", sep="\n", soft_wrap=True)
