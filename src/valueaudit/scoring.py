"""Scoring, exactly as SPEC §4: pure functions over numbers and intervals.

Values can be uncertain: a range ``[low, high]`` or unknown (``[0, scale]``). Every
score is therefore computed as an :class:`Interval`; a score is a *point* when all
values it depends on are points.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from valueaudit.interval import ZERO, Interval
from valueaudit.journey import Journey, journey
from valueaudit.model import NotValued

if TYPE_CHECKING:
    from valueaudit.model import Elements, Flow, Process, Touchpoint

DAYS_PER_YEAR = 365


def received_by_party(
    touchpoint: Touchpoint, scale: float, order: Mapping[str, int] | None = None
) -> dict[str, Interval]:
    """``R_p(t)`` for every party taking part in ``t`` (giving or receiving) and in its
    comparison: a party that receives only not-valued flows there takes no part in it
    (SPEC §4.11). The parties ``order`` places (by their place in it, such as the
    declaration order) come first, then the others in order of first appearance."""
    received, outside = _received(touchpoint, scale)
    for party in outside:
        del received[party]
    if order is not None:
        last = len(order)  # the undeclared (never in a valid process) after the others
        return dict(sorted(received.items(), key=lambda item: order.get(item[0], last)))
    return received


def _received(touchpoint: Touchpoint, scale: float) -> tuple[dict[str, Interval], set[str]]:
    """``R_p(t)`` of every party taking part, and the parties that receive only
    not-valued flows there (empty in the usual case: one cheap pass)."""
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    not_valued: set[str] = set()
    for flow in touchpoint.flows:
        source, target, value = flow.source, flow.target, flow.value
        if source not in lows:
            lows[source] = highs[source] = 0.0
        if value is None:
            low, high = 0.0, scale
        elif isinstance(value, NotValued):
            not_valued.add(target)
            lows.setdefault(target, 0.0)
            highs.setdefault(target, 0.0)
            continue
        else:
            low, high = value
        if target in lows:
            lows[target] += low
            highs[target] += high
        else:
            lows[target], highs[target] = low, high
    received = {party: Interval(lows[party], highs[party]) for party in lows}
    if not not_valued:
        return received, set()
    valued = {f.target for f in touchpoint.flows if f.valued}
    return received, not_valued - valued


def disparity(received: Mapping[str, Interval]) -> Interval:
    """Touchpoint disparity ``D = (max R - min R) / sum R`` over admissible values.

    ``D_max`` is reached with one party at its highest, another at its lowest and the
    rest at their lowest. ``D_min`` is 0 when the received intervals share a point;
    otherwise, with ``L`` the largest low and ``H`` the smallest high, it is
    ``(L - H) / sum_p min(high_p, L)`` (every party as high as it may be without
    exceeding ``L``; the ratio only grows as the top level rises above ``L``).
    """
    lows = [v[0] for v in received.values()]
    highs = [v[1] for v in received.values()]
    if lows == highs:  # plain lists of floats: cheaper than intervals for 2-4 parties
        total = sum(lows)
        if total <= 0:
            return ZERO
        return Interval.point((max(lows) - min(lows)) / total)
    if len(lows) < 2:  # one party: nothing to be uneven with
        return ZERO
    largest_low = max(lows)
    smallest_high = min(highs)
    if largest_low <= smallest_high:
        d_min = 0.0
    else:
        d_min = (largest_low - smallest_high) / sum(min(h, largest_low) for h in highs)
    sum_low = sum(lows)
    d_max = 0.0
    # the others at their lowest: the smallest low, or the next one for the party holding it
    smallest, next_smallest = sorted(lows)[:2]
    for low, high in received.values():
        denominator = sum_low - low + high
        if denominator <= 0:
            continue
        bottom = next_smallest if low == smallest else smallest
        d_max = max(d_max, (high - bottom) / denominator)
    return Interval(d_min, d_max)


#: Every verdict compares with this relative tolerance (SPEC §4.5): 0.3 and 0.1 give a
#: disparity of 0.49999999999999994 in floats, and exactly 0.5 in the file's decimals.
TOLERANCE = 1e-9


def same(a: float, b: float) -> bool:
    """Whether two scores are equal up to floating-point noise."""
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12)


def at_least(value: float, bound: float) -> bool:
    """``value >= bound``, up to floating-point noise: how every threshold is decided."""
    return value > bound or same(value, bound)


def minus(a: float, b: float) -> float:
    """``a - b``, exactly 0 when the two are equal up to floating-point noise (as
    :func:`same` decides): a net of 1,000.1 received less 1,000.1 given is 0, never
    -1e-13 (SPEC §4.5)."""
    difference = a - b
    if abs(difference) <= max(TOLERANCE * max(abs(a), abs(b)), 1e-12):
        return 0.0
    return difference


def below_zero(value: Interval) -> bool:
    """Whether a net is certainly below 0: its high end is, beyond floating-point noise
    (SPEC §4.5)."""
    return value.high < 0 and not same(value.high, 0.0)


def favoured(received: Mapping[str, Interval]) -> str | None:
    """The party receiving the most (by midpoint); ``None`` when the top is shared."""
    best: str | None = None
    top = second = float("-inf")
    for party, (low, high) in received.items():
        mid = (low + high) / 2
        if mid > top:
            best, top, second = party, mid, top
        elif mid > second:
            second = mid
    return None if best is None or same(top, second) else best


def parity_gap(received: Mapping[str, Interval]) -> float:
    """The value that would move to reach parity: half the gap between the best- and
    worst-served party (by midpoint). Moving it from one to the other evens them out.
    Midpoints equal up to floating-point noise are equal: the gap is then exactly 0, so
    nothing is ranked as an opportunity on noise (SPEC §4.17)."""
    if not received:
        return 0.0
    mids = [(low + high) / 2 for low, high in received.values()]
    top, bottom = max(mids), min(mids)
    return 0.0 if same(top, bottom) else (top - bottom) / 2


def weighted_mean(pairs: Iterable[tuple[float, Interval]]) -> Interval | None:
    """Weighted mean of intervals (bounds are independent, so this is exact).

    Falls back to equal weights when every weight is 0; ``None`` when there is nothing.
    """
    items = list(pairs)
    if not items:
        return None
    total = sum([weight for weight, _ in items])
    if total <= 0:
        items = [(1.0, value) for _, value in items]
        total = float(len(items))
    low = sum([weight * value[0] for weight, value in items]) / total
    high = sum([weight * value[1] for weight, value in items]) / total
    return Interval(low, high)


def shares(totals: Mapping[str, Interval]) -> dict[str, Interval]:
    """Each party's share of all value received, as an interval over the admissible
    values where something is received at all (SPEC §4.5: a share of nothing is
    undefined); 0 for every party when nothing can be received."""
    result: dict[str, Interval] = {}
    sum_low = sum(v.low for v in totals.values())
    sum_high = sum(v.high for v in totals.values())
    for party, value in totals.items():
        if value.is_point and sum_low == sum_high:
            result[party] = Interval.point(value.low / sum_low if sum_low > 0 else 0.0)
            continue
        low_denominator = value.low + (sum_high - value.high)
        high_denominator = value.high + (sum_low - value.low)
        # a zero denominator: the others always receive 0, so whenever anything is
        # received at all, it is all this party's
        alone = 1.0 if value.high > 0 else 0.0
        low = value.low / low_denominator if low_denominator > 0 else alone
        high = value.high / high_denominator if high_denominator > 0 else 0.0
        result[party] = Interval(low, high)
    return result


# --- Interaction value praxis (SPEC §4.4; the mapping is valueaudit's, not the paper's)

REINFORCING_CO_CREATION = "reinforcing-co-creation"
RECOVERY = "recovery"
REDUCTIVE = "reductive"
REINFORCING_CO_DESTRUCTION = "reinforcing-co-destruction"
UNCLASSIFIED = "unclassified"


def praxis_for_count(incongruent: int, outcome: str | None) -> str:
    """The praxis type for a known number of incongruent elements and an outcome."""
    if incongruent == 0:
        return REDUCTIVE if outcome == "co-destruction" else REINFORCING_CO_CREATION
    if outcome == "co-creation":
        return RECOVERY
    return REDUCTIVE if incongruent == 1 else REINFORCING_CO_DESTRUCTION


def classify_praxis(states: Sequence[str | None], outcome: str | None) -> str:
    """Classify from the three element states (``None`` = missing, read as unknown).

    Unknown elements are tried both ways; if that could change the type, the
    touchpoint is ``unclassified``.
    """
    known = sum(1 for s in states if s == "incongruent")
    unknown = sum(1 for s in states if s not in ("congruent", "incongruent"))
    types = {praxis_for_count(known + extra, outcome) for extra in range(unknown + 1)}
    return types.pop() if len(types) == 1 else UNCLASSIFIED


def praxis(elements: Elements | None, outcome: str | None) -> str | None:
    """The praxis of a touchpoint, or ``None`` when it declares no ``elements``."""
    if elements is None:
        return None
    states = (elements.procedures, elements.understandings, elements.engagements)
    return classify_praxis(states, outcome)


# --- Early payment (SPEC §4.3, Loshin's payment example)


def early_receipt_worth(amount: float, annual_rate: float, days_early: float) -> float:
    """What receiving ``amount`` ``days_early`` days early is worth to the receiver."""
    return amount * annual_rate * days_early / DAYS_PER_YEAR


def break_even_discount(annual_rate: float, due_days: float, paid_at_day: float) -> float:
    """The discount (fraction of the amount) that costs the receiver exactly what paying at
    ``paid_at_day`` instead of ``due_days`` gains it."""
    return annual_rate * (due_days - paid_at_day) / DAYS_PER_YEAR


def implied_annual_return(discount: float, days_early: float) -> float:
    """The payer's annualised return of taking ``discount`` for paying ``days_early`` early."""
    return discount / (1 - discount) * DAYS_PER_YEAR / days_early


