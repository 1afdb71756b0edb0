"""VA2xx: how evenly value is exchanged (Loshin: every interaction is an exchange)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from valueaudit.findings import Severity
from valueaudit.interval import Interval
from valueaudit.journey import minutes_given
from valueaudit.numbers import interval, number
from valueaudit.rules.base import AuditContext, Draft, rule
from valueaudit.scoring import at_least, below_zero, same
from valueaudit.wording import it_or_them, says, verb

if TYPE_CHECKING:
    from valueaudit.scoring import ExchangeScore


def received_text(ctx: AuditContext, received: Mapping[str, Interval]) -> str:
    """``received: Home customer 2, Acme Ltd 8`` for a message."""
    return "received: " + ", ".join(
        f"{ctx.name(party)} {interval(value)}" for party, value in received.items()
    )


@rule(
    "VA201",
    "one-sided-exchange",
    Severity.WARNING,
    "A participating party receives nothing at the exchange.",
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
    """**What it finds.** A party that takes part in an exchange (a touchpoint, or the
    touchpoints naming one ``exchange``) but receives nothing there: no flow to it, or
    only flows worth 0. A party that receives a not-valued flow receives something, and
    an ``internal`` party is never named.

    **Why it matters.** Loshin's premise is that every interaction is an *exchange*:
    both parties should get something out of it. A one-sided touchpoint is where the
    giver's goodwill is spent; it is the first place to look for something to give back,
    or for a value that was received but not recorded.
    """
    touchpoints = ctx.process.touchpoints
    for exchange in ctx.score.exchanges:
        first = touchpoints[exchange.first]
        where = ctx.where(exchange)
        gives_by: dict[str, set[str]] | None = None  # what each party gives here, once
        for party, value in exchange.received.items():
            # an internal party (a back office) is not a side that can be short-changed
            if value.high == 0 and ctx.process.role_of(party) != "internal":
                if gives_by is None:
                    gives_by = {}
                    for i in exchange.touchpoints:
                        for f in touchpoints[i].flows:
                            gives_by.setdefault(f.source, set()).add(f.gives)
                given = " and ".join(f"'{gives}'" for gives in sorted(gives_by.get(party, ())))
                name = ctx.name(party)
                yield Draft(
                    ("touchpoints", exchange.first),
                    f"one-sided exchange at {where}: {says(name, 'gives')} "
                    f"{given or 'nothing of value'} but {verb(name, 'receives')} nothing",
                    touchpoint=first.id,
                    suggestion=f"Give {name} something back at {where} (a "
                    "confirmation, information, a faster next step), or record the value "
                    f"{says(name, 'does')} receive here.",
                    gain=exchange.gap,
                    helps=name,
                )


@rule(
    "VA202",
    "high-disparity",
    Severity.WARNING,
    "Exchange disparity D(E) is at or above the threshold (default 0.5).",
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
    """**What it finds.** An exchange whose disparity ``D = (max T - min T) / sum T`` is
    certainly at or above the threshold (``thresholds.disparity``, default 0.5): even
    the most favourable reading of its ranges is this uneven. An exchange is a
    touchpoint, or the touchpoints naming one ``exchange`` (a customer pays at
    ``checkout`` for what ``delivery`` brings), judged on what each party receives over
    them, volume-weighted (``T``).

    **Why it matters.** An exchange this uneven favours one party; the other has a
    reason to avoid, delay or resent the touchpoint. Loshin: look for ways to eliminate
    the disparity, or to improve other aspects of the exchange.
    """
    threshold = ctx.settings.disparity_threshold
    for exchange in ctx.score.exchanges:
        d = exchange.disparity
        if d is None or not at_least(d.low, threshold):
            continue
        where = ctx.where(exchange)
        received = exchange.received
        loser = ctx.name(min(received, key=lambda p: received[p].mid))
        favoured = f" favours {ctx.name(exchange.favoured)}" if exchange.favoured else ""
        per = exchange_basis(ctx, exchange)
        yield Draft(
            ("touchpoints", exchange.first),
            f"disparity {interval(d)} at {where}{favoured} "
            f"({received_text(ctx, per)}; threshold {number(threshold)})",
            touchpoint=ctx.process.touchpoints[exchange.first].id,
            suggestion=f"Give {loser} about {number(_per_occurrence(exchange))} more value "
            f"at {where}, or ask less of {it_or_them(loser)}, to move the exchange "
            "towards parity.",
            gain=exchange.gap,
            helps=loser,
        )


def exchange_basis(ctx: AuditContext, exchange: ExchangeScore) -> dict[str, Interval]:
    """What a message quotes as received at an exchange: per occurrence for a
    touchpoint on its own (as written in the file), per period over several."""
    if len(exchange.touchpoints) == 1:
        return ctx.score.touchpoints[exchange.first].received
    return exchange.received


def _per_occurrence(exchange: ExchangeScore) -> float:
    """The value that would move to parity, per occurrence of the exchange."""
    return exchange.gap / exchange.volume if exchange.volume > 0 else 0.0


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
            f"exchanges that favour others most (see VA202), or ask less of "
            f"{it_or_them(loser)}."
        )
    yield Draft(
        ("id",),
        f"process '{ctx.process.id}' is uneven: {' and '.join(reasons)}",
        suggestion=suggestion,
        gain=gap,
        helps=None if party is None else ctx.name(party),
    )


def _most_short(ctx: AuditContext) -> str | None:
    """The party with the largest shortfall over the uneven exchanges it takes part
    in, ``Σ_E (max_q T_q(E) − T_p(E))`` by midpoints, over the exchanges whose disparity
    is certainly at or above VA202's threshold (SPEC §4.12); ``None`` when there is no
    such exchange. A party that takes part in one exchange is not losing by being rare.
    Ties go to the first declared."""
    threshold = ctx.settings.disparity_threshold
    shortfall: dict[str, float] = {}
    for exchange in ctx.score.exchanges:
        d = exchange.disparity
        if d is None or not at_least(d.low, threshold) or exchange.volume == 0:
            continue
        mids = {p: v.mid for p, v in exchange.received.items()}
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
    "customer-loses",
    Severity.WARNING,
    "A customer or prospect certainly loses at an exchange: it gives up more than it "
    "gets back there (net of recorded costs below 0).",
    bad="""
