"""Formatters: one registry, one signature, fed by one ordered stream of file results.

Every format is a module with a ``prepare`` function and a ``ScanWriter`` (and, for the
formats ``diff`` and ``portfolio`` write, a ``DiffWriter`` and a ``PortfolioWriter``).
``prepare(result, options)`` does a format's per-file work, in the worker process that
audited the file, and returns a small piece (mostly text); the writer, made with where
it writes and the run's options, takes the pieces in path order as they arrive
(:meth:`Writer.add`) and ends with the scan's :class:`~valueaudit.scan.Summary`
(:meth:`Writer.finish`): the totals, the ledger and the scan-level findings, which it
writes as its format places them. It writes incrementally, or keeps only what its
format must hold (a bounded top list, a spooled section), so memory does not grow with
the number of files. ``scan``, ``check``, ``report``, ``portfolio`` and ``diff`` all
choose from :data:`FORMATS`; :func:`render` runs the same two steps over a scan held in
memory, for the Python API and tests.
"""

from __future__ import annotations

import copy
import importlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar, cast

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import TextType

    from valueaudit.engine import FileResult
    from valueaudit.model import Process
    from valueaudit.scan import ScanResult
    from valueaudit.scoring import ProcessScore
    from valueaudit.settings import Settings
    from valueaudit.simulation import ProcessSimulation, Verdict

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

#: How the terminal shows each severity (rich styles).
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

#: Process sections a Markdown report holds at most (``report.max-processes``).
DEFAULT_MAX_PROCESSES = 100

#: Party columns a table per touchpoint has room for (the parties receiving most).
MAX_PARTY_COLUMNS = 8

Item = TypeVar("Item", contravariant=True)
End = TypeVar("End", contravariant=True)


@dataclass(frozen=True)
class TextStyle:
    """How text output looks, as rich found it for the real output: workers render text
    the way the main process's console would."""

    terminal: bool = False
    color_system: str | None = None
    no_color: bool = True
    width: int = 100


@dataclass(frozen=True)
class Options:
    """What a format may need to know about the run besides the results."""

    settings: Settings
    quiet: bool = False
    #: Whether the writer writes to standard output rather than to a file.
    stdout: bool = False
    max_processes: int = DEFAULT_MAX_PROCESSES
    #: For text rendered in the workers, what rich found out about the output: whether
    #: it is a terminal, its colour system, whether colour is off, and its width.
    style: TextStyle = field(default_factory=lambda: TextStyle())
    #: ``K/N`` when the run audits one part of the files (``--shard``).
    shard: str | None = None


class Writer(Protocol[Item, End]):
    """Writes one format from a stream of items (each file's piece, or a diff's parts)
    and what the stream ends with (the scan's summary, or a diff's totals)."""

    def add(self, item: Item) -> None:
        """Take the next item of the stream."""

    def finish(self, summary: End) -> None:
        """Write what is left, now that the stream has ended."""


def _module(name: str) -> Any:
    return importlib.import_module(FORMATS[name])


def scan_writer(name: str, out: TextIO, options: Options) -> Writer[Any, Any]:
    """The writer of format ``name`` for a scan, writing to ``out``."""
    writer: Writer[Any, Any] = _module(name).ScanWriter(out, options)
    return writer


def preparer(name: str) -> Callable[[FileResult, Options], Any]:
    """The per-file step of format ``name`` (run in the workers)."""
    prepare: Callable[[FileResult, Options], Any] = _module(name).prepare
    return prepare


def writes_portfolio(name: str) -> bool:
    """Whether ``portfolio`` can write format ``name``."""
    return hasattr(_module(name), "PortfolioWriter")


def portfolio_writer(name: str, out: TextIO, options: Options) -> Writer[Any, Any]:
    """The writer of format ``name`` for the portfolio ledger, writing to ``out``."""
    writer: Writer[Any, Any] = _module(name).PortfolioWriter(out, options)
    return writer


def writes_diff(name: str) -> bool:
    """Whether ``diff`` can write format ``name``."""
    return hasattr(_module(name), "DiffWriter")


