"""The portfolio ledger (SPEC §4.7): where the value goes across every process of a scan.

One process shows one exchange; an organisation runs hundreds. The ledger adds up, over
every valid process (parties matched by id across files, and rolled up by role),
volume-weighted and with intervals: what each party receives and gives, their ratio,
its known costs, the touchpoints where it is favoured or on the losing side, the
processes it takes part in; per practice, channel and stage the touchpoints and their
volume-weighted mean disparity (and per practice the praxis counts); and the value that
flows between each ordered pair of parties, by kind.

It accumulates file by file in the same stream as the findings: each worker turns its
file into a small :class:`LedgerPiece`, the main process adds the pieces up in a
:class:`Ledger`. Memory grows with the number of distinct parties, practices, channels,
stages and pairs, never with the number of files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from valueaudit.draws import DrawStore
from valueaudit.findings import POINTS, TopN
from valueaudit.interval import Interval
from valueaudit.scoring import at_least, cost_of, same

if TYPE_CHECKING:
    from valueaudit.model import Process, Suppression
    from valueaudit.scoring import ProcessScore
    from valueaudit.simulation import ProcessSimulation

ZERO = Interval(0.0, 0.0)


def _plus(a: Interval, b: Interval) -> Interval:
    return Interval(a.low + b.low, a.high + b.high)


def _times(weight: float, value: Interval) -> Interval:
    return Interval(weight * value.low, weight * value.high)


#: The roles whose costs are the cost to serve (SPEC §4.16).
_SERVING = frozenset({"provider", "partner"})


def least_served(received: dict[str, Interval]) -> str | None:
    """The party receiving the least (by midpoint); ``None`` when the bottom is shared."""
    ranked = sorted(received, key=lambda p: received[p].mid)
    if not ranked:
        return None
    if len(ranked) > 1 and same(received[ranked[0]].mid, received[ranked[1]].mid):
        return None
    return ranked[0]


#: A ledger entry's key: a party (or a role) and the unit its figures are in (SPEC
#: §4.10: a party in processes of two units has an entry for each).
EntryKey = tuple[str, str]


@dataclass
class PartyTotals:
    """What one party (or one role) receives and gives across the processes, in one unit
    (points on a scale of 10, or a currency)."""

    name: str
    role: str
    unit: str = POINTS
    #: ``received`` is ``outside + inside``, ``given`` is ``given_out + inside``, where
    #: ``inside`` is value passing between two parties of one role (0 for a party)
    received: Interval = ZERO
    given: Interval = ZERO
    inside: Interval = ZERO
    cost: Interval = ZERO  # what giving costs it: recorded costs, and money's value
    #: hours per period it spends giving (``minutes``; SPEC §4.15)
    effort: Interval = ZERO
    #: received less costs and fixed costs, over its processes (SPEC §4.9)
    net: Interval = ZERO
    #: whether it receives a not-valued flow somewhere: its net is then not certain
    not_valued: bool = False
    touchpoints: int = 0  # touchpoints it takes part in
    favoured: int = 0
    losing: int = 0
    #: exchanges it takes part in, and those where it receives least and the disparity
    #: is certainly at or above VA202's threshold (VA601's losing side: a 0.02
    #: disparity is not losing)
    exchanges: int = 0
    losing_uneven: int = 0
    processes: int = 0

    def add(self, other: PartyTotals) -> None:
        """Add another file's figures for the same party."""
        self.received = _plus(self.received, other.received)
        self.given = _plus(self.given, other.given)
        self.inside = _plus(self.inside, other.inside)
        self.cost = _plus(self.cost, other.cost)
        self.effort = _plus(self.effort, other.effort)
        self.net = _plus(self.net, other.net)
        self.not_valued = self.not_valued or other.not_valued
        self.touchpoints += other.touchpoints
        self.favoured += other.favoured
        self.losing += other.losing
        self.exchanges += other.exchanges
        self.losing_uneven += other.losing_uneven
        self.processes += other.processes

    @property
    def exchange_ratio(self) -> tuple[float, float | None] | None:
        """``received / given`` over the admissible values where ``given > 0`` (SPEC
        §4.17): ``None`` when nothing is ever given; 0 when exactly nothing is received;
        otherwise the high end is ``None`` (unbounded) when what is given may be 0.

        For a role, ``(A + S) / (B + S)`` with ``S`` the value passing inside it is
        monotone in each of ``A``, ``B`` and ``S``, so its ends lie at the corners: exact,
        not an outer bound."""
        if self.given.high <= 0:
            return None
        if self.received.high <= 0:
            return 0.0, 0.0
        s_low, s_high = self.inside
        a_low, a_high = self.received.low - s_low, self.received.high - s_high
        b_low, b_high = self.given.low - s_low, self.given.high - s_high
        corners = [s_low, s_high] if s_low != s_high else [s_low]
        lows = [(a_low + s) / (b_high + s) for s in corners if b_high + s > 0]
        low = min(lows) if lows else 0.0
        if any(b_low + s <= 0 for s in corners):
            return low, None
        return low, max((a_high + s) / (b_low + s) for s in corners)


