"""The ``markdown`` format: a report for people, rendered by GitHub and GitLab.

A summary (processes, findings by severity, top opportunities), then per process a
touchpoint table, a Mermaid sequence diagram of the chain's flows, a pie of the value
each party receives, the running balance, opportunities and findings; a glossary of
the rules that fired. Everything a user wrote is escaped so that no name can break a
table, open raw HTML or break a diagram. The report stays under GitHub's 1 MiB job
summary limit: whole process sections are left out, with a note, if it would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from valueaudit import __version__
from valueaudit.engine import ProcessReport, ScanResult
from valueaudit.findings import Finding, Severity, count_by_severity
from valueaudit.interval import Interval
from valueaudit.output.numbers import text as interval_text
from valueaudit.rules import RULES

#: GitHub's limit for a job summary is 1 MiB; stay a little under it.
MAX_BYTES = 1_000_000
TOP_OPPORTUNITIES = 10
SEVERITY_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~$^])")
_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 .,_'/+-]")
_END_WORD = re.compile(r"\bend\b", re.IGNORECASE)


def md(text: object) -> str:
    """User text for a Markdown paragraph or table cell: one line, no HTML, no markup."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def mermaid(text: object) -> str:
    """User text for a Mermaid label: every character outside a small safe set becomes
    an entity code (``#35;``), and the keyword ``end`` is defused."""
    flat = " ".join(str(text).split())
    encoded = "".join(c if _MERMAID_SAFE.fullmatch(c) else f"#{ord(c)};" for c in flat)
    return _END_WORD.sub(lambda m: f"#{ord(m.group()[0])};{m.group()[1:]}", encoded)


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def _value(value: Interval | None) -> str:
    if value is None:
        return "–"
    return _num(value.low) if value.is_point else f"{_num(value.low)}–{_num(value.high)}"


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; ``align`` has one letter per column: l or r."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return [_row(headers), _row(rule), *(_row(r) for r in rows)]


def render(result: ScanResult) -> str:
    """The report as Markdown."""
    head = _summary(result)
    tail = _glossary(result.findings)
    sections = [_process_section(p, result) for p in result.processes]
    unreadable = _unreadable_section(result)
    budget = MAX_BYTES - len(head.encode()) - len(tail.encode()) - len(unreadable.encode()) - 500
    kept: list[str] = []
    for section in sections:
        size = len(section.encode())
        if size > budget:
            break
        kept.append(section)
        budget -= size
    note = ""
    if len(kept) < len(sections):
        left = len(sections) - len(kept)
        note = (
            f"> **Report truncated:** {left} of {len(sections)} processes are left out to stay "
            "under the 1 MiB limit of a GitHub job summary. Run `valueaudit report` on fewer "
            "files, or see `--format json` for everything.\n\n"
        )
    return head + note + "".join(kept) + unreadable + tail


def _summary(result: ScanResult) -> str:
    counts = count_by_severity(result.findings)
    lines = [
        "# valueaudit report",
        "",
        f"{_plural(len(result.files), 'file')} · {_plural(result.valid, 'valid process')} · "
        + " · ".join(
            f"{SEVERITY_ICON[s]} {_plural(counts[s.value], s.value)}"
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        )
        + f" · valueaudit {__version__}",
        "",
    ]
    if result.baseline is not None:
        lines += [
            f"Compared with the baseline: {result.baseline.known} known findings not shown, "
            f"{result.baseline.fixed} fixed since.",
            "",
        ]
    if result.processes:
        rows = []
        for process in result.processes:
            own = count_by_severity([f for f in result.findings if f.file == process.file])
            rows.append(
                [
                    md(process.id),
                    md(process.name),
                    str(len(process.touchpoints)),
                    interval_text(process.disparity),
                    "–" if process.clarity is None else f"{process.clarity:.0%}",
                    md(process.favoured or "–"),
                    *(str(own[s]) for s in ("error", "warning", "info")),
                ]
            )
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
            rows,
        )
        lines.append("")
    opportunities = result.opportunities()
    if opportunities:
        lines += ["### Top opportunities", ""]
        lines += _opportunity_table(opportunities[:TOP_OPPORTUNITIES], with_process=True)
        if len(opportunities) > TOP_OPPORTUNITIES:
            lines.append(f"\n…and {len(opportunities) - TOP_OPPORTUNITIES} more, by process below.")
        lines.append("")
    return "\n".join(lines) + "\n"


