"""What every rule is made of, and what it sees.

A rule is a small unit: its metadata (code, name, default severity, summary, bad and
good examples, and as data the stage of the audit it belongs to), a docstring that is
its user documentation, and its checks: ``check`` yields :class:`Draft` findings for one
process (file scope); ``scan_check`` yields :class:`ScanDraft` findings for the whole
scan, once the last file is in (scan scope: :mod:`valueaudit.scan`). The engine, not the
rule, stamps the code, the severity, the file and the exact position on what a rule
yields.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol

from valueaudit.findings import Severity, YamlPath
from valueaudit.journey import label

if TYPE_CHECKING:
    from valueaudit.model import Flow, Process
    from valueaudit.portfolio import Declaration, Ledger
    from valueaudit.scoring import ExchangeScore, ProcessScore
    from valueaudit.settings import Settings
    from valueaudit.simulation import ProcessSimulation

#: Where in the audit a rule belongs: reported by the loader (``load``), judged on the
#: model before it is scored (``structure``: an error there means it is not scored), on
#: the scores (``scored``), or by applying the suppressions (``suppression``).
#: ``diff``: judged by ``valueaudit diff``, which has both versions of a process (VA701).
Stage = Literal["load", "structure", "scored", "suppression", "diff"]


@dataclass(frozen=True, slots=True)
class Draft:
    """What a rule finds, before the engine places it in the file."""

    path: YamlPath
    message: str
    touchpoint: str | None = None
    suggestion: str | None = None
    gain: float | None = None
    #: the gain's unit when it is not the process's (VA401: its currency)
    unit: str | None = None
    #: placed at the key of ``path`` rather than its value (a party's declaration)
    at_key: bool = False
    #: the party (as messages name it) acting on it would help (the report's Decisions)
    helps: str | None = None


@dataclass(frozen=True, slots=True)
class ScanDraft:
    """What a scan-level rule finds, before the scan places it at a declaration: at a
    party's first declaration (``party``), or at the process id of ``file``."""

    message: str
    #: what the finding is about, whatever its line (the baseline's identity of it)
    about: str
    party: str | None = None
    file: str | None = None
    suggestion: str | None = None
    #: a declaration of ``party`` other than its first, to place it at instead (VA603)
    declared: Declaration | None = None


class ScanView(Protocol):
    """What a scan-level rule may look at: the settings, the portfolio ledger (``None``
    when the scan does not score, as in ``check``), and the process ids declared, each
    with the files that declare it in path order."""

    @property
    def settings(self) -> Settings: ...

    @property
    def ledger(self) -> Ledger | None: ...

    @property
    def duplicate_ids(self) -> dict[str, list[str]]: ...

    @property
    def redeclared(self) -> dict[str, list[Declaration]]: ...

    def first_declaration(self, party: str) -> Declaration: ...


