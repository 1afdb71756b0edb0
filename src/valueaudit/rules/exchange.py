"""VA2xx: how evenly value is exchanged (Loshin: every interaction is an exchange)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from valueaudit.findings import Severity
from valueaudit.interval import Interval
from valueaudit.numbers import interval, number
from valueaudit.rules.base import AuditContext, Draft, rule
from valueaudit.scoring import at_least, same
from valueaudit.wording import it_or_them, says, verb

if TYPE_CHECKING:
    from valueaudit.model import Touchpoint


def received_text(ctx: AuditContext, received: Mapping[str, Interval]) -> str:
    """``received: Home customer 2, Acme Ltd 8`` for a message."""
    return "received: " + ", ".join(
        f"{ctx.name(party)} {interval(value)}" for party, value in received.items()
    )


@rule(
    "VA201",
    "one-sided-exchange",
    Severity.WARNING,
    "A participating party receives nothing at the touchpoint.",
    bad="""
- id: survey
  flows:
    - {from: customer, to: company, gives: survey answers, kind: feedback, value: 4}
""",
    good="""
- id: survey
  flows:
    - {from: customer, to: company, gives: survey answers, kind: feedback, value: 4}
    - {from: company, to: customer, gives: summary of what changes, kind: insight, value: 2}
""",
)
def one_sided_exchange(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A party that gives something at a touchpoint but receives
    nothing there (no flow to it, or only flows worth 0).

    **Why it matters.** Loshin's premise is that every interaction is an *exchange*:
    both parties should get something out of it. A one-sided touchpoint is where the
    giver's goodwill is spent; it is the first place to look for something to give back,
    or for a value that was received but not recorded.
    """
    for score in ctx.score.touchpoints:
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        for party, value in score.received.items():
            # an internal party (a back office) is not a side that can be short-changed
            if value.high == 0 and ctx.process.role_of(party) != "internal":
                given = " and ".join(
                    f"'{gives}'"
                    for gives in sorted({f.gives for f in touchpoint.flows if f.source == party})
                )
                name = ctx.name(party)
                yield Draft(
                    ("touchpoints", score.touchpoint_index),
                    f"one-sided exchange at '{touchpoint.id}': {says(name, 'gives')} "
                    f"{given or 'nothing of value'} but {verb(name, 'receives')} nothing",
                    touchpoint=touchpoint.id,
                    suggestion=f"Give {name} something back at '{touchpoint.id}' (a "
                    "confirmation, information, a faster next step), or record the value "
                    f"{says(name, 'does')} receive here.",
                    gain=score.volume * score.gap,
                )


