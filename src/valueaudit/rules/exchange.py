"""VA2xx: how evenly value is exchanged (Loshin: every interaction is an exchange)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from valueaudit.findings import Severity
from valueaudit.rules.base import AuditContext, Draft, number, rule, span
from valueaudit.scoring import Interval


def received_text(ctx: AuditContext, received: Mapping[str, Interval]) -> str:
    """``received: customer 2, company 8`` for a message."""
    return "received: " + ", ".join(
        f"{party} {span(value.low, value.high)}" for party, value in received.items()
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
        touchpoint = ctx.process.touchpoints[score.index]
        for party, value in score.received.items():
            if value.high == 0:
                given = " and ".join(
                    f"'{gives}'"
                    for gives in sorted({f.gives for f in touchpoint.flows if f.source == party})
                )
                yield Draft(
                    ("touchpoints", score.index),
                    f"one-sided exchange at '{touchpoint.id}': {party} gives "
                    f"{given or 'nothing of value'} but receives nothing",
                    touchpoint=touchpoint.id,
                    suggestion=f"Give {party} something back at '{touchpoint.id}' (a "
                    "confirmation, information, a faster next step), or record the value "
                    f"{party} does receive here.",
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
        if score.disparity is None or score.disparity.low < threshold:
            continue
        touchpoint = ctx.process.touchpoints[score.index]
        loser = min(score.received, key=lambda p: score.received[p].mid)
        favoured = f" favours {score.favoured}" if score.favoured else ""
        yield Draft(
            ("touchpoints", score.index),
            f"disparity {span(score.disparity.low, score.disparity.high)} at "
            f"'{touchpoint.id}'{favoured} ({received_text(ctx, score.received)}; "
            f"threshold {number(threshold)})",
            touchpoint=touchpoint.id,
            suggestion=f"Give {loser} about {number(score.gap)} more value at "
            f"'{touchpoint.id}', or ask less of it, to move the exchange towards parity.",
            gain=score.volume * score.gap,
        )


RULES = (one_sided_exchange, high_disparity)
