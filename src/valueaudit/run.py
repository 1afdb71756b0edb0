"""Running a scan: what ``scan``, ``check`` and ``report`` share, without typer.

The typer commands in :mod:`valueaudit.cli` parse options and call :func:`run_scan`;
``valueaudit check FILE...`` with nothing but paths (what pre-commit runs) comes here
straight from :mod:`valueaudit.entry`, without typer, so that it starts in well under
0.2 s (SPEC §9). Exits are ``SystemExit`` with the codes of SPEC §6.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from valueaudit.output import FORMATS, console

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from valueaudit.config import ResolvedSettings
    from valueaudit.engine import Audited, InternalError, ScanResult
    from valueaudit.output.json_format import EncodedReport
    from valueaudit.settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141
DEFAULT_PATH = Path("processes")


class UsageError(Exception):
    """A bad option, path or configuration: reported in one line, exit 2."""


@dataclass(frozen=True)
class OutputSpec:
    """One ``--format FORMAT[:FILE]``: where a format goes (``None`` is stdout)."""

    format: str
    file: Path | None


def parse_output(spec: str) -> OutputSpec:
    """Parse ``FORMAT[:FILE]``."""
    name, _, file = spec.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
    return OutputSpec(name, Path(file) if file else None)


def fail_usage(message: str) -> NoReturn:
    """Report a usage or configuration error in one line and exit 2."""
    print(f"valueaudit: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def resolve_settings(
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    config: Path | None,
) -> ResolvedSettings:
    """The settings of a run: command-line overrides over the configuration file."""
    from valueaudit.config import ConfigError, Overrides, resolve

    overrides = Overrides(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        fail_on=fail_on,
    )
    try:
        return resolve(overrides, config)
    except ConfigError as error:
        fail_usage(str(error))


def _default_formats() -> list[str]:
    return ["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"]


def run_scan(
    paths: list[Path] | None,
    formats: list[str] | None,
    resolved: ResolvedSettings,
    *,
    jobs: int,
    quiet: bool,
    no_progress: bool = False,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    validate_only: bool = False,
    shard: str | None = None,
    debug: bool = False,
) -> NoReturn:
    """What scan, check and report share: discover, audit, compare, write every output,
    exit. JSON-only runs stream, so memory stays flat on large repositories."""
    from valueaudit import progress
    from valueaudit.baseline import BaselineError, apply_baseline, read_baseline
    from valueaudit.discovery import MissingPathError, discover
    from valueaudit.engine import ScanResult, iter_audited, iter_reports
    from valueaudit.findings import Severity

    settings = resolved.settings
    try:
        outputs = [parse_output(s) for s in formats or _default_formats()]
        known = read_baseline(baseline) if baseline is not None else None
        files = discover(paths or [DEFAULT_PATH], settings.excluded)
        if shard is not None:
            files = _shard(files, shard)
    except (UsageError, BaselineError) as error:
        fail_usage(str(error))
    except MissingPathError as error:
        fail_usage(f"path not found: {error}")
    jobs = jobs or os.cpu_count() or 1
    enabled = progress.wanted(quiet=quiet, disabled=no_progress)
    if known is None and write_baseline is None and all(o.format == "json" for o in outputs):
        from valueaudit.output.json_format import encode_report

        # the JSON document shows no fingerprints: findings need no content digests
        audited = iter_audited(
            files, settings, jobs, encode_report, validate_only=validate_only, identities=False
        )
        errors: list[InternalError] = []
        counts = _stream_json(outputs, progress.track(audited, len(files), enabled=enabled), errors)
        _report_internal_errors(errors, debug)
        exit_for(any(n and settings.fails(Severity(level)) for level, n in counts.items()))
    reports = progress.track(
        iter_reports(files, settings, jobs, validate_only=validate_only),
        len(files),
        enabled=enabled,
    )
    collected = tuple(reports)
    result = ScanResult(collected, tuple(f for r in collected for f in r.findings))
    if write_baseline is not None:
        from valueaudit.baseline import render_baseline

        write(write_baseline, render_baseline(result.findings))
    if known is not None:
        result = apply_baseline(result, known)
    errors = result.errors
    for output in outputs:
        try:
            _emit(output, result, settings, quiet=quiet)
        except BrokenPipeError:  # the reader went away (| head): not a bug
            raise
        except Exception as error:  # a broken formatter: say so, write the other outputs
            from valueaudit.engine import internal_error

            errors.append(
                internal_error(str(output.file or "stdout"), f"the {output.format} output", error)
            )
    _report_internal_errors(errors, debug)
    exit_for(any(settings.fails(f.severity) for f in result.findings))


def _report_internal_errors(errors: list[InternalError], debug: bool) -> None:
    """One line per bug (the traceback with --debug), then exit 2."""
    if not errors:
        return
    for error in errors:
        if debug:
            print(error.traceback, file=sys.stderr)
        hint = "" if debug else " (--debug shows the traceback)"
        print(f"valueaudit: {error.describe()}{hint}", file=sys.stderr)
    print("valueaudit: this is a bug in valueaudit; the other files were audited", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _shard(files: list[tuple[Path, str]], spec: str) -> list[tuple[Path, str]]:
    """The files of part K of N: each file goes to the part its path's hash picks, so a
    file stays in its part however many other files come and go."""
    import zlib

    part, _, parts = spec.partition("/")
    if not (part.isdigit() and parts.isdigit() and 1 <= int(part) <= int(parts)):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N, got '{spec}'")
    k, n = int(part), int(parts)
    chosen = [f for f in files if zlib.crc32(f[1].encode("utf-8")) % n == k - 1]
    if n > 1:
        print(
            f"valueaudit: shard {k}/{n}: {len(chosen)} of {len(files)} files; duplicate "
            "process ids (VA104) are only checked within this shard",
            file=sys.stderr,
        )
    return chosen


def exit_for(failing: bool) -> NoReturn:
    """Exit 1 when findings reach --fail-on, else 0."""
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_OK)


def _stream_json(
    outputs: list[OutputSpec],
    audited: Iterable[Audited[EncodedReport]],
    errors: list[InternalError],
) -> dict[str, int]:
    """Feed every JSON output file by file; the findings per severity. Internal errors
    met on the way are added to ``errors``."""
    from valueaudit.output.json_format import JsonWriter

    writers = [JsonWriter() for _ in outputs]
    for item in audited:
        errors.extend(item.errors)
        for writer in writers:
            writer.add_encoded(item.payload, item.duplicate)
    for output, writer in zip(outputs, writers, strict=True):
        if output.file is None:
            writer.finish(sys.stdout)
        else:
            buffer = io.StringIO()
            writer.finish(buffer)
            write(output.file, buffer.getvalue())
    return writers[0].counts


def write(path: Path, text: str) -> None:
    from valueaudit.output.files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as error:
        fail_usage(f"cannot write {path}: {error.strerror or error}")


def _emit(output: OutputSpec, result: ScanResult, settings: Settings, *, quiet: bool) -> None:
    from valueaudit.output import lines, render

    if output.file is not None:
        write(output.file, render(output.format, result, settings, quiet=quiet))
    elif output.format == "text" and quiet and not lines.colour_wanted(sys.stdout):
        lines.write_plain(result)  # no rich to import: quiet runs are pre-commit's
    elif output.format == "text":
        from valueaudit.output import text

        text.render(result, console(), quiet=quiet)
    else:
        sys.stdout.write(render(output.format, result, settings))


def check(
    paths: list[Path] | None,
    formats: list[str] | None = None,
    fail_on: str | None = None,
    config: Path | None = None,
    *,
    jobs: int = 1,
    debug: bool = False,
) -> NoReturn:
    """``valueaudit check``: validate process files only (VA1xx), quietly."""
    resolved = resolve_settings(["VA1"], None, fail_on, config)
    run_scan(paths, formats, resolved, jobs=jobs, quiet=True, validate_only=True, debug=debug)


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: unwinds like KeyboardInterrupt (so every ``finally`` removes
    its temporary file) but is not swallowed by click's own Ctrl-C handling."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _stop(signum: int, _frame: object) -> None:
    import signal

    raise Stopped(130 if signum == signal.SIGINT else 143)


def interruptible(command: Callable[[], object]) -> None:
    """Run ``command`` with Ctrl-C and SIGTERM turned into clean exits (130 and 143), and
    a closed stdout into a quiet one (141, like a shell's SIGPIPE)."""
    import signal

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        command()
    except Stopped as stopped:
        print("valueaudit: interrupted; no file was left half-written", file=sys.stderr)
        sys.exit(stopped.code)
    except BrokenPipeError:
        # the reader of stdout went away (``| head``): stop quietly, as the shell's own
        # tools do; stdout goes to /dev/null so that flushing at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
