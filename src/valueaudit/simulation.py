"""Simulation and "measure first" (SPEC §4.6): how likely a verdict is, and which
estimate would settle it.

Intervals give the exact bounds of a disparity; they do not say how likely it is to be
above a threshold. With ``--simulate N`` every uncertain value is drawn N times,
independently: a range uniformly on ``[low, high]``, or triangularly with its ``likely``
value as the mode; an omitted value uniformly on ``[0, scale]``; point values stay
fixed. Each touchpoint's draws come from their own stream, derived from the seed and the
process's and touchpoint's ids (never from the order of work), so the figures are the
same whatever ``-j`` or ``--shard`` say. numpy is imported here only, and this module
only when simulating.

"Measure first" ranks the uncertain flows by the share of the verdict's variance each
explains, ``S_f = Var(E[I | bin of X_f]) / Var(I)`` with ``I`` the indicator
``D >= threshold`` and 10 equal-count bins of the flow's own draws.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from valueaudit.scoring import TOLERANCE

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from valueaudit.model import Flow, Process
    from valueaudit.scoring import ExchangeScore, ProcessScore
    from valueaudit.settings import Settings

    Floats: TypeAlias = NDArray[np.float64]

#: Equal-count bins of a flow's draws for its "measure first" index.
BINS = 10
#: The most memory one block of draws takes (its parties' totals and a touchpoint's
#: values): draws are made in blocks, so a file of any size is simulated in bounded memory.
BLOCK_BYTES = 16 * 1024 * 1024
#: The most memory the per-party draws a process hands to the portfolio ledger take.
PARTY_DRAWS_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class MeasureFirst:
    """One uncertain flow and how much of the doubt about the verdict it explains."""

    touchpoint: str
    index: int  # the flow's index in its touchpoint, file order
    gives: str
    share: float  # S_f, in [0, 1]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the draws say of one touchpoint's or one process's disparity."""

    threshold: float
    p_above: float  # share of draws with D >= threshold
    favoured: dict[str, float]  # party -> share of draws in which it alone receives most
    d_mean: float
    d_p05: float
    d_p95: float
    measure_first: tuple[MeasureFirst, ...]  # most explaining first

    @property
    def first(self) -> MeasureFirst | None:
        """The flow to measure first, if any explains some of the doubt."""
        best = self.measure_first[0] if self.measure_first else None
        return best if best is not None and best.share > 0 else None


@dataclass(frozen=True, slots=True)
class ProcessSimulation:
    """The simulated verdicts of one process: per exchange, in the order of
    :attr:`ProcessScore.exchanges` (``None`` where nothing is uncertain or nothing is
    exchanged), and for the whole process (``None`` when nothing in it is uncertain)."""

    samples: int
    seed: int
    exchanges: tuple[Verdict | None, ...]
    process: Verdict | None
    #: Per party, per draw, the value it receives and the value others receive from it
    #: over the chain, volume-weighted (a number where it is the same in every draw): the
    #: portfolio ledger adds them up across processes.
    received: dict[str, float | Floats] = field(default_factory=dict)
    given: dict[str, float | Floats] = field(default_factory=dict)
    #: Parties whose draws were too many to keep (beyond :data:`PARTY_DRAWS_BYTES`): not
    #: in ``received`` or ``given``, so the portfolio gives them no simulated figure.
    unkept: frozenset[str] = frozenset()


def _binned(draws: Floats, starts: NDArray[np.intp]) -> NDArray[np.intp]:
    """Draw indexes ordered so that bin ``b`` is ``starts[b]:starts[b + 1]``. A partition
    at the bin edges is enough (no full sort): measured, it makes a simulated scan about
    1.5x faster."""
    if len(starts) < 2:
        return np.arange(draws.size)
    return np.argpartition(draws, starts[1:])


def _stream(seed: int, process: str, touchpoint: str, position: int) -> np.random.PCG64:
    """The draws of one touchpoint: a stream of its own, from the seed and the ids."""
    digest = hashlib.sha256(f"{process}\0{touchpoint}\0{position}".encode()).digest()
    words = [int.from_bytes(digest[k : k + 4], "little") for k in range(0, 16, 4)]
    return np.random.PCG64(np.random.SeedSequence(seed, spawn_key=words))


def _certain(flow: Flow) -> bool:
    """Whether a flow's value is a point (drawn, it would be the same every time)."""
    return flow.value is not None and flow.value.low == flow.value.high


