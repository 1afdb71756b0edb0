"""Suppressions written in process files: hide findings on purpose, with a reason.

A ``suppress`` entry at process level covers the whole process (or the touchpoint it
names); at touchpoint level it covers that touchpoint. An entry that hides nothing is
VA901; one past its ``expires`` date hides nothing and is VA902. Suppressions of the
portfolio rules (VA6xx) are applied by the scan where those findings are placed, after
every file, and the scan reports those that hid nothing (VA901).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from valueaudit.findings import Finding, Severity, YamlPath
from valueaudit.model import Process, Suppression
from valueaudit.rules import DIFF_RULES, PORTFOLIO_RULES, RULES
from valueaudit.settings import Settings

#: Codes a suppression cannot hide: they mean the process could not be read at all.
UNSUPPRESSIBLE = frozenset({"VA101", "VA102", "VA103", "VA104", "VA105", "VA107", "VA109"})


class MakeFinding(Protocol):
    """Builds a positioned finding (:meth:`valueaudit.loading.LoadedFile.make_finding`)."""

    def __call__(
        self,
        code: str,
        message: str,
        path: YamlPath = (),
        *,
        severity: Severity,
        touchpoint: str | None = None,
    ) -> Finding: ...


@dataclass(frozen=True, slots=True)
class _Entry:
    suppression: Suppression
    path: YamlPath
    touchpoint: str | None


def _entries(process: Process) -> Iterator[_Entry]:
    for k, entry in enumerate(process.suppress):
        yield _Entry(entry, ("suppress", k), entry.touchpoint)
    for i, touchpoint in enumerate(process.touchpoints):
        for k, entry in enumerate(touchpoint.suppress):
            yield _Entry(entry, ("touchpoints", i, "suppress", k), touchpoint.id)


def apply_suppressions(
    process: Process,
    findings: Sequence[Finding],
    settings: Settings,
    make: MakeFinding,
    set_aside: Set[tuple[str, str]] = frozenset(),
) -> list[Finding]:
    """The findings left after suppressions, plus VA901/VA902 about the suppressions;
    ``make`` builds a positioned finding. ``set_aside`` holds the (rule, touchpoint)
    places an aggregate rule already left out for a suppression: those suppressions
    did their work."""
    today = settings.today or dt.date.today()
    hidden: set[int] = set()
    notes: list[Finding] = []
    # the findings by rule and by rule and touchpoint: each entry looks only at its own
    # (linear in entries and findings, not their product)
    by_rule: dict[str, list[int]] = {}
    by_place: dict[tuple[str, str | None], list[int]] = {}
    for n, finding in enumerate(findings):
        if finding.code not in UNSUPPRESSIBLE:
            by_rule.setdefault(finding.code, []).append(n)
            by_place.setdefault((finding.code, finding.touchpoint), []).append(n)
    for entry in _entries(process):
        rule = entry.suppression.rule
        where = f" at '{entry.touchpoint}'" if entry.touchpoint else ""
        expires = entry.suppression.expires
        if expires is not None and entry.suppression.expired(today):
            notes.append(
                make(
                    "VA902",
                    f"suppression of {rule}{where} expired on {expires.isoformat()}; its "
                    "findings are reported again",
                    (*entry.path, "expires"),
                    severity=RULES["VA902"].severity,
                    touchpoint=entry.touchpoint,
                )
            )
            continue
        if entry.touchpoint is None:
            matched = by_rule.get(rule, [])
        else:
            matched = by_place.get((rule, entry.touchpoint), [])
        hidden.update(matched)
        used = entry.touchpoint is not None and (rule, entry.touchpoint) in set_aside
        # the portfolio rules are judged after every file: whether a process-wide
        # suppression of one is used is the scan's to say (scan_level_notes); they never
        # report at a touchpoint, so one naming a touchpoint is plainly unused
        used = used or (rule in PORTFOLIO_RULES and entry.touchpoint is None)
        # VA701 is judged by diff, which applies a process-wide suppression of it there
        used = used or (rule in DIFF_RULES and entry.touchpoint is None)
        if not matched and not used and settings.enabled(rule):
            notes.append(_unused(entry, make))
    kept = [f for n, f in enumerate(findings) if n not in hidden]
    return kept + notes


def _unused(entry: _Entry, make: MakeFinding) -> Finding:
    rule = entry.suppression.rule
    where = f" at '{entry.touchpoint}'" if entry.touchpoint else ""
    return make(
        "VA901",
        f"suppression of {rule} ({RULES[rule].name}){where} matched no finding; it can be removed",
        entry.path,
        severity=RULES["VA901"].severity,
        touchpoint=entry.touchpoint,
    )


def scan_level_notes(
    process: Process, settings: Settings, make: MakeFinding
) -> tuple[tuple[str, Finding], ...]:
    """The process-wide suppressions of the scan-level portfolio rules (VA601, VA602)
    still in force, each with the VA901 finding the scan reports when no finding of its
    rule, placed in this file, was hidden by it (only the scan can tell)."""
    today = settings.today or dt.date.today()
    return tuple(
        (entry.suppression.rule, _unused(entry, make))
        for entry in _entries(process)
        if entry.touchpoint is None
        and entry.suppression.rule in PORTFOLIO_RULES
        and not entry.suppression.expired(today)
    )


__all__ = ["UNSUPPRESSIBLE", "apply_suppressions", "scan_level_notes"]