def _opportunity_table(findings: Sequence[Finding], *, with_process: bool) -> list[str]:
    rows = []
    for rank, finding in enumerate(findings, start=1):
        where = (finding.process or finding.file) if with_process else ""
        if finding.touchpoint:
            where = f"{where} › {finding.touchpoint}" if where else finding.touchpoint
        rows.append(
            [
                str(rank),
                _num(finding.gain or 0.0),
                f"{finding.code} {RULES[finding.code].name}",
                md(where or "process"),
                md(finding.suggestion or finding.message),
            ]
        )
    return _table(["#", "gain", "rule", "where", "suggestion"], "rrlll", rows)


def _process_section(process: ProcessReport, result: ScanResult) -> str:
    findings = [f for f in result.findings if f.file == process.file]
    parties = list(process.parties)
    lines = [
        f"## {md(process.id)}: {md(process.name)}",
        "",
        f"`{process.file.replace('`', '')}` · volume {_num(process.volume)} · disparity "
        f"{interval_text(process.disparity)} · clarity "
        + ("–" if process.clarity is None else f"{process.clarity:.0%}")
        + f" · favoured {md(process.favoured or '–')}",
        "",
        "Parties: "
        + ", ".join(
            f"**{md(pid)}** ({md(name)}, {role})" if name != pid else f"**{md(pid)}** ({role})"
            for pid, (name, role) in process.parties.items()
        ),
        "",
        "### Touchpoints",
        "",
    ]
    rows = []
    for number, touchpoint in enumerate(process.touchpoints, start=1):
        codes = sorted({f.code for f in findings if f.touchpoint == touchpoint.id})
        rows.append(
            [
                str(number),
                md(touchpoint.id),
                md(touchpoint.stage or "–"),
                touchpoint.practice or "–",
                md(touchpoint.channel or "–"),
                *(_value(touchpoint.received.get(p)) for p in parties),
                interval_text(touchpoint.disparity),
                touchpoint.praxis or "–",
                ", ".join(codes) or "–",
            ]
        )
    lines += _table(
        [
            "#",
            "touchpoint",
            "stage",
            "practice",
            "channel",
            *(md(p) for p in parties),
            "disparity",
            "praxis",
            "findings",
        ],
        "rllll" + "r" * len(parties) + "rll",
        rows,
    )
    lines += ["", "Columns per party: the value each receives at the touchpoint.", ""]
    lines += ["### Exchanges", "", *_sequence_diagram(process), ""]
    lines += ["### Balance", "", *_balance(process), ""]
    opportunities = [f for f in result.opportunities() if f.file == process.file]
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


def _sequence_diagram(process: ProcessReport) -> list[str]:
    aliases = {party: f"p{i}" for i, party in enumerate(process.parties)}
    lines = ["```mermaid", "sequenceDiagram"]
    for party, (name, _) in process.parties.items():
        lines.append(f"    participant {aliases[party]} as {mermaid(name)}")
    first, last = next(iter(aliases.values())), list(aliases.values())[-1]
    for touchpoint in process.touchpoints:
        lines.append(f"    Note over {first},{last}: {mermaid(touchpoint.id)}")
        for flow in touchpoint.flows:
            label = f"{flow.gives} ({_value(flow.value) if flow.value else '?'})"
            lines.append(f"    {aliases[flow.source]}->>{aliases[flow.target]}: {mermaid(label)}")
    lines.append("```")
    return lines


def _balance(process: ProcessReport) -> list[str]:
    totals = {p: v for p, v in process.received.items() if v.mid > 0}
    lines: list[str] = []
    if totals:
        lines += ["```mermaid", "pie showData", "    title Value received over the chain"]
        for party, value in totals.items():
            lines.append(f'    "{mermaid(party)}" : {round(value.mid, 2):g}')
        lines += ["```", ""]
        if any(not v.is_point for v in totals.values()):
            lines += ["Ranges are shown at their middle.", ""]
    parties = list(process.parties)
    lines += ["Running balance (volume × value received so far):", ""]
    lines += _table(
        ["after", *(md(p) for p in parties)],
        "l" + "r" * len(parties),
        ([md(t.id), *(_value(t.cumulative.get(p)) for p in parties)] for t in process.touchpoints),
    )
    return lines


def _unreadable_section(result: ScanResult) -> str:
    invalid = [f for f in result.files if not f.valid]
    if not invalid:
        return ""
    lines = ["## Files that could not be audited", ""]
    rows = [
        [f"`{f.file.replace('`', '')}`", f"{x.line}:{x.column}", x.code, md(x.message)]
        for f in invalid
        for x in result.findings
        if x.file == f.file and x.severity is Severity.ERROR
    ]
    lines += _table(["file", "line", "rule", "message"], "lrll", rows)
    return "\n".join(lines) + "\n\n"


def _glossary(findings: Sequence[Finding]) -> str:
    fired = sorted({f.code for f in findings})
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