@dataclass
class AuditContext:
    """Everything a rule may look at for one process. The scores are the audit's
    scoring stage's, made before any scored rule runs (``None`` while the structure
    rules run)."""

    process: Process
    settings: Settings
    _score: ProcessScore | None = field(default=None, repr=False)
    _simulation: ProcessSimulation | None = field(default=None, repr=False)
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

    @functools.cached_property
    def _exchange_named(self) -> dict[str, str]:
        return {t.id: t.exchange for t in self.process.touchpoints if t.exchange is not None}

    def exchange_of(self, touchpoint: str | None) -> str | None:
        """The exchange a touchpoint names, if any."""
        if touchpoint is None or not self._exchange_named:
            return None
        return self._exchange_named.get(touchpoint)

    def evidence_of(self, draft: Draft) -> str:
        """What a finding with a gain rests on (SPEC §4.14): its money flow (a path to
        one flow, as VA401's), its touchpoint's exchange, or the whole process."""
        touchpoints = self.process.touchpoints
        path = draft.path
        if len(path) >= 4 and path[0] == "touchpoints" and path[2] == "flows":
            i, j = path[1], path[3]
            if isinstance(i, int) and isinstance(j, int) and draft.unit is not None:
                return label((touchpoints[i].flows[j],))
        # one label per exchange and one for the process, however many findings ask
        if draft.touchpoint is not None:
            index = self._touchpoint_index.get(draft.touchpoint)
            if index is not None:
                position = self.score.touchpoints[index].exchange
                found = self._labels.get(position)
                if found is None:
                    exchange = self.score.exchanges[position]
                    flows = [f for k in exchange.touchpoints for f in touchpoints[k].flows]
                    found = self._labels[position] = label(flows)
                return found
        found = self._labels.get(-1)
        if found is None:
            found = self._labels[-1] = label([f for t in touchpoints for f in t.flows])
        return found

    @functools.cached_property
    def _touchpoint_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for k, touchpoint in enumerate(self.process.touchpoints):
            index.setdefault(touchpoint.id, k)
        return index

    @functools.cached_property
    def _labels(self) -> dict[int, str]:
        """Evidence labels found so far, by exchange position (-1: the process)."""
        return {}

    def where(self, exchange: ExchangeScore) -> str:
        """An exchange as messages name it: ``'checkout'`` for a touchpoint on its own,
        ``exchange 'purchase' (checkout, delivery)`` for several (SPEC §4.8)."""
        touchpoints = self.process.touchpoints
        if len(exchange.touchpoints) == 1:
            return f"'{touchpoints[exchange.first].id}'"
        ids = ", ".join(touchpoints[i].id for i in exchange.touchpoints)
        return f"exchange '{exchange.id}' ({ids})"

    def exchange_at(self, touchpoint_index: int) -> ExchangeScore:
        """The exchange a touchpoint belongs to."""
        score = self.score
        return score.exchanges[score.touchpoints[touchpoint_index].exchange]

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
        the scale (in a currency: half the largest amount any flow may be worth), in file
        order."""
        if self.process.in_points:
            half = self.process.scale / 2
        else:  # amounts of money have no scale: half the largest amount given
            half = (
                max((f.value[1] for f in self._all_flows() if f.value is not None), default=0) / 2
            )
        return [
            (i, j, flow)
            for i, touchpoint in enumerate(self.process.touchpoints)
            for j, flow in enumerate(touchpoint.flows)
            if flow.value is not None and flow.value[0] >= half
        ]

    def _all_flows(self) -> Iterator[Flow]:
        for touchpoint in self.process.touchpoints:
            yield from touchpoint.flows

    @property
    def score(self) -> ProcessScore:
        """The process's scores (SPEC §4); only scored rules may ask for them."""
        if self._score is None:
            raise RuntimeError("the process is not scored yet (a structure rule asked)")
        return self._score

    @property
    def simulation(self) -> ProcessSimulation | None:
        """The simulated verdicts (SPEC §4.6), or ``None`` when not simulating."""
        return self._simulation

    def scored(self, score: ProcessScore, simulation: ProcessSimulation | None) -> None:
        """Hand the scoring stage's results to the scored rules."""
        self._score, self._simulation = score, simulation


Check = Callable[[AuditContext], Iterator[Draft]]
ScanCheck = Callable[[ScanView], Iterator[ScanDraft]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and documentation, the stage it belongs to, and its checks: per
    process (``check``), across the scan (``scan_check``), both, or neither (the codes
    the loader or the suppressions report themselves: VA101, VA102, VA107, VA109,
    VA901, VA902)."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    bad: str
    good: str
    stage: Stage
    check: Check | None = None
    scan_check: ScanCheck | None = None

    @property
    def family(self) -> str:
        """The rule's family digit: 1 validity, 2 exchange, 3 clarity, 4 opportunities,
        5 practices, 6 portfolio, 9 suppressions."""
        return self.code[2]

    @property
    def scope(self) -> tuple[str, ...]:
        """Where it is judged: ``file`` (each process), ``scan`` (all at once), both or
        neither (reported by the loader or the suppressions)."""
        return ("file",) * (self.check is not None) + ("scan",) * (self.scan_check is not None)

    def across(self, scan_check: ScanCheck) -> Rule:
        """This rule, judged across the scan too (VA104: a process id in two files)."""
        return replace(self, scan_check=scan_check)


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    bad: str,
    good: str,
    stage: Stage = "scored",
) -> Callable[[Check], Rule]:
    """Make a :class:`Rule` from a check function; its docstring is the documentation."""

    def wrap(check: Check) -> Rule:
        doc = check.__doc__ or ""
        made = documented(code, name, severity, summary, doc, bad=bad, good=good, stage=stage)
        return replace(made, check=check)

    return wrap


def scan_rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    bad: str,
    good: str,
    stage: Stage = "scored",
) -> Callable[[ScanCheck], Rule]:
    """Make a scan-level :class:`Rule` from a check of the whole scan (its docstring is
    the documentation); ``stage`` ``scored`` means it needs the portfolio ledger."""

    def wrap(check: ScanCheck) -> Rule:
        doc = check.__doc__ or ""
        made = documented(code, name, severity, summary, doc, bad=bad, good=good, stage=stage)
        return made.across(check)

    return wrap


def documented(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    doc: str,
    *,
    bad: str,
    good: str,
    stage: Stage,
) -> Rule:
    """A rule reported by the loader or the suppressions rather than by a check."""
    return Rule(
        code, name, severity, summary, _dedent_doc(doc), bad.strip("\n"), good.strip("\n"), stage
    )


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


__all__ = [
    "AuditContext",
    "Check",
    "Draft",
    "Rule",
    "ScanCheck",
    "ScanDraft",
    "ScanView",
    "Stage",
    "documented",
    "rule",
    "scan_rule",
]