- id: waiting-room
  flows:
    - {from: patient, to: clinic, gives: 70 minutes in the waiting room, kind: time,
       value: 1, cost: 4}
    - {from: clinic, to: patient, gives: call-up, kind: information, value: 1}
""",
    good="""
- id: waiting-room
  flows:
    - {from: patient, to: clinic, gives: 10 minutes with a booked slot, kind: time,
       value: 1, cost: 1}
    - {from: clinic, to: patient, gives: call-up and what to expect, kind: information,
       value: 2}
""",
)
def customer_loses(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** An exchange where a party with role ``customer`` or
    ``prospect`` certainly ends up with less than it gave: its net ``N_p(E)``, the value
    it receives there less what giving its flows costs it (``cost``; a money flow
    without one costs its value), is below 0 for every admissible value.

    **Why it matters.** ``value`` says what a flow is worth to its receiver; ``cost``
    says what it takes from its giver. A 70-minute wait recorded as a cost is a loss
    for the customer even when the touchpoint "gives" something: the customer is
    paying to deal with you at this step. Costs not recorded count as nothing, so the
    verdict is net of *recorded* costs (VA302 asks for the ones that matter).

    A party that receives a not-valued flow at the exchange has no certain net there,
    and this rule says nothing about it.
    """
    touchpoints = ctx.process.touchpoints
    for exchange in ctx.score.exchanges:
        for party, net in exchange.net.items():
            if (
                ctx.process.role_of(party) not in _CUSTOMERS
                or party in exchange.not_valued
                or not below_zero(net)
            ):
                continue
            name = ctx.name(party)
            where = ctx.where(exchange)
            scale_down = 1 / exchange.volume if exchange.volume > 0 else 1.0
            loss = Interval(-net.high * scale_down, -net.low * scale_down)
            yield Draft(
                ("touchpoints", exchange.first),
                f"{says(name, 'gives')} up more than {verb(name, 'gets')} back at {where}: "
                f"a net loss of {interval(loss)} per occurrence (net of recorded costs)",
                touchpoint=touchpoints[exchange.first].id,
                suggestion=f"Make {where} cheaper for {name} (fewer steps, less waiting, "
                f"pre-filled data) or give {name} more there.",
                gain=-net.mid if exchange.volume > 0 else 0.0,
                helps=name,
            )


_CUSTOMERS = frozenset({"customer", "prospect"})