# --- Whole process (SPEC §4.2)


class TouchpointScore(NamedTuple):
    """Scores of one touchpoint. ``disparity`` is ``None`` when it has no flows. (A named
    tuple, like :class:`Interval`: one per touchpoint of every file.) The verdicts judge
    its exchange (:class:`ExchangeScore`); its own disparity is informational."""

    touchpoint_index: int
    volume: float
    received: dict[str, Interval]
    disparity: Interval | None
    favoured: str | None
    gap: float
    praxis: str | None
    # the running balance, after this touchpoint, of the parties taking part in it
    cumulative: dict[str, Interval]
    #: the index of its exchange in :attr:`ProcessScore.exchanges`
    exchange: int


class ExchangeScore(NamedTuple):
    """Scores of one exchange (SPEC §4.8): the touchpoints naming one ``exchange``, or a
    touchpoint on its own, judged together."""

    #: the ``exchange`` its touchpoints name; ``None`` for a touchpoint on its own
    id: str | None
    #: its touchpoints' indexes, in file order
    touchpoints: tuple[int, ...]
    #: its weight in process figures: the largest volume of its touchpoints
    volume: float
    #: ``T_p(E)``, volume-weighted (equal weights when every volume is 0), of the parties
    #: in the comparison (not those receiving only not-valued flows)
    received: dict[str, Interval]
    disparity: Interval | None
    favoured: str | None
    #: the value per period that would move to parity (0 when nothing happens)
    gap: float
    #: ``N_p(E)``, every party taking part: received net of what giving costs it
    net: dict[str, Interval]
    #: the parties receiving a not-valued flow here: their net is not certain
    not_valued: frozenset[str]

    @property
    def first(self) -> int:
        """The index of its first touchpoint: where its findings are placed."""
        return self.touchpoints[0]