@dataclass
class Disparities:
    """Touchpoints of one practice, channel or stage, and their disparity."""

    touchpoints: int = 0
    weight: float = 0.0
    weighted_low: float = 0.0
    weighted_high: float = 0.0
    plain_low: float = 0.0  # for when every volume is 0: equal weights
    plain_high: float = 0.0
    # a plain dict: a Counter costs more to make than the rest of the touchpoint's figures
    praxis: dict[str, int] = field(default_factory=dict)
    #: hours per period every party spends giving here (``minutes``; SPEC §4.15)
    effort: Interval = ZERO
    #: cost to serve (SPEC §4.16), per unit: [low, high] of what providers and partners
    #: give up here, and the occurrences (touchpoint volumes) it is spread over
    costs: dict[str, list[float]] = field(default_factory=dict)

    def take(self, volume: float, disparity: Interval, praxis: str | None) -> None:
        """Count one touchpoint."""
        self.touchpoints += 1
        self.weight += volume
        self.weighted_low += volume * disparity.low
        self.weighted_high += volume * disparity.high
        self.plain_low += disparity.low
        self.plain_high += disparity.high
        if praxis is not None:
            self.praxis[praxis] = self.praxis.get(praxis, 0) + 1

    def add(self, other: Disparities) -> None:
        """Add another file's touchpoints."""
        self.touchpoints += other.touchpoints
        self.weight += other.weight
        self.weighted_low += other.weighted_low
        self.weighted_high += other.weighted_high
        self.plain_low += other.plain_low
        self.plain_high += other.plain_high
        for praxis, count in other.praxis.items():
            self.praxis[praxis] = self.praxis.get(praxis, 0) + count
        self.effort = _plus(self.effort, other.effort)
        for unit, (low, high, occurrences) in other.costs.items():
            self.spend(unit, low, high, occurrences)

    def spend(self, unit: str, low: float, high: float, occurrences: float) -> None:
        """Add what serving costs providers and partners here, and over how many
        occurrences."""
        figures = self.costs.get(unit)
        if figures is None:
            self.costs[unit] = [low, high, occurrences]
        else:
            figures[0] += low
            figures[1] += high
            figures[2] += occurrences

    def cost_to_serve(self) -> dict[str, tuple[Interval, Interval | None]]:
        """Per unit, the cost to serve per period and per occurrence (``None`` when
        nothing occurs)."""
        return {
            unit: (
                Interval(low, high),
                Interval(low / n, high / n) if n > 0 else None,
            )
            for unit, (low, high, n) in sorted(self.costs.items())
        }

    @property
    def disparity(self) -> Interval | None:
        """The volume-weighted mean disparity (equal weights when every volume is 0)."""
        if not self.touchpoints:
            return None
        if self.weight > 0:
            return Interval(self.weighted_low / self.weight, self.weighted_high / self.weight)
        return Interval(self.plain_low / self.touchpoints, self.plain_high / self.touchpoints)


