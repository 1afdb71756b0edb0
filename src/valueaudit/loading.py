"""Read a process file into plain values, keeping every position (the *load* stage).

The data path is: bytes (size-checked) -> text (UTF-8, BOM accepted) -> YAML node tree
(libyaml's composer when available) -> plain Python values built in one walk over the
nodes; :mod:`valueaudit.validation` then makes the :class:`~valueaudit.model.Process`.
The node tree is kept beside the model so any finding, from the parser, from validation
or from a rule, can be placed at the exact line and column of the key or value it is
about (:meth:`LoadedFile.locate`).

Problems become findings, never exceptions: VA101 (not YAML), VA102 (a merge key, a
second document, an empty file), VA107 (duplicate key) and VA109 (unreadable: encoding,
size, depth, aliases, I/O).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from valueaudit.findings import Finding, Severity, YamlPath, content_digest, format_path
from valueaudit.paths import display_path
from valueaudit.settings import Limits

if TYPE_CHECKING:
    from valueaudit.model import Process

DEFAULT_LIMITS = Limits()

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
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


_MERGE = "tag:yaml.org,2002:merge"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_BUILDERS: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    _STR: lambda node: node.value,
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
    "tag:yaml.org,2002:value": lambda node: node.value,
    "!": lambda node: node.value,
}


#: Per file: for each mapping node (by id), its keys and (key node, value node).
KeyIndex = dict[int, dict[str, tuple[yaml.Node, yaml.Node]]]


@dataclass
class LoadedFile:
    """A process file after loading: the model (``None`` if it is invalid), the node
    tree for positions, and the findings met on the way."""

    file: str
    limits: Limits = DEFAULT_LIMITS
    root: yaml.Node | None = None
    text: str = ""
    process: Process | None = None
    raw_id: str | None = None
    #: The document as plain values (mappings as dicts, sequences as tuples), once read.
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    _places: dict[YamlPath, tuple[int, int, str]] = field(default_factory=dict, repr=False)
    _key_index: KeyIndex = field(default_factory=dict, repr=False)

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
        """A finding of rule ``code`` placed at the node at ``path`` (its key with
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

    def locate(self, path: YamlPath, *, at_key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of the node at ``path`` (its key with
        ``at_key``); a path that leaves the tree stops at the deepest node that exists."""
        node, key_node, complete = _descend(self.root, path, self._key_index)
        target = key_node if at_key and complete and key_node is not None else node
        return _position(target) if target is not None else (1, 1)

    def item_lines(self, path: YamlPath) -> list[int]:
        """The line of each item of the sequence at ``path`` (empty if there is none)."""
        node, _, complete = _descend(self.root, path, self._key_index)
        if not complete or not isinstance(node, yaml.SequenceNode):
            return []
        return [_position(item)[0] for item in node.value]

    def place(self, path: YamlPath) -> tuple[int, int, str]:
        """Line, column and content digest of the node at ``path`` (cached: many
        findings point at the same node). The digest covers the node's text with white
        space folded, so it identifies what a finding is about whatever its line."""
        cached = self._places.get(path)
        if cached is None:
            node, _, _ = _descend(self.root, path, self._key_index)
            if node is None or node.start_mark is None or node.end_mark is None:
                line, column, text = 1, 1, format_path(path)
            else:
                line, column = _position(node)
                text = self.text[node.start_mark.index : node.end_mark.index]
            cached = (line, column, content_digest(text))
            self._places[path] = cached
        return cached


def _descend(
    root: yaml.Node | None, path: YamlPath, cache: KeyIndex | None = None
) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
    """Follow ``path`` from ``root``: (deepest node reached, the key node of the last
    mapping step taken, whether the whole path was reached). ``cache`` must belong to
    the tree of ``root`` (node ids are only unique while the nodes live)."""
    if cache is None:
        cache = {}
    node, key_node = root, None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = _keys(node, cache).get(part) if isinstance(part, str) else None
            if found is None:
                return node, key_node, False
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node, key_node, False
            node, key_node = node.value[part], None
        else:
            return node, key_node, False
    return node, key_node, True


def _keys(node: yaml.MappingNode, cache: KeyIndex) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """The (key node, value node) of each plain key of a mapping, the first winning;
    ``cache`` keeps them per mapping for the file's lifetime."""
    index = cache.get(id(node))
    if index is None:
        index = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                index.setdefault(key.value, (key, value))
        cache[id(node)] = index
    return index


def node_at(root: yaml.Node | None, path: YamlPath) -> yaml.Node | None:
    """The node at ``path``, or ``None`` when the path leaves the tree."""
    node, _, complete = _descend(root, path)
    return node if complete else None


def load_file(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedFile:
    """Read one process file into plain values with their positions (not yet validated:
    see :mod:`valueaudit.validation`). Never raises for bad input."""
    loaded = LoadedFile(display or display_path(path), limits)
    data = _read_bytes(path, loaded)
    if data is None:
        return loaded
    text = _decode(data, loaded)
    if text is None:
        return loaded
    return load_text(text, loaded)


def load_text(text: str, loaded: LoadedFile) -> LoadedFile:
    """Read a process from text already read (used by :func:`load_file` and tests)."""
    if not _depth_ok(text, loaded):
        return loaded
    root = _compose(text, loaded)
    if root is None:
        return loaded
    loaded.root = root
    loaded.text = text
    builder = _Builder(loaded, loaded.limits.alias_expansion + len(text), anchors="&" in text)
    try:
        data = builder.build(root, (), 0)
    except _Unreadable:
        return loaded
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
        size = path.stat().st_size
        if size > limit:
            loaded.finding(
                "VA109",
                f"file is too large to be a process ({size / 1_048_576:.1f} MiB; "
                f"the limit is {limit / 1_048_576:g} MiB)",
                position=(1, 1),
            )
            return None
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except IsADirectoryError:
        loaded.finding("VA109", "cannot read: this is a directory", position=(1, 1))
        return None
    except OSError as error:
        reason = error.strerror or str(error)
        loaded.finding("VA109", f"cannot read the file: {reason}", position=(1, 1))
        return None
    if len(data) > limit:  # it grew while we looked
        loaded.finding("VA109", "file is too large to be a process", position=(1, 1))
        return None
    return data


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


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
    loaded.finding("VA109", f"nesting is deeper than {most} levels", position=too_deep)
    return False


class _NestingCapReached(Exception):
    """libyaml gave up on the nesting itself, before our limit could be applied."""


def _first_too_deep(text: str, most: int, loader_class: type[Any]) -> tuple[int, int] | None:
    """The position of the first collection nested deeper than ``most`` levels, or
    ``None`` (also when the text is not YAML: the composer reports that, with its place)."""
    depth = 0
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > most:
                    return _position(event)
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


def _compose(text: str, loaded: LoadedFile) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        root: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if error.problem == "but found another document":
            loaded.finding(
                "VA102",
                "a process file holds one YAML document; a second one starts here",
                position=position,
            )
        else:
            loaded.finding("VA101", _parser_message(error), position=position)
        return None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        position = (before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        loaded.finding(
            "VA101",
            f"character {error.character!r} is not allowed in YAML",
            position=position,
        )
        return None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml reports marks
        loaded.finding("VA101", f"invalid YAML: {error}", position=(1, 1))
        return None
    finally:
        loader.dispose()
    if root is None:
        loaded.finding(
            "VA102",
            "file is empty: expected a process (valueaudit: 1, id, parties, touchpoints)",
            position=(1, 1),
        )
    return root


def _parser_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    if error.context and error.context_mark and error.context_mark != error.problem_mark:
        where = f"line {error.context_mark.line + 1}, column {error.context_mark.column + 1}"
        return f"{problem} ({error.context} at {where})"
    if error.context:
        return f"{problem} ({error.context})"
    return problem


class _Unreadable(Exception):
    """Raised inside the walk when the document cannot be built at all (VA109)."""


#: A path while building, as cons cells ``(parent, key)`` so that each step is O(1);
#: flattened into a :data:`YamlPath` only when a finding needs it.
_Trail = tuple[Any, str | int] | tuple[()]


def _flatten(trail: _Trail) -> YamlPath:
    parts: list[str | int] = []
    while trail:
        trail, part = trail
        parts.append(part)
    return tuple(reversed(parts))


class _Builder:
    """Builds plain values from nodes in one walk: mappings become dicts, sequences
    tuples (so strict validation accepts them), scalars typed by their resolved tag.

    Duplicate keys (VA107), tags that are not plain data (VA101) and merge keys (VA102)
    are reported on the way; recursive aliases and alias expansion past the budget stop
    the walk (VA109). This is the hot path of a scan, hence the plain loops.
    """

    def __init__(self, loaded: LoadedFile, limit: int, *, anchors: bool = True) -> None:
        self.loaded = loaded
        self.budget = limit
        self.max_depth = loaded.limits.depth
        # only anchors can make a collection contain itself: track them only if present
        self.active: set[int] | None = set() if anchors else None

    def build(self, node: yaml.Node, trail: _Trail, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            self._stop(node, "aliases expand to too many values (an alias bomb?)")
        if depth > self.max_depth:
            self._stop(node, f"nesting is deeper than {self.max_depth} levels")
        kind = type(node)
        if kind is yaml.ScalarNode:
            return (
                node.value if node.tag == _STR else self._scalar(cast(yaml.ScalarNode, node), trail)
            )
        active = self.active
        if active is not None:
            if id(node) in active:
                self._stop(node, "the collection anchored here contains an alias to itself")
            active.add(id(node))
        try:
            if kind is yaml.SequenceNode:
                if node.tag != _SEQ:
                    self._unsupported_tag(node, trail)
                deeper = depth + 1
                return tuple(
                    self.build(item, (trail, index), deeper)
                    for index, item in enumerate(node.value)
                )
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _MAP:
                self._unsupported_tag(node, trail)
            return self._mapping(node, trail, depth)
        finally:
            if active is not None:
                active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, trail: _Trail, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        deeper = depth + 1
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag == _MERGE:
                self._bad_key(key_node)
                continue
            key = key_node.value
            if key in result:
                self._duplicate(node, key_node, trail)
                continue
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                self.budget -= 1
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, (trail, key), deeper)
        return result

    def _bad_key(self, key_node: yaml.Node) -> None:
        if isinstance(key_node, yaml.ScalarNode):
            message = "merge keys (<<) are not supported in process files; write the keys out"
        else:
            message = "a key must be plain text, not a list or mapping"
        self.loaded.finding("VA102", message, position=_position(key_node))

    def _duplicate(self, node: yaml.MappingNode, key_node: yaml.ScalarNode, trail: _Trail) -> None:
        key = key_node.value
        first = next(k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value == key)
        self.loaded.finding(
            "VA107",
            f"duplicate key '{key}' (first at line {first.start_mark.line + 1}); "
            "YAML forbids it and only one of them could count",
            (*_flatten(trail), key),
            position=_position(key_node),
        )

    def _scalar(self, node: yaml.ScalarNode, trail: _Trail) -> Any:
        builder = _SCALAR_BUILDERS.get(node.tag)
        if builder is None:
            self._unsupported_tag(node, trail)
            return node.value
        try:
            return builder(node)
        except ValueError:  # a timestamp like 2027-02-30 stays text; validation judges it
            return node.value

    def _unsupported_tag(self, node: yaml.Node, trail: _Trail) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.loaded.finding(
            "VA101",
            f"tag '{tag}' is not allowed: process files hold plain data only",
            _flatten(trail),
            position=_position(node),
        )

    def _stop(self, node: yaml.Node, message: str) -> None:
        self.loaded.finding("VA109", message, position=_position(node))
        raise _Unreadable


def _position(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def is_plain_scalar(node: yaml.Node | None) -> bool:
    """Whether ``node`` is an unquoted scalar that YAML read as something other than text."""
    # libyaml marks plain scalars with style '', the pure-Python parser with None
    return isinstance(node, yaml.ScalarNode) and not node.style and node.tag != _STR
