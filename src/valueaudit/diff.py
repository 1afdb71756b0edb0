"""``valueaudit diff OLD NEW``: what a change to processes did (as-is vs to-be).

Processes are matched by id and touchpoints by id. For each process the change in
disparity, balance and clarity; for each touchpoint the change in value received per
party, disparity and praxis; touchpoints and processes added or removed; findings
fixed and introduced. Findings are matched by process, touchpoint, rule and where in
the touchpoint they are, not by file or line, so a moved or renamed file still matches.

The diff streams, like a scan: each file's result becomes a :class:`Side` in the worker
that audited it (:func:`side_of`, the diff's per-file step); the old side's wait on disk
(pickled, with an index by process in memory), then the new side's are compared one by
one as they arrive, and what the old side had that the new one lacks comes last; the
scan-level findings of both sides (:func:`compare_across`) end the diff. Memory does not
grow with the number of files.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from valueaudit.engine import FileResult, apply_settings
from valueaudit.findings import POINTS, Finding, content_digest, format_path
from valueaudit.hints import one_line
from valueaudit.interval import ZERO, Interval
from valueaudit.numbers import interval, number
from valueaudit.rules import RULES, changes
from valueaudit.scoring import ProcessScore, TouchpointScore

if TYPE_CHECKING:
    from valueaudit.model import Process
    from valueaudit.settings import Settings


def _plus(a: Interval, b: Interval) -> Interval:
    return Interval(a.low + b.low, a.high + b.high)


_TOUCHPOINT_INDEX = re.compile(r"^touchpoints\[\d+\]")


@dataclass(frozen=True, slots=True)
class Side:
    """One file as the diff compares it: its process's scores by party and touchpoint
    id (``score`` is ``None`` when it was not scored), and its findings."""

    file: str
    process_id: str | None
    parties: tuple[str, ...]
    touchpoints: tuple[str, ...]
    score: ProcessScore | None
    findings: tuple[Finding, ...]
    #: the unit of its values, and the factor that puts points on a scale of 10
    unit: str = POINTS
    factor: float = 1.0
    #: where each party is declared (line, column) and its name, in ``parties`` order
    party_positions: tuple[tuple[int, int], ...] = ()
    party_names: tuple[str, ...] = ()
    #: the rules its process-wide suppressions in force hide (VA701 is applied here)
    suppressed: frozenset[str] = frozenset()

    def net(self, party: str) -> Interval | None:
        """A party's net over the process, on the portfolio's scale (points of 10 or
        money); ``None`` when not scored or not a party of it."""
        if self.score is None or party not in self.score.net:
            return None
        net = self.score.net[party]
        return Interval(self.factor * net.low, self.factor * net.high)

    def received(self, party: str) -> Interval | None:
        """What a party receives over the process, on the portfolio's scale."""
        if self.score is None or party not in self.score.received:
            return None
        value = self.score.received[party]
        return Interval(self.factor * value.low, self.factor * value.high)


def side_of(result: FileResult, settings: Settings | None = None) -> Side:
    """What the diff needs of one file's result (in the worker: the model stays there);
    ``settings`` give the date the suppressions are judged on."""
    process = result.process
    if process is None:
        return Side(result.file, result.process_id, (), (), None, result.findings)
    return Side(
        result.file,
        result.process_id,
        tuple(process.parties),
        tuple(t.id for t in process.touchpoints),
        result.score,
        result.findings,
        process.unit,
        10 / process.scale if process.in_points else 1.0,
        result.party_positions,
        tuple(process.party_name(p) for p in process.parties),
        _suppressed(process, settings),
    )


def _suppressed(process: Process, settings: Settings | None) -> frozenset[str]:
    """The rules a process's process-wide suppressions in force hide."""
    today = (settings.today if settings is not None else None) or dt.date.today()
    return frozenset(
        entry.rule
        for entry in process.suppress
        if entry.touchpoint is None and not entry.expired(today)
    )


@dataclass(frozen=True, slots=True)
class TouchpointChange:
    """One touchpoint in both versions."""

    id: str
    old: TouchpointScore
    new: TouchpointScore

    @property
    def changed(self) -> bool:
        """Whether anything valueaudit scores changed."""
        return (self.old.received, self.old.disparity, self.old.praxis) != (
            self.new.received,
            self.new.disparity,
            self.new.praxis,
        )


