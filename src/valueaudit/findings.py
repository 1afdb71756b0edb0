"""Findings: the plain, immutable data every stage of valueaudit hands on."""

from __future__ import annotations

import enum
import hashlib
import heapq
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

#: A position inside a YAML document: mapping keys and sequence indexes.
YamlPath = tuple[str | int, ...]


class Severity(enum.StrEnum):
    """How serious a finding is: a string (``"warning"``), so it compares, prints and
    serialises as one; :attr:`rank` orders them, ``ERROR > WARNING > INFO``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """A number that orders severities: info 0, warning 1, error 2."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def format_path(path: YamlPath) -> str:
    """Write a YAML path the way users read it: ``touchpoints[1].flows[0].value``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class Finding(NamedTuple):
    """One problem or opportunity, located in a file.

    ``line`` and ``column`` are 1-based and point at the offending key or value.
    ``gain`` is set on opportunities (VA2xx-VA5xx) and orders them. A named tuple: a
    scan makes tens of thousands, and tuples are the cheapest immutable records to make.
    """

    code: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    process: str | None = None
    touchpoint: str | None = None
    path: str = ""
    suggestion: str | None = None
    gain: float | None = None
    #: Digest of the offending content, independent of its line (baselines, fingerprints).
    content_hash: str = ""
    #: The exchange its touchpoint names (SPEC §4.8), if any.
    exchange: str | None = None
    #: What ``gain`` is counted in (SPEC §4.10): ``points``, a currency code or ``hours``.
    unit: str | None = None
    #: What a finding with a gain rests on (SPEC §4.14): ``backed``, ``mixed`` or
    #: ``assumed``.
    evidence: str | None = None
    #: Who acting on it would help (a party's name), where one party is.
    helps: str | None = None

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What a finding is about, without its line or its place in a list: file,
        process, rule and the digest of what it is about (:func:`about_digest`).
        Baselines and fingerprints are keyed by it, so an edit elsewhere in the same
        touchpoint, or a touchpoint added before it, leaves it as it was."""
        return (self.file, self.process or "", self.code, self.content_hash)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, position, code and message."""
        return SORT_KEY(self)


#: :attr:`Finding.sort_key` as a function, in C, for sorting many findings.
SORT_KEY: Callable[[Finding], tuple[str, int, int, str, str]] = operator.attrgetter(
    "file", "line", "column", "code", "message"
)


def content_digest(text: str) -> str:
    """A short, stable digest of some text with its white space folded."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


#: What a message may say of where, rather than what: a line, a place in a list.
_WHERE = re.compile(r"\bline \d+|\[\d+\]")


def about_digest(touchpoint: str | None, message: str) -> str:
    """The digest of what a finding is about: its touchpoint's id and its message (which
    quotes the ids, names and figures it concerns), less any line number or list index
    in it. A change that alters neither (an unrelated flow, a moved line) keeps it."""
    return content_digest(f"{touchpoint or ''}\x1f{_WHERE.sub('', message)}")


