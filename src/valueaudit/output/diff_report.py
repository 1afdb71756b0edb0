"""``diff`` output in ``text``, ``json`` and ``markdown``.

Both human formats are built from one neutral description (:func:`describe`): a list of
sections, each a title and lines of plain text; the Markdown renderer escapes them, the
terminal renderer prints them as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from valueaudit import __version__
from valueaudit.diff import (
    DiffResult,
    ProcessChange,
    delta,
    parties_of,
    party_deltas,
    percent,
    summary,
    value,
)
from valueaudit.findings import Finding
from valueaudit.output.json_format import finding_json
from valueaudit.output.numbers import interval


@dataclass(frozen=True)
class Section:
    """A titled block of plain-text lines."""

    title: str
    lines: tuple[str, ...]


def _where(finding: Finding) -> str:
    where = finding.process or finding.file
    if finding.touchpoint:
        where += f" › {finding.touchpoint}"
    return f"{finding.code} at {where}: {finding.message}"


def _process_lines(change: ProcessChange) -> list[str]:
    parties = parties_of(change)
    lines = [
        f"disparity {delta(change.old.disparity, change.new.disparity)}; "
        f"clarity {percent(change.old.clarity, change.new.clarity)}; "
        f"favoured {change.old.favoured or '–'} → {change.new.favoured or '–'}"
    ]
    balance = party_deltas(change.old.received, change.new.received, parties)
    if balance:
        lines.append("balance: " + "; ".join(f"{p} {d}" for p, d in balance))
    if change.added:
        lines.append("touchpoints added: " + ", ".join(change.added))
    if change.removed:
        lines.append("touchpoints removed: " + ", ".join(change.removed))
    for tp in change.touchpoints:
        if not tp.changed:
            continue
        parts = [f"disparity {delta(tp.old.disparity, tp.new.disparity)}"]
        received = party_deltas(tp.old.received, tp.new.received, parties)
        if received:
            parts.append("received " + ", ".join(f"{p} {d}" for p, d in received))
        if tp.old.praxis != tp.new.praxis:
            parts.append(f"praxis {tp.old.praxis or '–'} → {tp.new.praxis or '–'}")
        lines.append(f"{tp.id}: " + "; ".join(parts))
    return lines


def describe(result: DiffResult) -> list[Section]:
    """The diff as sections of plain text."""
    sections = [
        Section(f"process {c.id} ({c.old.file} → {c.new.file})", tuple(_process_lines(c)))
        for c in result.changes
    ]
    if result.added:
        sections.append(
            Section("processes added", tuple(f"{p.id} ({p.file})" for p in result.added))
        )
    if result.removed:
        sections.append(
            Section("processes removed", tuple(f"{p.id} ({p.file})" for p in result.removed))
        )
    sections.append(Section("findings fixed", tuple(_where(f) for f in result.fixed) or ("none",)))
    sections.append(
        Section("findings introduced", tuple(_where(f) for f in result.introduced) or ("none",))
    )
    return sections


def summary_line(result: DiffResult) -> str:
    """``1 process changed, 0 added, 0 removed; 2 findings fixed, 1 introduced``."""
    counts = summary(result)
    p, f = counts["processes"], counts["findings"]
    return (
        f"{p['changed']} changed, {p['unchanged']} unchanged, {p['added']} added, "
        f"{p['removed']} removed processes; {f['fixed']} findings fixed, "
        f"{f['introduced']} introduced"
    )


def render_text(result: DiffResult, console: Console) -> None:
    """The diff for a terminal."""
    for section in describe(result):
        console.print(Text(section.title, style="bold"))
        for line in section.lines:
            console.print(Text(f"  {line}"), soft_wrap=True)
        console.print()
    console.print(summary_line(result))


def render_markdown(result: DiffResult) -> str:
    """The diff as Markdown."""
    from valueaudit.output.markdown import md

    lines = ["# valueaudit diff", "", md(summary_line(result)), ""]
    for section in describe(result):
        lines += [f"## {md(section.title)}", ""]
        lines += [f"- {md(line)}" for line in section.lines]
        lines.append("")
    return "\n".join(lines)


def _touchpoints_json(change: ProcessChange) -> list[dict[str, Any]]:
    return [
        {
            "id": tp.id,
            "disparity": {"old": interval(tp.old.disparity), "new": interval(tp.new.disparity)},
            "received": {
                party: {
                    "old": interval(tp.old.received.get(party)),
                    "new": interval(tp.new.received.get(party)),
                }
                for party in parties_of(change)
            },
            "praxis": {"old": tp.old.praxis, "new": tp.new.praxis},
        }
        for tp in change.touchpoints
    ]


def render_json(result: DiffResult) -> str:
    """The diff as JSON (``format_version`` 1, ``kind`` ``diff``)."""
    document = {
        "tool": {"name": "valueaudit", "version": __version__},
        "format_version": 1,
        "kind": "diff",
        "summary": summary(result),
        "processes": [
            {
                "id": c.id,
                "file": {"old": c.old.file, "new": c.new.file},
                "disparity": {"old": interval(c.old.disparity), "new": interval(c.new.disparity)},
                "clarity": {"old": c.old.clarity, "new": c.new.clarity},
                "balance": {
                    party: {
                        "old": interval(c.old.received.get(party)),
                        "new": interval(c.new.received.get(party)),
                    }
                    for party in parties_of(c)
                },
                "touchpoints_added": list(c.added),
                "touchpoints_removed": list(c.removed),
                "touchpoints": _touchpoints_json(c),
            }
            for c in result.changes
        ],
        "processes_added": [p.id for p in result.added],
        "processes_removed": [p.id for p in result.removed],
        "fixed": [finding_json(f) for f in result.fixed],
        "introduced": [finding_json(f) for f in result.introduced],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = ["describe", "render_json", "render_markdown", "render_text", "value"]
