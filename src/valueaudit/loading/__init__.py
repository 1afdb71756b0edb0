"""Read a process file into plain values, keeping every position (the *load* stage).

The data path is, one module a step: bytes (size-checked) -> text (UTF-8, BOM accepted)
(:mod:`~valueaudit.loading.source`) -> YAML events (libyaml's parser when available) ->
plain Python values and a compact tree of their places, built together in one pass over
the events (:mod:`~valueaudit.loading.tree`), kept with line and column as editors count
them (:mod:`~valueaudit.loading.positions`); :mod:`valueaudit.validation` then makes the
:class:`~valueaudit.model.Process`. No YAML node tree is made.

Problems become findings, never exceptions: VA101 (not YAML, a bad tag), VA102 (a merge
key, a second document, an empty file), VA107 (duplicate key) and VA109 (unreadable:
encoding, size, depth, aliases, I/O).
"""

from __future__ import annotations

from pathlib import Path

from valueaudit.hints import escape_unsafe
from valueaudit.loading.positions import DEFAULT_LIMITS, LoadedFile
from valueaudit.loading.source import decode_text, read_bytes
from valueaudit.loading.tree import depth_ok, first_id, read_document
from valueaudit.paths import display_path
from valueaudit.settings import Limits


def load_file(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedFile:
    """Read one process file into plain values with their positions (not yet validated:
    see :mod:`valueaudit.validation`). Never raises for bad input."""
    # a file name can hold control characters too: shown escaped, like any user text
    loaded = LoadedFile(escape_unsafe(display or display_path(path)), limits)
    data = read_bytes(path, loaded)
    if data is None:
        return loaded
    text = decode_text(data, loaded)
    if text is None:
        return loaded
    return load_text(text, loaded)


def peek_id(path: Path, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """A process file's top-level ``id`` as written, read from the start of the file
    only as far as the id (YAML events, no values built): ``check`` learns the ids of the
    files it is not asked to check this way (VA104 across files, for pre-commit), at a
    small fraction of a load. ``None`` when the file cannot be read or has no plain id
    before anything goes wrong; the full load of a checked file says what."""
    loaded = LoadedFile(str(path), limits)
    data = read_bytes(path, loaded)
    text = None if data is None else decode_text(data, loaded)
    return None if text is None else first_id(text)


def load_text(text: str, loaded: LoadedFile) -> LoadedFile:
    """Read a process from text already read (used by :func:`load_file` and tests)."""
    loaded.text = text
    if not depth_ok(text, loaded):
        return loaded
    built = read_document(text, loaded)
    if built is None:
        return loaded
    data, loaded.root = built
    loaded.data = data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        loaded.raw_id = data["id"]
        # findings met before the id was known
        loaded.findings = [f._replace(process=loaded.raw_id) for f in loaded.findings]
    return loaded


__all__ = ["DEFAULT_LIMITS", "LoadedFile", "load_file", "load_text", "peek_id"]
