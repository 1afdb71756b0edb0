"""The ``text`` format: findings by file, a summary table of processes, ranked
opportunities. Coloured in a terminal, plain when piped or with ``NO_COLOR``.

User text is always passed to rich as :class:`~rich.text.Text`, never as markup, so a
name like ``[bold]`` prints as written.
"""

from __future__ import annotations

from itertools import groupby

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from valueaudit.engine import ScanResult
from valueaudit.findings import Finding, Severity, count_by_severity
from valueaudit.output.numbers import text as interval_text

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
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
    return Text.assemble(
        (f"{finding.file}:{finding.line}:{finding.column}", "bold"),
        " ",
        (finding.code, SEVERITY_STYLE[finding.severity]),
        " ",
        finding.message,
    )


def _findings(findings: tuple[Finding, ...], console: Console) -> None:
    for file, group in groupby(findings, key=lambda f: f.file):
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
    """``3 files, 2 processes: 1 error, 2 warnings, 0 info`` and, with a baseline, how
    many findings it hides and how many were fixed since."""
    counts = count_by_severity(result.findings)
    files = len(result.files)
    processes = result.valid
    baseline = ""
    if result.baseline is not None:
        baseline = (
            f" ({result.baseline.known} known from the baseline not shown; "
            f"{result.baseline.fixed} findings fixed since the baseline)"
        )
    return Text.assemble(
        f"{files} file{'s' * (files != 1)}, {processes} process{'es' * (processes != 1)}: ",
        (f"{counts['error']} error{'s' * (counts['error'] != 1)}", SEVERITY_STYLE[Severity.ERROR]),
        ", ",
        (
            f"{counts['warning']} warning{'s' * (counts['warning'] != 1)}",
            SEVERITY_STYLE[Severity.WARNING],
        ),
        ", ",
        (f"{counts['info']} info", SEVERITY_STYLE[Severity.INFO]),
        baseline,
    )