@dataclass(frozen=True, slots=True)
class Declaration:
    """Where a party is declared, with the name and role it is declared with there: its
    first declaration (in file order) is where the portfolio rules report it, the name
    and role the ledger shows, and that process's process-wide suppressions of those
    rules apply there (SPEC §4.17)."""

    file: str
    line: int
    column: int
    process: str
    name: str
    role: str
    suppress: tuple[Suppression, ...] = ()
    #: the ``name`` as written, ``None`` when the file gives none
    written_name: str | None = None

    def differs(self, other: Declaration) -> bool:
        """Whether two declarations of one party id disagree (VA603): both name it, with
        different names, or they give it different roles."""
        named_twice = self.written_name is not None and other.written_name is not None
        return (named_twice and self.written_name != other.written_name) or self.role != other.role


@dataclass(frozen=True, slots=True)
class ProcessPoint:
    """Where one process sits by clarity and disparity (the report's quadrant chart)."""

    process: str
    clarity: float
    disparity: Interval


#: Processes the ledger keeps a point of: the most uneven (a chart has room for no more).
MOST_POINTS = 20


def _point_key(point: ProcessPoint) -> tuple[float, str]:
    return (-point.disparity.mid, point.process)


@dataclass
class LedgerPiece:
    """One file's part of the ledger (made in the worker)."""

    parties: dict[EntryKey, PartyTotals] = field(default_factory=dict)
    roles: dict[EntryKey, PartyTotals] = field(default_factory=dict)
    practices: dict[str, Disparities] = field(default_factory=dict)
    channels: dict[str, Disparities] = field(default_factory=dict)
    stages: dict[str, Disparities] = field(default_factory=dict)
    #: (giver, receiver, kind, unit) -> the value given
    flows: dict[tuple[str, str, str, str], Interval] = field(default_factory=dict)
    #: (giver, receiver) of the not-valued flows: something given, though not valued
    not_valued: set[tuple[str, str]] = field(default_factory=set)
    processes: int = 0
    point: ProcessPoint | None = None
    #: With ``--simulate``: per entry, the draws of what it receives and gives (arrays
    #: of ``samples`` values, or a number where every draw is the same).
    draws: dict[EntryKey, tuple[Any, Any]] = field(default_factory=dict)
    samples: int = 0
    #: With ``--simulate``: the entries whose draws a process could not keep (too many
    #: parties for the memory bound): they get no simulated figure.
    unsimulated: set[EntryKey] = field(default_factory=set)


class AuditedFile(Protocol):
    """What the ledger reads of one file's result (:class:`valueaudit.engine.FileResult`:
    the ledger is judged by the rules, which the engine runs, so it names no engine
    type)."""

    @property
    def file(self) -> str: ...

    @property
    def process(self) -> Process | None: ...

    @property
    def score(self) -> ProcessScore | None: ...

    @property
    def simulation(self) -> ProcessSimulation | None: ...

    @property
    def party_positions(self) -> tuple[tuple[int, int], ...]: ...


