"""VA103-VA106, VA108: a process must hang together as a chain of exchanges.

These run on a model whose shape is valid, before any scoring. The errors among them
(VA103, VA104, VA105) leave the process unscored: scores of a broken chain mislead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from valueaudit.findings import Severity
from valueaudit.hints import did_you_mean
from valueaudit.rules.base import AuditContext, Draft, ScanDraft, ScanView, rule

if TYPE_CHECKING:
    from valueaudit.model import Touchpoint


@rule(
    "VA103",
    "unknown-party",
    Severity.ERROR,
    "A party reference names no declared party.",
    stage="structure",
    bad="""
parties:
  customer: {role: customer}
  company: {role: provider}
touchpoints:
  - id: order
    initiator: client            # no party 'client'
    flows: [{from: custmer, to: company, gives: order, kind: information}]
""",
    good="""
touchpoints:
  - id: order
    initiator: customer
    flows: [{from: customer, to: company, gives: order, kind: information}]
""",
)
def unknown_party(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A ``from``, ``to`` or ``initiator`` that names a party not
    declared under ``parties``, with the closest declared name as a hint.

    **Why it matters.** Value received by an undeclared party falls out of every
    balance; usually it is a typo that splits one party into two.
    """
    declared = ctx.process.parties
    touchpoints = ctx.process.touchpoints
    named = {party for t in touchpoints for f in t.flows for party in (f.source, f.target)}
    named.update(t.initiator for t in touchpoints if t.initiator is not None)
    if named.issubset(declared):  # the usual case: one pass, no paths to build
        return
    parties = list(declared)
    for i, touchpoint in enumerate(touchpoints):
        for path, key, party in _undeclared(touchpoint, declared):
            yield Draft(
                ("touchpoints", i, *path),
                f"{key} names no declared party '{party}' (declared: "
                f"{', '.join(parties)}){did_you_mean(party, parties)}",
                touchpoint=touchpoint.id,
            )


def _undeclared(
    touchpoint: Touchpoint, declared: Mapping[str, object]
) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path, key, party) of each party reference at a touchpoint that is not declared."""
    if touchpoint.initiator is not None and touchpoint.initiator not in declared:
        yield ("initiator",), "initiator", touchpoint.initiator
    for j, flow in enumerate(touchpoint.flows):
        if flow.source not in declared:
            yield ("flows", j, "from"), "from", flow.source
        if flow.target not in declared:
            yield ("flows", j, "to"), "to", flow.target


@rule(
    "VA104",
    "duplicate-id",
    Severity.ERROR,
    "An id is used twice: a touchpoint within a process, or a process across files.",
    stage="structure",
    bad="""
touchpoints:
  - id: payment
  - id: payment
""",
    good="""
touchpoints:
  - id: payment
  - id: payment-reminder
""",
)
def duplicate_id(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** Two touchpoints of one process with the same id, or (reported
    by the scan, which sees all files) two process files with the same process id.

    **Why it matters.** ``next``, suppressions, baselines and ``diff`` all refer to
    touchpoints and processes by id; a shared id makes those references ambiguous.
    """
    first: dict[str, int] = {}
    for i, touchpoint in enumerate(ctx.process.touchpoints):
        if touchpoint.id in first:
            yield Draft(
                ("touchpoints", i, "id"),
                f"duplicate touchpoint id '{touchpoint.id}' "
                f"(first used by touchpoints[{first[touchpoint.id]}])",
                touchpoint=touchpoint.id,
            )
        else:
            first[touchpoint.id] = i


def duplicate_process_id(scan: ScanView) -> Iterator[ScanDraft]:
    """VA104 across files: every file after the first (in path order) that declares a
    process id already declared, placed at that file's ``id``."""
    for process_id, files in scan.duplicate_ids.items():
        for file in files[1:]:
            yield ScanDraft(
                f"duplicate process id '{process_id}' (also in {files[0]})",
                about=process_id,
                file=file,
            )