@dataclass(frozen=True, slots=True)
class ProcessScore:
    """Scores of one process: disparity, balance per party, clarity, per touchpoint and
    per exchange, and each party's net."""

    disparity: Interval | None
    clarity: float | None
    received: dict[str, Interval]
    share: dict[str, Interval]
    favoured: str | None
    touchpoints: tuple[TouchpointScore, ...]
    exchanges: tuple[ExchangeScore, ...] = ()
    #: ``N_p`` of every declared party: its nets at the exchanges less its fixed cost
    net: dict[str, Interval] = field(default_factory=dict)
    #: the parties that receive a not-valued flow somewhere: their net is not certain
    not_valued: frozenset[str] = frozenset()
    #: evidence, effort and waiting (SPEC §4.14–§4.15)
    journey: Journey | None = None
    #: the shares of the value received resting on each evidence category
    evidence: dict[str, Interval] = field(default_factory=dict)


def cost_of(flow: Flow, scale: float) -> Interval:
    """What giving a flow takes from its giver (SPEC §4.9): its ``cost``; for a money flow
    without one, its value (``[0, scale]`` when unknown); for any other flow, nothing."""
    if flow.cost is not None:
        return flow.cost
    if flow.kind != "money" or not flow.valued:
        return ZERO
    return Interval(0.0, scale) if flow.value is None else flow.value


