"""VA3xx: how clear the value of an exchange is (Loshin: unclear parity is an opportunity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from valueaudit.findings import Severity
from valueaudit.journey import age_in_days, dated_evidence
from valueaudit.numbers import interval, number, percent
from valueaudit.rules.base import AuditContext, Draft, rule
from valueaudit.scoring import at_least
from valueaudit.wording import it_or_them

if TYPE_CHECKING:
    from valueaudit.interval import Interval
    from valueaudit.simulation import Verdict


@rule(
    "VA301",
    "parity-not-clear",
    Severity.WARNING,
    "Parity is not clear: a flow has no value, or D straddles the VA202 threshold.",
    bad="""
- id: complaint
  flows:
    - {from: customer, to: company, gives: complaint details, kind: feedback}
    - {from: company, to: customer, gives: fix, kind: support, value: [2, 8]}
""",
    good="""
- id: complaint
  flows:
    - {from: customer, to: company, gives: complaint details, kind: feedback, value: 4}
    - {from: company, to: customer, gives: fix, kind: support, value: [4, 6]}
""",
)
def parity_not_clear(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A flow without a ``value`` (reported at the flow), or an
    exchange whose disparity, over the ranges given, may lie on either side of the VA202
    threshold (``D_min < threshold <= D_max``). A ``not-valued`` flow is left out of the
    comparison on purpose: it never makes an exchange unclear.

    **Why it matters.** Loshin: where the parity or disparity between the values is not
    clear, there is an opportunity. Until the values are pinned down nobody can say
    whether the exchange is fair; estimating them (even as a narrower range) is the
    cheapest improvement there is.

    With ``--simulate``, the finding names the flow to measure first and how much of the
    doubt it explains; a touchpoint that is uneven in at least ``simulate.likely`` of the
    draws is VA304 (probably uneven) instead.
    """
    threshold = ctx.settings.disparity_threshold
    touchpoints = ctx.process.touchpoints
    for position, exchange in enumerate(ctx.score.exchanges):
        if _probably_uneven(ctx, position) is not None:
            continue  # VA304's
        note, lead = _measure_first(ctx, position)
        unknown = [
            (i, j)
            for i in exchange.touchpoints
            for j, f in enumerate(touchpoints[i].flows)
            if f.value is None
        ]
        for i, j in unknown:
            touchpoint = touchpoints[i]
            flow = touchpoint.flows[j]
            yield Draft(
                ("touchpoints", i, "flows", j),
                f"parity not clear at '{touchpoint.id}': '{flow.gives}' from "
                f"{ctx.name(flow.source)} to {ctx.name(flow.target)} has no value{note}",
                touchpoint=touchpoint.id,
                suggestion=f"{lead}Estimate what '{flow.gives}' is worth to "
                f"{ctx.name(flow.target)} ({_range_of(ctx)}, or a range [low, high]).",
                gain=exchange.gap,
            )
        d = exchange.disparity
        if unknown or d is None or not _astride(d, threshold):
            continue
        where = ctx.where(exchange)
        yield Draft(
            ("touchpoints", exchange.first),
            f"parity not clear at {where}: disparity is {interval(d)}, "
            f"on both sides of the threshold {number(threshold)}{note}",
            touchpoint=touchpoints[exchange.first].id,
            suggestion=f"{lead}Narrow the value ranges at {where} to tell whether the "
            "exchange is even.",
            gain=exchange.gap,
        )


def _range_of(ctx: AuditContext) -> str:
    """What a value may be, for a suggestion: ``0..10``, or an amount of a currency."""
    if ctx.process.in_points:
        return f"0..{number(ctx.process.scale)}"
    return f"an amount in {ctx.process.unit}"


def _gain_if_unclear(ctx: AuditContext, index: int) -> float:
    """What pinning down a value could move, for VA302 and VA303: the parity gap of the
    touchpoint's exchange when its disparity may reach VA202's threshold, else 0 (an
    exchange even for every admissible value has nothing to move: a finding, not an
    opportunity)."""
    exchange = ctx.exchange_at(index)
    d = exchange.disparity
    if d is None or not at_least(d.high, ctx.settings.disparity_threshold):
        return 0.0
    return exchange.gap


def _astride(disparity: Interval, threshold: float) -> bool:
    """``D_min < threshold <= D_max``: the ranges allow either verdict."""
    return not at_least(disparity.low, threshold) and at_least(disparity.high, threshold)