def piece_of(result: AuditedFile, uneven: float = 0.5) -> LedgerPiece:
    """What one file adds to the ledger: nothing unless it holds a scored process.
    ``uneven`` is VA202's threshold (``thresholds.disparity``). Figures are in the
    process's unit; points are put on a scale of 10 (SPEC §4.10)."""
    piece = LedgerPiece()
    process, score = result.process, result.score
    if process is None or score is None:
        return piece
    piece.processes = 1
    if score.clarity is not None and score.disparity is not None:
        piece.point = ProcessPoint(process.id, score.clarity, score.disparity)
    unit = process.unit
    # a value v on a scale s counts as 10·v/s ("points of 10"); money counts as it is
    factor = 10 / process.scale if process.in_points else 1.0
    role_of = {p: process.role_of(p) for p in process.parties}
    parties = {p: PartyTotals(process.party_name(p), role_of[p], unit) for p in process.parties}
    # running sums as plain floats (received, given, cost and, for roles, inside; low and
    # high ends; each flow's value by pair), made Intervals once at the end
    sums = {p: [0.0] * 6 for p in process.parties}
    outside = {role: [0.0] * 6 for role in set(role_of.values())}  # received, given, inside
    flows: dict[tuple[str, str, str, str], list[float]] = {}
    unknown = (0.0, process.scale)
    taking_part: set[str] = set()
    for touchpoint, scored in zip(process.touchpoints, score.touchpoints, strict=True):
        if scored.disparity is None:  # no flows: no disparity, but its praxis counts
            if touchpoint.practice is not None and scored.praxis is not None:
                practice = piece.practices.setdefault(touchpoint.practice, Disparities())
                practice.praxis[scored.praxis] = practice.praxis.get(scored.praxis, 0) + 1
            continue
        volume = scored.volume
        weight = volume * factor
        for flow in touchpoint.flows:
            source, target = flow.source, flow.target
            taking_part.add(source)
            taking_part.add(target)
            low, high = flow.value if flow.value is not None else unknown
            low, high = weight * low, weight * high
            figures = sums[target]
            figures[0] += low
            figures[1] += high
            figures = sums[source]
            figures[2] += low
            figures[3] += high
            cost = cost_of(flow, process.scale)
            figures[4] += weight * cost.low
            figures[5] += weight * cost.high
            giving, getting = role_of[source], role_of[target]
            if giving == getting:
                inside = outside[giving]
                inside[4] += low
                inside[5] += high
            if not flow.valued:
                piece.not_valued.add((source, target))
            pair = flows.setdefault((source, target, flow.kind, unit), [0.0, 0.0])
            pair[0] += low
            pair[1] += high
        for party in scored.received:
            parties[party].touchpoints += 1
        if scored.favoured is not None:
            parties[scored.favoured].favoured += 1
        losing = least_served(scored.received)
        if losing is not None:
            parties[losing].losing += 1
        minutes_low = minutes_high = serving_low = serving_high = 0.0
        for flow in touchpoint.flows:
            if flow.minutes is not None:
                minutes_low += flow.minutes.low
                minutes_high += flow.minutes.high
            # recorded costs only: a partner's payment to a provider moves money between
            # them, it does not serve the customer
            if flow.cost is not None and role_of[flow.source] in _SERVING:
                serving_low += flow.cost.low
                serving_high += flow.cost.high
        for key, groups in (
            (touchpoint.practice, piece.practices),
            (touchpoint.channel, piece.channels),
            (touchpoint.stage, piece.stages),
        ):
            if key is not None:
                group = groups.get(key)
                if group is None:
                    group = groups[key] = Disparities()
                group.take(
                    volume, scored.disparity, scored.praxis if groups is piece.practices else None
                )
                if groups is not piece.practices:
                    if minutes_high:
                        hours = Interval(volume * minutes_low / 60, volume * minutes_high / 60)
                        group.effort = _plus(group.effort, hours)
                    group.spend(unit, weight * serving_low, weight * serving_high, volume)
    for exchange in score.exchanges:
        if exchange.disparity is None:
            continue
        for party in exchange.received:
            parties[party].exchanges += 1
        losing = least_served(exchange.received)
        if losing is not None and at_least(exchange.disparity.low, uneven):
            parties[losing].losing_uneven += 1
    for party, (rl, rh, gl, gh, cl, ch) in sums.items():
        totals = parties[party]
        totals.received, totals.given, totals.cost = (
            Interval(rl, rh),
            Interval(gl, gh),
            Interval(cl, ch),
        )
        net = score.net.get(party, ZERO)
        totals.net = Interval(factor * net.low, factor * net.high)
        if score.journey is not None and party in score.journey.effort:
            totals.effort = score.journey.effort[party]
        totals.not_valued = party in score.not_valued
    piece.flows = {pair: Interval(low, high) for pair, (low, high) in flows.items()}
    for party in sorted(taking_part):
        totals = parties[party]
        totals.processes = 1
        role = piece.roles.setdefault(
            (totals.role, unit), PartyTotals(totals.role, totals.role, unit)
        )
        role.add(totals)
        role.processes = 1  # a process with two customers is one process of customers
    for role_name, figures in outside.items():
        if (role_name, unit) in piece.roles and (figures[4] or figures[5]):
            piece.roles[role_name, unit].inside = Interval(figures[4], figures[5])
    piece.parties = {(p, unit): totals for p, totals in parties.items() if p in taking_part}
    simulation = result.simulation
    if simulation is not None:
        piece.samples = simulation.samples
        piece.draws = {
            (p, unit): (factor * simulation.received[p], factor * simulation.given[p])
            for p in sorted(taking_part)
            if p not in simulation.unkept
        }
        piece.unsimulated = {(p, unit) for p in simulation.unkept if p in taking_part}
    return piece