def _draw(flow: Flow, scale: float, samples: int, rng: np.random.Generator) -> Floats | None:
    """A flow's value drawn ``samples`` times, or ``None`` when it is a point."""
    if _certain(flow):
        return None
    if flow.value is None:
        return rng.uniform(0.0, scale, samples)
    low, high = flow.value
    if flow.likely is not None:
        return rng.triangular(low, flow.likely, high, samples)
    return rng.uniform(low, high, samples)


def _disparity(received: Floats) -> Floats:
    """``D`` per draw from received values (parties × draws); 0 where nothing is."""
    total = received.sum(axis=0)
    spread = received.max(axis=0) - received.min(axis=0)
    disparity: Floats = np.divide(spread, total, out=np.zeros_like(total), where=total > 0)
    return disparity


def _at_least(values: Floats, bound: float) -> NDArray[np.bool_]:
    """``values >= bound`` up to floating-point noise, as the exact verdicts decide."""
    return values >= bound - max(TOLERANCE * abs(bound), 1e-12)


def _alone_on_top(received: dict[str, float | Floats], size: int) -> dict[str, int]:
    """Per party, the number of draws in which it alone receives the most. A party's
    value is a number when it is the same in every draw: a process with thousands of
    parties keeps arrays only for those receiving uncertain values."""
    top = np.full(size, -np.inf)
    for value in received.values():
        top = np.maximum(top, value)
    floor = top - TOLERANCE * np.abs(top)  # ties up to float noise
    on_top = {party: np.broadcast_to(value >= floor, size) for party, value in received.items()}
    count = np.zeros(size, dtype=np.intp)
    for flags in on_top.values():
        count += flags
    alone = count == 1
    return {party: int(np.count_nonzero(flags & alone)) for party, flags in on_top.items()}


def _explained(
    indicator: NDArray[np.bool_], drawn: Iterable[tuple[MeasureFirst, Floats]]
) -> tuple[MeasureFirst, ...]:
    """The flows ranked by ``S_f`` (ties in file order), from each flow with its draws."""
    hits = indicator.astype(np.float64)
    samples = hits.size
    mean = hits.mean()
    variance = mean * (1.0 - mean)
    bins = min(BINS, samples)
    starts = (np.arange(bins) * samples) // bins
    sizes = np.diff(np.append(starts, samples))
    ranked = []
    for flow, draws in drawn:
        share = 0.0
        if variance > 0:
            in_order = hits[_binned(draws, starts)]
            means = np.add.reduceat(in_order, starts) / sizes
            between = float(np.sum(sizes * (means - mean) ** 2) / samples)
            share = min(1.0, between / variance)
        ranked.append(replace(flow, share=share))
    order = sorted(range(len(ranked)), key=lambda k: -round(ranked[k].share, 9))
    return tuple(ranked[k] for k in order)


def _verdict(
    disparity: Floats,
    threshold: float,
    favoured: dict[str, float],
    drawn: Iterable[tuple[MeasureFirst, Floats]],
) -> Verdict:
    above = _at_least(disparity, threshold)
    low, high = np.percentile(disparity, [5, 95])
    return Verdict(
        threshold=threshold,
        p_above=float(np.mean(above)),
        favoured=favoured,
        d_mean=float(np.mean(disparity)),
        d_p05=float(low),
        d_p95=float(high),
        measure_first=_explained(above, drawn),
    )


