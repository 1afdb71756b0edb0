"""Formatters: one registry, one signature, fed by one ordered stream of file results.

Every format is a module with a ``ScanWriter`` (and, for the formats ``diff`` writes, a
``DiffWriter``). A writer is made with where it writes and the run's options; it takes
each item of the stream as it arrives (:meth:`Writer.add`) and writes what is left at
the end (:meth:`Writer.finish`). It writes incrementally, or keeps only what its format
must hold (a bounded top list, a spooled section), so memory does not grow with the
number of files. ``scan``, ``check``, ``report`` and ``diff`` all choose from
:data:`FORMATS`; :func:`render` runs one writer over results held in memory, for the
Python API and tests.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

    from valueaudit.engine import FileResult, Totals
    from valueaudit.settings import Settings

#: Format name -> the module that writes it.
FORMATS: dict[str, str] = {
    "text": "valueaudit.output.text",
    "json": "valueaudit.output.json_format",
    "sarif": "valueaudit.output.sarif",
    "github": "valueaudit.output.github",
    "junit": "valueaudit.output.junit",
    "gitlab": "valueaudit.output.gitlab",
    "markdown": "valueaudit.output.markdown",
}

#: Process sections a Markdown report holds at most (``report.max-processes``).
DEFAULT_MAX_PROCESSES = 100

Item = TypeVar("Item", contravariant=True)


@dataclass(frozen=True)
class Options:
    """What a writer may need to know about the run besides the results."""

    settings: Settings
    quiet: bool = False
    #: Whether the writer writes to standard output (styled when that is a terminal)
    #: rather than to a file.
    stdout: bool = False
    max_processes: int = DEFAULT_MAX_PROCESSES


class Writer(Protocol[Item]):
    """Writes one format from a stream of items (file results, or a diff's changes)."""

    def add(self, item: Item) -> None:
        """Take the next item of the stream."""

    def finish(self, totals: Totals) -> None:
        """Write what is left, now that the stream has ended."""


def _module(name: str) -> Any:
    return importlib.import_module(FORMATS[name])


def scan_writer(name: str, out: TextIO, options: Options) -> Writer[FileResult]:
    """The writer of format ``name`` for a scan, writing to ``out``."""
    writer: Writer[FileResult] = _module(name).ScanWriter(out, options)
    return writer


def writes_diff(name: str) -> bool:
    """Whether ``diff`` can write format ``name``."""
    return hasattr(_module(name), "DiffWriter")


def diff_writer(name: str, out: TextIO, options: Options) -> Writer[Any]:
    """The writer of format ``name`` for a diff, writing to ``out``."""
    writer: Writer[Any] = _module(name).DiffWriter(out, options)
    return writer


def render(name: str, results: Iterable[FileResult], options: Options) -> str:
    """Results held in memory, written in format ``name``, as text (through the same
    writer a scan streams to)."""
    from valueaudit.engine import Tally

    out = io.StringIO()
    writer = scan_writer(name, out, options)
    tally = Tally()
    for result in results:
        tally.add(result)
        writer.add(result)
    writer.finish(tally.totals())
    return out.getvalue()


def console(out: TextIO, *, stdout: bool) -> Console:
    """A rich console writing to ``out``: for standard output, styled when it is a
    terminal; for a file, plain and 100 columns wide (rich is imported only here, when
    something is printed with it)."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 here; valueaudit ends quietly with 141, as for every output
            raise BrokenPipeError

    if stdout:
        return PipeAwareConsole(file=out, highlight=False)
    return PipeAwareConsole(file=out, highlight=False, no_color=True, width=100)