def leading_parties(parties: Sequence[str], score: ProcessScore, limit: int) -> list[str]:
    """At most ``limit`` of ``parties``, those receiving most over the chain (by the
    middle of their balance), in the order given: the columns a table has room for."""
    if len(parties) <= limit:
        return list(parties)
    chosen = set(heapq.nlargest(limit, parties, key=lambda p: score.received.get(p, ZERO).mid))
    return [p for p in parties if p in chosen]


def running_balance(score: ProcessScore, parties: Sequence[str]) -> Iterator[dict[str, Interval]]:
    """The running balance of ``parties`` after each touchpoint: a party's balance
    stays as it was until it next takes part."""
    balance = dict.fromkeys(parties, ZERO)
    for touchpoint in score.touchpoints:
        for party, value in touchpoint.cumulative.items():
            if party in balance:
                balance[party] = value
        yield dict(balance)


def score_process(process: Process) -> ProcessScore:
    """Score every touchpoint, every exchange and the process as a whole (SPEC §4.1-4.2,
    §4.4, §4.8-§4.9, §4.11)."""
    order = {party: place for place, party in enumerate(process.parties)}
    scale = process.scale
    running_low = dict.fromkeys(process.parties, 0.0)
    running_high = dict.fromkeys(process.parties, 0.0)
    touchpoint_scores: list[TouchpointScore] = []
    #: the exchange's index of each named exchange, and each exchange's touchpoints
    named: dict[str, int] = {}
    members: list[list[int]] = []
    flows = exact = 0
    for index, touchpoint in enumerate(process.touchpoints):
        # how often it happens per period: its own volume, or the process's
        volume = process.volume if touchpoint.volume is None else touchpoint.volume
        received = received_by_party(touchpoint, scale, order)
        for party, (low, high) in received.items():
            running_low[party] = running_low.get(party, 0.0) + low * volume
            running_high[party] = running_high.get(party, 0.0) + high * volume
        for flow in touchpoint.flows:
            if flow.valued:  # a not-valued flow is left out of clarity (SPEC §4.11)
                flows += 1
                if flow.value is not None and flow.value[0] == flow.value[1]:
                    exact += 1
        if touchpoint.exchange is None:
            position = len(members)
            members.append([index])
        else:
            position = named.setdefault(touchpoint.exchange, len(members))
            if position == len(members):
                members.append([])
            members[position].append(index)
        touchpoint_scores.append(
            TouchpointScore(
                index,
                volume,
                received,
                disparity(received) if received else None,
                favoured(received),
                parity_gap(received),
                None
                if touchpoint.elements is None
                else praxis(touchpoint.elements, touchpoint.outcome),
                # only the parties taking part: a balance for every party at every
                # touchpoint would be parties x touchpoints (running_balance fills in)
                {p: Interval(running_low[p], running_high[p]) for p in received},
                position,
            )
        )
    # each party's received and cost ends, summed over the exchanges: its net
    totals: dict[str, list[float]] = {p: [0.0, 0.0, 0.0, 0.0] for p in process.parties}
    exchanges = tuple(
        _score_exchange(process, touchpoint_scores, indexes, order, totals) for indexes in members
    )
    running = {p: Interval(low, running_high[p]) for p, low in running_low.items()}
    process_disparity = weighted_mean(
        (exchange.volume, exchange.disparity)
        for exchange in exchanges
        if exchange.disparity is not None
    )
    net = {}
    for party, (received_low, received_high, cost_low, cost_high) in totals.items():
        declared = process.parties.get(party)
        fixed = declared.fixed_cost or 0.0 if declared is not None else 0.0
        net[party] = Interval(
            minus(received_low, cost_high + fixed), minus(received_high, cost_low + fixed)
        )
    not_valued = frozenset(p for exchange in exchanges for p in exchange.not_valued)
    travelled = journey(process, [scored.volume for scored in touchpoint_scores])
    return ProcessScore(
        disparity=process_disparity,
        clarity=exact / flows if flows else None,
        received=running,
        share=shares(running),
        favoured=favoured(running),
        touchpoints=tuple(touchpoint_scores),
        exchanges=exchanges,
        net=net,
        not_valued=not_valued,
        journey=travelled,
        evidence=shares(travelled.evidence_value),
    )


