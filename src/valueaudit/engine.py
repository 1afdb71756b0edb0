"""The audit: load -> validate -> structure -> score -> rules -> findings, per file.

Each file is audited on its own, in a worker process when there are several, into a
:class:`FileResult`; :func:`iter_prepared` yields them in path order, with what the
outputs made of each in the worker and what only the whole scan can see (a process id
shared by files, VA104) merged in. Every command and every output format consumes that
one ordered stream.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from valueaudit.findings import SORT_KEY, Finding, Severity, is_opportunity
from valueaudit.loading import LoadedFile
from valueaudit.rules import RULES, SCORED_RULES, STRUCTURE_RULES, AuditContext, Rule
from valueaudit.rules.structure import ProcessIds
from valueaudit.settings import Settings
from valueaudit.suppress import apply_suppressions
from valueaudit.validation import load_process

if TYPE_CHECKING:
    from valueaudit.model import Process
    from valueaudit.portfolio import Ledger
    from valueaudit.scoring import ProcessScore
    from valueaudit.simulation import ProcessSimulation


@dataclass(frozen=True, slots=True)
class InternalError:
    """A bug met while auditing a file: where (``rule VA202``, ``loading``), what, and
    the traceback as text (tracebacks themselves cannot leave a worker process)."""

    file: str
    where: str
    message: str
    traceback: str

    def describe(self) -> str:
        """The one line users see."""
        return f"internal error in {self.where} on {self.file}: {self.message}"


def internal_error(file: str, where: str, error: BaseException) -> InternalError:
    """An :class:`InternalError` for an exception caught where a bug may hide."""
    import traceback

    text = "".join(traceback.format_exception(error))
    return InternalError(file, where, f"{type(error).__name__}: {error}", text)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What auditing one file gave: the process and its scores (both ``None`` when the
    file is invalid or was only validated), the line of each touchpoint, the findings in
    file order, and the process id wherever the file declares one."""

    file: str
    findings: tuple[Finding, ...]
    process: Process | None = None
    score: ProcessScore | None = None
    touchpoint_lines: tuple[int, ...] = ()
    valid: bool = False
    process_id: str | None = None
    id_position: tuple[int, int] = (1, 1)
    errors: tuple[InternalError, ...] = ()
    #: The simulated verdicts (``--simulate``), or ``None``.
    simulation: ProcessSimulation | None = None
    #: Line and column of each party's declaration, in the order of ``process.parties``
    #: (where the portfolio rules, VA601 and VA602, report a party).
    party_positions: tuple[tuple[int, int], ...] = ()
    #: The portfolio rules' findings placed in this file (:func:`portfolio_results`),
    #: rather than the file's own audit.
    portfolio: bool = False

    def __repr__(self) -> str:
        # the generated one would print the whole model and its scores
        what = f"process={self.process.id!r}" if self.process is not None else f"valid={self.valid}"
        return f"FileResult({self.file!r}, {what}, findings={len(self.findings)})"


@dataclass(frozen=True, slots=True)
class Totals:
    """What a whole run counted: files, valid processes, findings per severity, and how
    it compares with a baseline (``None`` without one)."""

    files: int
    valid: int
    counts: dict[str, int]
    baseline_known: int | None = None
    baseline_fixed: int | None = None
    #: The portfolio ledger of the run (SPEC §4.7), for the formats that show it.
    ledger: Ledger | None = None


class Tally:
    """Counts a stream of results into :class:`Totals`."""

    def __init__(self) -> None:
        self.files = 0
        self.valid = 0
        self.counts = {"error": 0, "warning": 0, "info": 0}

    def add(self, result: FileResult, findings: Iterable[Finding] | None = None) -> None:
        """Count one file (with ``findings`` in place of its own, when they were
        filtered)."""
        self.files += 1
        self.valid += result.valid
        self.count(result.findings if findings is None else findings)

    def count(self, findings: Iterable[Finding]) -> None:
        """Count findings that belong to no one file's audit (the portfolio's)."""
        for finding in findings:
            self.counts[finding.severity.value] += 1

    def totals(
        self, known: int | None = None, fixed: int | None = None, ledger: Ledger | None = None
    ) -> Totals:
        """The counts so far."""
        return Totals(self.files, self.valid, dict(self.counts), known, fixed, ledger)


@dataclass(frozen=True)
class ScanResult:
    """A whole scan held in memory, for the Python API and tests: every file's result in
    path order, all findings in that order (the portfolio's, VA6xx, after them), and
    the portfolio ledger."""

    files: tuple[FileResult, ...]
    findings: tuple[Finding, ...] = field(default=())
    ledger: Ledger | None = None

    @property
    def processes(self) -> list[FileResult]:
        """The results of the scored processes, in file order."""
        return [f for f in self.files if f.process is not None and f.score is not None]

    @property
    def valid(self) -> int:
        """How many files hold a valid process."""
        return sum(1 for f in self.files if f.valid)

    @property
    def errors(self) -> list[InternalError]:
        """Bugs met while auditing, in file order."""
        return [e for f in self.files for e in f.errors]

    def opportunities(self) -> list[Finding]:
        """Findings with a gain, best first (ties by position, so the order is stable)."""
        ranked = [f for f in self.findings if is_opportunity(f)]
        return sorted(ranked, key=lambda f: (-(f.gain or 0.0), f.sort_key))


