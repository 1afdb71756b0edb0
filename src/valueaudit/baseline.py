"""Baselines: report only findings that are new since a recorded state.

A baseline file lists findings by file, process, rule and a digest of what each is
about (its touchpoint and its message: :func:`~valueaudit.findings.about_digest`), with
a count, never by line number or place in a list, so moving lines, adding a touchpoint
or editing an unrelated flow does not break it (the YAML path is written for people).
Findings are matched as a multiset: a key recorded twice hides two findings.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TextIO

from valueaudit.findings import Finding
from valueaudit.hints import escape_unsafe
from valueaudit.version import __version__

if TYPE_CHECKING:
    from valueaudit import documents
    from valueaudit.engine import FileResult


class Ending(Protocol):
    """What a baseline takes from the scan's summary: its scan-level findings."""

    @property
    def findings(self) -> tuple[Finding, ...]: ...


BASELINE_VERSION: Literal[1] = 1
Key = tuple[str, str, str, str]


class BaselineError(Exception):
    """The baseline file cannot be read."""


def prepare(result: FileResult, options: object = None) -> tuple[tuple[Key, str, str], ...]:
    """What a baseline records of one file: each finding's identity, message and path."""
    return entries(result.findings)


def entries(findings: Iterable[Finding]) -> tuple[tuple[Key, str, str], ...]:
    """Each finding's identity, message and YAML path (the path is for people to read:
    the identity leaves it out, so a touchpoint added before does not break it)."""
    return tuple((finding.identity, finding.message, finding.path) for finding in findings)


class BaselineWriter:
    """``--write-baseline``: the findings of the run, one entry per identity, in a
    stable order (what a baseline must hold: every finding's identity)."""

    def __init__(self, out: TextIO, options: object = None) -> None:
        self.out = out
        self.counts: Counter[Key] = Counter()
        self.messages: dict[Key, tuple[str, str]] = {}

    def add(self, piece: tuple[tuple[Key, str, str], ...]) -> None:
        """Record one file's findings."""
        for key, message, path in piece:
            self.counts[key] += 1
            self.messages.setdefault(key, (message, path))

    def finish(self, summary: Ending) -> None:
        """Write the baseline file, the scan-level findings included."""
        from valueaudit import documents

        self.add(entries(summary.findings))
        recorded: list[documents.BaselineEntry] = [
            {
                "file": key[0],
                "process": key[1],
                "path": self.messages[key][1],
                "code": key[2],
                "content_hash": key[3],
                "count": self.counts[key],
                "message": self.messages[key][0],
            }
            for key in sorted(self.counts)
        ]
        document: documents.BaselineDocument = {
            "valueaudit_baseline": BASELINE_VERSION,
            "version": __version__,
            "findings": recorded,
        }
        values = documents.plain_values(documents.BaselineDocument, document)
        self.out.write(json.dumps(values, ensure_ascii=False, indent=2) + "\n")


#: A baseline larger than this is refused: far above a real one (about 200 bytes a
#: finding), and a bound for what a hostile path (``/dev/zero``) could make us read.
MAX_BASELINE_BYTES = 256 * 1024 * 1024
#: The most findings one baseline entry may count.
MAX_COUNT = 10**9


def _read_regular(path: Path) -> bytes:
    """A regular file's bytes, at most :data:`MAX_BASELINE_BYTES`: a FIFO, a device or a
    folder is refused without blocking on it (``O_NONBLOCK``)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as opened:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise BaselineError(f"{path}: not a valueaudit baseline (not a regular file)")
        data = opened.read(MAX_BASELINE_BYTES + 1)
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError(
            f"{path}: not a valueaudit baseline (larger than {MAX_BASELINE_BYTES // 2**20} MiB)"
        )
    return data


def read_baseline(path: Path) -> Counter[Key]:
    """The identities a baseline file records, with their counts. Anything else (not a
    regular file, too large, not JSON, nested too deep, counts that are not whole numbers
    from 1 to a billion) is a :class:`BaselineError`, never a traceback."""
    try:
        document: Any = json.loads(_read_regular(path).decode("utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = (
            "nested too deep" if isinstance(error, RecursionError) else escape_unsafe(str(error))
        )
        raise BaselineError(f"{path}: not a valueaudit baseline ({reason})") from None
    if not isinstance(document, dict) or document.get("valueaudit_baseline") != 1:
        raise BaselineError(f"{path}: not a valueaudit baseline (valueaudit_baseline: 1 missing)")
    counts: Counter[Key] = Counter()
    try:
        for entry in document["findings"]:
            key = tuple(str(entry[k]) for k in ("file", "process", "code", "content_hash"))
            count = entry.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
                raise ValueError(f"count must be a whole number from 1 to {MAX_COUNT:,}")
            counts[key] += count  # type: ignore[index]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        reason = escape_unsafe(str(error))
        raise BaselineError(
            f"{path}: not a valueaudit baseline (malformed entry: {reason})"
        ) from None
    return counts


class BaselineFilter:
    """Leaves out the findings a baseline records, file by file, counting them (matched
    as a multiset: a key recorded twice hides two findings)."""

    def __init__(self, known: Counter[Key]) -> None:
        self.remaining = Counter(known)
        self.recorded = sum(known.values())
        self.recorded_in: Counter[str] = Counter()
        for key, count in known.items():
            self.recorded_in[key[0]] += count

    def filter(self, findings: tuple[Finding, ...]) -> tuple[tuple[Finding, ...], int]:
        """The findings the baseline does not know, and how many it knew. Identities
        name their file, so files can be filtered apart (in the workers)."""
        new: list[Finding] = []
        for finding in findings:
            key = finding.identity
            if self.remaining[key] > 0:
                self.remaining[key] -= 1
            else:
                new.append(finding)
        known = len(findings) - len(new)
        return (tuple(new) if known else findings), known

    def unverified(self, file: str, valid: bool, known: int) -> int:
        """How many of its findings the baseline records for a file that cannot be
        audited now: those are not fixed (nobody can tell)."""
        return 0 if valid else self.recorded_in[file] - known