def _score_exchange(
    process: Process,
    scores: Sequence[TouchpointScore],
    indexes: Sequence[int],
    order: Mapping[str, int],
    totals: dict[str, list[float]],
) -> ExchangeScore:
    """``T_p(E)``, ``D(E)`` and ``N_p(E)`` of the exchange of these touchpoints; adds each
    party's received and cost ends to ``totals`` (for its net over the process)."""
    volume = max(scores[i].volume for i in indexes)
    scale = process.scale
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    costs: dict[str, list[float]] = {}  # party -> [low, high] of what its giving costs
    valued: set[str] = set()
    not_valued: set[str] = set()
    touchpoints = process.touchpoints
    # one pass over the flows, inlined: it runs for every touchpoint of every file
    for i in indexes:
        weight = scores[i].volume if volume > 0 else 1.0
        for flow in touchpoints[i].flows:
            source, target, value = flow.source, flow.target, flow.value
            if source not in lows:
                lows[source] = highs[source] = 0.0
            if target not in lows:
                lows[target] = highs[target] = 0.0
            if value is None:
                highs[target] += weight * scale
                valued.add(target)
            elif type(value) is NotValued:
                not_valued.add(target)
            else:
                lows[target] += weight * value[0]
                highs[target] += weight * value[1]
                valued.add(target)
            cost = flow.cost
            if cost is None and flow.kind == "money":
                cost = cost_of(flow, scale)
            if cost is not None and cost[1] > 0:
                spent = costs.get(source)
                if spent is None:
                    costs[source] = [weight * cost[0], weight * cost[1]]
                else:
                    spent[0] += weight * cost[0]
                    spent[1] += weight * cost[1]
    last = len(order)
    parties = sorted(lows, key=lambda p: order.get(p, last))
    outside = not_valued - valued
    received = {p: Interval(lows[p], highs[p]) for p in parties if p not in outside}
    net = {}
    nothing = (0.0, 0.0)
    for p in parties:
        low, high = lows[p], highs[p]
        cost_low, cost_high = costs.get(p, nothing)
        # received less costs: the low end pays the most, the high end the least
        net[p] = Interval(minus(low, cost_high), minus(high, cost_low))
        sums = totals.get(p)
        if sums is None:
            totals[p] = [low, high, cost_low, cost_high]
        else:
            sums[0] += low
            sums[1] += high
            sums[2] += cost_low
            sums[3] += cost_high
    if len(indexes) == 1:  # a touchpoint on its own: its own scores, on the weighted values
        own = scores[indexes[0]]
        d, best = own.disparity, own.favoured
    else:
        d = disparity(received) if lows else None
        best = favoured(received)
    return ExchangeScore(
        process.touchpoints[indexes[0]].exchange,
        tuple(indexes),
        volume,
        received,
        d,
        best,
        parity_gap(received) if volume > 0 else 0.0,
        net,
        frozenset(not_valued),
    )
