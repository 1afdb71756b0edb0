"""VA6xx: the portfolio, every process of a scan at once (SPEC §4.7).

These rules judge the ledger (:mod:`valueaudit.portfolio`), which is complete only when
the last file has been audited: they are scan-level rules, run once by the scan
(:mod:`valueaudit.scan`) after the stream. The scan places each finding at the literal
first declaration (in file order) of the party it is about, even in a process where it
has no flows; a process-wide ``suppress`` entry of that process hides it. Whether such
an entry is used depends on the other files, so the scan, not the file's audit, reports
one that hid nothing (VA901).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from valueaudit.findings import POINTS, Severity
from valueaudit.interval import Interval
from valueaudit.numbers import interval, number, percent, ratio_text
from valueaudit.rules.base import ScanDraft, ScanView, documented, scan_rule
from valueaudit.scoring import at_least, below_zero
from valueaudit.wording import it_or_them, pronoun, says, verb

if TYPE_CHECKING:
    from valueaudit.portfolio import PartyTotals

#: VA601's second test: the share of its touchpoints at which a party receives least.
LOSING_SHARE = (3, 4)

VA601 = documented(
    "VA601",
    "portfolio-imbalance",
    Severity.WARNING,
    "Across all processes a party's net is below 0, it gets back at most a third of what "
    "it gives, or it receives the least at 75% or more of its exchanges, each uneven.",
    """
    **What it finds.** A party (matched by id across files) whose net over every
    process of the scan (what it receives less what giving costs it and its fixed
    costs) is certainly below 0; or whose exchange ratio, what it receives divided by
    what it gives, volume-weighted, is at or below ``thresholds.exchange-ratio``
    (default 1/3) over all the values its ranges admit; or which receives the least,
    where the disparity is certainly at or above VA202's threshold
    (``thresholds.disparity``; a disparity of 0.02 is not losing), at three quarters or
    more of the exchanges it takes part in. Points are compared on a scale of 10, money
    per currency. Never for a party with role ``internal``, and the net is not judged
    for a party that receives a not-valued flow. Reported once per party, at its first
    declaration.

    **Why it matters.** One uneven touchpoint is a detail; a party that loses across the
    whole portfolio is a relationship at risk. Echeverri & Skålén show that value is
    co-destroyed in interaction, and a customer, partner or employee group that keeps
    giving more than it gets will sooner or later stop giving: it churns, complains or
    withdraws the effort the processes depend on. Seeing it across all processes tells a
    business where the pattern is systemic, not local.

    **How to act.** ``valueaudit portfolio`` shows what the party gives to whom and which
    practices and channels are most uneven. Start with the flows it gives most for, and
    add value it receives there (information, support, a share of a saving), or ask
    less of it. Where the imbalance is intended (a donor, a regulator's inspection),
    suppress the finding in the process that declares the party first, with the reason.
    """,
    stage="scored",
    bad="""
# in every process the supplier gives a lot and gets little back
- {from: supplier, to: company, gives: delivery, kind: product, value: 9}
- {from: company, to: supplier, gives: payment on day 90, kind: money, value: 2}
""",
    good="""
- {from: supplier, to: company, gives: delivery, kind: product, value: 9}
- {from: company, to: supplier, gives: payment on day 10, kind: money, value: 6}
- {from: company, to: supplier, gives: demand forecast, kind: information, value: 3}
""",
)

VA602 = documented(
    "VA602",
    "missing-reciprocity",
    Severity.INFO,
    "A party gives another something in some process, and that other gives it nothing "
    "in any process.",
    """
    **What it finds.** An ordered pair of parties where the first gives the second
    something of value somewhere in the scan (a flow that is not worth exactly 0), while
    the second gives the first nothing in any process. Reported at the first declaration
    of the party that gives.

    **Why it matters.** Value exchange rests on reciprocity: what one party gives is
    answered by the other, not necessarily at the same touchpoint or even in the same
    process, but somewhere. A flow that is never answered anywhere (feedback nobody
    thanks for, data a partner shares and never hears about) is the portfolio-wide form
    of an open loop (VA402), and the giver learns that giving is pointless.

    **How to act.** Find what the receiver could give back: a report of what changed
    because of the feedback, a share of the insight the data made possible, priority or
    a discount. If the other side of the exchange happens outside the processes audited,
    write it down as a process too, or suppress the finding with the reason.
    """,
    stage="scored",
    bad="""
# partner gives company leads; company gives partner nothing, anywhere
- {from: partner, to: company, gives: referred customers, kind: information, value: 5}
""",
    good="""
- {from: partner, to: company, gives: referred customers, kind: information, value: 5}
- {from: company, to: partner, gives: referral fee, kind: money, value: 4}
""",
)


def _processes(count: int) -> str:
    return "1 process" if count == 1 else f"{count} processes"


def ratio_at_most(totals: PartyTotals, threshold: float) -> bool:
    """Whether a party's exchange ratio is at or below ``threshold`` over every value
    its ranges admit where it gives something (SPEC §4.17): its most received over its
    least given; always when it receives exactly nothing and may give something; never
    when what it gives may be 0 and what it receives may not."""
    ratio = totals.exchange_ratio
    if ratio is None or ratio[1] is None:
        return False
    return at_least(threshold * totals.given.low, totals.received.high)


def _imbalanced(scan: ScanView) -> Iterator[ScanDraft]:
    """VA601 on the ledger: each party whose net, exchange ratio or losing share says
    it loses across the portfolio (one finding per party, whatever its units)."""
    ledger = scan.ledger
    if ledger is None:
        return
    reasons_of: dict[str, list[str]] = {}
    processes: dict[str, int] = {}
    names: dict[str, str] = {}
    for (party, unit), totals in sorted(ledger.parties.items()):
        if totals.role == "internal":  # a part of an organisation is not a losing party
            continue
        names[party] = totals.name
        processes[party] = processes.get(party, 0) + totals.processes
        reasons_of.setdefault(party, []).extend(_losing_reasons(scan, totals, unit))
    for party, reasons in reasons_of.items():
        if not reasons:
            continue
        name = names[party]
        it = pronoun(name, "it")
        yield ScanDraft(
            f"across {_processes(processes[party])}, {name} {' and '.join(reasons)}",
            about=party,
            party=party,
            suggestion=f"Find where {says(name, 'gives')} most and {verb(name, 'gets')} least "
            f"back (valueaudit portfolio lists who gives what to whom), and add value {it} "
            f"{verb(name, 'receives')} there, or ask less of {it_or_them(name)}.",
        )


def _losing_reasons(scan: ScanView, totals: PartyTotals, unit: str) -> Iterator[str]:
    """VA601's three clauses for one ledger entry (SPEC §4.12)."""
    threshold = scan.settings.exchange_ratio_threshold
    numerator, denominator = LOSING_SHARE
    name = totals.name
    it, its = pronoun(name, "it"), pronoun(name, "its")
    what = "points of 10" if unit == POINTS else unit
    if not totals.not_valued and below_zero(totals.net):
        yield (
            f"{verb(name, 'ends')} with a net of {interval(totals.net, grouping=True)} "
            f"{what} (received less what giving costs {it_or_them(name)} and "
            f"{its} fixed costs)"
        )
    # what a party receives is not all valued when a flow to it is not valued: its ratio,
    # like its net, is then not certain (SPEC §4.11)
    if not totals.not_valued and ratio_at_most(totals, threshold):
        # the most it gets back per unit given is bounded here (ratio_at_most)
        low, high = totals.exchange_ratio or (0.0, 0.0)
        ratio = interval(Interval(low, high if high is not None else low))
        yield (
            f"{verb(name, 'gets')} back {ratio} for each unit of value {it} "
            f"{verb(name, 'gives')} (received "
            f"{interval(totals.received, grouping=True)}, given "
            f"{interval(totals.given, grouping=True)} {what}, volume-weighted), at or below "
            f"{ratio_text(threshold)} (thresholds.exchange-ratio)"
        )
    losing, exchanges = totals.losing_uneven, totals.exchanges
    if exchanges and denominator * losing >= numerator * exchanges:
        yield (
            f"{verb(name, 'receives')} the least at {losing} of {its} "
            f"{exchanges} exchanges ({percent(losing / exchanges)}), "
            f"each at a disparity of {number(scan.settings.disparity_threshold)} or more"
        )


def _unanswered(scan: ScanView) -> Iterator[ScanDraft]:
    """VA602 on the ledger: each pair where one gives and the other never gives back
    (in any unit). A not-valued flow counts as giving something (SPEC §4.11)."""
    ledger = scan.ledger
    if ledger is None:
        return
    gives = ledger.gives()
    names = ledger.names()
    roles = {party: totals.role for (party, _unit), totals in ledger.parties.items()}
    kinds_of: dict[tuple[str, str], list[str]] = {}
    for giver, receiver, kind, _unit in sorted(ledger.flows):
        kinds = kinds_of.setdefault((giver, receiver), [])
        if kind not in kinds:
            kinds.append(kind)
    worth_of: dict[tuple[str, str], dict[str, Interval]] = {}
    for (giver, receiver, unit), value in gives.items():
        worth_of.setdefault((giver, receiver), {})[unit] = value

    def gives_something(giver: str, receiver: str) -> bool:
        return any(v.high > 0 for v in worth_of.get((giver, receiver), {}).values())

    for (giver, receiver), worth in sorted(worth_of.items()):
        if giver == receiver or roles.get(giver) == "internal":
            continue
        if not gives_something(giver, receiver):
            continue
        # something comes back: worth more than 0, or not valued (SPEC §4.11)
        if gives_something(receiver, giver) or (receiver, giver) in ledger.not_valued:
            continue
        giver_name, receiver_name = names[giver], names[receiver]
        amounts = ", ".join(
            f"{interval(value, grouping=True)}{'' if unit == POINTS else ' ' + unit}"
            for unit, value in sorted(worth.items())
        )
        yield ScanDraft(
            f"{says(giver_name, 'gives')} {receiver_name} {', '.join(kinds_of[giver, receiver])} "
            f"(worth {amounts}, volume-weighted), and "
            f"{says(receiver_name, 'gives')} {giver_name} nothing in any process",
            about=f"{giver}\x1f{receiver}",
            party=giver,
            suggestion=f"Let {receiver_name} give {giver_name} something in return (a report "
            "of what changed, a share of the benefit, priority or a discount), or write down "
            "the process where it already does.",
        )


@scan_rule(
    "VA603",
    "party-declared-differently",
    Severity.WARNING,
    "One party id is declared with a different name or role in two files.",
    bad="""
# processes/web-order.yaml
parties:
  customer: {name: Home customer, role: customer}
# processes/invoice-payment.yaml (a later file)
parties:
  customer: {name: Business customer, role: customer}
""",
    good="""
# processes/web-order.yaml
parties:
  home-customer: {name: Home customer, role: customer}
# processes/invoice-payment.yaml
parties:
  business-customer: {name: Business customer, role: customer}
""",
)
def party_declared_differently(scan: ScanView) -> Iterator[ScanDraft]:
    """**What it finds.** A party id that a later file (in file order) declares with a
    different ``name`` than an earlier one (both written), or with a different ``role``.
    Placed at the later declaration, naming the first.

    **Why it matters.** The portfolio matches parties by id across files and adds them
    up as one; it shows the first declaration's name and role. Two different parties
    that share an id are merged without a word: the report would call a business
    customer "Home customer", and its totals would mix two relationships.

    **How to act.** If they are two parties, give them two ids. If they are one, use one
    name and one role everywhere.
    """
    for party, later in sorted(scan.redeclared.items()):
        first = scan.first_declaration(party)
        for declared in later:
            differences = []
            if first.role != declared.role:
                differences.append(f"role {declared.role} (there: {first.role})")
            if None not in (declared.written_name, first.written_name) and (
                declared.written_name != first.written_name
            ):
                differences.append(f"name '{declared.name}' (there: '{first.name}')")
            yield ScanDraft(
                f"party '{party}' is declared here with {' and '.join(differences)}, "
                f"but first in {first.file} (process '{first.process}'); the portfolio "
                f"adds both up as one party, named '{first.name}'",
                about=f"{party}\x1f{declared.name}\x1f{declared.role}",
                party=party,
                declared=declared,
                suggestion=f"If they are two parties, give this one its own id; if one, "
                f"declare it with one name and role everywhere (as in {first.file}).",
            )


RULES = (
    VA601.across(_imbalanced),
    VA602.across(_unanswered),
    party_declared_differently,
)
