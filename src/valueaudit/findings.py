"""Findings: the plain, immutable data every stage of valueaudit hands on."""

from __future__ import annotations

import enum
import hashlib
import heapq
import operator
from collections.abc import Callable, Sequence
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

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """What a finding is about, without its line: file, process, YAML path, rule and
        the digest of the offending content. Baselines are keyed by it."""
        return (self.file, self.process or "", self.path, self.code, self.content_hash)

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
    """Whether a finding ranks among the opportunities: something would move to parity
    (a gain above 0; a flow without a value at an even touchpoint moves nothing)."""
    return finding.gain is not None and finding.gain > 0


def opportunity_key(finding: Finding) -> tuple[float, tuple[str, int, int, str, str]]:
    """Opportunities rank by gain, best first; ties by position, so the order is stable."""
    return (-(finding.gain or 0.0), SORT_KEY(finding))
