"""VA5xx: interaction value practices and praxis (Echeverri & Skålén).

The praxis types come from the touchpoint's ``elements`` and ``outcome`` as described
in SPEC §4.4; that mapping is valueaudit's operationalisation, not the paper's.
"""

from __future__ import annotations

from collections.abc import Iterator

from valueaudit.findings import Severity
from valueaudit.model import PRACTICES
from valueaudit.rules.base import AuditContext, Draft, rule
from valueaudit.scoring import REDUCTIVE, REINFORCING_CO_DESTRUCTION


@rule(
    "VA501",
    "no-practice",
    Severity.INFO,
    "A touchpoint has no `practice`.",
    bad="""
- id: welcome-call
  flows: [...]
""",
    good="""
- id: welcome-call
  practice: greeting
  flows: [...]
""",
)
def no_practice(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint without ``practice`` (informing, greeting,
    delivering, charging or helping).

    **Why it matters.** Echeverri and Skålén found that provider and customer meet in
    these five interaction value practices. Naming the practice says what the
    touchpoint is for, lets reports group by it, and lets VA503 and VA404 check the
    order of the chain.
    """
    for score in ctx.score.touchpoints:
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        if touchpoint.practice is None:
            yield Draft(
                ("touchpoints", score.touchpoint_index),
                f"touchpoint '{touchpoint.id}' has no practice",
                touchpoint=touchpoint.id,
                suggestion=f"Add a practice to '{touchpoint.id}': one of {', '.join(PRACTICES)}.",
            )


def _praxis_findings(ctx: AuditContext, praxis: str, words: str, advice: str) -> Iterator[Draft]:
    for score in ctx.score.touchpoints:
        if score.praxis != praxis:
            continue
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        assert touchpoint.elements is not None
        elements = touchpoint.elements
        incongruent = [
            name
            for name in ("procedures", "understandings", "engagements")
            if getattr(elements, name) == "incongruent"
        ]
        outcome = f", outcome {touchpoint.outcome}" if touchpoint.outcome else ""
        yield Draft(
            ("touchpoints", score.touchpoint_index, "elements"),
            f"{words} at '{touchpoint.id}' (incongruent: "
            f"{', '.join(incongruent) or 'none'}{outcome})",
            touchpoint=touchpoint.id,
            suggestion=advice.format(
                touchpoint=touchpoint.id, elements=" and ".join(incongruent) or "elements"
            ),
        )


@rule(
    "VA502",
    "co-destruction",
    Severity.WARNING,
    "The touchpoint's praxis is reinforcing value co-destruction.",
    bad="""
- id: ordering
  elements: {procedures: congruent, understandings: incongruent, engagements: incongruent}
  outcome: co-destruction
""",
    good="""
- id: ordering
  elements: {procedures: congruent, understandings: congruent, engagements: congruent}
  outcome: co-creation
""",
)
def co_destruction(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint where two or more elements (procedures,
    understandings, engagements) are incongruent and the outcome is not co-creation.

    **Why it matters.** When provider and customer draw on incongruent elements, value
    is destroyed together: each side's way of doing, understanding and caring pulls
    against the other's. The restaurant story is one: same kitchen, a waiter who did not
    read the guests, an evening worth less.
    """
    yield from _praxis_findings(
        ctx,
        REINFORCING_CO_DESTRUCTION,
        "value is being co-destroyed",
        "Align the {elements} of '{touchpoint}' between provider and customer (scripts, "
        "training, expectations set before the touchpoint).",
    )


@rule(
    "VA503",
    "charging-before-informing",
    Severity.INFO,
    "The process has no greeting or informing touchpoint before its first charging one.",
    bad="""
touchpoints:
  - id: payment
    practice: charging
""",
    good="""
touchpoints:
  - id: price-explained
    practice: informing
  - id: payment
    practice: charging
""",
)
def charging_before_informing(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A process whose first ``charging`` touchpoint is not preceded
    (in list order) by any ``greeting`` or ``informing`` touchpoint.

    **Why it matters.** Being charged before being greeted or informed is a common
    source of incongruent understandings: the customer does not know what it pays
    for. Informing first sets the terms of the exchange.
    """
    for score in ctx.score.touchpoints:
        touchpoint = ctx.process.touchpoints[score.touchpoint_index]
        if touchpoint.practice in ("greeting", "informing"):
            return
        if touchpoint.practice == "charging":
            yield Draft(
                ("touchpoints", score.touchpoint_index),
                f"'{touchpoint.id}' charges before any greeting or informing touchpoint",
                touchpoint=touchpoint.id,
                suggestion=f"Add an informing or greeting touchpoint before "
                f"'{touchpoint.id}' that tells the customer what it pays for.",
            )
            return


@rule(
    "VA504",
    "reductive-praxis",
    Severity.INFO,
    "The touchpoint's praxis is reductive: value is being reduced.",
    bad="""
- id: document-upload
  elements: {procedures: incongruent, understandings: congruent, engagements: congruent}
""",
    good="""
- id: document-upload
  elements: {procedures: congruent, understandings: congruent, engagements: congruent}
""",
)
def reductive_praxis(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint with exactly one incongruent element and an
    outcome that is not co-creation, or no incongruent element and an observed
    co-destruction.

    **Why it matters.** A single mismatch (a procedure the customer does not follow,
    an understanding not shared) reduces the value both sides get, even when the rest
    goes well. It is the cheapest praxis to repair before it reinforces.
    """
    yield from _praxis_findings(
        ctx,
        REDUCTIVE,
        "value is being reduced",
        "Repair the {elements} of '{touchpoint}' so both parties draw on the same ones.",
    )


RULES = (no_practice, co_destruction, charging_before_informing, reductive_praxis)