def diff_writer(name: str, out: TextIO, options: Options) -> Writer[Any, Any]:
    """The writer of format ``name`` for a diff, writing to ``out``."""
    writer: Writer[Any, Any] = _module(name).DiffWriter(out, options)
    return writer


def render(name: str, scan: ScanResult, options: Options) -> str:
    """A scan held in memory, written in format ``name``, as text (through the same
    writer a scan streams to)."""
    out = io.StringIO()
    writer = scan_writer(name, out, options)
    prepare = preparer(name)
    for result in scan.files:
        writer.add(prepare(result, options))
    writer.finish(scan.summary)
    return out.getvalue()


def terminal_style(out: TextIO) -> TextStyle:
    """How rich would write text to ``out`` (standard output), for the workers that
    render text on the main process's behalf."""
    probe = console(out, stdout=True)
    return TextStyle(probe.is_terminal, probe.color_system, probe.no_color, probe.width)


def text_console(out: TextIO, options: Options) -> Console:
    """A console rendering into ``out`` text as the run's output will show it (see
    :func:`terminal_style`)."""
    from rich.console import Console

    style = options.style
    return Console(
        file=out,
        highlight=False,
        force_terminal=style.terminal,
        color_system=style.color_system,  # type: ignore[arg-type]
        no_color=style.no_color,
        width=style.width,
    )


#: What starts a CI log's command when a line begins with it (after spaces): GitHub
#: Actions' ``::error …``, Azure Pipelines' ``##vso[…]`` and ``##[group]``.
_LOG_COMMANDS = ("::", "##[", "##vso[")


def defused(line: str) -> str:
    """A line of output that no CI reads as a command: one that would start like one
    (a name at the start of a line may be ``::add-mask::…``) gets an invisible word
    joiner first, which log parsers do not trim as they trim spaces."""
    return "\u2060" + line if line.lstrip().startswith(_LOG_COMMANDS) else line


class TrimmedLines(io.TextIOBase):
    """Text written through, less the spaces rich pads lines with at their end, and with
    no line a CI could take for a command (:func:`defused`)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.pending = ""

    def write(self, text: str) -> int:
        head, newline, self.pending = (self.pending + text).rpartition("\n")
        if newline:
            lines = (defused(line.rstrip(" ")) for line in head.split("\n"))
            self.out.write("\n".join(lines) + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(defused(self.pending))
            self.pending = ""
        # a console can outlive the stream it wrote to (a test runner's, closed after
        # the command): finalised then, with nothing left to write, it must not fail
        # (Python 3.13 reports what a finaliser's close raises)
        if not self.out.closed:
            self.out.flush()


def console(out: TextIO, *, stdout: bool) -> Console:
    """A rich console writing to ``out``: for standard output, styled when it is a
    terminal; otherwise plain, never hard-wrapped and with no spaces padding its lines
    (SPEC §7), 100 columns wide for a file (rich is imported only here, when something
    is printed with it)."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 here; valueaudit ends quietly with 141, as for every output
            raise BrokenPipeError

    if stdout:
        terminal = PipeAwareConsole(file=out, highlight=False)
        if terminal.is_terminal:
            if terminal.no_color:  # NO_COLOR: plain, not merely colourless (no bold)
                return PipeAwareConsole(file=out, highlight=False, color_system=None)
            return terminal
        return PipeAwareConsole(file=_trimmed(out), highlight=False, soft_wrap=True)
    return PipeAwareConsole(
        file=_trimmed(out), highlight=False, no_color=True, width=100, soft_wrap=True
    )


#: The widest a table or panel grows when not printed to a terminal.
WIDEST = 10_000
#: The narrowest a name column folds to in a terminal, when it sets no minimum.
FOLDED = 8