def declarations_of(result: AuditedFile) -> dict[str, Declaration]:
    """Where a file's scored process declares each of its parties, whether it takes part
    or not, with the process's process-wide suppressions."""
    process, score = result.process, result.score
    if process is None or score is None:
        return {}
    suppress = tuple(entry for entry in process.suppress if entry.touchpoint is None)
    return {
        party: Declaration(
            result.file,
            line,
            column,
            process.id,
            process.party_name(party),
            process.role_of(party),
            suppress,
            process.parties[party].name,
        )
        for party, (line, column) in zip(process.parties, result.party_positions, strict=True)
    }


def _merge(into: dict[str, Disparities], more: dict[str, Disparities]) -> None:
    for key, figures in more.items():
        into.setdefault(key, Disparities()).add(figures)


@dataclass
class Ledger(LedgerPiece):
    """The ledger of a whole scan (or of one ``--shard``): the same figures as a piece,
    added up piece by piece."""

    shard: str | None = None
    #: VA601's ``thresholds.exchange-ratio``, which the simulated share is about.
    threshold: float = 1 / 3
    #: VA203's ``thresholds.process-disparity``: the quadrant chart's midline.
    uneven: float = 0.4
    #: The most uneven processes' points (at most :data:`MOST_POINTS`).
    points: TopN[ProcessPoint] = field(default_factory=lambda: TopN(MOST_POINTS, _point_key))
    #: With ``--simulate``: per entry, the sums of its draws, in bounded memory.
    store: DrawStore | None = None

    def add(self, piece: LedgerPiece) -> None:
        """Add one file's part. A party's name and role are those of its first file."""
        self.processes += piece.processes
        if piece.point is not None:
            self.points.push(piece.point)
        for totals_by, more in ((self.parties, piece.parties), (self.roles, piece.roles)):
            for key, totals in more.items():
                totals_by.setdefault(key, PartyTotals(totals.name, totals.role, totals.unit)).add(
                    totals
                )
        _merge(self.practices, piece.practices)
        _merge(self.channels, piece.channels)
        _merge(self.stages, piece.stages)
        for pair, value in piece.flows.items():
            self.flows[pair] = _plus(self.flows.get(pair, ZERO), value)
        self.not_valued |= piece.not_valued
        self.samples = self.samples or piece.samples
        if piece.samples and self.store is None:
            self.store = DrawStore(piece.samples)
        for party, (received, given) in piece.draws.items():
            if party not in self.unsimulated:
                assert self.store is not None
                self.store.add((party, "received"), received)
                self.store.add((party, "given"), given)
        for party in piece.unsimulated - self.unsimulated:
            self.unsimulated.add(party)
            if self.store is not None:
                self.store.discard((party, "received"))
                self.store.discard((party, "given"))

    def p_ratio_at_most(self, party: EntryKey) -> float | None:
        """With ``--simulate``: the share of draws in which the party's exchange ratio is
        at or below :attr:`threshold` (a draw in which it gives nothing does not count);
        ``None`` without simulation, or for a party one of whose processes had too many
        parties to keep the draws of. Memory: bounded (:class:`DrawStore`)."""
        if self.store is None or (party, "received") not in self.store:
            return None
        import numpy as np

        from valueaudit.scoring import TOLERANCE

        sums = [self.store.get((party, side)) for side in ("received", "given")]
        received, given = (np.broadcast_to(0.0 if x is None else x, self.samples) for x in sums)
        bound = self.threshold * given
        at_most = (given > 0) & (received <= bound + TOLERANCE * np.abs(bound))
        return float(np.mean(at_most))

    def gives(self) -> dict[tuple[str, str, str], Interval]:
        """The value each party gives each other party, all kinds together, per unit:
        (giver, receiver, unit) -> value."""
        totals: dict[tuple[str, str, str], Interval] = {}
        for (giver, receiver, _kind, unit), value in self.flows.items():
            key = (giver, receiver, unit)
            totals[key] = _plus(totals.get(key, ZERO), value)
        return totals

    def names(self) -> dict[str, str]:
        """Each party's name (the first declaration's, once the scan has set it)."""
        return {party: totals.name for (party, _unit), totals in self.parties.items()}