@rule(
    "VA205",
    "process-does-not-pay",
    Severity.WARNING,
    "A party's net over the whole process is certainly below 0: the process does not pay for it.",
    bad="""
unit: EUR                                         # amounts of money per trip
parties:
  railway: {role: provider, fixed_cost: 70000}   # per period
touchpoints:
  - id: trip
    volume: 300
    flows:
      - {from: traveller, to: railway, gives: fare, kind: money, value: 200}
      - {from: railway, to: traveller, gives: trip, kind: service, value: 210, cost: 150}
""",
    good="""
unit: EUR
parties:
  railway: {role: provider, fixed_cost: 70000}
touchpoints:
  - id: trip
    volume: 1500                                  # enough trips to cover the fixed cost
    flows:
      - {from: traveller, to: railway, gives: fare, kind: money, value: 200}
      - {from: railway, to: traveller, gives: trip, kind: service, value: 210, cost: 150}
""",
)
def process_does_not_pay(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A party whose net over the whole process, ``N_p``, is
    certainly below 0: what it receives over all exchanges (volume-weighted) less what
    its flows cost it and less its ``fixed_cost`` (per period). e3value calls such a
    model "not sustainable" for that actor.

    **Why it matters.** A process that does not pay for one of its parties lasts only
    as long as someone subsidises it: a provider will cut the service, a customer will
    leave. Every net is net of *recorded* costs; a party receiving a not-valued flow
    has no certain net and is not judged, nor is an ``internal`` party.
    """
    score = ctx.score
    for party, net in score.net.items():
        if (
            ctx.process.role_of(party) == "internal"
            or party in score.not_valued
            or not below_zero(net)
        ):
            continue
        name = ctx.name(party)
        shortfall = Interval(-net.high, -net.low)
        yield Draft(
            ("parties", party),
            f"process '{ctx.process.id}' does not pay for {name}: its net over the process "
            f"is {interval(net, grouping=True)} per period (net of recorded costs"
            f"{' and its fixed cost' if ctx.process.parties[party].fixed_cost else ''})",
            suggestion=f"Change what {name} gets or gives up in '{ctx.process.id}' by "
            f"about {interval(shortfall, grouping=True)} per period (a price, a cost "
            "removed, a volume that covers the fixed cost), or decide who subsidises it.",
            gain=-net.mid,
            at_key=True,
            helps=name,
        )


@rule(
    "VA206",
    "effort-hotspot",
    Severity.INFO,
    "Effort hotspot: the touchpoint where a customer or prospect spends the most minutes, "
    "at least `effort.hotspot-minutes` (default 30).",
    bad="""
- id: waiting-room
  flows:
    - {from: patient, to: clinic, gives: time in the waiting room, kind: time, value: 0,
       cost: 4, minutes: 70}
""",
    good="""
- id: waiting-room
  flows:
    - {from: patient, to: clinic, gives: arrival at the booked time, kind: time, value: 0,
       cost: 1, minutes: 10}
""",
)
def effort_hotspot(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** The touchpoint of a process where a party with role
    ``customer`` or ``prospect`` spends the most minutes per occurrence of that
    touchpoint (the ``minutes`` of the flows it gives there: filling in a form, waiting,
    travelling), when those are certainly at least ``effort.hotspot-minutes`` (default
    30). One finding per process; its gain is the customer's hours per period there.

    **Why it matters.** Journey maps put the pains first: 70 minutes in a waiting room,
    an evening of paperwork. Time is what a customer gives without a price on it, and the
    touchpoint where most of it goes is the first place to save it (a booked slot, a
    pre-filled form, a call-back instead of a queue).
    """
    process = ctx.process
    customers = [p for p in process.parties if process.role_of(p) in _CUSTOMERS]
    if not customers:
        return
    best: tuple[float, int, str, Interval] | None = None
    for index, touchpoint in enumerate(process.touchpoints):
        if not any(f.minutes is not None for f in touchpoint.flows):
            continue
        for party in customers:
            spent = minutes_given(process, index, party)
            if spent.high <= 0:
                continue
            # the most minutes by the middle of the range; a tie keeps the first
            if best is None or (spent.mid > best[0] and not same(spent.mid, best[0])):
                best = (spent.mid, index, party, spent)
    threshold = ctx.settings.effort_hotspot_minutes
    if best is None or not at_least(best[3].low, threshold):
        return
    _, index, party, spent = best
    touchpoint = process.touchpoints[index]
    volume = ctx.score.touchpoints[index].volume
    hours = Interval(volume * spent.low / 60, volume * spent.high / 60)
    name = ctx.name(party)
    yield Draft(
        ("touchpoints", index),
        f"effort hotspot at '{touchpoint.id}': {says(name, 'spends')} "
        f"{interval(spent)} minutes there each time ({interval(hours, grouping=True)} hours "
        f"per period; threshold {number(threshold)} minutes)",
        touchpoint=touchpoint.id,
        suggestion=f"Cut the time {name} {verb(name, 'spends')} at '{touchpoint.id}' (a "
        "booked slot, a pre-filled form, a call-back instead of a queue).",
        gain=hours.mid,
        unit="hours",
        helps=name,
    )


RULES = (
    one_sided_exchange,
    high_disparity,
    uneven_process,
    customer_loses,
    process_does_not_pay,
    effort_hotspot,
)
