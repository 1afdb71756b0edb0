"""``valueaudit show``: one process in detail, for a terminal.

The chain in order (practice, channel, each flow, value received per party, disparity,
praxis), the running balance as a small bar chart per party, and the findings.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from valueaudit.engine import FileReport, ProcessReport
from valueaudit.interval import Interval
from valueaudit.model import Flow, Process
from valueaudit.output.numbers import text as interval_text
from valueaudit.output.text import finding_line

BAR_WIDTH = 24


def _value(value: Interval | None) -> str:
    if value is None:
        return "?"
    return interval_text(value, digits=2).replace(".00", "")


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
        parts.append(f"  amount {flow.amount:,.2f}{due}")
    return Text.assemble("      ", *parts)


def render(process: Process, report: FileReport, console: Console) -> None:
    """Print one process in detail."""
    scores = report.process
    assert scores is not None
    console.print(_header(process, scores))
    for touchpoint, score in zip(process.touchpoints, scores.touchpoints, strict=True):
        title = Text.assemble(
            (f"{touchpoint.id}", "bold cyan"),
            f"  {touchpoint.name}" if touchpoint.name else "",
            ("  line " + str(score.line), "dim"),
        )
        facts = " · ".join(
            f"{label} {value}"
            for label, value in (
                ("practice", touchpoint.practice or "–"),
                ("channel", touchpoint.channel),
                ("stage", touchpoint.stage),
                ("volume", f"{score.volume:g}"),
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
                    f"    received: {received} · disparity {interval_text(score.disparity)}"
                    f"{favoured}" + (f" · praxis {score.praxis}" if score.praxis else "")
                ),
                soft_wrap=True,
            )
        console.print()
    console.print(_balance_chart(scores))
    findings = report.findings
    console.print(Text(f"Findings ({len(findings)})", style="bold"))
    for finding in findings:
        console.print(finding_line(finding), soft_wrap=True)


def _header(process: Process, scores: ProcessReport) -> Panel:
    parties = ", ".join(
        f"{party} ({name}, {role})" if name != party else f"{party} ({role})"
        for party, (name, role) in scores.parties.items()
    )
    clarity = "–" if scores.clarity is None else f"{scores.clarity:.0%}"
    lines = [
        Text(process.description or "", style="italic") if process.description else None,
        Text(f"parties: {parties}"),
        Text(
            f"volume {process.volume:g} · scale 0..{process.scale:g} · disparity "
            f"{interval_text(scores.disparity)} · clarity {clarity} · favoured "
            f"{scores.favoured or '–'}"
        ),
    ]
    return Panel(
        Group(*[line for line in lines if line is not None]),
        title=Text(f"{process.id} — {process.title}"),
        subtitle=Text(scores.file),
        expand=False,
    )


def _balance_chart(scores: ProcessReport) -> Table:
    """Running balance: value received so far (volume-weighted), a bar per party."""
    table = Table(
        title="Running balance (volume × value received so far)",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    table.add_column("after")
    parties = list(scores.parties)
    for party in parties:
        table.add_column(party)
    top = max((v.high for t in scores.touchpoints for v in t.cumulative.values()), default=0.0)
    for touchpoint in scores.touchpoints:
        cells = []
        for party in parties:
            value = touchpoint.cumulative.get(party, Interval(0.0, 0.0))
            cells.append(_bar(value, top))
        table.add_row(Text(touchpoint.id), *cells)
    return table


def _bar(value: Interval, top: float) -> Text:
    """``████▒▒  1,200`` — solid up to the low end, shaded up to the high end."""
    if top <= 0:
        return Text("0")
    solid = round(value.low / top * BAR_WIDTH)
    shaded = round(value.high / top * BAR_WIDTH) - solid
    label = f"{value.low:,.0f}" if value.is_point else f"{value.low:,.0f}–{value.high:,.0f}"
    return Text.assemble(("█" * solid, "green"), ("▒" * shaded, "yellow"), f" {label}")
