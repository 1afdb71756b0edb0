"""The report's Portfolio section (and ``valueaudit portfolio -f markdown``): where
the value goes, processes by clarity and disparity, the ledger's tables and the
scan-level findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from valueaudit.findings import (
    Finding,
)
from valueaudit.output.diagrams import quadrant, sankey

if TYPE_CHECKING:
    from valueaudit.portfolio import Ledger
from valueaudit.mdtext import PROSE_CHARACTERS, md
from valueaudit.output.markdown.cells import SEVERITY_ICON, table_lines

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
    # three tables sharing the party column: what it receives and gives, what that costs
    # it, where it wins and loses; as one, with ranges in every column, it would not fit
    # GitHub's 948 px column
    costs, split = headers.index("cost"), headers.index("favoured")
    lines += table_lines(headers[:costs], "ll" + "r" * (costs - 2), [r[:costs] for r in parties])
    lines += ["", "What giving costs each, and its net (SPEC §4.9):", ""]
    lines += table_lines(
        [headers[0], *headers[costs:split]],
        "l" + "r" * (split - costs),
        [[r[0], *r[costs:split]] for r in parties],
    )
    lines += ["", "Where each is favoured and where it loses (touchpoints):", ""]
    lines += table_lines(
        [headers[0], *headers[split:]],
        "l" + "r" * (len(headers) - split),
        [[r[0], *r[split:]] for r in parties],
    )
    lines += [*note, ""]
    for title, headers, cells in rows.group_tables(ledger):
        table, note = cut([[md(cell) for cell in row] for row in cells], title.lower())
        lines += [f"{mark} {title}", ""]
        numbers = "l" if headers[-1] == "praxis" else "r"
        lines += table_lines(headers, "lrr" + numbers * (len(headers) - 3), table)
        lines += [*note, ""]
    if findings:
        table, note = cut(
            [
                [
                    f"{SEVERITY_ICON[f.severity]} {f.code}",
                    md(f"{f.file}:{f.line}"),
                    md(f.message, PROSE_CHARACTERS),
                ]
                for f in findings
            ],
            "findings",
        )
        lines += [f"{mark} Findings across all processes", ""]
        lines += table_lines(["rule", "where", "finding"], "lll", table)
        lines += [*note, ""]
    return lines
