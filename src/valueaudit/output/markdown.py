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

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import (
    Finding,
    Severity,
    TopN,
    count_by_severity,
    is_opportunity,
    opportunity_key,
)
from valueaudit.interval import Interval
from valueaudit.numbers import interval, number, percent
from valueaudit.output import MAX_PARTY_COLUMNS, Options
from valueaudit.output.diagrams import mermaid, quadrant, sankey, sequence_diagram
from valueaudit.output.diff_report import Sections, process_lines
from valueaudit.output.files import Spool
from valueaudit.output.ledger_report import PortfolioPieces
from valueaudit.rules import RULES
from valueaudit.scoring import leading_parties, running_balance
from valueaudit.version import __version__

if TYPE_CHECKING:
    from valueaudit.diff import DiffPart, DiffTotals, ProcessChange
    from valueaudit.engine import FileResult
    from valueaudit.model import Process
    from valueaudit.portfolio import Ledger
    from valueaudit.scan import Summary
    from valueaudit.scoring import ProcessScore
    from valueaudit.simulation import ProcessSimulation

#: GitHub's limit for a job summary is 1 MiB; stay a little under it.
MAX_BYTES = 1_000_000
TOP_OPPORTUNITIES = 10
SEVERITY_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}

_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
#: What starts a block at the start of a line: a heading (``# ``), a list item (``- ``,
#: ``+ ``, ``1. ``); a quote's ``>`` is an entity already.
_MAY_START_A_BLOCK = frozenset("#+-0123456789")
_BLOCK_START = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=#{1,6}(?:\s|$))|(?=[+-](?:\s|$)))")


def md(text: object) -> str:
    """User text for a Markdown paragraph or table cell: one line, no HTML, no markup.

    Only what would change the rendering is escaped, so the source stays readable:
    code, emphasis, links, strikethrough, math (GitHub's ``$``), table pipes, an
    underscore at the edge of a word (one inside it is no emphasis), and a line that
    would start a heading, a list or a quote. ``<``, ``>`` and ``&`` become entities."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", flat)
    if flat[:1] in _MAY_START_A_BLOCK:
        flat = _BLOCK_START.sub(r"\g<0>\\", flat, count=1)
    return flat


def _plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def _value(value: Interval | None) -> str:
    return interval(value, grouping=True)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


#: Where a browser may break a single value (an id, a range, a path) over two lines.
_BREAKS_AFTER = ("-", "–", "/")
_SEVERITY_CELL = re.compile(r"^(\S+) (error|warning|info)$")
WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"


def unbroken(cell: str) -> str:
    """A table cell holding one value (``2,750–3,500``, ``follow-up-survey``, ``🟠
    warning``), kept on one line when its column is narrow: a word joiner after each
    dash or slash, a no-break space after the severity's icon. Sentences stay as
    they are."""
    # plain string methods, not a regular expression: a report has a dozen cells a
    # touchpoint, and this was a sixth of its per-file time
    if " " in cell:
        severity = _SEVERITY_CELL.match(cell)
        return f"{severity[1]}{NO_BREAK_SPACE}{severity[2]}" if severity else cell
    for mark in _BREAKS_AFTER:
        if mark in cell:
            cell = cell.replace(mark, mark + WORD_JOINER)
    return cell


def _table(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; ``align`` has one letter per column: l or r. A cell holding one
    value never breaks over two lines (:func:`unbroken`)."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return [_row(headers), _row(rule), *(_row(map(unbroken, r)) for r in rows)]


#: Rows of the "files that could not be audited" table, at most.
MAX_UNREADABLE_ROWS = 200


def _clarity(clarity: float | None) -> str:
    return "–" if clarity is None else f"{clarity:.0%}"


@dataclass(frozen=True, slots=True)
class Piece:
    """One file's part of the report, made in the worker."""

    row: list[str] | None
    section: str | None
    unreadable: tuple[list[str], ...]
    opportunities: tuple[Finding, ...]
    fired: frozenset[str]