@dataclass(frozen=True, slots=True)
class ProcessChange:
    """One process in both versions."""

    id: str
    old: Side
    new: Side
    touchpoints: tuple[TouchpointChange, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    #: VA701: the parties whose net over the process certainly falls
    worse: tuple[Finding, ...] = ()

    @property
    def old_score(self) -> ProcessScore:
        """The old version's scores."""
        assert self.old.score is not None
        return self.old.score

    @property
    def new_score(self) -> ProcessScore:
        """The new version's scores."""
        assert self.new.score is not None
        return self.new.score

    @property
    def changed(self) -> bool:
        """Whether anything about the process changed."""
        old, new = self.old_score, self.new_score
        return bool(
            self.added
            or self.removed
            or any(t.changed for t in self.touchpoints)
            or (old.disparity, old.clarity) != (new.disparity, new.clarity)
        )


@dataclass(frozen=True, slots=True)
class NowInvalid:
    """A process that was scored before and whose new file cannot be audited: its old
    findings are neither fixed nor still there, only not checked."""

    id: str
    file: str
    error: Finding | None  # the new file's first error (None when VA1 is ignored)
    unchecked: int  # old findings that cannot be checked now

    def line(self) -> str:
        """``hotel-stay now invalid (VA102 at new/hotel.yaml:3:1)``."""
        e = self.error
        where = f"{e.code} at {e.file}:{e.line}:{e.column}" if e else self.file
        return f"{self.id} now invalid ({where})"


@dataclass(frozen=True, slots=True)
class DiffPart:
    """What one step of the comparison found: the parts of the stream the diff writers
    take (SPEC §6)."""

    changes: tuple[ProcessChange, ...] = ()
    added: tuple[Side, ...] = ()
    removed: tuple[Side, ...] = ()
    invalid: tuple[NowInvalid, ...] = ()
    fixed: tuple[Finding, ...] = ()
    introduced: tuple[Finding, ...] = ()

    @property
    def worse(self) -> tuple[Finding, ...]:
        """VA701 findings of the changed processes: parties worse off (SPEC §4.13)."""
        return tuple(f for change in self.changes for f in change.worse)


@dataclass
class DiffTotals:
    """The counts of a whole diff."""

    changed: int = 0
    unchanged: int = 0
    added: int = 0
    removed: int = 0
    invalid: int = 0
    fixed: int = 0
    introduced: int = 0
    unchecked: int = 0
    #: VA701 findings, counted among the introduced too
    worse: int = 0
    #: (party, unit) -> [received before, after, net before, after] over the comparison
    parties: dict[tuple[str, str], list[Interval]] = field(default_factory=dict)

    def add(self, part: DiffPart) -> None:
        """Count one part."""
        for change in part.changes:
            if change.changed:
                self.changed += 1
            else:
                self.unchanged += 1
            self._sum(change.old, 0)
            self._sum(change.new, 1)
        for side in part.added:
            self._sum(side, 1)
        for side in part.removed:
            self._sum(side, 0)
        self.worse += len(part.worse)
        self.introduced += len(part.worse)
        self.added += len(part.added)
        self.removed += len(part.removed)
        self.invalid += len(part.invalid)
        self.unchecked += sum(i.unchecked for i in part.invalid)
        self.fixed += len(part.fixed)
        self.introduced += len(part.introduced)

    def _sum(self, side: Side, after: int) -> None:
        """Add what each party of one side receives and nets (``after``: 0 old, 1 new)."""
        for party in side.parties:
            received, net = side.received(party), side.net(party)
            if received is None or net is None:
                continue
            figures = self.parties.setdefault((party, side.unit), [ZERO, ZERO, ZERO, ZERO])
            figures[after] = _plus(figures[after], received)
            figures[2 + after] = _plus(figures[2 + after], net)

    def line(self) -> str:
        """``1 changed, 0 unchanged, 0 added, 0 removed processes; 2 findings fixed, ...``;
        processes now invalid and the findings that leaves unchecked, when there are;
        parties worse off first."""
        invalid = f", {self.invalid} now invalid" if self.invalid else ""
        unchecked = f", {self.unchecked} not checked (invalid now)" if self.unchecked else ""
        worse = ""
        if self.worse:
            worse = f"{self.worse} part{'ies' if self.worse != 1 else 'y'} worse off (VA701); "
        return (
            f"{worse}{self.changed} changed, {self.unchanged} unchanged, {self.added} added, "
            f"{self.removed} removed{invalid} processes; {self.fixed} findings fixed, "
            f"{self.introduced} introduced{unchecked}"
        )


def finding_key(finding: Finding) -> tuple[str, str, str, str]:
    """What a finding is about, whatever the file or line: process (or file name when
    the file could not be read), touchpoint, rule, and where in the touchpoint."""
    owner = finding.process or finding.file.rsplit("/", 1)[-1]
    within = _TOUCHPOINT_INDEX.sub("", finding.path) if finding.touchpoint else finding.path
    return owner, finding.touchpoint or "", finding.code, within


def _name(file: str) -> str:
    return file.rsplit("/", 1)[-1]


def _owner(result: Side) -> str:
    """What a file's findings are about: its process, or its name when unreadable."""
    return result.process_id or _name(result.file)


class _OldSide:
    """The old side's results on disk, found again by process (or file name)."""

    def __init__(self, results: Iterable[Side]) -> None:
        # closed by close(), which compare() calls when the diff ends
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        #: owner -> where its result was written (the first file wins, like VA104)
        self.where: dict[str, tuple[int, int]] = {}
        #: owner -> where its findings not yet matched were written
        self.unmatched: dict[str, tuple[int, int]] = {}
        self.order: list[str] = []
        #: file name -> the owner of the first old file of that name
        self.by_name: dict[str, str] = {}
        for result in results:
            owner = _owner(result)
            self.order.append(owner)
            if owner in self.where:
                # a second file with the same id: only its findings take part
                previous = self.findings(owner)
                self.unmatched[owner] = self._put(previous + result.findings)
                continue
            self.where[owner] = self._put(result)
            self.unmatched[owner] = self._put(result.findings)
            self.by_name.setdefault(_name(result.file), owner)

    def _put(self, value: object) -> tuple[int, int]:
        self._file.seek(0, 2)
        start = self._file.tell()
        pickle.dump(value, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        return start, self._file.tell() - start

    def _get(self, place: tuple[int, int]) -> Any:
        self._file.seek(place[0])
        return pickle.loads(self._file.read(place[1]))

    def result(self, owner: str) -> Side | None:
        """The old result of ``owner``, if the old side had one."""
        place = self.where.get(owner)
        return None if place is None else self._get(place)

    def findings(self, owner: str) -> tuple[Finding, ...]:
        """The old findings of ``owner`` not matched by the new side yet."""
        place = self.unmatched.get(owner)
        return () if place is None else self._get(place)

    def keep_unmatched(self, owner: str, findings: tuple[Finding, ...]) -> None:
        """Record which old findings of ``owner`` are still unmatched."""
        if owner in self.unmatched:
            self.unmatched[owner] = self._put(findings)

    def close(self) -> None:
        """Let the spooled results go."""
        self._file.close()


def _unmatched(ours: tuple[Finding, ...], theirs: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The findings of ``ours`` with no counterpart in ``theirs`` (as multisets, by
    :func:`finding_key`)."""
    available: Counter[tuple[str, str, str, str]] = Counter(finding_key(f) for f in theirs)
    left = []
    for finding in ours:
        key = finding_key(finding)
        if available[key]:
            available[key] -= 1
        else:
            left.append(finding)
    return tuple(left)


def worse_off(old: Side, new: Side) -> tuple[Finding, ...]:
    """VA701 (:mod:`valueaudit.rules.changes`): each party of both versions whose net over
    the process certainly falls, placed at its declaration in the NEW file. Points are
    compared on a scale of 10; a process whose unit changed is not compared."""
    if old.unit != new.unit or "VA701" in new.suppressed:
        return ()
    rule = RULES["VA701"]
    found = []
    for k, party in enumerate(new.parties):
        before, after = old.net(party), new.net(party)
        if before is None or after is None or not changes.net_falls(before, after):
            continue
        name = new.party_names[k]
        line, column = new.party_positions[k]
        found.append(
            Finding(
                code=rule.code,
                severity=rule.severity,
                message=one_line(
                    changes.worse_off_message(name, new.process_id or "", before, after, new.unit)
                ),
                file=new.file,
                line=line,
                column=column,
                process=new.process_id,
                path=format_path(("parties", party)),
                suggestion=one_line(changes.worse_off_suggestion(name)),
                content_hash=content_digest(party),
            )
        )
    return tuple(found)


def _change(old: Side, new: Side, settings: Settings | None = None) -> ProcessChange:
    assert old.score is not None and new.score is not None
    old_ids = {t: i for i, t in enumerate(old.touchpoints)}
    new_ids = set(new.touchpoints)
    touchpoints = tuple(
        TouchpointChange(t, old.score.touchpoints[old_ids[t]], new.score.touchpoints[i])
        for i, t in enumerate(new.touchpoints)
        if t in old_ids
    )
    return ProcessChange(
        id=new.process_id or "",
        old=old,
        new=new,
        touchpoints=touchpoints,
        added=tuple(t for t in new.touchpoints if t not in old_ids),
        removed=tuple(t for t in old.touchpoints if t not in new_ids),
        worse=_judged(worse_off(old, new), settings),
    )


def _judged(findings: tuple[Finding, ...], settings: Settings | None) -> tuple[Finding, ...]:
    """The findings the settings keep (select, ignore, per-file-ignores, severity)."""
    if settings is None or not findings:
        return findings
    return apply_settings(findings, settings)


def compare(
    old: Iterable[Side], new: Iterable[Side], settings: Settings | None = None
) -> Iterator[DiffPart]:
    """Compare two streams of sides (each in path order): a part per new file, then the
    processes and findings only the old side had, in its path order. ``settings`` decide
    which VA701 findings are kept, and their severity."""
    side = _OldSide(old)
    seen: set[str] = set()
    try:
        for result in new:
            owner = _owner(result)
            if result.process_id is None:  # unreadable: the old process of the same file name
                owner = side.by_name.get(_name(result.file), owner)
            if result.score is None and owner not in seen:
                before = side.result(owner)
                if before is not None and before.score is not None:
                    seen.add(owner)
                    yield _now_invalid(owner, before, result, side)
                    continue
            before_findings = side.findings(owner)
            introduced = _unmatched(result.findings, before_findings)
            side.keep_unmatched(owner, _unmatched(before_findings, result.findings))
            before = side.result(owner) if owner not in seen else None
            seen.add(owner)
            if result.score is not None:
                if before is not None and before.score is not None:
                    change = _change(before, result, settings)
                    yield DiffPart(changes=(change,), introduced=introduced)
                    continue
                yield DiffPart(added=(result,), introduced=introduced)
                continue
            yield DiffPart(introduced=introduced)
        for owner in dict.fromkeys(side.order):
            before = side.result(owner)
            removed: tuple[Side, ...] = ()
            if owner not in seen and before is not None and before.score is not None:
                removed = (before,)
            fixed = side.findings(owner)
            if removed or fixed:
                yield DiffPart(removed=removed, fixed=fixed)
    finally:
        side.close()


def compare_across(old: tuple[Finding, ...], new: tuple[Finding, ...]) -> DiffPart | None:
    """The scan-level findings (VA104 across files, VA601, VA602) that the change fixed
    and introduced, matched as every finding is (:func:`finding_key`); ``None`` when it
    changed none of them."""
    fixed, introduced = _unmatched(old, new), _unmatched(new, old)
    return DiffPart(fixed=fixed, introduced=introduced) if fixed or introduced else None


def _now_invalid(owner: str, before: Side, result: Side, side: _OldSide) -> DiffPart:
    """A scored process whose new file cannot be audited fixes nothing: its errors are
    introduced, and its old findings are not checked (neither fixed nor kept)."""
    before_findings = side.findings(owner)
    introduced = _unmatched(result.findings, before_findings)
    unchecked = _unmatched(before_findings, result.findings)
    side.keep_unmatched(owner, ())
    error = next((f for f in result.findings if f.code.startswith("VA1")), None)
    invalid = NowInvalid(before.process_id or owner, result.file, error, len(unchecked))
    return DiffPart(invalid=(invalid,), introduced=introduced)


# --- Presentation helpers shared by the formats ---------------------------------------


def delta(before: Interval | None, after: Interval | None) -> str:
    """``0.6 → 0.27 (−0.33)``; the change of the midpoints when ranges are involved."""
    text = f"{interval(before, grouping=True)} → {interval(after, grouping=True)}"
    if before is None or after is None:
        return text
    change = after.mid - before.mid
    if abs(change) < 1e-9:
        return text
    sign = "+" if change > 0 else "−"
    return f"{text} ({sign}{number(abs(change), grouping=True)})"


def percent(before: float | None, after: float | None) -> str:
    """``80% → 100%``."""

    def show(x: float | None) -> str:
        return "–" if x is None else f"{x:.0%}"

    return f"{show(before)} → {show(after)}"


def party_deltas(
    old: dict[str, Interval], new: dict[str, Interval], parties: list[str]
) -> list[tuple[str, str]]:
    """(party, change) for parties whose value changed."""
    zero = Interval(0.0, 0.0)
    return [
        (party, delta(old.get(party, zero), new.get(party, zero)))
        for party in parties
        if old.get(party, zero) != new.get(party, zero)
    ]


def parties_of(change: ProcessChange) -> list[str]:
    """Parties of both versions, new order first."""
    return list(dict.fromkeys([*change.new.parties, *change.old.parties]))