def _measure_first(ctx: AuditContext, position: int) -> tuple[str, str]:
    """When simulating, a note for the message ("; measure 'x' at 't' first: it
    explains 71% of the doubt") and a lead for the suggestion ("Measure … doubt. ");
    otherwise two empty strings."""
    simulation = ctx.simulation
    verdict = simulation.exchanges[position] if simulation is not None else None
    first = verdict.first if verdict is not None else None
    if first is None:
        return "", ""
    what = (
        f"'{first.gives}' at '{first.touchpoint}' first: it explains "
        f"{percent(first.share)} of the doubt"
    )
    return f"; measure {what}", f"Measure {what}. "


def _probably_uneven(ctx: AuditContext, position: int) -> Verdict | None:
    """The exchange's simulated verdict when it straddles the threshold and the draws
    say it is uneven at least ``simulate.likely`` of the time (VA304)."""
    simulation = ctx.simulation
    verdict = simulation.exchanges[position] if simulation is not None else None
    d = ctx.score.exchanges[position].disparity
    if verdict is None or d is None or not _astride(d, ctx.settings.disparity_threshold):
        return None
    return verdict if at_least(verdict.p_above, ctx.settings.simulate.likely) else None


@rule(
    "VA304",
    "probably-uneven",
    Severity.WARNING,
    "Probably uneven: D straddles the VA202 threshold, and most draws are above it "
    "(with `--simulate`).",
    bad="""
- id: follow-up
  flows:
    - {from: customer, to: company, gives: survey answers, kind: feedback, value: [3, 9]}
    - {from: company, to: customer, gives: discount code, kind: other, value: [0, 2]}
""",
    good="""
- id: follow-up
  flows:
    - {from: customer, to: company, gives: survey answers, kind: feedback, value: [3, 5]}
    - {from: company, to: customer, gives: discount code, kind: other, value: [3, 4]}
""",
)
def probably_uneven(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** With ``--simulate N``, an exchange whose disparity range
    straddles the VA202 threshold (so VA301 would say "not clear") but whose draws are
    at or above the threshold at least ``simulate.likely`` (default 0.8) of the time. It
    names the flow to measure first: the one whose value explains most of the doubt.

    **Why it matters.** "Not clear" is honest, but a manager asks how likely the
    exchange is to be uneven, and which estimate would settle it. When most plausible
    values make it uneven, treat it as uneven, and measure the one flow that could
    still change the verdict before spending on the rest.

    The draws are independent per flow, uniform on a range (triangular with ``likely``
    as the mode when given) and uniform on ``[0, scale]`` for an omitted value; the
    interval stays the exact bound, the probability is only as good as those ranges.
    """
    threshold = ctx.settings.disparity_threshold
    for position, exchange in enumerate(ctx.score.exchanges):
        verdict = _probably_uneven(ctx, position)
        if verdict is None:
            continue
        where = ctx.where(exchange)
        note, lead = _measure_first(ctx, position)
        favoured = max(verdict.favoured, key=lambda p: verdict.favoured[p])
        received = exchange.received
        least = ctx.name(min(received, key=lambda p: received[p].mid))
        assert exchange.disparity is not None and ctx.simulation is not None
        yield Draft(
            ("touchpoints", exchange.first),
            f"probably uneven at {where}: disparity {interval(exchange.disparity)} "
            f"is at or above {number(threshold)} in {percent(verdict.p_above)} of "
            f"{ctx.simulation.samples:,} draws, favouring {ctx.name(favoured)} in "
            f"{percent(verdict.favoured[favoured])}{note}",
            touchpoint=ctx.process.touchpoints[exchange.first].id,
            suggestion=f"{lead}If it is uneven, give {least} more value at {where}, or "
            f"ask less of {it_or_them(least)}.",
            gain=verdict.p_above * exchange.gap,
            helps=least,
        )


@rule(
    "VA302",
    "one-sided-valuation",
    Severity.INFO,
    "Value known from one side only: flows worth at least half the scale have no `cost`.",
    bad="""
- {from: customer, to: company, gives: payment, kind: money, value: 8}
""",
    good="""
- {from: customer, to: company, gives: payment, kind: money, value: 8, cost: 8}
""",
)
def one_sided_valuation(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** Flows worth at least half the scale to their receiver that
    say nothing of what they cost the giver (in a process valued in a currency: half
    the largest amount). One finding per process, at the first such flow, counting the
    rest. A payment is left out: a ``money`` flow without a ``cost`` costs its payer
    its value. It is an opportunity only where the exchange may be uneven (its
    disparity may reach VA202's threshold): elsewhere the cost would move nothing.

    **Why it matters.** An exchange is judged from both sides: a payment worth 8 to the
    company may cost a customer 8 or, paid from a budget already set aside, much less.
    Without costs the audit sees each exchange through the receiver's eyes only.

    A suppression at a touchpoint takes that touchpoint's flows out of the count (and
    only those); one for the whole process hides the finding.
    """
    touchpoints = ctx.process.touchpoints
    missing = [
        (i, j)
        for i, j, flow in ctx.valuable_flows
        # a payment costs its payer what it is worth (SPEC §4.9): its cost is known
        if flow.cost is None
        and flow.kind != "money"
        and not ctx.suppressed_here("VA302", touchpoints[i].id)
    ]
    if not missing:
        return
    i, j = missing[0]
    touchpoint = touchpoints[i]
    flow = touchpoint.flows[j]
    more = len(missing) - 1
    rest = f" (and {more} more flow{'s' * (more != 1)} like it)" if more else ""
    yield Draft(
        ("touchpoints", i, "flows", j),
        f"value known from one side only: '{flow.gives}' is worth "
        f"{interval(flow.value) if flow.value else '?'} to {ctx.name(flow.target)} but "
        f"has no cost for {ctx.name(flow.source)}{rest}",
        touchpoint=touchpoint.id,
        suggestion=f"Add a cost to '{flow.gives}' (what giving it takes from "
        f"{ctx.name(flow.source)}) "
        "and to the other valuable flows.",
        gain=_gain_if_unclear(ctx, i),
    )


@rule(
    "VA303",
    "low-confidence",
    Severity.INFO,
    "Low confidence on a flow worth at least half the scale.",
    bad="""
- {from: company, to: customer, gives: loyalty points, kind: other, value: 7,
   confidence: low}
""",
    good="""
- {from: company, to: customer, gives: loyalty points, kind: other, value: [3, 7],
   confidence: medium}   # survey-based range
""",
)
def low_confidence(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A flow marked ``confidence: low`` that is worth at least half
    the scale.

    **Why it matters.** The bigger a value, the more the scores lean on it. A large
    value nobody is sure of is the first one to research, or to write as a range so
    the uncertainty shows in the disparity interval.
    """
    for i, j, flow in ctx.valuable_flows:
        if flow.confidence != "low" or flow.value is None:
            continue
        touchpoint = ctx.process.touchpoints[i]
        yield Draft(
            ("touchpoints", i, "flows", j),
            f"low confidence in a large value: '{flow.gives}' is worth "
            f"{interval(flow.value)} to {ctx.name(flow.target)}",
            touchpoint=touchpoint.id,
            suggestion=f"Check what '{flow.gives}' is worth to {ctx.name(flow.target)}, or "
            "write it "
            "as a range [low, high].",
            gain=_gain_if_unclear(ctx, i),
        )


@rule(
    "VA305",
    "stale-evidence",
    Severity.INFO,
    "Stale evidence: an `as_of` date older than `evidence.max-age-days` (default 365).",
    bad="""
- {from: clinic, to: patient, gives: consultation, kind: service, value: 6,
   evidence: {source: measured, ref: "patient survey", as_of: 2019-05-01}}
""",
    good="""
- {from: clinic, to: patient, gives: consultation, kind: service, value: 6,
   evidence: {source: measured, ref: "patient survey 2026", as_of: 2026-05-01}}
""",
)
def stale_evidence(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** An ``evidence`` object (on a flow, a touchpoint, the process or
    a party) whose ``as_of`` date is more than ``evidence.max-age-days`` (default 365)
    before the day of the run.

    **Why it matters.** A measurement is a fact about the day it was taken. Prices,
    volumes and waiting times drift; a verdict that rests on a figure from three years ago
    may no longer hold. Re-measure before acting on it, or say that the old figure still
    stands (a newer ``as_of``).
    """
    today = ctx.settings.today or dt.date.today()
    most = ctx.settings.evidence_max_age_days
    for path, evidence, what in dated_evidence(ctx.process):
        age = age_in_days(evidence, today)
        if age <= most:
            continue
        assert evidence.as_of is not None
        at = path[1]
        touchpoint = ctx.process.touchpoints[at].id if isinstance(at, int) else None
        source = f"{evidence.source}" + (f" ({evidence.ref})" if evidence.ref else "")
        yield Draft(
            path,
            f"stale evidence for {what}: {source} as of {evidence.as_of.isoformat()}, more "
            f"than {most:,} days before the run (evidence.max-age-days)",
            touchpoint=touchpoint,
            suggestion=f"Re-measure {what} before acting on it, or give the date it was "
            "last confirmed.",
        )


RULES = (parity_not_clear, probably_uneven, one_sided_valuation, low_confidence, stale_evidence)