class _Streams:
    """The draws of one touchpoint's uncertain flows, any block of them. Its stream holds
    the ``j``-th uncertain flow's ``samples`` draws from position ``j * samples``, one
    64-bit word each (uniform and triangular draws take one apiece), so a block of draws
    ``[start, start + size)`` is read by moving the stream there: the draws are the same
    whatever the block size, and no flow's draws need to be kept."""

    def __init__(self, process: Process, position: int, seed: int, samples: int) -> None:
        self.position = position
        self.touchpoint = process.touchpoints[position]
        self.scale = process.scale
        self.samples = samples
        self._bits = _stream(seed, process.id, self.touchpoint.id, position)
        self._rng = np.random.Generator(self._bits)
        self._start = self._bits.state
        uncertain = [i for i, flow in enumerate(self.touchpoint.flows) if not _certain(flow)]
        #: flow index -> its place among the uncertain flows
        self.slots = {index: slot for slot, index in enumerate(uncertain)}

    def block(self, index: int, start: int, size: int) -> Floats:
        """Draws ``start .. start + size`` of the flow at ``index`` (an uncertain one)."""
        self._bits.state = self._start
        self._bits.advance(self.slots[index] * self.samples + start)
        draws = _draw(self.touchpoint.flows[index], self.scale, size, self._rng)
        assert draws is not None
        return draws

    def received_and_given(self, start: int, size: int) -> tuple[dict[str, Floats], ...]:
        """Per party taking part, what it receives and what it gives in a block of draws
        (flows added in file order)."""
        flows = self.touchpoint.flows
        taking_part = dict.fromkeys(p for f in flows for p in (f.source, f.target))
        received = {party: np.zeros(size) for party in taking_part}
        given = {party: np.zeros(size) for party in taking_part}
        for index, flow in enumerate(flows):
            if index in self.slots:
                draws = self.block(index, start, size)
                received[flow.target] += draws
                given[flow.source] += draws
            else:
                assert flow.value is not None
                received[flow.target] += flow.value.low
                given[flow.source] += flow.value.low
        return received, given

    def measured(self) -> Iterator[tuple[MeasureFirst, Floats]]:
        """Each uncertain flow with all its draws, one flow at a time (for "measure
        first")."""
        for index in self.slots:
            flow = self.touchpoint.flows[index]
            label = MeasureFirst(self.touchpoint.id, index, flow.gives, 0.0)
            yield label, self.block(index, 0, self.samples)


