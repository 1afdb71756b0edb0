"""Text to plain values with their places, the YAML step of the *load* stage: libyaml's
events (when PyYAML has it) built in one pass into plain Python values and their
:class:`~valueaudit.loading.positions.Spot` tree, with the depth, alias and tag checks
that keep hostile YAML from costing more than its size. Problems become findings:
VA101 (not YAML, a bad tag), VA102 (a merge key, a second document, an empty file),
VA107 (a duplicate key), VA109 (too deep, too many aliases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from valueaudit.findings import YamlPath
from valueaudit.hints import yaml_hint
from valueaudit.loading.positions import (
    FLOW,
    PLAIN,
    Entry,
    LoadedFile,
    Spot,
    pack_entry,
    unpack_entry,
)

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


def depth_ok(text: str, loaded: LoadedFile) -> bool:
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


_RESOLVER = yaml.resolver.Resolver()


def _text(event: yaml.Event) -> str | None:
    """A scalar event's value if it is a string as the loader reads it (not a number,
    a boolean or null; no tag); else ``None``."""
    if not isinstance(event, yaml.ScalarEvent) or event.tag not in (None, "!"):
        return None
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    return event.value if tag == _STR else None


def first_id(text: str) -> str | None:
    """The top-level ``id`` of a YAML document if it is a plain string scalar, from the
    parser's events up to it (nothing after it is read). ``None`` otherwise, and for
    text that is not YAML before the id."""
    depth = 0
    expecting_key = True  # at depth 1: the next scalar is a key
    found = False  # the last key at depth 1 was ``id``
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                if found:
                    return None
                depth += 1
                if depth == 2:  # a value at depth 1 starts
                    expecting_key = True
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 0:
                    return None
            elif depth == 1 and isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                if found:
                    return _text(event)
                found = (
                    expecting_key and isinstance(event, yaml.ScalarEvent) and (event.value == "id")
                )
                expecting_key = not expecting_key
    except yaml.YAMLError:
        return None
    return None


def read_document(text: str, loaded: LoadedFile) -> tuple[Any, Spot] | None:
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
                # an alias adds a copy of all its anchor holds: its values, and its text
                # (one anchored 100 KB name used 300 times is 30 MB in every output)
                cost = size + (spot.end - spot.start)
                top = stack[-1] if stack else None
                if isinstance(top, _OpenMapping) and top.key is None:
                    self._bad_key(spot, "a key must be plain text, not an alias")
                    top.key = _SKIP
                    continue
            else:  # pragma: no cover - the parser yields nothing else inside a document
                raise yaml.composer.ComposerError(None, None, "unexpected event", event.start_mark)
            self.budget -= cost
            if self.budget < 0:
                self._stop(
                    event, "aliases expand to too many values or too much text (an alias bomb?)"
                )
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
                top.spots[key] = pack_entry(top.key_at, spot)
        elif isinstance(top, _OpenSequence):
            top.values.append(value)
            top.spots.append(pack_entry(0, spot))

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
            first, _ = unpack_entry(top.spots[key])
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
