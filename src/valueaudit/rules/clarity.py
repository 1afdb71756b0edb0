"""VA3xx: how clear the value of an exchange is (Loshin: unclear parity is an opportunity)."""

from __future__ import annotations

from collections.abc import Iterator

from valueaudit.findings import Severity
from valueaudit.rules.base import AuditContext, Draft, number, rule, span


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
    """**What it finds.** A flow without a ``value`` (reported at the flow), or a
    touchpoint whose disparity, over the ranges given, may lie on either side of the
    VA202 threshold (``D_min < threshold <= D_max``).

    **Why it matters.** Loshin: where the parity or disparity between the values is not
    clear, there is an opportunity. Until the values are pinned down nobody can say
    whether the exchange is fair; estimating them (even as a narrower range) is the
    cheapest improvement there is.
    """
    threshold = ctx.settings.disparity_threshold
    for score in ctx.score.touchpoints:
        touchpoint = ctx.process.touchpoints[score.index]
        gain = score.volume * score.gap
        unknown = [j for j, flow in enumerate(touchpoint.flows) if flow.value is None]
        for j in unknown:
            flow = touchpoint.flows[j]
            yield Draft(
                ("touchpoints", score.index, "flows", j),
                f"parity not clear at '{touchpoint.id}': '{flow.gives}' from {flow.source} "
                f"to {flow.target} has no value",
                touchpoint=touchpoint.id,
                suggestion=f"Estimate what '{flow.gives}' is worth to {flow.target} "
                f"(0..{number(ctx.process.scale)}, or a range [low, high]).",
                gain=gain,
            )
        d = score.disparity
        if unknown or d is None or not d.low < threshold <= d.high:
            continue
        yield Draft(
            ("touchpoints", score.index),
            f"parity not clear at '{touchpoint.id}': disparity is {span(d.low, d.high)}, "
            f"on both sides of the threshold {number(threshold)}",
            touchpoint=touchpoint.id,
            suggestion=f"Narrow the value ranges at '{touchpoint.id}' to tell whether the "
            "exchange is even.",
            gain=gain,
        )


RULES = (parity_not_clear,)