def print_whole(out: Console, renderable: RenderableType) -> None:
    """Print a table or a panel. In a terminal it fits the window: a table too wide for
    it is printed as several, each with the first column again and as many of the
    others as fit (:func:`_split`), its name columns folding first; a number is never
    cut. Elsewhere it takes its natural width, however wide, so that no line is
    hard-wrapped and no column cut (SPEC §7): a piped table is read by scripts, and CI
    logs scroll sideways."""
    from rich.measure import Measurement
    from rich.table import Table

    if out.is_terminal:
        if isinstance(renderable, Table):
            for part in _split(out, renderable):
                out.print(part)
        else:
            out.print(renderable)
        return
    natural = Measurement.get(out, out.options.update(width=WIDEST), renderable).maximum
    width = out.width
    out.width = max(width, natural)  # rich caps print(width=…) at the console's width
    try:
        out.print(renderable)
    finally:
        out.width = width


def _split(out: Console, table: Table) -> list[Table]:
    """``table`` as tables that each fit ``out``'s width, keeping its first column in
    each and the others in order: as many as fit their widest cell, and at least one (a
    column that cannot fit folds, never cuts)."""
    from rich.measure import Measurement

    columns = table.columns
    if len(columns) < 3:
        return [table]

    def part(chosen: list[int], title: TextType | None, *, folded: bool = False) -> Table:
        piece = copy.copy(table)  # the same box, style and title, without columns
        piece.columns = []
        piece.rows = []
        piece.title = title
        for index in chosen:
            column = columns[index]
            piece.add_column(
                column.header,
                justify=column.justify,
                no_wrap=column.no_wrap,
                overflow="fold",  # when nothing else helps: a number breaks, never cut
                min_width=column.min_width,
                # measured folded: a name column as narrow as it may get
                max_width=(column.min_width or FOLDED) if folded and not column.no_wrap else None,
            )
        for row in range(table.row_count):
            piece.add_row(*(columns[index]._cells[row] for index in chosen))
        return piece

    def least(chosen: list[int]) -> int:
        """The narrowest the part can be: its name columns folded, numbers whole."""
        options = out.options.update(width=WIDEST)
        return Measurement.get(out, options, part(chosen, None, folded=True)).maximum

    if least(list(range(len(columns)))) <= out.width:
        return [table]  # it fits once its names fold
    parts: list[list[int]] = [[0]]
    for index in range(1, len(columns)):
        if len(parts[-1]) > 1 and least([*parts[-1], index]) > out.width:
            parts.append([0])
        parts[-1].append(index)
    continued = f"{table.title} (continued)" if table.title else None
    return [part(chosen, table.title if k == 0 else continued) for k, chosen in enumerate(parts)]


def _trimmed(out: TextIO) -> TextIO:
    return cast(TextIO, TrimmedLines(out))  # a text stream, as rich wants one


def shown_file(path: str) -> str:
    """A file's path as a log line may start with it: control characters shown as escapes
    (a newline cannot start a line of its own), and ``./`` before a path that starts
    with ``:``, so that no line valueaudit writes is read as a workflow command
    (``::error …``) by GitHub Actions or another CI. File names are user text."""
    from valueaudit.hints import escape_unsafe

    shown = escape_unsafe(path)
    if any(c in shown for c in _LINE_BREAKS):
        shown = "".join(ascii(c)[1:-1] if c in _LINE_BREAKS else c for c in shown)
    return f"./{shown}" if shown.startswith(":") else shown


#: What a log or a terminal may take for the end of a line (``escape_unsafe`` keeps the
#: newlines of text, such as a message over two lines; a file name has none).
_LINE_BREAKS = frozenset("\n\t\u2028\u2029")


def exchange_verdicts(
    process: Process, score: ProcessScore, simulation: ProcessSimulation
) -> Iterator[tuple[str, Verdict]]:
    """The simulated verdict of each uncertain exchange, labelled as a reader finds it:
    a touchpoint on its own by its id, several by their exchange's id."""
    for exchange, verdict in zip(score.exchanges, simulation.exchanges, strict=True):
        if verdict is not None:
            first = process.touchpoints[exchange.first].id
            yield (first if len(exchange.touchpoints) == 1 else str(exchange.id)), verdict
