"""VA4xx: opportunities in Loshin's four scenarios (payment, complaint, prospect query,
purchase)."""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import TYPE_CHECKING

from valueaudit.findings import Severity
from valueaudit.numbers import number
from valueaudit.rules.base import AuditContext, Draft, rule
from valueaudit.scoring import (
    break_even_discount,
    early_receipt_worth,
    implied_annual_return,
)
from valueaudit.wording import says, verb

if TYPE_CHECKING:
    from valueaudit.model import Flow


def _money(amount: float, currency: str | None) -> str:
    return f"{amount:,.2f}" + (f" {currency}" if currency else "")


@rule(
    "VA401",
    "early-payment",
    Severity.INFO,
    "Early-payment opportunity: a money flow to the provider is due later than the window.",
    bad="""
assumptions: {cost_of_capital: 0.12}
touchpoints:
  - id: payment
    flows:
      - {from: customer, to: company, gives: payment, kind: money, value: 8,
         amount: 10000, timing: {due_days: 30}}
""",
    good="""
assumptions: {cost_of_capital: 0.12}
touchpoints:
  - id: payment          # "0.5% 10, net 30": paid at day 10 with a 0.5% discount
    flows:
      - {from: customer, to: company, gives: payment, kind: money, value: 8,
         amount: 9950, timing: {due_days: 10}}
      - {from: company, to: customer, gives: 0.5% early-payment discount, kind: money,
         value: 2}
""",
)
def early_payment(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A ``money`` flow to a party with role ``provider`` that has an
    ``amount`` of at least ``early-payment-min-amount`` (default 1,000, in the process's
    currency: below it a discount is not worth offering), is due in more days
    (``timing.due_days``) than the early-payment window (``early-payment-window-days``,
    default 10), in a process that states ``assumptions.cost_of_capital``.

    **Why it matters.** Loshin's payment example: money received earlier is worth more
    to the company. Receiving ``amount`` ``d - e`` days early is worth
    ``amount * r * (d - e) / 365``; any discount below the break-even
    ``r * (d - e) / 365`` leaves the company better off, and the customer earns an
    annual return of ``q / (1 - q) * 365 / (d - e)`` by taking discount ``q``. The gain
    is the money at stake per period (per payment times volume).
    """
    rate = ctx.process.assumptions.cost_of_capital
    window = ctx.settings.early_payment_window_days
    currency = ctx.process.assumptions.currency
    if rate is None or rate == 0:
        return
    for i, j, flow in ctx.flows_of_kind("money"):
        if (
            flow.amount is None
            or flow.amount < ctx.settings.early_payment_min_amount
            or flow.timing is None
            or flow.timing.due_days <= window
            or ctx.process.role_of(flow.target) != "provider"
        ):
            continue
        touchpoint = ctx.process.touchpoints[i]
        score = ctx.score.touchpoints[i]
        due = flow.timing.due_days
        days_early = due - window
        per_payment = early_receipt_worth(flow.amount, rate, days_early)
        if per_payment <= 0:  # amount 0: nothing at stake (SPEC §4.5)
            continue
        per_period = per_payment * score.volume
        discount = break_even_discount(rate, due, window)
        if discount >= 1:
            # paying that early would be worth the whole amount or more: terms this long
            # have no discount to offer (and the payer's return would divide by 0)
            continue
        annual = implied_annual_return(discount, days_early)
        yield Draft(
            ("touchpoints", i, "flows", j),
            f"early-payment opportunity at '{touchpoint.id}': "
            f"{_money(flow.amount, currency)} due in {due} days; paid at day {window} it "
            f"is worth {_money(per_payment, currency)} more to {ctx.name(flow.target)} per payment "
            f"({_money(per_period, currency)} per period). Break-even discount "
            f"{discount:.2%}; the payer's implied annual return at that discount "
            f"{annual:.2%}",
            touchpoint=touchpoint.id,
            suggestion=f"Offer {ctx.name(flow.source)} a discount below {discount:.2%} for paying "
            f"within {window} days (e.g. '{number(discount * 100 * 0.75)}% {window}, "
            f"net {due}').",
            gain=per_period,
            helps=f"{ctx.name(flow.target)} and {ctx.name(flow.source)}",
            unit=currency or (None if ctx.process.in_points else ctx.process.unit) or "money",
        )


@rule(
    "VA402",
    "feedback-loop-open",
    Severity.WARNING,
    "Feedback is received but no later touchpoint gives anything back to its giver.",
    bad="""
touchpoints:
  - id: survey
    flows:
      - {from: customer, to: company, gives: survey answers, kind: feedback, value: 4}
""",
    good="""
touchpoints:
  - id: survey
    flows:
      - {from: customer, to: company, gives: survey answers, kind: feedback, value: 4}
  - id: you-said-we-did
    practice: informing
    flows:
      - {from: company, to: customer, gives: what changed, kind: information, value: 3}
""",
)
def feedback_loop_open(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A ``feedback`` flow from A to B where no touchpoint later in
    the chain has a flow from B back to A.

    **Why it matters.** Loshin's complaint scenario trades feedback (valuable to the
    company) for support (valuable to the customer). Feedback that vanishes teaches the
    customer to stop giving it; closing the loop ("you said, we did") turns it into an
    exchange. The gain is half the feedback's value, per occurrence.
    """
    feedback = ctx.flows_of_kind("feedback")
    if not feedback:
        return
    wanted = {(flow.target, flow.source) for _, _, flow in feedback}  # the way back
    back_at: dict[tuple[str, str], list[int]] = {}
    for k, touchpoint in enumerate(ctx.process.touchpoints):
        for back in touchpoint.flows:
            if (back.source, back.target) in wanted:
                back_at.setdefault((back.source, back.target), []).append(k)
    closing: dict[tuple[str, str], Container[int]] = {}
    for i, j, flow in feedback:
        way_back = (flow.target, flow.source)
        if way_back not in closing:
            closing[way_back] = ctx.reaching(back_at.get(way_back, ()))
        if i in closing[way_back]:
            continue
        score = ctx.score.touchpoints[i]
        touchpoint = ctx.process.touchpoints[i]
        worth = flow.value.mid if flow.value is not None else ctx.process.scale / 2
        yield Draft(
            ("touchpoints", i, "flows", j),
            f"feedback loop not closed: {says(ctx.name(flow.target), 'receives')} "
            f"'{flow.gives}' from {ctx.name(flow.source)} at '{touchpoint.id}', and no "
            f"later touchpoint gives {ctx.name(flow.source)} anything back",
            touchpoint=touchpoint.id,
            suggestion=f"Add a touchpoint after '{touchpoint.id}' (practice: informing) "
            f"where {says(ctx.name(flow.target), 'tells')} {ctx.name(flow.source)} what "
            f"changed because of '{flow.gives}'.",
            gain=score.volume * worth / 2,
            helps=ctx.name(flow.source),
        )


@rule(
    "VA403",
    "prospect-not-qualified",
    Severity.WARNING,
    "A prospect receives information or insight but never gives qualifying information.",
    bad="""
parties:
  prospect: {role: prospect}
  vendor: {role: provider}
touchpoints:
  - id: webinar
    flows:
      - {from: vendor, to: prospect, gives: product walkthrough, kind: insight, value: 5}
""",
    good="""
touchpoints:
  - id: webinar
    flows:
      - {from: vendor, to: prospect, gives: product walkthrough, kind: insight, value: 5}
      - {from: prospect, to: vendor, gives: team size and timeline,
         kind: qualifying-information, value: 4}
""",
)
def prospect_not_qualified(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A party with role ``prospect`` that receives ``information``
    or ``insight`` somewhere in the process, while no flow of kind
    ``qualifying-information`` goes from it to a provider anywhere in the process.
    Reported once per prospect, at the first flow it receives.

    **Why it matters.** Loshin's prospect query is an exchange: the prospect gains
    knowledge of the product, the salesperson gains qualifying information about the
    prospect. A process that only informs gives its value away.
    """
    role_of = ctx.process.role_of
    qualified = {
        flow.source
        for _, _, flow in ctx.flows_of_kind("qualifying-information")
        if role_of(flow.target) == "provider"
    }
    first_informed: dict[str, tuple[int, int]] = {}
    for i, j, flow in ctx.flows_of_kind("information", "insight"):
        if role_of(flow.target) == "prospect" and flow.target not in qualified:
            first_informed.setdefault(flow.target, (i, j))
    for prospect in ctx.process.parties:
        if prospect not in first_informed:
            continue
        i, j = first_informed[prospect]
        touchpoint = ctx.process.touchpoints[i]
        yield Draft(
            ("touchpoints", i, "flows", j),
            f"prospect {says(ctx.name(prospect), 'receives')} "
            f"'{touchpoint.flows[j].gives}' at '{touchpoint.id}' but never "
            f"{verb(ctx.name(prospect), 'gives')} qualifying information to a provider",
            touchpoint=touchpoint.id,
            suggestion=f"At '{touchpoint.id}', ask {ctx.name(prospect)} for qualifying "
            "information "
            "(need, budget, timeline) in return: add a flow of kind qualifying-information.",
        )


@rule(
    "VA404",
    "purchase-without-aftercare",
    Severity.INFO,
    "A purchase has no later helping or delivering touchpoint.",
    bad="""
touchpoints:
  - id: checkout
    practice: charging
    flows:
      - {from: customer, to: shop, gives: payment, kind: money, value: 8}
      - {from: shop, to: customer, gives: software licence, kind: product, value: 8}
""",
    good="""
touchpoints:
  - id: checkout
    practice: charging
    flows: [...]
  - id: onboarding
    practice: helping
    flows:
      - {from: shop, to: customer, gives: setup call, kind: support, value: 4}
""",
)
def purchase_without_aftercare(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint where money goes from a customer to a provider
    and a product or service goes back (a purchase), with no touchpoint later in the
    chain whose practice is ``helping`` or ``delivering``.

    **Why it matters.** Money for a product is Loshin's canonical exchange, but its
    value to the customer is realised in use. Without delivery or help after the sale,
    the customer carries every problem alone. A finding about the chain's shape, it has
    no gain and is not ranked among the opportunities (SPEC §4.12).
    """
    reported: set[int] = set()  # one finding per touchpoint
    aftercare: Container[int] | None = None  # found when first needed
    # per touchpoint, the first product or service each giver gives each receiver: one
    # pass over its flows, however many payments it holds
    goods_at: dict[int, dict[tuple[str, str], Flow]] = {}
    for i, _, flow in ctx.flows_of_kind("money"):
        if (
            i in reported
            or ctx.process.role_of(flow.source) != "customer"
            or ctx.process.role_of(flow.target) != "provider"
        ):
            continue
        touchpoint = ctx.process.touchpoints[i]
        goods_here = goods_at.get(i)
        if goods_here is None:
            goods_here = goods_at[i] = {}
            for back in touchpoint.flows:
                if back.kind in ("product", "service"):
                    goods_here.setdefault((back.source, back.target), back)
        good = goods_here.get((flow.target, flow.source))
        if good is None:
            continue
        if aftercare is None:
            aftercare = ctx.reaching(
                k
                for k, later in enumerate(ctx.process.touchpoints)
                if later.practice in ("helping", "delivering")
            )
        if i in aftercare:
            continue
        reported.add(i)
        yield Draft(
            ("touchpoints", i),
            f"purchase at '{touchpoint.id}' ({says(ctx.name(flow.source), 'pays')} "
            f"{ctx.name(flow.target)} for "
            f"'{good.gives}') has no later helping or delivering touchpoint",
            touchpoint=touchpoint.id,
            suggestion=f"Add a touchpoint after '{touchpoint.id}' with practice helping "
            f"or delivering (onboarding, a check-in, support) for {ctx.name(flow.source)}.",
        )
        reported.add(i)


RULES = (early_payment, feedback_loop_open, prospect_not_qualified, purchase_without_aftercare)
