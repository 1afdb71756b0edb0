"""Evidence, effort and waiting (SPEC §4.14–§4.15): what each number rests on, and what
a journey costs the customer in time.

Pure functions over a process and the volumes its scoring found, run by the scoring
stage: each process's :class:`Journey` travels with its scores to every output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from valueaudit.interval import ZERO, Interval

if TYPE_CHECKING:
    from valueaudit.findings import YamlPath
    from valueaudit.model import Evidence, Flow, Process

#: The evidence categories of a process's value, in the order outputs list them.
BACKED, ESTIMATED, ASSUMED, UNSTATED = "backed", "estimated", "assumed", "unstated"
CATEGORIES = (BACKED, ESTIMATED, ASSUMED, UNSTATED)
_CATEGORY = {"measured": BACKED, "published": BACKED, "estimated": ESTIMATED, "assumed": ASSUMED}

#: An opportunity's evidence label (SPEC §4.14).
LABEL_BACKED, LABEL_MIXED, LABEL_ASSUMED = "backed", "mixed", "assumed"

_Key = TypeVar("_Key", str, tuple[str, str])


def category(evidence: Evidence | None) -> str:
    """``backed`` (measured or published), ``estimated``, ``assumed`` or ``unstated``."""
    return UNSTATED if evidence is None else _CATEGORY[evidence.source]


def label(flows: Sequence[Flow]) -> str:
    """An opportunity's label from the valued flows it rests on: ``backed`` when every
    one is measured or published, ``assumed`` when none is, ``mixed`` otherwise."""
    valued = [f for f in flows if f.valued]
    backed = sum(1 for f in valued if category(f.evidence) == BACKED)
    if valued and backed == len(valued):
        return LABEL_BACKED
    return LABEL_ASSUMED if backed == 0 else LABEL_MIXED


@dataclass(frozen=True, slots=True)
class Journey:
    """A process's evidence, effort and waiting."""

    #: the value received (volume-weighted) resting on each evidence category
    evidence_value: dict[str, Interval]
    #: per party, hours per period it spends giving (only parties with ``minutes``)
    effort: dict[str, Interval] = field(default_factory=dict)
    #: per (party, stage), hours per period (a touchpoint without a stage under "")
    effort_by_stage: dict[tuple[str, str], Interval] = field(default_factory=dict)
    #: days waited along the chain (default order), and per stage; ``None`` when no
    #: touchpoint says
    waiting: float | None = None
    waiting_by_stage: dict[str, float] = field(default_factory=dict)


def _add(table: dict[_Key, list[float]], key: _Key, low: float, high: float) -> None:
    spent = table.get(key)
    if spent is None:
        table[key] = [low, high]
    else:
        spent[0] += low
        spent[1] += high


#: How a touchpoint without a ``stage`` is listed among the stages.
NO_STAGE = "(no stage)"

#: How outputs say what an opportunity rests on (SPEC §4.14): nothing for ``backed``.
LABEL_TEXT = {LABEL_ASSUMED: "rests on assumptions", LABEL_MIXED: "partly on assumptions"}


def journey(process: Process, volumes: Sequence[float]) -> Journey:
    """Evidence totals, effort and waiting of a process, with ``volumes`` each
    touchpoint's occurrences per period."""
    scale = process.scale
    lows = dict.fromkeys(CATEGORIES, 0.0)
    highs = dict.fromkeys(CATEGORIES, 0.0)
    effort: dict[str, list[float]] = {}
    by_stage: dict[tuple[str, str], list[float]] = {}
    waiting: float | None = None
    waiting_by_stage: dict[str, float] = {}
    for touchpoint, volume in zip(process.touchpoints, volumes, strict=True):
        stage = touchpoint.stage or NO_STAGE
        if touchpoint.wait_days is not None:
            waiting = (waiting or 0.0) + touchpoint.wait_days
            waiting_by_stage[stage] = waiting_by_stage.get(stage, 0.0) + touchpoint.wait_days
        for flow in touchpoint.flows:
            if flow.valued:
                low, high = (0.0, scale) if flow.value is None else flow.value
                kind = category(flow.evidence)
                lows[kind] += volume * low
                highs[kind] += volume * high
            if flow.minutes is not None:
                low, high = volume * flow.minutes.low / 60, volume * flow.minutes.high / 60
                _add(effort, flow.source, low, high)
                _add(by_stage, (flow.source, stage), low, high)
    return Journey(
        {kind: Interval(lows[kind], highs[kind]) for kind in CATEGORIES},
        {party: Interval(*spent) for party, spent in effort.items()},
        {key: Interval(*spent) for key, spent in by_stage.items()},
        waiting,
        waiting_by_stage,
    )


def minutes_per_occurrence(hours: Interval, volume: float) -> Interval | None:
    """Hours per period as minutes per occurrence of the process (``None`` at volume 0)."""
    if volume <= 0:
        return None
    return Interval(hours.low * 60 / volume, hours.high * 60 / volume)


def minutes_given(process: Process, index: int, party: str) -> Interval:
    """The minutes a party spends at one touchpoint, per occurrence of it."""
    low = high = 0.0
    for flow in process.touchpoints[index].flows:
        if flow.source == party and flow.minutes is not None:
            low += flow.minutes.low
            high += flow.minutes.high
    return Interval(low, high) if high else ZERO


def dated_evidence(process: Process) -> Iterator[tuple[YamlPath, Evidence, str]]:
    """Every evidence with an ``as_of`` date: its path, itself, and what it backs."""
    if process.evidence is not None and process.evidence.as_of is not None:
        yield ("evidence", "as_of"), process.evidence, "the process's volume"
    for party, declared in process.parties.items():
        if declared.evidence is not None and declared.evidence.as_of is not None:
            path: YamlPath = ("parties", party, "evidence", "as_of")
            yield path, declared.evidence, f"{party}'s fixed cost"
    for i, touchpoint in enumerate(process.touchpoints):
        if touchpoint.evidence is not None and touchpoint.evidence.as_of is not None:
            path = ("touchpoints", i, "evidence", "as_of")
            yield path, touchpoint.evidence, f"the volume of '{touchpoint.id}'"
        for j, flow in enumerate(touchpoint.flows):
            if flow.evidence is not None and flow.evidence.as_of is not None:
                path = ("touchpoints", i, "flows", j, "evidence", "as_of")
                yield path, flow.evidence, f"'{flow.gives}' at '{touchpoint.id}'"


def age_in_days(evidence: Evidence, today: dt.date) -> int:
    """How old a dated evidence is on ``today``."""
    assert evidence.as_of is not None
    return (today - evidence.as_of).days