def count_by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    """Count findings per severity, always with all three keys, most severe first."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A unique, line-independent fingerprint per finding: its identity plus how many
    findings with the same identity came before it (in the given, stable order)."""
    seen: dict[tuple[str, ...], int] = {}
    result = []
    for finding in findings:
        identity = finding.identity
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        key = "\x1f".join((*identity, str(occurrence)))
        result.append(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    return result


Item = TypeVar("Item")


class TopN(Generic[Item]):
    """The ``n`` smallest items by ``key`` of a stream, in bounded memory: what a
    format keeps of an unbounded stream (the best opportunities, SARIF's capped results).
    """

    def __init__(self, n: int, key: Callable[[Item], Any]) -> None:
        self.n = n
        self.key = key
        self.seen = 0
        self._items: list[Item] = []

    def push(self, item: Item) -> None:
        """Offer one item."""
        self.seen += 1
        self._items.append(item)
        if len(self._items) >= 2 * self.n:  # amortised: trim once per n items
            self._items = heapq.nsmallest(self.n, self._items, key=self.key)

    def best(self) -> list[Item]:
        """The kept items, smallest key first."""
        return heapq.nsmallest(self.n, self._items, key=self.key)


def is_opportunity(finding: Finding) -> bool:
    """Whether a finding has something to gain: a gain above 0 (gains are decided
    exactly, SPEC §4.17: a flow without a value at an even exchange moves nothing)."""
    return finding.gain is not None and finding.gain > 0


#: The codes that call for changing one exchange, in the order their suggestions are
#: preferred (SPEC §4.12): one opportunity per exchange, with the first one's suggestion.
EXCHANGE_CODES: tuple[str, ...] = (
    "VA204",
    "VA201",
    "VA202",
    "VA304",
    "VA301",
    "VA402",
    "VA302",
    "VA303",
)
_EXCHANGE_RANK = {code: rank for rank, code in enumerate(EXCHANGE_CODES)}

HOURS = "hours"
POINTS = "points"


class Opportunity(NamedTuple):
    """One place to change with one suggestion (SPEC §4.12): an exchange, a process or
    one money flow. ``finding`` is the one whose suggestion it carries; ``also`` the
    codes of the other findings at the same exchange."""

    gain: float
    unit: str
    finding: Finding
    also: tuple[str, ...] = ()

    @property
    def evidence(self) -> str:
        """What it rests on: ``backed``, ``mixed`` or ``assumed`` (SPEC §4.14)."""
        return self.finding.evidence or "assumed"

    @property
    def spot(self) -> str | None:
        """Where in its process: the exchange it changes, or its touchpoint (a money
        flow's, VA401), or ``None`` for the process as a whole."""
        finding = self.finding
        if finding.exchange and finding.code in _EXCHANGE_RANK:
            return finding.exchange
        return finding.touchpoint

    @property
    def place(self) -> str:
        """Where to change: ``process › touchpoint``, ``process › exchange`` or the
        process (its file when it has no id)."""
        where = self.finding.process or self.finding.file
        spot = self.spot
        return f"{where} › {spot}" if spot else where

    @property
    def also_text(self) -> str:
        """`` (also VA202, VA302)``: the other codes behind it, or nothing."""
        return f" (also {', '.join(self.also)})" if self.also else ""


def opportunities(findings: Iterable[Finding]) -> list[Opportunity]:
    """The opportunities among one file's findings: the findings at one exchange that
    call for changing it merged into one (its gain the largest of theirs), each other
    finding with a gain on its own; only those with a gain above 0, in file order."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    alone: list[Finding] = []
    for finding in findings:
        if finding.gain is None:
            continue  # shape and practice rules: findings, never opportunities
        if finding.code in _EXCHANGE_RANK and finding.touchpoint is not None:
            place = finding.exchange or f"\0{finding.touchpoint}"
            groups.setdefault((finding.file, finding.process or "", place), []).append(finding)
        else:
            alone.append(finding)
    found = [Opportunity(f.gain or 0.0, f.unit or POINTS, f) for f in alone if is_opportunity(f)]
    for group in groups.values():
        gain = max(f.gain or 0.0 for f in group)
        if gain <= 0:
            continue
        lead = min(group, key=lambda f: (_EXCHANGE_RANK[f.code], SORT_KEY(f)))
        also = sorted({f.code for f in group} - {lead.code}, key=_EXCHANGE_RANK.__getitem__)
        found.append(Opportunity(gain, lead.unit or POINTS, lead, tuple(also)))
    found.sort(key=lambda o: SORT_KEY(o.finding))
    return found


def unit_rank(unit: str) -> tuple[int, str]:
    """How lists order units (SPEC §4.10): currencies first, by code, then points, then
    hours."""
    if unit == POINTS:
        return (1, "")
    if unit == HOURS:
        return (2, "")
    return (0, unit)


def opportunity_key(
    opportunity: Opportunity,
) -> tuple[tuple[int, str], float, tuple[str, int, int, str, str]]:
    """Opportunities rank by unit, then by gain within it, best first; ties by position,
    so the order is stable."""
    return (unit_rank(opportunity.unit), -opportunity.gain, SORT_KEY(opportunity.finding))


def finding_gain_key(finding: Finding) -> tuple[float, tuple[str, int, int, str, str]]:
    """Findings with gains, largest first (within a severity, for capped CI outputs)."""
    return (-(finding.gain or 0.0), SORT_KEY(finding))


class RankedOpportunities:
    """The best ``n`` opportunities of a stream in each unit, in bounded memory: what the
    text and Markdown outputs rank (SPEC §4.10: gains are ranked within a unit)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0
        self._by_unit: dict[str, TopN[Opportunity]] = {}

    def push(self, opportunity: Opportunity) -> None:
        """Offer one opportunity."""
        self.seen += 1
        kept = self._by_unit.get(opportunity.unit)
        if kept is None:
            kept = self._by_unit[opportunity.unit] = TopN(self.n, opportunity_key)
        kept.push(opportunity)

    def best(self) -> list[Opportunity]:
        """Each unit's best, units in their order (currencies, points, hours)."""
        return [
            o for unit in sorted(self._by_unit, key=unit_rank) for o in self._by_unit[unit].best()
        ]