def _fatal(findings: Iterable[Finding]) -> bool:
    """Whether a file's own problems make its scores meaningless (rule default: error)."""
    return any(RULES[f.code].severity is Severity.ERROR for f in findings)


def _run(rule: Rule, ctx: AuditContext, loaded: LoadedFile) -> Iterator[Finding]:
    if rule.check is None:
        return
    for draft in rule.check(ctx):
        yield loaded.make_finding(
            rule.code,
            draft.message,
            draft.path,
            severity=rule.severity,
            touchpoint=draft.touchpoint,
            suggestion=draft.suggestion,
            gain=draft.gain,
        )


def apply_settings(findings: Iterable[Finding], settings: Settings) -> tuple[Finding, ...]:
    """The findings ``per-file-ignores`` keeps, with ``severity`` overrides, in order."""
    kept = [
        f._replace(severity=settings.severity[f.code]) if f.code in settings.severity else f
        for f in findings
        if settings.enabled_in(f.code, f.file)
    ]
    return tuple(sorted(kept, key=SORT_KEY))


def audit_file(
    path: Path, settings: Settings, display: str | None = None, *, validate_only: bool = False
) -> FileResult:
    """Audit one process file; with ``validate_only``, only the VA1xx checks."""
    try:
        loaded = load_process(path, display, settings.limits)
        return audit_loaded(loaded, settings, validate_only=validate_only)
    except Exception as error:  # a bug in valueaudit: report it, go on with other files
        file = display or str(path)
        return FileResult(file, (), errors=(internal_error(file, "loading", error),))


def audit_loaded(
    loaded: LoadedFile, settings: Settings, *, validate_only: bool = False
) -> FileResult:
    """Audit a file already loaded and validated: structure, scores, rules, suppressions."""
    process = loaded.process
    id_position = loaded.locate(("id",))
    errors: list[InternalError] = []

    def finish(findings: Iterable[Finding], *, valid: bool = False) -> FileResult:
        kept = apply_settings(findings, settings)
        return FileResult(
            loaded.file,
            kept,
            valid=valid,
            process_id=loaded.raw_id,
            id_position=id_position,
            errors=tuple(errors),
        )

    def run(rules: Iterable[Rule], *, always: bool = False) -> None:
        # structure rules always run: they decide whether the process can be scored
        for rule in rules:
            if not always and not settings.enabled(rule.code):
                continue
            try:
                findings.extend(_run(rule, ctx, loaded))
            except Exception as error:  # one broken rule must not hide the others
                errors.append(internal_error(loaded.file, f"rule {rule.code}", error))

    if process is None:
        return finish(loaded.findings)
    ctx = AuditContext(process, settings)
    findings = list(loaded.findings)
    run(STRUCTURE_RULES, always=True)
    if _fatal(findings) or errors:
        return finish(findings)
    if validate_only:
        return finish(findings, valid=True)
    run(SCORED_RULES)
    try:
        findings = apply_suppressions(
            process, findings, settings, loaded.make_finding, ctx.set_aside
        )
        score = ctx.score
        simulation = ctx.simulation
    except Exception as error:
        errors.append(internal_error(loaded.file, "scoring", error))
        return finish(findings)
    return replace(
        finish(findings, valid=True),
        process=process,
        score=score,
        simulation=simulation,
        touchpoint_lines=tuple(loaded.item_lines(("touchpoints",))),
        party_positions=tuple(loaded.locate(("parties", p), at_key=True) for p in process.parties),
    )


Payload = TypeVar("Payload")

#: What a worker does with each result before sending it to the main process: the
#: outputs' per-file work (see :func:`iter_prepared`). Set in each worker, once.
_prepare: Callable[[FileResult], Any] | None = None


def _start_worker(prepare: Callable[[FileResult], Any]) -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, which stops the pool, and
    end with it: a main process killed outright (``kill -9``) leaves no worker behind
    to fail writing to it."""
    import signal

    global _prepare
    _prepare = prepare
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG, prctl(2)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGKILL)


def _light(result: FileResult) -> FileResult:
    """The result without the model and scores: what the main process needs besides the
    outputs' pieces (the model is the bulk of a result, and costly to send)."""
    return replace(
        result,
        process=None,
        score=None,
        touchpoint_lines=(),
        party_positions=(),
        simulation=None,  # its draws are the outputs' and the ledger's, made in the worker
    )


