"""``valueaudit show``: one process in detail, for a terminal.

The chain in order (practice, channel, each flow, value received per party, disparity,
praxis), the running balance as a small bar chart per party, and the findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from valueaudit.engine import FileResult
from valueaudit.interval import Interval
from valueaudit.journey import minutes_per_occurrence
from valueaudit.model import Evidence, Flow, NotValued, Process
from valueaudit.numbers import interval, number, percent
from valueaudit.output import MAX_PARTY_COLUMNS, exchange_verdicts, print_whole
from valueaudit.output.text import finding_line
from valueaudit.scoring import ProcessScore, leading_parties, running_balance

if TYPE_CHECKING:
    from valueaudit.simulation import ProcessSimulation, Verdict

BAR_WIDTH = 24


def _value(value: Interval | None) -> str:
    if isinstance(value, NotValued):
        return "not valued"
    return "?" if value is None else interval(value)


def _flow_line(flow: Flow) -> Text:
    parts: list[str | tuple[str, str]] = [
        (f"{flow.source} → {flow.target}", "bold"),
        "  ",
        flow.gives,
        (f"  ({flow.kind})", "dim"),
        f"  value {_value(flow.value)}",
    ]
    if flow.cost is not None:
        parts.append(f"  cost {_value(flow.cost)}")
    if flow.confidence is not None:
        parts.append((f"  confidence {flow.confidence}", "dim"))
    if flow.amount is not None:
        due = f", due in {flow.timing.due_days} days" if flow.timing else ""
        parts.append(f"  amount {number(flow.amount, grouping=True)}{due}")
    if flow.minutes is not None:
        parts.append(f"  {interval(flow.minutes)} min")
    parts.append((f"  [{_rests_on(flow.evidence)}]", "dim"))
    return Text.assemble("      ", *parts)


def _rests_on(evidence: Evidence | None) -> str:
    """What a number rests on: ``measured: booking system, 2026-06-30`` or ``unstated``."""
    if evidence is None:
        return "unstated"
    details = [x for x in (evidence.ref, evidence.as_of and evidence.as_of.isoformat()) if x]
    return evidence.source + (f": {', '.join(details)}" if details else "")


def render(result: FileResult, console: Console) -> None:
    """Print one scored process in detail."""
    process, scores = result.process, result.score
    assert process is not None and scores is not None
    print_whole(console, _header(process, scores, result.file))
    for touchpoint, score, line in zip(
        process.touchpoints, scores.touchpoints, result.touchpoint_lines, strict=True
    ):
        title = Text.assemble(
            (f"{touchpoint.id}", "bold cyan"),
            f"  {touchpoint.name}" if touchpoint.name else "",
            ("  line " + str(line), "dim"),
        )
        facts = " · ".join(
            f"{label} {value}"
            for label, value in (
                ("exchange", touchpoint.exchange),
                ("practice", touchpoint.practice or "–"),
                ("channel", touchpoint.channel),
                ("stage", touchpoint.stage),
                ("volume", number(score.volume, grouping=True)),
                ("volume rests on", touchpoint.evidence and _rests_on(touchpoint.evidence)),
                ("waited", _days(touchpoint.wait_days)),
            )
            if value
        )
        console.print(title)
        console.print(Text(f"    {facts}", style="dim"))
        for flow in touchpoint.flows:
            console.print(_flow_line(flow), soft_wrap=True)
        if score.received:
            received = ", ".join(f"{p} {_value(v)}" for p, v in score.received.items())
            favoured = f" favours {score.favoured}" if score.favoured else ""
            console.print(
                Text(
                    f"    received: {received} · disparity {interval(score.disparity)}"
                    f"{favoured}" + (f" · praxis {score.praxis}" if score.praxis else "")
                ),
                soft_wrap=True,
            )
        console.print()
    print_whole(console, _balance_chart(process, scores))
    _exchanges_and_nets(process, scores, console)
    if result.simulation is not None:
        _how_sure(result.simulation, process, scores, console)
    findings = result.findings
    console.print(Text(f"Findings ({len(findings)})", style="bold"))
    for finding in findings:
        console.print(finding_line(finding), soft_wrap=True)


#: Flows listed under "measure first" in ``show``.
MEASURE_FIRST_SHOWN = 3


def _probability_bar(label: str, verdict: Verdict) -> Text:
    """``payment  P(D ≥ 0.5) ███████░░░ 72%  D 0.41–0.78 (5–95%)``."""
    solid = round(verdict.p_above * BAR_WIDTH)
    return Text.assemble(
        f"  {label}  P(D ≥ {number(verdict.threshold)}) ",
        ("█" * solid, "red"),
        ("░" * (BAR_WIDTH - solid), "dim"),
        f" {percent(verdict.p_above)}",
        (f"  D {number(verdict.d_p05)}–{number(verdict.d_p95)} (5–95%)", "dim"),
    )


def _how_sure(
    simulation: ProcessSimulation, process: Process, scores: ProcessScore, console: Console
) -> None:
    """How likely each uneven verdict is, and the flows to measure first."""
    console.print(
        Text(f"How sure ({simulation.samples:,} draws, seed {simulation.seed})", style="bold")
    )
    if simulation.process is None:
        console.print(Text("  every value is a point: the verdicts above are certain"))
        console.print()
        return
    console.print(_probability_bar("process", simulation.process), soft_wrap=True)
    for where, verdict in exchange_verdicts(process, scores, simulation):
        console.print(_probability_bar(where, verdict), soft_wrap=True)
    console.print(Text("  Measure first (share of the doubt about the process it explains):"))
    for rank, flow in enumerate(simulation.process.measure_first[:MEASURE_FIRST_SHOWN], 1):
        console.print(
            Text(f"    {rank}. '{flow.gives}' at {flow.touchpoint}: {percent(flow.share)}"),
            soft_wrap=True,
        )
    console.print()


def _header(process: Process, scores: ProcessScore, file: str) -> Panel:
    parties = ", ".join(
        f"{party} ({name}, {role})" if name != party else f"{party} ({role})"
        for party, name, role in (
            (p, process.party_name(p), process.role_of(p)) for p in process.parties
        )
    )
    clarity = "–" if scores.clarity is None else f"{scores.clarity:.0%}"
    scale = f"scale 0..{number(process.scale)}" if process.in_points else f"in {process.unit}"
    lines = [
        Text(process.description or "", style="italic") if process.description else None,
        Text(f"parties: {parties}"),
        Text(
            f"volume {number(process.volume, grouping=True)} · {scale} · disparity "
            f"{interval(scores.disparity)} · clarity {clarity} · favoured "
            f"{scores.favoured or '–'}"
        ),
    ]
    return Panel(
        Group(*[line for line in lines if line is not None]),
        title=Text(f"{process.id} — {process.title}"),
        subtitle=Text(file),
        expand=False,
    )


def _balance_chart(process: Process, scores: ProcessScore) -> Table:
    """Running balance: value received so far (volume-weighted), a bar per party."""
    table = Table(
        title="Running balance (volume × value received so far)",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    table.add_column("after")
    parties = leading_parties(list(process.parties), scores, MAX_PARTY_COLUMNS)
    hidden = len(process.parties) - len(parties)
    if hidden:
        table.caption = f"the {len(parties)} parties receiving most; {hidden} more not shown"
        table.caption_justify = "left"
    for party in parties:
        table.add_column(party)
    top = max((scores.received[p].high for p in parties if p in scores.received), default=0.0)
    for touchpoint, balance in zip(
        process.touchpoints, running_balance(scores, parties), strict=True
    ):
        table.add_row(Text(touchpoint.id), *(_bar(balance[p], top) for p in parties))
    return table


def _exchanges_and_nets(process: Process, scores: ProcessScore, console: Console) -> None:
    """Each exchange of several touchpoints as judged together, and each party's net
    over the process (SPEC §4.8, §4.9)."""
    unit = "" if process.in_points else f", in {process.unit}"
    for exchange in scores.exchanges:
        if len(exchange.touchpoints) < 2:
            continue
        ids = ", ".join(process.touchpoints[i].id for i in exchange.touchpoints)
        received = ", ".join(
            f"{p} {interval(v, grouping=True)}" for p, v in exchange.received.items()
        )
        favoured = f" favours {exchange.favoured}" if exchange.favoured else ""
        console.print(Text(f"exchange {exchange.id} ({ids})", style="bold cyan"), soft_wrap=True)
        console.print(
            Text(
                f"    received per period: {received} · disparity "
                f"{interval(exchange.disparity)}{favoured}"
            ),
            soft_wrap=True,
        )
    nets = ", ".join(
        f"{p} {interval(v, grouping=True)}{'*' if p in scores.not_valued else ''}"
        for p, v in scores.net.items()
    )
    _journey(process, scores, console)
    console.print(
        Text(
            f"Net per period{unit} (received less what giving costs, and fixed costs)", style="bold"
        )
    )
    console.print(Text(f"    {nets}"), soft_wrap=True)
    if scores.not_valued:
        console.print(
            Text("    * receives a not-valued flow: its net leaves that flow out", style="dim")
        )
    console.print()


def _days(days: float | None) -> str | None:
    return None if days is None else f"{number(days)} days"


def _journey(process: Process, scores: ProcessScore, console: Console) -> None:
    """What the value rests on, and the time it costs (SPEC §4.14–§4.15)."""
    shares = ", ".join(
        f"{kind} {interval(Interval(share.low * 100, share.high * 100))}%"
        for kind, share in scores.evidence.items()
        if share.high > 0
    )
    console.print(Text("Evidence (share of the value received resting on it)", style="bold"))
    volume = _rests_on(process.evidence)
    console.print(
        Text(f"    {shares or 'no value received'} · the volume: {volume}"), soft_wrap=True
    )
    journey = scores.journey
    if journey is not None and (journey.effort or journey.waiting is not None):
        console.print(Text("Effort and waiting", style="bold"))
        for party, hours in journey.effort.items():
            each = minutes_per_occurrence(hours, process.volume)
            per = f" ({interval(each)} minutes each time)" if each is not None else ""
            console.print(
                Text(f"    {party}: {interval(hours, grouping=True)} hours per period{per}"),
                soft_wrap=True,
            )
        if journey.waiting is not None:
            console.print(Text(f"    waiting along the chain: {_days(journey.waiting)}"))


def _bar(value: Interval, top: float) -> Text:
    """``████▒▒  1,200`` — solid up to the low end, shaded up to the high end."""
    if top <= 0:
        return Text("0")
    solid = round(value.low / top * BAR_WIDTH)
    shaded = round(value.high / top * BAR_WIDTH) - solid
    label = interval(value, 0, grouping=True)
    return Text.assemble(("█" * solid, "green"), ("▒" * shaded, "yellow"), f" {label}")
