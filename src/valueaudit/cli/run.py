"""Running the commands that audit: ``scan``, ``check``, ``report``, ``portfolio`` and
``diff``.

One road for all of them: discover the files, consume the scan's events
(:func:`valueaudit.scan.scan_events`: each output's per-file step done in the worker
that audited the file), feed every requested output (:mod:`valueaudit.sinks`) as each
file arrives, and finish each with the scan's summary; ``--baseline`` filters the
findings and ``--write-baseline`` is one more output. The typer commands only parse
options into a :class:`ScanRequest` and call :func:`run_scan` or :func:`run_diff`, which
return the exit code (SPEC §6).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valueaudit.output import DEFAULT_MAX_PROCESSES, Options, TextStyle

if TYPE_CHECKING:
    from valueaudit.engine import FileResult, InternalError
    from valueaudit.findings import Finding
    from valueaudit.scan import OutputStep
    from valueaudit.settings import Settings

from valueaudit.errors import UsageError
from valueaudit.sinks import OutputSpec, Sinks, check_targets, output_file

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141
DEFAULT_PATH = Path("processes")


def default_formats() -> list[str]:
    """``github`` in GitHub Actions, else ``text``."""
    return ["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"]


@dataclass(frozen=True)
class ScanRequest:
    """Everything ``scan``, ``check`` and ``report`` were asked to do."""

    paths: list[Path]
    outputs: list[OutputSpec]
    settings: Settings
    jobs: int = 0
    quiet: bool = False
    no_progress: bool = False
    baseline: Path | None = None
    write_baseline: str | None = None
    validate_only: bool = False
    shard: str | None = None
    debug: bool = False
    max_processes: int = DEFAULT_MAX_PROCESSES
    #: Write the portfolio ledger (``valueaudit portfolio``) instead of the scan.
    portfolio: bool = False
    #: ``check`` given files: learn the ids of the other process files under the
    #: configured ``paths``, so a file reusing one is VA104 (pre-commit passes only the
    #: files staged, and splits a long list over several calls).
    learn_ids: bool = False


def _discover(paths: list[Path], settings: Settings) -> list[tuple[Path, str]]:
    from valueaudit.discovery import MissingPathError, discover

    left_out: list[str] = []

    def excluded(display: str) -> bool:
        if settings.excluded(display):
            left_out.append(display)
            return True
        return False

    searched = paths or settings.search_paths()
    try:
        found = discover(
            searched, excluded, settings.paths_root, gitignore=settings.respect_gitignore
        )
    except MissingPathError as error:
        raise UsageError(f"path not found: {error}") from None
    if not found:  # an empty scan passes; say so, or CI never notices it audits nothing
        where = ", ".join(p.as_posix() for p in searched)
        why = f"all {len(left_out)} were excluded (exclude)" if left_out else "none found"
        print(f"valueaudit: no process files (*.yaml, *.yml) in {where}: {why}", file=sys.stderr)
    return found


def _known_ids(
    checked: list[tuple[Path, str]], settings: Settings
) -> tuple[dict[str, str], frozenset[str]]:
    """The process ids of the files under the configured ``paths`` that are not being
    checked (id -> display path, the first in path order), read from the start of each
    file only (:func:`~valueaudit.loading.peek_id`), and the checked files that are
    among them (display paths): only those are compared with the ids (a to-be version
    kept elsewhere may share its as-is's id). Paths that do not exist add none."""
    from valueaudit.discovery import discover
    from valueaudit.loading import peek_id
    from valueaudit.paths import absolute

    searched = [absolute(path) for path in settings.search_paths() if path.exists()]
    if not searched:
        return {}, frozenset()
    being_checked = {absolute(path): display for path, display in checked}
    learning = frozenset(
        display
        for path, display in being_checked.items()
        if any(path.is_relative_to(folder) for folder in searched)
    )
    if not learning:
        return {}, frozenset()
    known: dict[str, str] = {}
    found = discover(
        searched, settings.excluded, settings.paths_root, gitignore=settings.respect_gitignore
    )
    for path, display in found:
        if absolute(path) not in being_checked:
            process_id = peek_id(path, settings.limits)
            if process_id is not None:
                known.setdefault(process_id, display)
    return known, learning


def run_scan(request: ScanRequest) -> int:
    """Audit the requested files into every requested output; the exit code."""
    from valueaudit import baseline as baselines
    from valueaudit import progress
    from valueaudit.output import portfolio_writer, preparer, scan_writer, terminal_style
    from valueaudit.scan import FileDone, FileStep, scan_events

    settings = request.settings
    baseline_filter = None
    if request.baseline is not None:
        try:
            baseline_filter = baselines.BaselineFilter(baselines.read_baseline(request.baseline))
        except baselines.BaselineError as error:
            raise UsageError(str(error)) from None
    files = _discover(request.paths, settings)
    if request.shard is not None:
        files = _shard(files, request.shard)
    baseline_file = None if request.write_baseline is None else output_file(request.write_baseline)
    check_targets([spec.file for spec in request.outputs] + [baseline_file], files)
    jobs = worker_count(request.jobs)
    errors: list[InternalError] = []
    outputs = Sinks(errors)
    steps: list[OutputStep] = []
    try:
        for spec in request.outputs:
            options = Options(
                settings,
                quiet=request.quiet,
                stdout=spec.file is None,
                max_processes=request.max_processes,
                style=(
                    terminal_style(sys.stdout)
                    if spec.file is None and spec.format == "text"
                    else TextStyle()
                ),
                shard=request.shard,
            )
            writer = portfolio_writer if request.portfolio else scan_writer
            outputs.open(
                spec.format,
                spec.file,
                lambda out, s=spec, o=options, w=writer: w(s.format, out, o),  # type: ignore[misc]
            )
            # the portfolio shows the ledger and the scan-level findings: nothing per file
            steps.append((_nothing if request.portfolio else preparer(spec.format), options))
        if baseline_file is not None:
            outputs.open("baseline", baseline_file, baselines.BaselineWriter)
            steps.append((baselines.prepare, None))
        # every run that scores keeps the ledger; `check` does not score
        step = FileStep(tuple(steps), baseline_filter, scoring=not request.validate_only)
        known_ids, learning = (
            _known_ids(files, settings)
            if request.learn_ids and request.paths
            else ({}, frozenset())
        )
        events = scan_events(
            files,
            settings,
            step,
            jobs,
            validate_only=request.validate_only,
            shard=request.shard,
            known_ids=known_ids,
            learning=learning,
        )
        enabled = progress.wanted(quiet=request.quiet, disabled=request.no_progress)
        failing = False
        for event in progress.track(events, len(files), enabled=enabled):
            if isinstance(event, FileDone):
                errors.extend(event.result.errors)
                # `portfolio` shows the scan-level findings only, and fails on those only
                failing = failing or (
                    not request.portfolio
                    and any(settings.fails(f.severity) for f in event.prepared.findings)
                )
                outputs.add(event.prepared.pieces)
                continue
            summary = event.summary
            errors.extend(event.errors)
            failing = failing or any(settings.fails(f.severity) for f in summary.findings)
            invalid = summary.files - summary.valid
            if request.portfolio and invalid:  # their findings are scan's, not shown here
                print(
                    f"valueaudit: {invalid} of {summary.files} files could not be audited "
                    f"and {'is' if invalid == 1 else 'are'} not in the portfolio; valueaudit "
                    "check shows why",
                    file=sys.stderr,
                )
            outputs.finish(summary)
    except BaseException:
        outputs.discard()
        raise
    if errors:
        return report_internal_errors(errors, request.debug)
    if baseline_file is not None:  # recording the findings is the point: not a failure
        return EXIT_OK
    return EXIT_FINDINGS if failing else EXIT_OK


def _nothing(result: FileResult, options: object) -> None:
    """The per-file step of ``valueaudit portfolio``'s formats."""


def run_diff(
    old: Path, new: Path, outputs: list[OutputSpec], settings: Settings, *, jobs: int = 0
) -> int:
    """Compare two files or folders into every requested output; exit 1 when the change
    introduces findings at or above ``--fail-on``."""
    from valueaudit.diff import DiffPart, DiffTotals, compare, compare_across, side_of
    from valueaudit.output import diff_writer, writes_diff
    from valueaudit.scan import FileDone, FileStep, scan_events

    unsupported = [o.format for o in outputs if not writes_diff(o.format)]
    if unsupported:
        raise UsageError(f"diff writes text, json or markdown, not {unsupported[0]}")
    old_files, new_files = _discover([old], settings), _discover([new], settings)
    check_targets([spec.file for spec in outputs], old_files + new_files)
    jobs = worker_count(jobs)
    errors: list[InternalError] = []
    targets = Sinks(errors)

    across: list[tuple[Finding, ...]] = []  # each side's scan-level findings

    def sides(files: list[tuple[Path, str]]) -> Iterator[Any]:
        step = FileStep(((side_of, settings),))
        for event in scan_events(files, settings, step, jobs):
            if isinstance(event, FileDone):
                errors.extend(event.result.errors)
                yield event.prepared.pieces[0]
            else:
                errors.extend(event.errors)
                across.append(event.summary.findings)

    def parts() -> Iterator[DiffPart]:
        yield from compare(sides(old_files), sides(new_files), settings)
        last = compare_across(*across)  # both sides are in: their scan-level findings
        if last is not None:
            yield last

    try:
        for spec in outputs:
            options = Options(settings, stdout=spec.file is None)
            targets.open(
                spec.format,
                spec.file,
                lambda out, s=spec, o=options: diff_writer(s.format, out, o),  # type: ignore[misc]
            )
        totals = DiffTotals()
        failing = False
        for part in parts():
            totals.add(part)
            introduced = (*part.worse, *part.introduced)
            failing = failing or any(settings.fails(f.severity) for f in introduced)
            targets.add((part,) * len(targets.items))
        targets.finish(totals)
    except BaseException:
        targets.discard()
        raise
    if errors:
        return report_internal_errors(errors, debug=False)
    return EXIT_FINDINGS if failing else EXIT_OK


def worker_count(requested: int) -> int:
    """The worker processes to start: one per usable CPU for 0, and never more than
    there are usable CPUs (more only compete for them); saying so when capped."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    if requested > usable:
        print(
            f"valueaudit: --jobs {requested} is more than the {usable} usable CPUs; using {usable}",
            file=sys.stderr,
        )
    return min(requested, usable) if requested else usable


def report_internal_errors(errors: list[InternalError], debug: bool) -> int:
    """One line per bug on stderr (the traceback with --debug); exit 2."""
    for error in errors:
        if debug:
            print(error.traceback, file=sys.stderr)
        hint = "" if debug else " (--debug shows the traceback)"
        print(f"valueaudit: {error.describe()}{hint}", file=sys.stderr)
    print("valueaudit: this is a bug in valueaudit; the other files were audited", file=sys.stderr)
    return EXIT_USAGE


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
            "process ids (VA104) are only checked within this shard, and the portfolio "
            "(VA601, VA602) covers this shard only",
            file=sys.stderr,
        )
    return chosen
