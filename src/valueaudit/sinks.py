"""Where a run's outputs go: the ``--format FORMAT[:FILE]`` specs, and the sinks that
write them. Every output is fed the same stream; a file is written through a temporary
file and put in place only when every output has been written (a full disk or a
formatter bug fails that output, never another's file), and a temporary file is
registered before Ctrl-C or SIGTERM can unwind the run, so none is ever left behind."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from valueaudit.output import FORMATS

if TYPE_CHECKING:
    from valueaudit.engine import InternalError
    from valueaudit.output import Writer

from valueaudit.errors import UsageError


@dataclass(frozen=True)
class OutputSpec:
    """One ``--format FORMAT[:FILE]``: where a format goes (``None`` is stdout)."""

    format: str
    file: Path | None


def parse_output(spec: str) -> OutputSpec:
    """Parse ``FORMAT[:FILE]`` (``FILE`` ``-`` is standard output)."""
    name, colon, file = spec.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
    if colon and not file:
        raise UsageError(f"-f {spec}: the file name is empty; write {name}:FILE, or {name}")
    return OutputSpec(name, None if file in ("", "-") else output_file(file))


def output_file(text: str) -> Path:
    """The file an output option names; a folder is a usage error."""
    from valueaudit.output.files import OutputPathError, output_path

    try:
        return output_path(text)
    except OutputPathError as error:
        raise UsageError(f"cannot write {error}") from None


def parse_outputs(specs: list[str]) -> list[OutputSpec]:
    """Parse every ``--format``; at most one of them may go to standard output, since
    every output is written as the results arrive."""
    outputs = [parse_output(spec) for spec in specs]
    on_stdout = [o.format for o in outputs if o.file is None]
    if len(on_stdout) > 1:
        raise UsageError(
            f"only one format can go to standard output ({', '.join(on_stdout)} were asked "
            f"for); write the others to files: -f {on_stdout[1]}:FILE"
        )
    return outputs


@dataclass
class Sink:
    """One output of a run: its writer and where it writes."""

    name: str
    writer: Writer[Any, Any] | None
    target: Any  # an AtomicFile or a DeviceFile, or None for stdout
    broken: bool = False
    failure: str | None = None  # why writing its file failed (a full disk)


class Sinks:
    """The outputs of a run, each fed the same stream; a writer that breaks is reported
    as an internal error and dropped, and the others are still written."""

    def __init__(self, errors: list[InternalError]) -> None:
        self.items: list[Sink] = []
        self.errors = errors

    def open(
        self, name: str, file: Path | None, make: Callable[[TextIO], Writer[Any, Any]]
    ) -> None:
        from valueaudit.output.files import open_output

        if file is None:
            self.items.append(Sink(name, make(sys.stdout), None))
            return
        # Ctrl-C or SIGTERM wait until the temporary file is registered, so that the
        # unwinding they cause always finds it and removes it (:meth:`discard`)
        with signals_held():
            try:
                target = open_output(file)
            except OSError as error:
                self.discard()
                raise UsageError(f"cannot write {file}: {error.strerror or error}") from None
            output = Sink(name, None, target)
            self.items.append(output)
        output.writer = make(target.stream)

    def _guard(self, output: Sink, step: Callable[[], None]) -> None:
        if output.broken:
            return
        try:
            step()
        except OSError as error:
            if output.target is None:  # stdout: a closed pipe ends the run quietly
                raise
            output.failure = error.strerror or str(error)  # a full disk: not a bug
            output.broken = True
        except Exception as error:  # a broken formatter: say so, write the other outputs
            from valueaudit.engine import internal_error

            where = str(output.target.path) if output.target is not None else "stdout"
            self.errors.append(internal_error(where, f"the {output.name} output", error))
            output.broken = True

    def add(self, items: tuple[Any, ...]) -> None:
        """Give each output its own item."""
        from valueaudit.scan import BrokenPiece

        for output, item in zip(self.items, items, strict=True):
            if isinstance(item, BrokenPiece):
                if not output.broken:
                    self.errors.append(replace(item.error, where=f"the {output.name} output"))
                output.broken = True
                continue
            self._guard(output, lambda o=output, i=item: o.writer.add(i))  # type: ignore[misc]

    def finish(self, totals: object) -> None:
        """End every output, then put the files in place: all of them, or, when one
        cannot be written (a full disk), none, so no output is replaced while another
        keeps its old text."""
        for output in self.items:
            self._guard(output, lambda o=output: o.writer.finish(totals))  # type: ignore[misc]
        files = [o for o in self.items if o.target is not None]
        for output in files:
            if output.broken:
                output.target.discard()
                continue
            try:
                output.target.prepare()
            except OSError as error:
                output.failure = error.strerror or str(error)
        failed = [o for o in files if o.failure is not None]
        if failed:
            self.discard()
            raise UsageError(f"cannot write {failed[0].target.path}: {failed[0].failure}")
        try:
            for output in files:
                if not output.broken:
                    output.target.place()
        except OSError as error:
            self.discard()
            raise UsageError(f"cannot write {output.target.path}: {error.strerror}") from None
        sys.stdout.flush()

    def discard(self) -> None:
        for output in self.items:
            if output.target is not None:
                output.target.discard()


def check_targets(outputs: list[Path | None], inputs: list[tuple[Path, str]]) -> None:
    """Refuse, as a usage error, outputs that would overwrite an input or each other."""
    from valueaudit.output import files

    try:
        files.check_targets([o for o in outputs if o is not None], (path for path, _ in inputs))
    except files.OutputPathError as error:
        raise UsageError(str(error)) from None


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM meanwhile: they arrive, and unwind the run, once the
    block is done (in the main thread; elsewhere, and where signals cannot be held, the
    block runs as it is)."""
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
