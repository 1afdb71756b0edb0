"""Where every value of a process file is: compact spots of character offsets, and
line and column as editors count them (the positions of the *load* stage).

A :class:`Spot` per collection and a packed int per scalar (:data:`Entry`) take a few
times the text they stand for, where a YAML node and its marks take about fifty. The
spots are kept beside the model, so that any finding, from the parser, from validation
or from a rule, is placed at the exact line and column of the key or value it is about
(:meth:`LoadedFile.locate`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from valueaudit.findings import (
    Finding,
    Severity,
    YamlPath,
    about_digest,
    content_digest,
    format_path,
)
from valueaudit.hints import one_line
from valueaudit.settings import Limits

if TYPE_CHECKING:
    from valueaudit.model import Process

DEFAULT_LIMITS = Limits()

#: A scalar YAML read as something other than text, from unquoted source (``yes``, ``5``).
PLAIN = 1
#: A mapping written in flow style, ``{...}``.
FLOW = 2


class Spot(NamedTuple):
    """Where a value is in the text: character offsets, flags (:data:`PLAIN`,
    :data:`FLOW`) and, for collections, the :data:`Entry` of each value they hold: a
    mapping's by key (the first of duplicate keys), a sequence's in order."""

    start: int
    end: int
    flags: int
    children: dict[str, Entry] | tuple[Entry, ...] | None


#: A value inside a collection: ``(offset of its key, spot)``, or, for a scalar, the
#: same four numbers packed into one int (a scalar's spot and key would otherwise take
#: about four times the memory of the value itself; files hold mostly scalars).
Entry = tuple[int, Spot] | int

_FIELD = 40  # bits per packed offset: files up to 1 TiB
_MASK = (1 << _FIELD) - 1


def pack_entry(key_at: int, spot: Spot) -> Entry:
    if spot.children is not None:
        return (key_at, spot)
    return (((key_at << _FIELD | spot.start) << _FIELD | spot.end) << 2) | spot.flags


def unpack_entry(entry: Entry) -> tuple[int, Spot]:
    if isinstance(entry, tuple):
        return entry
    flags, entry = entry & 3, entry >> 2
    end, entry = entry & _MASK, entry >> _FIELD
    return entry >> _FIELD, Spot(entry & _MASK, end, flags, None)


_LINE_BREAK = re.compile(r"[\r\n]")


class Lines:
    """Line and column of a character offset, counting line breaks as editors do
    (``\\n``, ``\\r\\n``, ``\\r``; not NEL, U+2028 or U+2029, which YAML 1.1 counts)."""

    _BREAK = re.compile(r"\r\n?|\n")

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in self._BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def start(self, line: int) -> int:
        """The offset at which a 1-based line starts."""
        return self._starts[min(line, len(self._starts)) - 1]


@dataclass
class LoadedFile:
    """A process file after loading: the plain values, the model (``None`` if it is
    invalid), where every value is, and the findings met on the way."""

    file: str
    limits: Limits = DEFAULT_LIMITS
    root: Spot | None = None
    text: str = ""
    process: Process | None = None
    #: When ``process`` is ``None`` for shape problems (VA102): a model of the file with
    #: those parts set aside, for the structure checks only (party references, ids,
    #: ``next``), so that one ``check`` shows every independent error.
    repaired: Process | None = None
    raw_id: str | None = None
    #: The document as plain values (mappings as dicts, sequences as tuples), once read.
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    _places: dict[YamlPath, tuple[int, int, str]] = field(default_factory=dict, repr=False)
    _lines: Lines | None = field(default=None, repr=False)

    def finding(
        self,
        code: str,
        message: str,
        path: YamlPath = (),
        *,
        at_key: bool = False,
        position: tuple[int, int] | None = None,
    ) -> Finding:
        """Record a loading finding (see :meth:`make_finding`)."""
        result = self.make_finding(code, message, path, at_key=at_key, position=position)
        self.findings.append(result)
        return result

    def make_finding(
        self,
        code: str,
        message: str,
        path: YamlPath = (),
        *,
        at_key: bool = False,
        position: tuple[int, int] | None = None,
        severity: Severity = Severity.ERROR,
        touchpoint: str | None = None,
        suggestion: str | None = None,
        gain: float | None = None,
        exchange: str | None = None,
        unit: str | None = None,
        evidence: str | None = None,
        helps: str | None = None,
    ) -> Finding:
        """A finding of rule ``code`` placed at the value at ``path`` (its key with
        ``at_key``), or at an explicit ``position``. The loader's own findings are errors;
        rules pass their severity."""
        if position is not None:
            line, column = position
        elif at_key:
            line, column = self.locate(path, at_key=True)
        else:
            line, column, _ = self.place(path)
        content = about_digest(touchpoint, message)
        return Finding(
            code=code,
            severity=severity,
            message=one_line(message),
            file=self.file,
            line=line,
            column=column,
            process=self.process.id if self.process is not None else self.raw_id,
            touchpoint=touchpoint,
            path=format_path(path),
            suggestion=None if suggestion is None else one_line(suggestion),
            gain=gain,
            content_hash=content,
            exchange=exchange,
            unit=None if gain is None else unit,
            evidence=None if gain is None else evidence,
            helps=None if helps is None else one_line(helps),
        )

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in the text."""
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines.position(offset)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        if self._lines is None:
            self._lines = Lines(self.text)
        start = self._lines.start(line)
        end = _LINE_BREAK.search(self.text, start)
        return self.text[start : end.start() if end else len(self.text)]

    def locate(self, path: YamlPath, *, at_key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of the value at ``path`` (its key with
        ``at_key``); a path that leaves the document stops at the deepest value there is."""
        spot, key, complete = _descend(self.root, path)
        if at_key and complete and key is not None:
            return self.position(key)
        return self.position(spot.start) if spot is not None else (1, 1)

    def item_lines(self, path: YamlPath) -> list[int]:
        """The line of each item of the sequence at ``path`` (empty if there is none)."""
        spot, _, complete = _descend(self.root, path)
        if not complete or spot is None or not isinstance(spot.children, tuple):
            return []
        return [self.position(unpack_entry(item)[1].start)[0] for item in spot.children]

    def place(self, path: YamlPath) -> tuple[int, int, str]:
        """Line, column and content digest of the value at ``path`` (cached: many
        findings point at the same value). The digest covers the value's text with white
        space folded, so it identifies what a finding is about whatever its line."""
        cached = self._places.get(path)
        if cached is None:
            spot, _, _ = _descend(self.root, path)
            if spot is None:
                cached = (1, 1, content_digest(format_path(path)))
            else:
                line, column = self.position(spot.start)
                cached = (line, column, content_digest(self.text[spot.start : spot.end]))
            self._places[path] = cached
        return cached

    def plain_source(self, path: YamlPath) -> str | None:
        """The source text of the value at ``path`` when it is an unquoted scalar that
        YAML read as something other than text (``yes``, ``1.5``), else ``None``."""
        spot, _, complete = _descend(self.root, path)
        if not complete or spot is None or not spot.flags & PLAIN:
            return None
        return self.text[spot.start : spot.end]

    def is_flow_mapping(self, path: YamlPath) -> bool:
        """Whether the value at ``path`` is a mapping written ``{...}``."""
        spot, _, complete = _descend(self.root, path)
        return complete and spot is not None and bool(spot.flags & FLOW)


def _descend(root: Spot | None, path: YamlPath) -> tuple[Spot | None, int | None, bool]:
    """Follow ``path`` from ``root``: (deepest spot reached, the offset of the key of
    the last mapping step taken, whether the whole path was reached)."""
    spot, key = root, None
    for part in path:
        children = spot.children if spot is not None else None
        if isinstance(children, dict) and isinstance(part, str) and part in children:
            key, spot = unpack_entry(children[part])
        elif isinstance(children, tuple) and isinstance(part, int) and 0 <= part < len(children):
            spot, key = unpack_entry(children[part])[1], None
        else:
            return spot, key, False
    return spot, key, True
