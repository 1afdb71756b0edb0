"""The report's first section, **Decisions** (SPEC §7 rev. 3): in plain words, the three
opportunities with the largest gain in each unit (who each helps, where, what it rests
on), and the customer effort and waiting that matter most."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from valueaudit.findings import RankedOpportunities, TopN
from valueaudit.journey import LABEL_TEXT, minutes_per_occurrence
from valueaudit.mdtext import PROSE_CHARACTERS, md
from valueaudit.numbers import gain_text, interval, number

if TYPE_CHECKING:
    from valueaudit.findings import Opportunity
    from valueaudit.model import Process
    from valueaudit.scoring import ProcessScore

#: Opportunities per unit, customer efforts and waits the section names.
DECISIONS_SHOWN = 3
_UNIT_TITLE = {"points": "value points", "hours": "hours of customers' time"}


@dataclass(frozen=True, slots=True)
class Effort:
    """The most a customer or prospect spends on one process."""

    hours: float  # per period, the middle of the range: what ranks it
    text: str


@dataclass(frozen=True, slots=True)
class Wait:
    """How long one process makes its customers wait."""

    days: float
    text: str


def customer_effort(process: Process, score: ProcessScore) -> Effort | None:
    """The customer or prospect of a process spending the most time, in words."""
    journey = score.journey
    if journey is None:
        return None
    customers = [
        (hours, party)
        for party, hours in journey.effort.items()
        if process.role_of(party) in ("customer", "prospect") and hours.high > 0
    ]
    if not customers:
        return None
    hours, party = max(customers, key=lambda item: item[0].mid)
    each = minutes_per_occurrence(hours, process.volume)
    per = f"{interval(each)} minutes each time, " if each is not None else ""
    text = (
        f"{md(process.party_name(party))} spends {per}{interval(hours, grouping=True)} hours a "
        f"period in **{md(process.id)}**"
    )
    return Effort(hours.mid, text)


def customer_wait(process: Process, score: ProcessScore) -> Wait | None:
    """How long a process makes its customers wait, and where most, in words."""
    journey = score.journey
    if journey is None or journey.waiting is None or journey.waiting <= 0:
        return None
    longest = max(
        (t for t in process.touchpoints if t.wait_days is not None), key=lambda t: t.wait_days or 0
    )
    text = (
        f"**{md(process.id)}** makes its customers wait {number(journey.waiting)} days along "
        f"the chain, {number(longest.wait_days or 0)} of them before `{md(longest.id)}`"
    )
    return Wait(journey.waiting, text)


class Decisions:
    """What the Decisions section keeps of the stream: bounded top lists."""

    def __init__(self) -> None:
        self.opportunities = RankedOpportunities(DECISIONS_SHOWN)
        self.efforts: TopN[Effort] = TopN(DECISIONS_SHOWN, lambda e: (-e.hours, e.text))
        self.waits: TopN[Wait] = TopN(DECISIONS_SHOWN, lambda w: (-w.days, w.text))

    def add(self, found: tuple[Opportunity, ...], effort: Effort | None, wait: Wait | None) -> None:
        """Take one file's opportunities, customer effort and waiting."""
        for opportunity in found:
            self.opportunities.push(opportunity)
        if effort is not None:
            self.efforts.push(effort)
        if wait is not None:
            self.waits.push(wait)

    def lines(self) -> list[str]:
        """The section, or nothing when there is nothing to decide."""
        best, efforts, waits = self.opportunities.best(), self.efforts.best(), self.waits.best()
        if not best and not efforts and not waits:
            return []
        lines = [
            "## Decisions",
            "",
            "The largest opportunities in each unit, who each helps, and what it rests on "
            "(measure first where it rests on assumptions); then the customers' time.",
            "",
        ]
        # best() lists each unit's best together, units in their order
        for unit, ranked in itertools.groupby(best, key=lambda o: o.unit):
            lines += [f"**In {_UNIT_TITLE.get(unit, unit)}**", ""]
            for rank, opportunity in enumerate(ranked, start=1):
                lines.append(f"{rank}. {_sentence(opportunity)}")
            lines.append("")
        if efforts:
            lines += ["**Customer effort**", ""]
            lines += [f"- {effort.text}." for effort in efforts]
            lines.append("")
        if waits:
            lines += ["**Waiting**", ""]
            lines += [f"- {wait.text}." for wait in waits]
            lines.append("")
        return lines


def _sentence(opportunity: Opportunity) -> str:
    finding = opportunity.finding
    what = md(finding.suggestion or finding.message, PROSE_CHARACTERS)
    helps = f" Helps {md(finding.helps, PROSE_CHARACTERS)}." if finding.helps else ""
    rests = LABEL_TEXT.get(opportunity.evidence, "backed by measured or published figures")
    codes = finding.code + (f", also {', '.join(opportunity.also)}" if opportunity.also else "")
    return (
        f"**{md(opportunity.place)}**: {what}{helps} "
        f"{gain_text(opportunity.gain, opportunity.unit)} a period ({codes}); {rests}."
    )
