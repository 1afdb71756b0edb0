"""Read a process file into plain values, keeping every position (the *load* stage).

The data path is: bytes (size-checked) -> text (UTF-8, BOM accepted) -> YAML events
(libyaml's parser when available) -> plain Python values and a compact tree of their
places (:class:`Spot`), built together in one pass over the events;
:mod:`valueaudit.validation` then makes the :class:`~valueaudit.model.Process`. No YAML
node tree is made: a node and its two marks take about fifty times the text they stand
for, a :class:`Spot` a few times. The spots are kept beside the model so any finding,
from the parser, from validation or from a rule, can be placed at the exact line and
column of the key or value it is about (:meth:`LoadedFile.locate`), counted as editors
count them.

Problems become findings, never exceptions: VA101 (not YAML, a bad tag), VA102 (a merge
key, a second document, an empty file), VA107 (duplicate key) and VA109 (unreadable:
encoding, size, depth, aliases, I/O).
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from valueaudit.findings import Finding, Severity, YamlPath, content_digest, format_path
from valueaudit.hints import escape_unsafe, yaml_hint
from valueaudit.paths import display_path
from valueaudit.settings import Limits

if TYPE_CHECKING:
    from valueaudit.model import Process

DEFAULT_LIMITS = Limits()

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_BaseLoader: type[Any] = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_RESOLVED: dict[str, str] = {}
_RESOLVED_LIMIT = 50_000


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML has it), with the tag resolution of plain
    scalars memoised: PyYAML resolves every scalar in Python with regular expressions,
    and process files repeat the same short values (keys, kinds, parties) over and over.
    """

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR  # quoted: always text
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(value) <= 64 and len(_RESOLVED) < _RESOLVED_LIMIT:
                    _RESOLVED[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _construct(method: Callable[[yaml.ScalarNode], Any]) -> Callable[[str, str], Any]:
    return lambda tag, value: method(yaml.ScalarNode(tag, value))


_SCALAR_BUILDERS: dict[str, Callable[[str, str], Any]] = {
    _STR: lambda tag, value: value,
    "tag:yaml.org,2002:null": lambda tag, value: None,
    "tag:yaml.org,2002:bool": _construct(_CONSTRUCTOR.construct_yaml_bool),
    "tag:yaml.org,2002:int": _construct(_CONSTRUCTOR.construct_yaml_int),
    "tag:yaml.org,2002:float": _construct(_CONSTRUCTOR.construct_yaml_float),
    "tag:yaml.org,2002:timestamp": _construct(_CONSTRUCTOR.construct_yaml_timestamp),
    "tag:yaml.org,2002:value": lambda tag, value: value,
}
#: What an explicit tag promises, for the message when the value does not keep it.
_TAG_MEANS = {
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date or time",
}
#: The errors PyYAML's constructors raise on a scalar that does not fit its tag.
_CONSTRUCTION_ERRORS = (ValueError, KeyError, IndexError, AttributeError, TypeError)

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


def _entry(key_at: int, spot: Spot) -> Entry:
    if spot.children is not None:
        return (key_at, spot)
    return (((key_at << _FIELD | spot.start) << _FIELD | spot.end) << 2) | spot.flags


def _unpack(entry: Entry) -> tuple[int, Spot]:
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
    ) -> Finding:
        """A finding of rule ``code`` placed at the value at ``path`` (its key with
        ``at_key``), or at an explicit ``position``. The loader's own findings are errors;
        rules pass their severity."""
        if position is not None:
            (line, column), content = position, content_digest(message)
        elif at_key:
            line, column = self.locate(path, at_key=True)
            content = self.place(path)[2]
        else:
            line, column, content = self.place(path)
        return Finding(
            code=code,
            severity=severity,
            message=message,
            file=self.file,
            line=line,
            column=column,
            process=self.process.id if self.process is not None else self.raw_id,
            touchpoint=touchpoint,
            path=format_path(path),
            suggestion=suggestion,
            gain=gain,
            content_hash=content,
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
        return [self.position(_unpack(item)[1].start)[0] for item in spot.children]

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
            key, spot = _unpack(children[part])
        elif isinstance(children, tuple) and isinstance(part, int) and 0 <= part < len(children):
            spot, key = _unpack(children[part])[1], None
        else:
            return spot, key, False
    return spot, key, True


def load_file(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedFile:
    """Read one process file into plain values with their positions (not yet validated:
    see :mod:`valueaudit.validation`). Never raises for bad input."""
    # a file name can hold control characters too: shown escaped, like any user text
    loaded = LoadedFile(escape_unsafe(display or display_path(path)), limits)
    data = _read_bytes(path, loaded)
    if data is None:
        return loaded
    text = _decode(data, loaded)
    if text is None:
        return loaded
    return load_text(text, loaded)


def load_text(text: str, loaded: LoadedFile) -> LoadedFile:
    """Read a process from text already read (used by :func:`load_file` and tests)."""
    loaded.text = text
    if not _depth_ok(text, loaded):
        return loaded
    built = _read_document(text, loaded)
    if built is None:
        return loaded
    data, loaded.root = built
    loaded.data = data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        loaded.raw_id = data["id"]
        # findings met before the id was known
        loaded.findings = [f._replace(process=loaded.raw_id) for f in loaded.findings]
    return loaded


# --- Reading bytes and text ---------------------------------------------------------


def _read_bytes(path: Path, loaded: LoadedFile) -> bytes | None:
    limit = loaded.limits.file_bytes
    try:
        # non-blocking, so that a FIFO cannot hang the scan before it is seen for what it is
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        loaded.finding("VA109", "cannot read: this is a directory", position=(1, 1))
        return None
    except OSError as error:
        reason = error.strerror or str(error)
        where = "folder" if path.is_dir() else "file"
        loaded.finding("VA109", f"cannot read the {where}: {reason}", position=(1, 1))
        return None
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            loaded.finding("VA109", "cannot read: this is a directory", position=(1, 1))
            return None
        if not stat.S_ISREG(status.st_mode):
            loaded.finding(
                "VA109",
                "not a regular file (a FIFO, socket or device); process files are files",
                position=(1, 1),
            )
            return None
        if status.st_size > limit:
            loaded.finding(
                "VA109",
                f"file is too large to be a process ({status.st_size / 1_048_576:.1f} MiB; "
                f"the limit is {limit / 1_048_576:g} MiB)",
                position=(1, 1),
            )
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        loaded.finding("VA109", f"cannot read the file: {reason}", position=(1, 1))
        return None
    finally:
        os.close(handle)
    if len(data) > limit:  # it grew while we looked
        loaded.finding("VA109", "file is too large to be a process", position=(1, 1))
        return None
    return data


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset].decode("utf-8", errors="replace")
    return Lines(before).position(len(before))


def _decode(data: bytes, loaded: LoadedFile) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        loaded.finding("VA109", "file is UTF-16 encoded; save it as UTF-8", position=(1, 1))
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        loaded.finding(
            "VA109",
            "file contains a NUL byte: it is binary, or UTF-16 without a byte order mark; "
            "save it as UTF-8",
            position=_byte_position(data, nul),
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        loaded.finding(
            "VA109",
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
            position=_byte_position(data, error.start),
        )
        return None
    return text.removeprefix("\ufeff")


# --- YAML ---------------------------------------------------------------------------


def _depth_ok(text: str, loaded: LoadedFile) -> bool:
    """Refuse nesting deeper than the limit before libyaml's composer sees it.

    Nesting needs either brackets or long lines (indentation, ``- - -``), so ordinary
    files skip the exact check; suspicious ones are measured on the event stream, which
    is produced without recursion. libyaml's scanner (PyYAML 6.0.4 and later) refuses
    flow nesting of 1000 levels on its own, at column 1 and before our limit is reached
    (it reads ahead), so then PyYAML's pure-Python parser, which has no such cap, finds
    the first level past the limit.
    """
    most = loaded.limits.depth
    brackets = text.count("[") + text.count("{")
    longest = max(map(len, text.split("\n")))
    if brackets + longest <= 4 * most:
        return True
    try:
        too_deep = _first_too_deep(text, most, _Loader)
    except _NestingCapReached:
        too_deep = _first_too_deep(text, most, yaml.SafeLoader)
    if too_deep is None:
        return True
    position = loaded.position(too_deep)
    loaded.finding("VA109", f"nesting is deeper than {most} levels", position=position)
    return False


class _NestingCapReached(Exception):
    """libyaml gave up on the nesting itself, before our limit could be applied."""


def _first_too_deep(text: str, most: int, loader_class: type[Any]) -> int | None:
    """The offset of the first collection nested deeper than ``most`` levels, or
    ``None`` (also when the text is not YAML: the composer reports that, with its place)."""
    depth = 0
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > most:
                    mark = event.start_mark
                    return int(mark.index) if mark is not None else 0
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem):
            raise _NestingCapReached from error
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return None


def _parser_message(error: yaml.MarkedYAMLError, loaded: LoadedFile) -> str:
    """The parser's message, its context, and a hint in plain words where one helps."""
    problem = error.problem or "invalid YAML"
    message = problem
    if error.context and error.context_mark and error.context_mark != error.problem_mark:
        line, column = loaded.position(error.context_mark.index)
        message = f"{problem} ({error.context} at line {line}, column {column})"
    elif error.context:
        message = f"{problem} ({error.context})"
    if error.problem_mark is not None:
        line, column = loaded.position(error.problem_mark.index)
        hint = yaml_hint(problem, loaded.line_text(line), column)
        if hint:
            message += f": {hint}"
    return message


def _read_document(text: str, loaded: LoadedFile) -> tuple[Any, Spot] | None:
    """The document's values and spots, or ``None`` with a finding saying why not. A
    syntax error anywhere is the file's only finding: what was met before it is moot."""
    before = len(loaded.findings)
    loader = _Loader(text)
    try:
        return _Builder(loader, loaded).document()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = loaded.position(mark.index) if mark is not None else (1, 1)
        del loaded.findings[before:]
        if error.problem == "but found another document":
            loaded.finding(
                "VA102",
                "a process file holds one YAML document; a second one starts here",
                position=position,
            )
        else:
            loaded.finding("VA101", _parser_message(error, loaded), position=position)
        return None
    except yaml.reader.ReaderError as error:
        del loaded.findings[before:]
        offset = error.position
        if not isinstance(loader, yaml.SafeLoader):  # libyaml counts bytes here, not characters
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        character = error.character
        if isinstance(character, int):  # libyaml gives the code point
            character = chr(character)
        loaded.finding(
            "VA101",
            f"character {character!r} is not allowed in YAML",
            position=loaded.position(offset),
        )
        return None
    except _Unreadable:
        return None
    finally:
        loader.dispose()


class _Unreadable(Exception):
    """Raised while building when the document cannot be built at all (VA109)."""


#: A path while building, as cons cells ``(parent, key)`` so that each step is O(1);
#: flattened into a :data:`YamlPath` only when a finding needs it.
_Trail = tuple[Any, str | int] | tuple[()]


def _flatten(trail: _Trail) -> YamlPath:
    parts: list[str | int] = []
    while trail:
        trail, part = trail
        parts.append(part)
    return tuple(reversed(parts))


class _Open:
    """A mapping or sequence whose events are still coming."""

    __slots__ = ("anchor", "flags", "size", "start", "trail")

    def __init__(self, start: int, flags: int, trail: _Trail, anchor: str | None) -> None:
        self.start = start
        self.flags = flags
        self.trail = trail
        self.anchor = anchor
        self.size = 1  # values built inside it, aliases expanded: the alias budget


class _OpenMapping(_Open):
    __slots__ = ("key", "key_at", "spots", "values")

    def __init__(self, start: int, flags: int, trail: _Trail, anchor: str | None) -> None:
        super().__init__(start, flags, trail, anchor)
        self.values: dict[str, Any] = {}
        self.spots: dict[str, Entry] = {}
        self.key: str | None = None  # the key waiting for its value; _SKIP drops it
        self.key_at = 0


class _OpenSequence(_Open):
    __slots__ = ("spots", "values")

    def __init__(self, start: int, flags: int, trail: _Trail, anchor: str | None) -> None:
        super().__init__(start, flags, trail, anchor)
        self.values: list[Any] = []
        self.spots: list[Entry] = []


_SKIP = "\\x00skip"  # the key of a value that is read but not kept (a bad or repeated key)


class _Builder:
    """Builds plain values and their spots from the event stream in one pass, without
    recursion: mappings become dicts, sequences tuples (so strict validation accepts
    them), scalars typed by their resolved tag.

    Duplicate keys (VA107), tags that are not plain data or that the value does not fit
    (VA101) and merge keys (VA102) are reported on the way; recursive aliases, nesting
    past the limit and alias expansion past the budget stop the build (VA109). An alias
    shares the values and spots of its anchor. This is the hot path of a scan, hence the
    plain loop.
    """

    def __init__(self, loader: Any, loaded: LoadedFile) -> None:
        self.loader = loader
        self.loaded = loaded
        self.budget = loaded.limits.alias_expansion + len(loaded.text)
        self.max_depth = loaded.limits.depth
        self.anchors: dict[str, tuple[Any, Spot, int]] = {}
        self.anchor_starts: dict[str, Any] = {}  # for the duplicate-anchor message

    def document(self) -> tuple[Any, Spot] | None:
        """The single document of the stream (``None``, with VA102, when it is empty)."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            self.loaded.finding(
                "VA102",
                "file is empty: expected a process (valueaudit: 1, id, parties, touchpoints)",
                position=(1, 1),
            )
            return None
        document = loader.get_event()
        built = self.build()
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            second = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                document.start_mark,
                "but found another document",
                second.start_mark,
            )
        return built

    def build(self) -> tuple[Any, Spot]:
        """One value, read from its first event to its last."""
        loader = self.loader
        stack: list[_Open] = []
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                top = stack[-1] if stack else None
                if isinstance(top, _OpenMapping) and top.key is None:
                    self._key(top, event)
                    continue
                value, spot = self._scalar(event, top)
                size = cost = 1
                if event.anchor is not None:
                    self._anchor(event, value, spot, size)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                top = stack[-1] if stack else None
                trail = self._trail_in(top)
                if len(stack) >= self.max_depth:
                    self._stop(event, f"nesting is deeper than {self.max_depth} levels")
                mapping = kind is yaml.MappingStartEvent
                tag = event.tag
                if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                    self._unsupported_tag(tag, event, trail)
                if event.anchor is not None:
                    self._open_anchor(event)
                start = event.start_mark.index
                if mapping:
                    flags = FLOW if event.flow_style else 0
                    stack.append(_OpenMapping(start, flags, trail, event.anchor))
                else:
                    stack.append(_OpenSequence(start, 0, trail, event.anchor))
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                end = event.end_mark.index
                if isinstance(done, _OpenMapping):
                    value = done.values
                    spot = Spot(done.start, end, done.flags, done.spots)
                else:
                    assert isinstance(done, _OpenSequence)
                    value = tuple(done.values)
                    spot = Spot(done.start, end, done.flags, tuple(done.spots))
                size, cost = done.size, 1  # what it holds was counted as it came
                if done.anchor is not None:
                    self._anchor_done(done.anchor, value, spot, size)
                top = stack[-1] if stack else None
                if isinstance(top, _OpenMapping) and top.key is None:
                    self._bad_key(spot, "a key must be plain text, not a list or mapping")
                    top.key = _SKIP
                    continue
            elif kind is yaml.AliasEvent:
                value, spot, size = self._alias(event)
                cost = size  # an alias adds a copy of all its anchor holds
                top = stack[-1] if stack else None
                if isinstance(top, _OpenMapping) and top.key is None:
                    self._bad_key(spot, "a key must be plain text, not an alias")
                    top.key = _SKIP
                    continue
            else:  # pragma: no cover - the parser yields nothing else inside a document
                raise yaml.composer.ComposerError(None, None, "unexpected event", event.start_mark)
            self.budget -= cost
            if self.budget < 0:
                self._stop(event, "aliases expand to too many values (an alias bomb?)")
            if not stack:
                return value, spot
            self._add(stack[-1], value, spot, size)

    def _add(self, top: _Open, value: Any, spot: Spot, size: int) -> None:
        top.size += size
        if isinstance(top, _OpenMapping):
            key = top.key
            top.key = None
            if key is not None and key is not _SKIP:
                top.values[key] = value
                top.spots[key] = _entry(top.key_at, spot)
        elif isinstance(top, _OpenSequence):
            top.values.append(value)
            top.spots.append(_entry(0, spot))

    def _trail_in(self, top: _Open | None) -> _Trail:
        """The path of the value about to be read inside ``top``."""
        if isinstance(top, _OpenMapping):
            return (top.trail, top.key) if top.key not in (None, _SKIP) else top.trail
        if isinstance(top, _OpenSequence):
            return (top.trail, len(top.values))
        return ()

    def _key(self, top: _OpenMapping, event: Any) -> None:
        """A plain key of the open mapping: kept unless it is a merge key or repeated."""
        key = event.value
        tag = event.tag
        if tag is None and event.implicit[0] and key == "<<":
            self._bad_key(
                Spot(event.start_mark.index, event.end_mark.index, 0, None),
                "merge keys (<<) are not supported in process files; write the keys out",
            )
            top.key = _SKIP
            return
        self.budget -= 1
        if key in top.values:
            first, _ = _unpack(top.spots[key])
            first_line = self.loaded.position(first)[0]
            self.loaded.finding(
                "VA107",
                f"duplicate key '{key}' (first at line {first_line}); "
                "YAML forbids it and only one of them could count",
                (*_flatten(top.trail), key),
                position=self.loaded.position(event.start_mark.index),
            )
            top.key = _SKIP
            return
        if event.anchor is not None:
            self._anchor(event, key, Spot(event.start_mark.index, event.end_mark.index, 0, None), 1)
        top.key = key
        top.key_at = event.start_mark.index

    def _scalar(self, event: Any, top: _Open | None) -> tuple[Any, Spot]:
        text = event.value
        explicit = event.tag
        tag = explicit
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        start, end = event.start_mark.index, event.end_mark.index
        if tag == _STR:
            return text, Spot(start, end, 0, None)
        flags = PLAIN if not event.style else 0
        spot = Spot(start, end, flags, None)
        builder = _SCALAR_BUILDERS.get(tag)
        trail = self._trail_in(top)
        if builder is None:
            self._unsupported_tag(tag, event, trail)
            return text, spot
        try:
            return builder(tag, text), spot
        except _CONSTRUCTION_ERRORS:
            if explicit is None or explicit == "!":
                # resolved from the text itself: only a date like 2027-02-30 gets here;
                # it stays text and validation judges it
                return text, spot
            short = tag.replace("tag:yaml.org,2002:", "!!")
            self.loaded.finding(
                "VA101",
                f"'{text}' is not {_TAG_MEANS.get(tag, 'what its tag says')} (tag {short})",
                _flatten(trail),
                position=self.loaded.position(start),
            )
            return text, spot

    def _unsupported_tag(self, tag: str, event: Any, trail: _Trail) -> None:
        short = tag.replace("tag:yaml.org,2002:", "!!")
        self.loaded.finding(
            "VA101",
            f"tag '{short}' is not allowed: process files hold plain data only",
            _flatten(trail),
            position=self.loaded.position(event.start_mark.index),
        )

    def _bad_key(self, spot: Spot, message: str) -> None:
        self.loaded.finding("VA102", message, position=self.loaded.position(spot.start))

    def _open_anchor(self, event: Any) -> None:
        anchor = event.anchor
        if anchor in self.anchor_starts:
            raise yaml.composer.ComposerError(
                f"found duplicate anchor {anchor!r}; first occurrence",
                self.anchor_starts[anchor],
                "second occurrence",
                event.start_mark,
            )
        self.anchor_starts[anchor] = event.start_mark

    def _anchor(self, event: Any, value: Any, spot: Spot, size: int) -> None:
        self._open_anchor(event)
        self.anchors[event.anchor] = (value, spot, size)

    def _anchor_done(self, anchor: str, value: Any, spot: Spot, size: int) -> None:
        self.anchors[anchor] = (value, spot, size)

    def _alias(self, event: Any) -> tuple[Any, Spot, int]:
        anchor = event.anchor
        found = self.anchors.get(anchor)
        if found is not None:
            return found
        if anchor in self.anchor_starts:  # still open: it would contain itself
            mark = self.anchor_starts[anchor]
            self.loaded.finding(
                "VA109",
                "the collection anchored here contains an alias to itself",
                position=self.loaded.position(mark.index),
            )
            raise _Unreadable
        raise yaml.composer.ComposerError(
            None, None, f"found undefined alias {anchor!r}", event.start_mark
        )

    def _stop(self, event: Any, message: str) -> None:
        self.loaded.finding("VA109", message, position=self.loaded.position(event.start_mark.index))
        raise _Unreadable
