"""The ``text`` format: findings by file, a summary table of processes, ranked
opportunities. Coloured in a terminal, plain when piped or with ``NO_COLOR``.

User text is always passed to rich as :class:`~rich.text.Text`, never as markup, so a
name like ``[bold]`` prints as written.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from valueaudit.engine import ScanResult
from valueaudit.findings import Finding, Severity, count_by_severity
from valueaudit.output.lines import SEVERITY_STYLE, by_file, finding_segments, summary_segments
from valueaudit.output.numbers import text as interval_text

#: Opportunities listed in the terminal; the JSON and Markdown outputs list them all.
TOP_OPPORTUNITIES = 10


def render(result: ScanResult, console: Console, *, quiet: bool = False) -> None:
    """Print the scan to ``console``; ``quiet`` leaves out the tables."""
    _findings(result.findings, console)
    if quiet:
        console.print(summary_line(result))
        return
    if result.processes:
        _processes(result, console)
    opportunities = result.opportunities()
    if opportunities:
        _opportunities(opportunities, console)
    console.print(summary_line(result))


def finding_line(finding: Finding) -> Text:
    """``file:line:col CODE message``, the code coloured by severity."""
    return Text.assemble(*finding_segments(finding))


def _findings(findings: tuple[Finding, ...], console: Console) -> None:
    for file, group in by_file(findings):
        console.print(Text(file, style="bold underline"))
        for finding in group:
            console.print(finding_line(finding), soft_wrap=True)
        console.print()


def _processes(result: ScanResult, console: Console) -> None:
    table = Table(title="Processes", box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column("process", no_wrap=True)
    table.add_column("touchpoints", justify="right", no_wrap=True)
    for header in ("disparity", "clarity"):
        table.add_column(header, justify="right")
    table.add_column("favoured")
    table.add_column("findings", justify="right")
    for process in result.processes:
        counts = count_by_severity([f for f in result.findings if f.file == process.file])
        table.add_row(
            Text(process.id),
            str(len(process.touchpoints)),
            interval_text(process.disparity),
            "–" if process.clarity is None else f"{process.clarity:.0%}",
            Text(process.favoured or "–"),
            _counts_text(counts),
        )
    console.print(table)


def _counts_text(counts: dict[str, int]) -> Text:
    parts = [
        (f"{counts[s.value]}{s.value[0].upper()}", SEVERITY_STYLE[s])
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s.value]
    ]
    text = Text(" ").join(Text(p, style=style) for p, style in parts)
    return text if parts else Text("0")


def _opportunities(opportunities: list[Finding], console: Console) -> None:
    console.print(
        Text("Opportunities, ranked by gain", style="italic"),
        Text("(volume × value that would move to parity)", style="dim"),
    )
    for rank, finding in enumerate(opportunities[:TOP_OPPORTUNITIES], start=1):
        where = finding.process or finding.file
        if finding.touchpoint:
            where += f" › {finding.touchpoint}"
        console.print(
            Text.assemble(
                f"{rank:>3}. ",
                (f"{finding.gain or 0:>12,.2f}", "bold"),
                "  ",
                (finding.code, SEVERITY_STYLE[finding.severity]),
                "  ",
                where,
            ),
            soft_wrap=True,
        )
        console.print(Text(f"     {finding.suggestion or finding.message}"), soft_wrap=True)
    console.print()
    if len(opportunities) > TOP_OPPORTUNITIES:
        more = len(opportunities) - TOP_OPPORTUNITIES
        console.print(f"… and {more} more (all of them in --format json or markdown)\n")


def summary_line(result: ScanResult) -> Text:
    """The summary (:func:`~valueaudit.output.lines.summary_segments`), styled."""
    return Text.assemble(*summary_segments(result))