@rule(
    "VA105",
    "unknown-next",
    Severity.ERROR,
    "`next` names no touchpoint of the process.",
    stage="structure",
    bad="""
touchpoints:
  - id: invoice-sent
    next: [paymnet]
  - id: payment
""",
    good="""
touchpoints:
  - id: invoice-sent
    next: [payment]
  - id: payment
""",
)
def unknown_next(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** An entry of a touchpoint's ``next`` list that is not the id of
    any touchpoint in the same process.

    **Why it matters.** The chain is what valueaudit walks to find loops that are not
    closed and touchpoints nobody reaches; a dangling link breaks it.
    """
    ids = [t.id for t in ctx.process.touchpoints]
    known = set(ids)
    for i, touchpoint in enumerate(ctx.process.touchpoints):
        for k, target in enumerate(touchpoint.next or ()):
            if target not in known:
                yield Draft(
                    ("touchpoints", i, "next", k),
                    f"next names no touchpoint '{target}'{did_you_mean(target, ids)}",
                    touchpoint=touchpoint.id,
                )


@rule(
    "VA106",
    "unreachable-touchpoint",
    Severity.WARNING,
    "A touchpoint cannot be reached from the first one.",
    stage="structure",
    bad="""
touchpoints:
  - id: order
    next: [delivery]
  - id: upsell-call          # nothing leads here
  - id: delivery
""",
    good="""
touchpoints:
  - id: order
    next: [upsell-call, delivery]
  - id: upsell-call
  - id: delivery
""",
)
def unreachable_touchpoint(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint that no path of ``next`` links (or, by default,
    list order) leads to from the first touchpoint.

    **Why it matters.** A customer never meets an unreachable touchpoint, so the value
    recorded there is never exchanged; either a link is missing or the step is dead.
    Not checked while a ``next`` link is broken (VA105 names the cause).
    """
    ids = {t.id for t in ctx.process.touchpoints}
    if any(target not in ids for t in ctx.process.touchpoints for target in t.next or ()):
        return
    reached = {0}
    pending = [0]
    links = ctx.links
    while pending:
        for target in links[pending.pop()]:
            if target not in reached:
                reached.add(target)
                pending.append(target)
    for i, touchpoint in enumerate(ctx.process.touchpoints):
        if i not in reached:
            yield Draft(
                ("touchpoints", i),
                f"touchpoint '{touchpoint.id}' cannot be reached from the first touchpoint "
                f"'{ctx.process.touchpoints[0].id}'",
                touchpoint=touchpoint.id,
            )


@rule(
    "VA108",
    "no-flows",
    Severity.WARNING,
    "A touchpoint has no flows: nothing is exchanged.",
    stage="structure",
    bad="""
touchpoints:
  - id: welcome-call
    practice: greeting
""",
    good="""
touchpoints:
  - id: welcome-call
    practice: greeting
    flows:
      - {from: company, to: customer, gives: a named contact, kind: access, value: 3}
      - {from: customer, to: company, gives: preferred channel, kind: information, value: 2}
""",
)
def no_flows(ctx: AuditContext) -> Iterator[Draft]:
    """**What it finds.** A touchpoint without any flow.

    **Why it matters.** Every customer interaction is a potential exchange of value
    (Loshin); a touchpoint where nothing is recorded as given or received cannot be
    scored and hides whatever really passes there.
    """
    for i, touchpoint in enumerate(ctx.process.touchpoints):
        if not touchpoint.flows:
            path: tuple[str | int, ...] = ("touchpoints", i)
            if "flows" in touchpoint.model_fields_set:
                path = (*path, "flows")
            yield Draft(
                path,
                f"touchpoint '{touchpoint.id}' has no flows: record what each party gives "
                "and receives here",
                touchpoint=touchpoint.id,
            )


RULES = (
    unknown_party,
    duplicate_id.across(duplicate_process_id),
    unknown_next,
    unreachable_touchpoint,
    no_flows,
)
