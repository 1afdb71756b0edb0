"""What every rule is made of, and what it sees.

A rule is a small unit: its metadata (code, name, default severity, summary, bad and
good examples), a docstring that is its user documentation, and a ``check`` generator
that yields :class:`Draft` findings for one process. The engine, not the rule, stamps
the code, the severity, the file and the exact position on what a rule yields.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from valueaudit.findings import Severity, YamlPath

if TYPE_CHECKING:
    from valueaudit.model import Flow, Process
    from valueaudit.scoring import ProcessScore
    from valueaudit.settings import Settings
    from valueaudit.simulation import ProcessSimulation


@dataclass(frozen=True, slots=True)
class Draft:
    """What a rule finds, before the engine places it in the file."""

    path: YamlPath
    message: str
    touchpoint: str | None = None
    suggestion: str | None = None
    gain: float | None = None


@dataclass
class AuditContext:
    """Everything a rule may look at for one process; scores are computed once, lazily."""

    process: Process
    settings: Settings
    _score: ProcessScore | None = field(default=None, repr=False)
    #: (rule, touchpoint id) where an aggregate rule left places out for a suppression
    set_aside: set[tuple[str, str]] = field(default_factory=set, repr=False)

    @functools.cached_property
    def _suppressed_at(self) -> dict[str, set[str]]:
        """Rule code -> ids of the touchpoints where a suppression still in force hides it."""
        today = self.settings.today or dt.date.today()
        found: dict[str, set[str]] = {}
        for entry in self.process.suppress:
            if entry.touchpoint is not None and not entry.expired(today):
                found.setdefault(entry.rule, set()).add(entry.touchpoint)
        for touchpoint in self.process.touchpoints:
            for entry in touchpoint.suppress:
                if not entry.expired(today):
                    found.setdefault(entry.rule, set()).add(touchpoint.id)
        return found

    def name(self, party: str) -> str:
        """A party as messages name it: its name, else its id."""
        return self.process.party_name(party)

    def suppressed_here(self, code: str, touchpoint: str) -> bool:
        """Whether a suppression of ``code`` covers ``touchpoint``. A rule that gives one
        finding for many places (VA302) leaves such places out of it, rather than
        letting the suppression hide the whole finding or nothing; the suppression
        then counts as used (:attr:`set_aside`), not as VA901."""
        if touchpoint in self._suppressed_at.get(code, ()):
            self.set_aside.add((code, touchpoint))
            return True
        return False

    @functools.cached_property
    def links(self) -> list[list[int]]:
        """Indexes each touchpoint leads to: its ``next`` ids, or the one after it."""
        index: dict[str, int] = {}
        for i, touchpoint in enumerate(self.process.touchpoints):
            index.setdefault(touchpoint.id, i)
        count = len(self.process.touchpoints)
        return [
            ([i + 1] if i + 1 < count else [])
            if touchpoint.next is None
            else [index[t] for t in touchpoint.next if t in index]
            for i, touchpoint in enumerate(self.process.touchpoints)
        ]

    def reaching(self, targets: Iterable[int]) -> Container[int]:
        """The touchpoints from which one of ``targets`` comes later along :attr:`links`
        (one or more steps on). Linear in the chain whatever the number of targets: a
        plain chain only needs the last target; otherwise one backward search from all
        targets at once."""
        goals = set(targets)
        if not goals:
            return range(0)
        if all(touchpoint.next is None for touchpoint in self.process.touchpoints):
            return range(max(goals))
        before: list[list[int]] = [[] for _ in self.links]
        for source, following in enumerate(self.links):
            for target in following:
                before[target].append(source)
        found: set[int] = set()
        pending = list(goals)
        while pending:
            for source in before[pending.pop()]:
                if source not in found:
                    found.add(source)
                    pending.append(source)
        return found

    @functools.cached_property
    def _flows_by_kind(self) -> dict[str, list[tuple[int, int, Flow]]]:
        """(touchpoint index, flow index, flow) of every flow, by kind, in file order.

        Several rules look at the flows of one or two kinds only; one pass over the
        flows serves them all.
        """
        by_kind: dict[str, list[tuple[int, int, Flow]]] = {}
        for i, touchpoint in enumerate(self.process.touchpoints):
            for j, flow in enumerate(touchpoint.flows):
                found = by_kind.get(flow.kind)
                if found is None:
                    by_kind[flow.kind] = [(i, j, flow)]
                else:
                    found.append((i, j, flow))
        return by_kind

    def flows_of_kind(self, *kinds: str) -> Sequence[tuple[int, int, Flow]]:
        """(touchpoint index, flow index, flow) of the flows of these kinds, in file order
        (shared by the rules: read, do not change)."""
        if len(kinds) == 1:
            return self._flows_by_kind.get(kinds[0], ())
        found = [item for kind in kinds for item in self._flows_by_kind.get(kind, ())]
        return sorted(found, key=lambda item: item[:2])

    @functools.cached_property
    def valuable_flows(self) -> Sequence[tuple[int, int, Flow]]:
        """(touchpoint index, flow index, flow) of the flows certainly worth at least half
        the scale, in file order."""
        half = self.process.scale / 2
        return [
            (i, j, flow)
            for i, touchpoint in enumerate(self.process.touchpoints)
            for j, flow in enumerate(touchpoint.flows)
            if flow.value is not None and flow.value[0] >= half
        ]

    @property
    def score(self) -> ProcessScore:
        """The process's scores (SPEC §4)."""
        if self._score is None:
            from valueaudit.scoring import score_process

            self._score = score_process(self.process)
        return self._score

    @functools.cached_property
    def simulation(self) -> ProcessSimulation | None:
        """The simulated verdicts (SPEC §4.6), or ``None`` when not simulating. numpy
        is imported only here, and only then."""
        if not self.settings.simulate.samples:
            return None
        from valueaudit.simulation import simulate

        return simulate(self.process, self.score, self.settings)


Check = Callable[[AuditContext], Iterator[Draft]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and documentation, and its check (``None`` for the codes the
    loader reports itself: VA101, VA102, VA107, VA109)."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    bad: str
    good: str
    check: Check | None = None

    @property
    def family(self) -> str:
        """The rule's family digit: 1 validity, 2 exchange, 3 clarity, 4 opportunities,
        5 practices, 9 suppressions."""
        return self.code[2]


def rule(
    code: str, name: str, severity: Severity, summary: str, *, bad: str, good: str
) -> Callable[[Check], Rule]:
    """Make a :class:`Rule` from a check function; its docstring is the documentation."""

    def wrap(check: Check) -> Rule:
        return Rule(
            code=code,
            name=name,
            severity=severity,
            summary=summary,
            doc=_dedent_doc(check.__doc__ or ""),
            bad=bad.strip("\n"),
            good=good.strip("\n"),
            check=check,
        )

    return wrap


def documented(
    code: str, name: str, severity: Severity, summary: str, doc: str, *, bad: str, good: str
) -> Rule:
    """A rule reported by the loader rather than by a check function."""
    return Rule(code, name, severity, summary, _dedent_doc(doc), bad.strip("\n"), good.strip("\n"))


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


__all__ = ["AuditContext", "Check", "Draft", "Rule", "documented", "rule"]