def prepare(result: FileResult, options: Options) -> Piece:
    """One file's summary row and section, or its rows in the table of files that could
    not be audited; its opportunities and the rules that fired. A section is made only
    where the report can keep it: for the first ``--max-processes`` files (a file further
    on cannot be among the first that many processes)."""
    process, score = result.process, result.score
    row = section = None
    if process is not None and score is not None:
        row = _summary_row(process, score, result.findings)
        if result.index < options.max_processes and _may_fit(process, result.findings):
            section = _process_section(result, process, score)
    unreadable: tuple[list[str], ...] = ()
    if not result.valid:
        where = f"`{result.file.replace('`', '')}`"
        unreadable = tuple(
            [where, f"{x.line}:{x.column}", x.code, md(x.message)]
            for x in result.findings
            if x.severity is Severity.ERROR
        )
    opportunities = filter(is_opportunity, result.findings)
    return Piece(
        row,
        section,
        unreadable,
        tuple(heapq.nsmallest(TOP_OPPORTUNITIES, opportunities, key=opportunity_key)),
        frozenset(f.code for f in result.findings),
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
        self.opportunities: TopN[Finding] = TopN(TOP_OPPORTUNITIES, opportunity_key)
        self.fired: set[str] = set()

    def add(self, piece: Piece) -> None:
        """Take one file's part: its row, its section, its opportunities."""
        self.fired.update(piece.fired)
        for finding in piece.opportunities:
            self.opportunities.push(finding)
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
        head = self._summary(totals)
        tail = _glossary(sorted(self.fired))
        unreadable = self._unreadable_section()
        budget = MAX_BYTES - len((head + tail + unreadable).encode()) - 1000
        kept = characters = 0
        for size, size_bytes in self.sizes:
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
            f"{_plural(totals.files, 'file')} · {_plural(totals.valid, 'valid process')} · "
            + " · ".join(
                f"{SEVERITY_ICON[s]} {_plural(counts[s.value], s.value)}"
                for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            )
            + f" · valueaudit {__version__}",
            "",
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
            lines += _table(
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
        best = self.opportunities.best()
        if best:
            lines += ["### Top opportunities", ""]
            lines += _opportunity_table(best, with_process=True)
            if self.opportunities.seen > TOP_OPPORTUNITIES:
                more = self.opportunities.seen - TOP_OPPORTUNITIES
                lines.append(f"\n…and {more} more, by process below.")
            lines.append("")
        return "\n".join(lines) + "\n"

    def _unreadable_section(self) -> str:
        if not self.unreadable:
            return ""
        lines = ["## Files that could not be audited", ""]
        lines += _table(["file", "line", "rule", "message"], "lrll", self.unreadable)
        if self.unreadable_left:
            lines.append(f"\n…and {self.unreadable_left} more.")
        return "\n".join(lines) + "\n\n"


def _summary_row(process: Process, score: ProcessScore, findings: Sequence[Finding]) -> list[str]:
    own = count_by_severity(findings)
    return [
        md(process.id),
        md(process.title),
        str(len(process.touchpoints)),
        interval(score.disparity),
        _clarity(score.clarity),
        md(score.favoured or "–"),
        *(str(own[s]) for s in ("error", "warning", "info")),
    ]


def _opportunity_table(findings: Sequence[Finding], *, with_process: bool) -> list[str]:
    rows = []
    for rank, finding in enumerate(findings, start=1):
        where = (finding.process or finding.file) if with_process else ""
        if finding.touchpoint:
            where = f"{where} › {finding.touchpoint}" if where else finding.touchpoint
        rows.append(
            [
                str(rank),
                number(finding.gain or 0.0, grouping=True),
                f"{finding.code} {RULES[finding.code].name}",
                md(where or "process"),
                md(finding.suggestion or finding.message),
            ]
        )
    return _table(["#", "gain", "rule", "where", "suggestion"], "rrlll", rows)


def _process_section(result: FileResult, process: Process, score: ProcessScore) -> str:
    findings = result.findings
    parties = leading_parties(list(process.parties), score, MAX_PARTY_COLUMNS)
    hidden = _hidden_parties(len(process.parties) - len(parties))
    lines = [
        f"## {md(process.id)}: {md(process.title)}",
        "",
        f"`{result.file.replace('`', '')}` · volume {number(process.volume, grouping=True)} · "
        f"disparity {interval(score.disparity)} · clarity {_clarity(score.clarity)}"
        f" · favoured {md(score.favoured or '–')}",
        "",
        "Parties: "
        + ", ".join(
            f"**{md(pid)}** ({md(name)}, {role})" if name != pid else f"**{md(pid)}** ({role})"
            for pid, name, role in (
                (p, process.party_name(p), process.role_of(p)) for p in process.parties
            )
        ),
        "",
        "### Touchpoints",
        "",
    ]
    codes_at: dict[str | None, set[str]] = {}
    for finding in findings:
        codes_at.setdefault(finding.touchpoint, set()).add(finding.code)
    # two tables rather than one wide one: with three parties, one would not fit the
    # 948 px column GitHub shows a report in
    rows, received = [], []
    for index, (touchpoint, scores) in enumerate(
        zip(process.touchpoints, score.touchpoints, strict=True), start=1
    ):
        codes = sorted(codes_at.get(touchpoint.id, ()))
        rows.append(
            [
                str(index),
                md(touchpoint.id),
                md(touchpoint.stage or "–"),
                touchpoint.practice or "–",
                md(touchpoint.channel or "–"),
                interval(scores.disparity),
                scores.praxis or "–",
                ", ".join(codes) or "–",
            ]
        )
        received.append(
            [str(index), md(touchpoint.id), *(_value(scores.received.get(p)) for p in parties)]
        )
    headers = ["#", "touchpoint", "stage", "practice", "channel", "disparity", "praxis"]
    lines += _table([*headers, "findings"], "rllllrll", rows)
    lines += ["", "Value each party receives at each touchpoint:", ""]
    lines += _table(
        ["#", "touchpoint", *(md(p) for p in parties)], "rl" + "r" * len(parties), received
    )
    if hidden:
        lines += ["", hidden.strip()]
    lines.append("")
    lines += ["### Exchanges", "", *sequence_diagram(process, score, findings), ""]
    lines += ["### Balance", "", *_balance(process, score), ""]
    if result.simulation is not None and result.simulation.process is not None:
        lines += _how_sure(result.simulation, process)
    opportunities = sorted(filter(is_opportunity, findings), key=opportunity_key)
    if opportunities:
        lines += ["### Opportunities", ""]
        lines += _opportunity_table(opportunities, with_process=False)
        lines.append("")
    if findings:
        lines += ["### Findings", ""]
        lines += _table(
            ["line", "rule", "severity", "message"],
            "rlll",
            (
                [
                    f"{f.line}:{f.column}",
                    f.code,
                    f"{SEVERITY_ICON[f.severity]} {f.severity.value}",
                    md(f.message),
                ]
                for f in findings
            ),
        )
        lines.append("")
    return "\n".join(lines) + "\n"


def _balance(process: Process, score: ProcessScore) -> list[str]:
    totals = {p: v for p, v in score.received.items() if v.mid > 0}
    lines: list[str] = []
    if totals:
        # the legend carries each value as the tables write it; the slices, a range's middle
        lines += ["```mermaid", "pie", "    title Value received over the chain"]
        for party, value in totals.items():
            label = mermaid(f"{process.party_name(party)}: {_value(value)}")
            lines.append(f'    "{label}" : {round(value.mid, 2):g}')
        lines += ["```", ""]
        if any(not v.is_point for v in totals.values()):
            lines += ["A range is drawn at its middle.", ""]
    parties = leading_parties(list(process.parties), score, MAX_PARTY_COLUMNS)
    hidden = _hidden_parties(len(process.parties) - len(parties))
    lines += [f"Running balance (volume × value received so far):{hidden}", ""]
    lines += _table(
        ["after", *(md(p) for p in parties)],
        "l" + "r" * len(parties),
        (
            [md(t.id), *(_value(balance[p]) for p in parties)]
            for t, balance in zip(process.touchpoints, running_balance(score, parties), strict=True)
        ),
    )
    return lines


#: Flows in the "what to measure first" table and chart of each process.
MEASURE_FIRST_SHOWN = 5


def _how_sure(simulation: ProcessSimulation, process: Process) -> list[str]:
    """How likely the verdicts are (``--simulate``), and which estimates to pin down
    first: a table and a bar chart of each flow's share of the doubt."""
    whole = simulation.process
    assert whole is not None
    lines = [
        "### How sure, and what to measure first",
        "",
        f"In {simulation.samples:,} draws of the uncertain values (seed {simulation.seed}), "
        f"the process's disparity is at or above {number(whole.threshold)} in "
        f"{percent(whole.p_above)} of them (5–95%: {number(whole.d_p05)}–"
        f"{number(whole.d_p95)}).",
        "",
    ]
    uncertain = [
        (touchpoint, verdict)
        for touchpoint, verdict in zip(process.touchpoints, simulation.touchpoints, strict=True)
        if verdict is not None
    ]
    rows = [
        [
            md(touchpoint.id),
            percent(verdict.p_above),
            f"{number(verdict.d_p05)}–{number(verdict.d_p95)}",
            md(max(verdict.favoured, key=lambda p: verdict.favoured[p])),
        ]
        for touchpoint, verdict in uncertain
    ]
    threshold = number(uncertain[0][1].threshold)  # VA202's, the same for every touchpoint
    lines += _table(
        ["touchpoint", f"P(D ≥ {threshold})", "D (5–95%)", "favoured most often"], "lrrl", rows
    )
    top = whole.measure_first[:MEASURE_FIRST_SHOWN]
    lines += [
        "",
        "What to measure first (the share of the doubt about the process each flow explains):",
        "",
    ]
    lines += _table(
        ["#", "flow", "touchpoint", "explains"],
        "rllr",
        (
            [str(rank), md(m.gives), md(m.touchpoint), percent(m.share)]
            for rank, m in enumerate(top, start=1)
        ),
    )
    labels = ", ".join(f'"{mermaid(m.gives)}"' for m in top)
    bars = ", ".join(f"{round(m.share, 2):g}" for m in top)
    lines += [
        "",
        "```mermaid",
        "xychart-beta",
        '    title "Share of the doubt each flow explains"',
        f"    x-axis [{labels}]",
        '    y-axis "share" 0 --> 1',
        f"    bar [{bars}]",
        "```",
        "",
    ]
    return lines


def _hidden_parties(count: int) -> str:
    """The note under a table whose party columns were cut to the leading ones."""
    if count <= 0:
        return ""
    return (
        f" The {MAX_PARTY_COLUMNS} parties receiving most are shown; {count} more are in"
        " the JSON output."
    )


def _glossary(fired: Sequence[str]) -> str:
    if not fired:
        return ""
    lines = ["## Rules that fired", ""]
    lines += _table(
        ["rule", "name", "severity", "what it finds"],
        "llll",
        (
            [code, RULES[code].name, RULES[code].severity.value, RULES[code].summary]
            for code in fired
        ),
    )
    lines += ["", "`valueaudit explain CODE` tells why each matters and how to fix it.", ""]
    return "\n".join(lines)


#: How a touchpoint's change of disparity is marked: better (lower), worse (higher).
IMPROVED, REGRESSED = "✅", "⚠️"


def change_rows(change: ProcessChange) -> list[list[str]]:
    """The before/after rows of a changed process: each touchpoint that changed (in the
    new order), then those added and removed, with improvements and regressions marked."""

    def difference(before: Interval | None, after: Interval | None) -> str:
        if before is None or after is None:
            return "–"
        moved = after.mid - before.mid
        if abs(moved) < 1e-9:
            return "0"
        text = f"{'+' if moved > 0 else '−'}{number(abs(moved))}"
        return f"{REGRESSED} {text}" if moved > 0 else f"{IMPROVED} {text}"

    def praxis(before: str | None, after: str | None) -> str:
        return before or "–" if before == after else f"{before or '–'} → {after or '–'}"

    rows = [
        [
            md(t.id),
            interval(t.old.disparity),
            interval(t.new.disparity),
            difference(t.old.disparity, t.new.disparity),
            praxis(t.old.praxis, t.new.praxis),
        ]
        for t in change.touchpoints
        if t.changed
    ]
    for ids, side, score, added in (
        (change.added, change.new, change.new_score, True),
        (change.removed, change.old, change.old_score, False),
    ):
        position = {touchpoint: k for k, touchpoint in enumerate(side.touchpoints)}
        for touchpoint in ids:
            scored = score.touchpoints[position[touchpoint]]
            shown = interval(scored.disparity)
            rows.append(
                [
                    md(touchpoint),
                    "–" if added else shown,
                    shown if added else "–",
                    "added" if added else "removed",
                    scored.praxis or "–",
                ]
            )
    return rows


class DiffWriter:
    """A diff as Markdown: a section per changed process (its figures and a before/after
    table of its touchpoints), then the lists."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.body = Spool()  # the summary line comes first
        self.sections = Sections(
            self._heading, self._line, lambda: self.body.write("\n"), self._change
        )

    def _heading(self, title: str) -> None:
        self.body.write(f"## {md(title)}\n\n")

    def _line(self, text: str) -> None:
        self.body.write(f"- {md(text)}\n")

    def _change(self, change: ProcessChange) -> None:
        """A changed process: its figures as a whole, then a table of the touchpoints
        that changed, were added or were removed, as-is against to-be."""
        for text in process_lines(change):
            self._line(text)
        rows = change_rows(change)
        if rows:
            self.body.write("\n")
            table = _table(["touchpoint", "as-is", "to-be", "change", "praxis"], "lrrrl", rows)
            self.body.write("\n".join(table) + "\n")
            unchanged = len(change.touchpoints) - sum(1 for t in change.touchpoints if t.changed)
            if unchanged:
                noun = "touchpoint" if unchanged == 1 else "touchpoints"
                self.body.write(f"\n{unchanged} more {noun} unchanged.\n")

    def add(self, part: DiffPart) -> None:
        """Write or keep one part of the diff."""
        self.sections.add(part)

    def finish(self, totals: DiffTotals) -> None:
        """Write the report."""
        self.sections.finish()
        self.out.write(f"# valueaudit diff\n\n{md(totals.line())}\n\n")
        self.body.copy_to(self.out)


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


#: Rows of each table of the report's Portfolio section (``portfolio`` shows all).
REPORT_PORTFOLIO_ROWS = 20


def portfolio_lines(
    ledger: Ledger,
    files: int,
    level: int,
    findings: Sequence[Finding] = (),
    most: int | None = None,
) -> list[str]:
    """The ledger's sections (parties, practices, channels, stages) and the portfolio
    rules' findings, their headings at ``level`` (``##`` for ``portfolio``; ``###``
    under the report's Portfolio), each table at most ``most`` rows long (the report
    stays under GitHub's size limit)."""
    from valueaudit.output import ledger_report as rows

    def cut(table: list[list[str]], what: str) -> tuple[list[list[str]], list[str]]:
        if most is None or len(table) <= most:
            return table, []
        more = f"…and {len(table) - most} more {what} (`valueaudit portfolio` has them all)."
        return table[:most], ["", more]

    mark = "#" * level
    lines = [md(rows.scope(ledger, files)), ""]
    flows = sankey(ledger)
    if flows:
        lines += [f"{mark} Where the value goes", ""]
        lines += [
            "Value given by each party (left) to each party receiving it (right), "
            "volume-weighted over every process.",
            "",
            *flows,
            "",
        ]
    chart = quadrant(ledger)
    if chart:
        lines += [f"{mark} Processes by clarity and disparity", "", *chart, ""]
    lines += [f"{mark} Parties", "", "Most often on the losing side first.", ""]
    parties, note = cut(
        [
            [md(cell) if k < 2 else cell for k, cell in enumerate(rows.party_row(p, t, ledger))]
            for p, t in rows.ranked_parties(ledger)
        ],
        "parties",
    )
    headers = rows.party_headers(ledger)
    # two tables, the values and the touchpoints, sharing the party column: as one, with
    # ranges in every column, it would not fit GitHub's 948 px column
    split = headers.index("favoured")
    lines += _table(headers[:split], "ll" + "r" * (split - 2), [r[:split] for r in parties])
    lines += ["", "Where each is favoured and where it loses (touchpoints):", ""]
    lines += _table(
        [headers[0], *headers[split:]],
        "l" + "r" * (len(headers) - split),
        [[r[0], *r[split:]] for r in parties],
    )
    lines += [*note, ""]
    for title, headers, cells in rows.group_tables(ledger):
        table, note = cut([[md(cell) for cell in row] for row in cells], title.lower())
        lines += [f"{mark} {title}", ""]
        lines += _table(headers, "lrr" + "l" * (len(headers) - 3), table)
        lines += [*note, ""]
    if findings:
        table, note = cut(
            [
                [
                    f"{SEVERITY_ICON[f.severity]} {f.code}",
                    md(f"{f.file}:{f.line}"),
                    md(f.message),
                ]
                for f in findings
            ],
            "findings",
        )
        lines += [f"{mark} Findings across all processes", ""]
        lines += _table(["rule", "where", "finding"], "lll", table)
        lines += [*note, ""]
    return lines