def _blocks(samples: int, rows: int) -> Iterator[tuple[int, int]]:
    """``(start, size)`` blocks of the draws, each small enough for ``rows`` arrays of
    floats to fit in :data:`BLOCK_BYTES`."""
    size = max(1, min(samples, BLOCK_BYTES // (8 * max(rows, 1))))
    for start in range(0, samples, size):
        yield start, min(size, samples - start)


class _Counts:
    """Per party, the draws in which it alone receives the most, counted block by block."""

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.alone: dict[str, int] = {}

    def add(self, received: dict[str, float | Floats], size: int) -> None:
        for party, count in _alone_on_top(received, size).items():
            self.alone[party] = self.alone.get(party, 0) + count

    def shares(self) -> dict[str, float]:
        return {party: count / self.samples for party, count in self.alone.items()}


def _exchange(
    process: Process,
    exchange: ExchangeScore,
    score: ProcessScore,
    streams: list[_Streams],
    threshold: float,
) -> tuple[Verdict, Floats]:
    """One exchange's verdict, and its disparity per draw: the volume-weighted totals of
    its parties are made block by block, so memory does not grow with its flows."""
    samples = streams[0].samples
    disparity = np.empty(samples)
    counts = _Counts(samples)
    widest = max(len(s.touchpoint.flows) for s in streams)
    for start, size in _blocks(samples, len(exchange.received) + 4 * widest):
        totals = {party: np.zeros(size) for party in exchange.received}
        for i, touchpoint in zip(exchange.touchpoints, streams, strict=True):
            weight = score.touchpoints[i].volume if exchange.volume > 0 else 1.0
            received, _ = touchpoint.received_and_given(start, size)
            for party, values in received.items():
                if party in totals:
                    totals[party] += weight * values
        disparity[start : start + size] = _disparity(np.stack(list(totals.values())))
        counts.add(dict(totals.items()), size)
    measured = (flow for touchpoint in streams for flow in touchpoint.measured())
    return _verdict(disparity, threshold, counts.shares(), measured), disparity


def simulate(process: Process, score: ProcessScore, settings: Settings) -> ProcessSimulation:
    """Draw the process's uncertain values and say how likely each verdict is: per
    exchange, from draws of its parties' volume-weighted totals (SPEC §4.8), and for the
    process. Memory is bounded whatever the file holds: draws are made in blocks of at
    most :data:`BLOCK_BYTES`, each flow's draws are made again (not kept) for "measure
    first", and a process hands the portfolio the draws of at most
    :data:`PARTY_DRAWS_BYTES` worth of parties (the others are listed as not simulated)."""
    options = settings.simulate
    samples = options.samples
    weighted = np.zeros(samples)  # Σ w·D over exchanges with flows
    unweighted = np.zeros(samples)  # Σ D, for when every volume is 0 (equal weights)
    weights = []
    exchanges: list[Verdict | None] = []
    drawn: list[tuple[ExchangeScore, list[_Streams] | None]] = []
    for exchange in score.exchanges:
        if exchange.disparity is None:  # nothing is exchanged
            exchanges.append(None)
            continue
        weights.append(exchange.volume)
        members = [process.touchpoints[i] for i in exchange.touchpoints]
        if all(_certain(flow) for touchpoint in members for flow in touchpoint.flows):
            # fixed values: the exact scores stand in for N equal draws
            weighted += exchange.volume * exchange.disparity.low
            unweighted += exchange.disparity.low
            exchanges.append(None)
            drawn.append((exchange, None))
            continue
        streams = [_Streams(process, i, options.seed, samples) for i in exchange.touchpoints]
        verdict, disparity = _exchange(
            process, exchange, score, streams, settings.disparity_threshold
        )
        weighted += exchange.volume * disparity
        unweighted += disparity
        exchanges.append(verdict)
        drawn.append((exchange, streams))
    chain = _chain(process, score, drawn, samples)
    uncertain = sorted(
        (touchpoint for _, streams in drawn for touchpoint in streams or ()),
        key=lambda touchpoint: touchpoint.position,
    )
    whole = None
    if uncertain:
        total = sum(weights)
        disparity = weighted / total if total > 0 else unweighted / len(weights)
        measured = (flow for touchpoint in uncertain for flow in touchpoint.measured())
        whole = _verdict(disparity, settings.process_disparity_threshold, chain.favoured, measured)
    return ProcessSimulation(
        samples,
        options.seed,
        tuple(exchanges),
        whole,
        chain.received,
        chain.given,
        frozenset(chain.unkept),
    )


@dataclass
class _Chain:
    """Per party, over the chain: the share of draws in which it alone receives the
    most, and what it receives and gives per draw (an array, or a number when it is the
    same in every draw) for the parties whose draws are kept."""

    favoured: dict[str, float]
    received: dict[str, float | Floats]
    given: dict[str, float | Floats]
    unkept: list[str]


def _chain(
    process: Process,
    score: ProcessScore,
    drawn: list[tuple[ExchangeScore, list[_Streams] | None]],
    samples: int,
) -> _Chain:
    """The chain's volume-weighted totals, block by block of draws: the parties taking
    part in an uncertain exchange get arrays, at most :data:`PARTY_DRAWS_BYTES` of them
    kept for the portfolio (in declaration order; the others are ``unkept``)."""
    varying = dict.fromkeys(
        party
        for _, streams in drawn
        for touchpoint in streams or ()
        for flow in touchpoint.touchpoint.flows
        for party in (flow.source, flow.target)
    )
    ordered = [party for party in process.parties if party in varying]
    ordered += [party for party in varying if party not in process.parties]
    room = PARTY_DRAWS_BYTES // (16 * samples)
    kept, unkept = ordered[:room], ordered[room:]
    received: dict[str, float | Floats] = {party: np.empty(samples) for party in kept}
    given: dict[str, float | Floats] = {party: np.empty(samples) for party in kept}
    counts = _Counts(samples)
    widest = max((len(t.touchpoint.flows) for _, s in drawn for t in s or ()), default=0)
    chain: dict[str, float | Floats] = {}
    out: dict[str, float | Floats] = {}
    for start, size in _blocks(samples, 2 * len(varying) + 4 * widest):
        chain = dict.fromkeys(process.parties, 0.0)
        out = dict.fromkeys(process.parties, 0.0)
        for exchange, streams in drawn:
            for k, i in enumerate(exchange.touchpoints):
                volume = score.touchpoints[i].volume
                if streams is None:  # fixed values: the exact scores
                    for party, scored in score.touchpoints[i].received.items():
                        chain[party] = chain[party] + volume * scored.low
                    for flow in process.touchpoints[i].flows:
                        assert flow.value is not None
                        out[flow.source] = out[flow.source] + volume * flow.value.low
                    continue
                these, gives = streams[k].received_and_given(start, size)
                for party, values in these.items():
                    chain[party] = chain.get(party, 0.0) + volume * values
                for party, values in gives.items():
                    out[party] = out.get(party, 0.0) + volume * values
        if varying:
            counts.add(chain, size)
        for party in kept:
            received[party][start : start + size] = chain[party]  # type: ignore[index]
            given[party][start : start + size] = out[party]  # type: ignore[index]
    for party, value in chain.items():
        if party not in varying:
            received[party], given[party] = value, out[party]
    return _Chain(counts.shares(), received, given, unkept)
