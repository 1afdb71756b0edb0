"""``valueaudit diff OLD NEW``: what a change to processes did (as-is vs to-be).

Processes are matched by id and touchpoints by id. For each process the change in
disparity, balance and clarity; for each touchpoint the change in value received per
party, disparity and praxis; touchpoints and processes added or removed; findings
fixed and introduced. Findings are matched by process, touchpoint, rule and where in
the touchpoint they are, not by file or line, so a moved or renamed file still matches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from valueaudit.engine import ProcessReport, ScanResult, TouchpointReport
from valueaudit.findings import Finding
from valueaudit.interval import Interval

_TOUCHPOINT_INDEX = re.compile(r"^touchpoints\[\d+\]")


@dataclass(frozen=True, slots=True)
class TouchpointChange:
    """One touchpoint in both versions."""

    id: str
    old: TouchpointReport
    new: TouchpointReport

    @property
    def changed(self) -> bool:
        """Whether anything valueaudit scores changed."""
        return (self.old.received, self.old.disparity, self.old.praxis) != (
            self.new.received,
            self.new.disparity,
            self.new.praxis,
        )


@dataclass(frozen=True, slots=True)
class ProcessChange:
    """One process in both versions."""

    id: str
    old: ProcessReport
    new: ProcessReport
    touchpoints: tuple[TouchpointChange, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class DiffResult:
    """Everything ``diff`` reports."""

    old: ScanResult
    new: ScanResult
    changes: tuple[ProcessChange, ...]
    added: tuple[ProcessReport, ...]
    removed: tuple[ProcessReport, ...]
    fixed: tuple[Finding, ...]
    introduced: tuple[Finding, ...]


def finding_key(finding: Finding) -> tuple[str, str, str, str]:
    """What a finding is about, whatever the file or line: process (or file name when
    the file could not be read), touchpoint, rule, and where in the touchpoint."""
    owner = finding.process or finding.file.rsplit("/", 1)[-1]
    within = _TOUCHPOINT_INDEX.sub("", finding.path) if finding.touchpoint else finding.path
    return owner, finding.touchpoint or "", finding.code, within


def _difference(ours: tuple[Finding, ...], theirs: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The findings of ``ours`` with no counterpart in ``theirs`` (as multisets)."""
    available = Counter(finding_key(f) for f in theirs)
    left = []
    for finding in ours:
        key = finding_key(finding)
        if available[key]:
            available[key] -= 1
        else:
            left.append(finding)
    return tuple(left)


def compare(old: ScanResult, new: ScanResult) -> DiffResult:
    """Compare two scans."""
    old_processes = {p.id: p for p in old.processes}
    new_processes = {p.id: p for p in new.processes}
    changes = []
    for pid in sorted(old_processes.keys() & new_processes.keys()):
        before, after = old_processes[pid], new_processes[pid]
        old_tps = {t.id: t for t in before.touchpoints}
        new_tps = {t.id: t for t in after.touchpoints}
        touchpoints = tuple(
            TouchpointChange(t.id, old_tps[t.id], t) for t in after.touchpoints if t.id in old_tps
        )
        changes.append(
            ProcessChange(
                id=pid,
                old=before,
                new=after,
                touchpoints=touchpoints,
                added=tuple(t.id for t in after.touchpoints if t.id not in old_tps),
                removed=tuple(t.id for t in before.touchpoints if t.id not in new_tps),
            )
        )
    return DiffResult(
        old=old,
        new=new,
        changes=tuple(changes),
        added=tuple(new_processes[p] for p in sorted(new_processes.keys() - old_processes.keys())),
        removed=tuple(
            old_processes[p] for p in sorted(old_processes.keys() - new_processes.keys())
        ),
        fixed=_difference(old.findings, new.findings),
        introduced=_difference(new.findings, old.findings),
    )


# --- Presentation helpers shared by the formats ---------------------------------------


def number(value: float) -> str:
    """A number for a diff line: whole numbers plain, others to two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def value(interval: Interval | None) -> str:
    """A score for a diff line: ``0.6``, ``0.2–0.85``, ``–``."""
    if interval is None:
        return "–"
    if interval.is_point:
        return number(interval.low)
    return f"{number(interval.low)}–{number(interval.high)}"


def delta(before: Interval | None, after: Interval | None) -> str:
    """``0.6 → 0.27 (−0.33)``; the change of the midpoints when ranges are involved."""
    text = f"{value(before)} → {value(after)}"
    if before is None or after is None:
        return text
    change = after.mid - before.mid
    if abs(change) < 1e-9:
        return text
    sign = "+" if change > 0 else "−"
    return f"{text} ({sign}{number(abs(change))})"


def percent(before: float | None, after: float | None) -> str:
    """``80% → 100%``."""

    def show(x: float | None) -> str:
        return "–" if x is None else f"{x:.0%}"

    return f"{show(before)} → {show(after)}"


def party_deltas(
    old: dict[str, Interval], new: dict[str, Interval], parties: list[str]
) -> list[tuple[str, str]]:
    """(party, change) for parties whose value changed."""
    zero = Interval(0.0, 0.0)
    return [
        (party, delta(old.get(party, zero), new.get(party, zero)))
        for party in parties
        if old.get(party, zero) != new.get(party, zero)
    ]


def parties_of(change: ProcessChange) -> list[str]:
    """Parties of both versions, new order first."""
    return list(dict.fromkeys([*change.new.parties, *change.old.parties]))


def summary(result: DiffResult) -> dict[str, Any]:
    """Counts for the summary line and JSON."""
    changed = sum(
        1
        for c in result.changes
        if c.added
        or c.removed
        or any(t.changed for t in c.touchpoints)
        or (c.old.disparity, c.old.clarity) != (c.new.disparity, c.new.clarity)
    )
    return {
        "processes": {
            "changed": changed,
            "unchanged": len(result.changes) - changed,
            "added": len(result.added),
            "removed": len(result.removed),
        },
        "findings": {"fixed": len(result.fixed), "introduced": len(result.introduced)},
    }