@rule(
    "VA202",
    "high-disparity",
    Severity.WARNING,
    "Touchpoint disparity D(t) is at or above the threshold (default 0.5).",
    bad="""
- id: payment
  flows:
    - {from: customer, to: company, gives: payment, kind: money, value: 8}
    - {from: company, to: customer, gives: receipt, kind: settlement, value: 1}
""",
    good="""
- id: payment
  flows:
    - {from: customer, to: company, gives: payment, kind: money, value: 8}
    - {from: company, to: customer, gives: receipt and early-payment discount,
       kind: settlement, value: 5}
""",
)
def high_disparity(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint whose disparity ``D = (max R - min R) / sum R``
    is certainly at or above the threshold (``thresholds.disparity``, default 0.5): even
    the most favourable reading of its ranges is this uneven.

    **Why it matters.** An exchange this uneven favours one party; the other has a
    reason to avoid, delay or resent the touchpoint. Loshin: look for ways to eliminate
    the disparity, or to improve other aspects of the exchange.
    """
    threshold = ctx.settings.disparity_threshold
    for score in ctx.score.touchpoints:
        if score.disparity is None or not at_least(score.disparity.low, threshold):
            continue
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        loser = ctx.name(min(score.received, key=lambda p: score.received[p].mid))
        favoured = f" favours {ctx.name(score.favoured)}" if score.favoured else ""
        yield Draft(
            ("touchpoints", score.touchpoint_index),
            f"disparity {interval(score.disparity)} at "
            f"'{touchpoint.id}'{favoured} ({received_text(ctx, score.received)}; "
            f"threshold {number(threshold)})",
            touchpoint=touchpoint.id,
            suggestion=f"Give {loser} about {number(score.gap)} more value at "
            f"'{touchpoint.id}', or ask less of {it_or_them(loser)}, to move the exchange "
            "towards parity.",
            gain=score.volume * score.gap,
        )


@rule(
    "VA203",
    "uneven-process",
    Severity.WARNING,
    "Process disparity is at or above the threshold (default 0.4), or one party gets "
    "at least 75% of all value received.",
    bad="""
touchpoints:            # every step favours the company
  - id: reminder
    flows: [{from: company, to: customer, gives: reminder, kind: information, value: 1}]
  - id: payment
    flows: [{from: customer, to: company, gives: payment, kind: money, value: 8}]
""",
    good="""
touchpoints:            # the chain gives back along the way
  - id: reminder
    flows: [{from: company, to: customer, gives: payment plan offer, kind: service, value: 4}]
  - id: payment
    flows:
      - {from: customer, to: company, gives: payment, kind: money, value: 8}
      - {from: company, to: customer, gives: settled account, kind: settlement, value: 4}
""",
)
def uneven_process(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A process whose volume-weighted disparity is certainly at or
    above ``thresholds.process-disparity`` (default 0.4), or in which one party
    certainly receives at least 75% of all the value exchanged over the chain.

    **Why it matters.** Single uneven touchpoints can be fine when the chain evens them
    out (a customer pays at one step and is served at the next). When the whole chain
    leans one way, the relationship does: the other party will leave when it can.

    **How to act.** The suggestion names the party with the largest shortfall: over the
    touchpoints certainly uneven by VA202's threshold that it takes part in, how much
    less it receives there than the party receiving most (volume-weighted midpoints). A
    party that takes part in one touchpoint is not losing by being rare. When no
    touchpoint is uneven by itself, it names nobody and suggests reviewing the chain.
    """
    score = ctx.score
    threshold = ctx.settings.process_disparity_threshold
    dominant = ctx.settings.dominant_share
    gap = (
        max(v.mid for v in score.received.values()) - min(v.mid for v in score.received.values())
    ) / 2
    leader = max(score.share, key=lambda p: score.share[p].mid)
    reasons = []
    if score.disparity is not None and at_least(score.disparity.low, threshold):
        reasons.append(f"disparity {interval(score.disparity)} is at or above {number(threshold)}")
    if at_least(score.share[leader].low, dominant):
        share = score.share[leader]
        percent = Interval(share.low * 100, share.high * 100)
        reasons.append(f"{says(ctx.name(leader), 'receives')} {interval(percent)}% of all value")
    if not reasons:
        return
    party = _most_short(ctx)
    if party is None:
        suggestion = (
            "Review the chain as a whole: no touchpoint is uneven by itself (VA202's "
            "threshold), yet together they lean one way; look at where each party gives "
            "most and receives least."
        )
    else:
        loser = ctx.name(party)
        suggestion = (
            f"Rebalance the chain towards {loser}: add value for {loser} at the "
            f"touchpoints that favour others most (see VA202), or ask less of "
            f"{it_or_them(loser)}."
        )
    yield Draft(
        ("id",),
        f"process '{ctx.process.id}' is uneven: {' and '.join(reasons)}",
        suggestion=suggestion,
        gain=gap,
    )


def _most_short(ctx: AuditContext) -> str | None:
    """The party with the largest shortfall over the uneven touchpoints it takes part
    in, ``Σ (max_q T_q − T_p)`` by midpoints of the volume-weighted values received,
    over the touchpoints whose disparity is certainly at or above VA202's threshold
    (SPEC §4.12); ``None`` when there is no such touchpoint. A party that takes part in
    one touchpoint is not losing by being rare. Ties go to the first declared."""
    threshold = ctx.settings.disparity_threshold
    shortfall: dict[str, float] = {}
    for scored in ctx.score.touchpoints:
        if scored.disparity is None or not at_least(scored.disparity.low, threshold):
            continue
        mids = {p: scored.volume * v.mid for p, v in scored.received.items()}
        top = max(mids.values())
        for p, mid in mids.items():
            if ctx.process.role_of(p) != "internal":  # never the party to rebalance towards
                shortfall[p] = shortfall.get(p, 0.0) + (top - mid)
    if not shortfall:
        return None
    most = max(shortfall.values())
    return next(p for p in ctx.process.parties if p in shortfall and same(shortfall[p], most))


@rule(
    "VA204",
    "customer-gives-more",
    Severity.INFO,
    "The customer gives up more than it receives at a touchpoint (costs known).",
    bad="""
- id: document-upload
  flows:
    - {from: customer, to: bank, gives: documents, kind: information, value: 6, cost: 5}
    - {from: bank, to: customer, gives: upload receipt, kind: information, value: 1}
""",
    good="""
- id: document-upload
  flows:
    - {from: customer, to: bank, gives: documents, kind: information, value: 6, cost: 2}
    - {from: bank, to: customer, gives: pre-filled forms and a decision date,
       kind: information, value: 4}
""",
)
def customer_gives_more(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint where a party with role ``customer`` gives flows
    whose ``cost`` is known for every one of them, and that cost certainly exceeds the
    value the customer receives there.

    **Why it matters.** ``value`` says what a flow is worth to its receiver; ``cost``
    says what it takes from its giver. When what the customer gives up outweighs what
    it gets, the customer is paying to deal with you at this step.
    """
    declared = {party: k for k, party in enumerate(ctx.process.parties)}
    for score in ctx.score.touchpoints:
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        givers = {f.source for f in touchpoint.flows}  # the customers giving here
        customers = (p for p in givers if ctx.process.role_of(p) == "customer")
        for customer in sorted(customers, key=lambda p: declared.get(p, len(declared))):
            cost = _cost_of_giving(touchpoint, customer)
            if cost is None:
                continue
            received = score.received.get(customer, Interval(0.0, 0.0))
            if cost.low <= received.high:
                continue
            name = ctx.name(customer)
            yield Draft(
                ("touchpoints", score.touchpoint_index),
                f"{says(name, 'gives')} up {interval(cost)} at '{touchpoint.id}' and "
                f"{verb(name, 'receives')} {interval(received)}",
                touchpoint=touchpoint.id,
                suggestion=f"Make '{touchpoint.id}' cheaper for {name} (fewer steps, "
                f"pre-filled data) or give {name} more there.",
                gain=score.volume * (cost.mid - received.mid),
            )


def _cost_of_giving(touchpoint: Touchpoint, party: str) -> Interval | None:
    """What the flows a party gives at a touchpoint cost it; ``None`` when it gives
    nothing or the cost of any of them is not known."""
    low = high = 0.0
    gives = False
    for flow in touchpoint.flows:
        if flow.source == party:
            if flow.cost is None:
                return None
            low += flow.cost[0]
            high += flow.cost[1]
            gives = True
    return Interval(low, high) if gives else None


RULES = (one_sided_exchange, high_disparity, uneven_process, customer_gives_more)
