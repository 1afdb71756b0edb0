"""One process's section of the report: its touchpoint tables, the sequence diagram of
its flows, the pie of what each party receives, the running balance, how sure the
scores are, its opportunities and findings; and its row of the summary table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from valueaudit.findings import (
    Finding,
    Opportunity,
    count_by_severity,
    opportunities,
    opportunity_key,
)
from valueaudit.numbers import gain_text, interval, number, percent
from valueaudit.output import MAX_PARTY_COLUMNS, exchange_verdicts
from valueaudit.output.diagrams import coordinate, mermaid, sequence_diagram
from valueaudit.rules import RULES
from valueaudit.scoring import leading_parties, running_balance

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.model import Process
    from valueaudit.scoring import ProcessScore
    from valueaudit.simulation import ProcessSimulation
from valueaudit.mdtext import PROSE_CHARACTERS, md
from valueaudit.output.markdown.cells import (
    SEVERITY_ICON,
    clarity_cell,
    table_lines,
    value_cell,
)


def summary_row(process: Process, score: ProcessScore, findings: Sequence[Finding]) -> list[str]:
    own = count_by_severity(findings)
    return [
        md(process.id),
        md(process.title),
        str(len(process.touchpoints)),
        interval(score.disparity),
        clarity_cell(score.clarity),
        md(score.favoured or "–"),
        *(str(own[s]) for s in ("error", "warning", "info")),
    ]


def opportunity_table(found: Sequence[Opportunity], *, with_process: bool) -> list[str]:
    """The opportunities ranked, one row each, with the gain in its unit and the codes
    behind it (SPEC §4.10, §4.12)."""
    rows = []
    for rank, opportunity in enumerate(found, start=1):
        finding = opportunity.finding
        where = opportunity.place if with_process else opportunity.spot or "process"
        rows.append(
            [
                str(rank),
                gain_text(opportunity.gain, opportunity.unit),
                f"{finding.code} {RULES[finding.code].name}{opportunity.also_text}",
                md(where),
                opportunity.evidence,
                md(finding.suggestion or finding.message, PROSE_CHARACTERS),
            ]
        )
    return table_lines(["#", "gain", "rule", "where", "rests on", "suggestion"], "rrllll", rows)


def process_section(result: FileResult, process: Process, score: ProcessScore) -> str:
    findings = result.findings
    parties = leading_parties(list(process.parties), score, MAX_PARTY_COLUMNS)
    hidden = hidden_parties(len(process.parties) - len(parties))
    lines = [
        f"## {md(process.id)}: {md(process.title)}",
        "",
        f"{md(result.file)} · volume {number(process.volume, grouping=True)} · "
        f"disparity {interval(score.disparity)} · clarity {clarity_cell(score.clarity)}"
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
            [str(index), md(touchpoint.id), *(value_cell(scores.received.get(p)) for p in parties)]
        )
    headers = ["#", "touchpoint", "stage", "practice", "channel", "disparity", "praxis"]
    lines += table_lines([*headers, "findings"], "rllllrll", rows)
    lines += ["", "Value each party receives at each touchpoint:", ""]
    lines += table_lines(
        ["#", "touchpoint", *(md(p) for p in parties)], "rl" + "r" * len(parties), received
    )
    if hidden:
        lines += ["", hidden.strip()]
    lines.append("")
    lines += _judged_together(process, score)
    lines += ["### Exchanges", "", *sequence_diagram(process, score, findings), ""]
    lines += ["### Balance", "", *_balance(process, score), ""]
    if result.simulation is not None and result.simulation.process is not None:
        lines += _how_sure(result.simulation, process, score)
    found = sorted(opportunities(findings), key=opportunity_key)
    if found:
        lines += ["### Opportunities", ""]
        lines += opportunity_table(found, with_process=False)
        lines.append("")
    # each finding once: those behind an opportunity are in its row (its codes), with
    # their messages here only when they are the rest
    behind = {(f.code, f.exchange or f.touchpoint) for o in found for f in _behind(o, findings)}
    rest = [f for f in findings if (f.code, f.exchange or f.touchpoint) not in behind]
    if found:
        lines += ["The findings behind them:", ""]
        lines += table_lines(
            ["line", "rule", "message"],
            "rll",
            (
                [f"{f.line}:{f.column}", f.code, md(f.message, PROSE_CHARACTERS)]
                for o in found
                for f in _behind(o, findings)
            ),
        )
        lines.append("")
    if rest:
        lines += ["### Other findings" if found else "### Findings", ""]
        lines += table_lines(
            ["line", "rule", "severity", "message"],
            "rlll",
            (
                [
                    f"{f.line}:{f.column}",
                    f.code,
                    f"{SEVERITY_ICON[f.severity]} {f.severity.value}",
                    md(f.message, PROSE_CHARACTERS),
                ]
                for f in rest
            ),
        )
        lines.append("")
    return "\n".join(lines) + "\n"


def _behind(opportunity: Opportunity, findings: Sequence[Finding]) -> list[Finding]:
    """The findings an opportunity merges: its own and those of the codes it lists at the
    same place."""
    lead = opportunity.finding
    codes = {lead.code, *opportunity.also}
    place = lead.exchange or lead.touchpoint
    if not opportunity.also:
        return [lead]
    return [f for f in findings if f.code in codes and (f.exchange or f.touchpoint) == place]


def _balance(process: Process, score: ProcessScore) -> list[str]:
    totals = {p: v for p, v in score.received.items() if v.mid > 0}
    lines: list[str] = []
    if totals:
        # the legend carries each value as the tables write it; the slices, a range's middle
        lines += ["```mermaid", "pie", "    title Value received over the chain"]
        for party, value in totals.items():
            label = mermaid(f"{process.party_name(party)}: {value_cell(value)}")
            lines.append(f'    "{label}" : {coordinate(value.mid)}')
        lines += ["```", ""]
        if any(not v.is_point for v in totals.values()):
            lines += ["A range is drawn at its middle.", ""]
    parties = leading_parties(list(process.parties), score, MAX_PARTY_COLUMNS)
    hidden = hidden_parties(len(process.parties) - len(parties))
    lines += [f"Running balance (volume × value received so far):{hidden}", ""]
    lines += table_lines(
        ["after", *(md(p) for p in parties)],
        "l" + "r" * len(parties),
        (
            [md(t.id), *(value_cell(balance[p]) for p in parties)]
            for t, balance in zip(process.touchpoints, running_balance(score, parties), strict=True)
        ),
    )
    unit = "" if process.in_points else f", {md(process.unit)}"
    nets = [value_cell(score.net.get(p)) + ("*" if p in score.not_valued else "") for p in parties]
    lines += [
        "",
        f"Net per period{unit}: what each party receives less what giving costs it "
        "(recorded costs; a payment costs its value) and its fixed cost:",
        "",
        *table_lines([*(md(p) for p in parties)], "r" * len(parties), [nets]),
    ]
    if score.not_valued:
        lines += ["", "\\* receives a not-valued flow: its net leaves that flow out."]
    return lines


def _judged_together(process: Process, score: ProcessScore) -> list[str]:
    """The exchanges of several touchpoints (SPEC §4.8), as the verdicts judge them."""
    rows = [
        [
            md(exchange.id or ""),
            md(
                ", ".join(process.touchpoints[i].id for i in exchange.touchpoints),
                PROSE_CHARACTERS,
            ),
            interval(exchange.disparity),
            md(exchange.favoured or "–"),
        ]
        for exchange in score.exchanges
        if len(exchange.touchpoints) > 1
    ]
    if not rows:
        return []
    return [
        "Judged together (touchpoints naming one exchange):",
        "",
        *table_lines(["exchange", "touchpoints", "disparity", "favoured"], "llrl", rows),
        "",
    ]


#: Flows in the "what to measure first" table and chart of each process.
MEASURE_FIRST_SHOWN = 5


def _how_sure(simulation: ProcessSimulation, process: Process, score: ProcessScore) -> list[str]:
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
        (where, verdict) for where, verdict in exchange_verdicts(process, score, simulation)
    ]
    rows = [
        [
            md(where),
            percent(verdict.p_above),
            f"{number(verdict.d_p05)}–{number(verdict.d_p95)}",
            md(max(verdict.favoured, key=lambda p: verdict.favoured[p])),
        ]
        for where, verdict in uncertain
    ]
    threshold = number(uncertain[0][1].threshold)  # VA202's, the same for every touchpoint
    lines += table_lines(
        ["exchange", f"P(D ≥ {threshold})", "D (5–95%)", "favoured most often"], "lrrl", rows
    )
    top = whole.measure_first[:MEASURE_FIRST_SHOWN]
    lines += [
        "",
        "What to measure first (the share of the doubt about the process each flow explains):",
        "",
    ]
    lines += table_lines(
        ["#", "flow", "touchpoint", "explains"],
        "rllr",
        (
            [str(rank), md(m.gives), md(m.touchpoint), percent(m.share)]
            for rank, m in enumerate(top, start=1)
        ),
    )
    labels = ", ".join(f'"{mermaid(m.gives)}"' for m in top)
    bars = ", ".join(coordinate(m.share) for m in top)
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


def hidden_parties(count: int) -> str:
    """The note under a table whose party columns were cut to the leading ones."""
    if count <= 0:
        return ""
    return (
        f" The {MAX_PARTY_COLUMNS} parties receiving most are shown; {count} more are in"
        " the JSON output."
    )