def _audit_job(job: tuple[Path, str, Settings, bool]) -> tuple[FileResult, Any]:
    """Audit one file and prepare its outputs' pieces.

    The cyclic garbage collector is paused meanwhile: a file's values, positions, model and
    pieces hold no reference cycles, so reference counting frees them, and collections
    triggered by their many allocations would only cost time.
    """
    path, display, settings, validate_only = job
    paused = gc.isenabled()
    gc.disable()
    try:
        result = audit_file(path, settings, display, validate_only=validate_only)
        assert _prepare is not None
        return _light(result), _prepare(result)
    finally:
        if paused:
            gc.enable()


def iter_prepared(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    prepare: Callable[[FileResult], Payload],
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> Iterator[tuple[FileResult, Payload]]:
    """Audit files, in ``jobs`` worker processes when there are several, and yield, in
    path order, each file's result (without its model: see :func:`_light`) and what
    ``prepare`` made of the whole result in the worker: the per-file work of every
    output, so that only small pieces cross to the main process.

    Cross-file findings (VA104) are merged in path order; the rare file that gets one
    is audited again here, so that ``prepare`` sees it with the finding. The stream does
    not depend on ``jobs`` or on the order of ``files``.
    """
    global _prepare
    ids = ProcessIds(settings)
    work = sorted(
        ((path, display, settings, validate_only) for path, display in files),
        key=lambda job: job[1],
    )

    def merged(job: tuple[Path, str, Settings, bool], done: tuple[FileResult, Any]) -> Any:
        result, payload = done
        duplicate = ids.check(result.file, result.valid, result.process_id, result.id_position)
        if duplicate is None:
            return result, payload
        path, display, _, _ = job
        full = audit_file(path, settings, display, validate_only=validate_only)
        full = replace(full, findings=tuple(sorted((*full.findings, duplicate), key=SORT_KEY)))
        return _light(full), prepare(full)

    if jobs > 1 and len(work) > 1:
        import multiprocessing
        import threading

        chunk = max(1, min(32, len(work) // (jobs * 8)))
        context = multiprocessing.get_context("fork")
        workers = min(jobs, len(work))
        # The pool's feeder would hand out every job at once, and results would pile up
        # in memory whenever the main process is slower than the workers (measured: 708 MB
        # for a diff of 10,000 files): at most this many files are in flight.
        in_flight = threading.BoundedSemaphore(workers * chunk * 4)
        stopping = threading.Event()

        def feed() -> Iterator[tuple[Path, str, Settings, bool]]:
            for job in work:
                # wait for room, but let the pool end (Ctrl-C, an error) while waiting
                while not in_flight.acquire(timeout=0.1):
                    if stopping.is_set():
                        return
                yield job

        with context.Pool(workers, initializer=_start_worker, initargs=(prepare,)) as pool:
            try:
                results = pool.imap(_audit_job, feed(), chunksize=chunk)
                for job, done in zip(work, results, strict=True):
                    in_flight.release()
                    yield merged(job, done)
            finally:
                stopping.set()
    else:
        previous, _prepare = _prepare, prepare
        try:
            for job in work:
                yield merged(job, _audit_job(job))
        finally:
            _prepare = previous


def _whole(result: FileResult) -> FileResult:
    return result


def iter_results(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> Iterator[FileResult]:
    """Whole results (models and scores included), in path order (:func:`iter_prepared`)."""
    for _, result in iter_prepared(files, settings, _whole, jobs, validate_only=validate_only):
        yield result


def audit_files(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> ScanResult:
    """Audit files and hold the whole scan in memory (the Python API's view)."""
    from valueaudit.portfolio import Ledger, piece_of

    results = tuple(iter_results(files, settings, jobs, validate_only=validate_only))
    findings = [f for r in results for f in r.findings]
    if validate_only:
        return ScanResult(results, tuple(findings))
    ledger = Ledger(threshold=settings.exchange_ratio_threshold)
    for result in results:
        ledger.add(piece_of(result))
    findings += [f for across in portfolio_results(ledger, settings) for f in across.findings]
    return ScanResult(results, tuple(findings), ledger)


def portfolio_results(ledger: Ledger, settings: Settings) -> list[FileResult]:
    """The portfolio rules' findings (VA6xx), judged on the whole ledger once the last
    file is in, as one more result per file they are placed in (path order), so that
    every output, the baseline and the counts take them as they take any file's.
    ``per-file-ignores`` and ``severity`` apply as to any finding."""
    from valueaudit.rules.portfolio import portfolio_findings

    by_file: dict[str, list[Finding]] = {}
    for finding in apply_settings(portfolio_findings(ledger, settings), settings):
        by_file.setdefault(finding.file, []).append(finding)
    return [
        FileResult(
            file, tuple(findings), valid=True, process_id=findings[0].process, portfolio=True
        )
        for file, findings in sorted(by_file.items())
    ]
