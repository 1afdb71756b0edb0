"""The audit of one file: load -> validate -> structure -> score -> rules ->
suppressions -> settings, each an explicit stage, into a :class:`FileResult`.

:func:`iter_audited` audits files, in worker processes when there are several, and
yields them in path order with what a per-file step made of each in its worker. What
only the whole scan can see (a process id shared by files, the portfolio) is the scan's
(:mod:`valueaudit.scan`), which every command consumes.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from valueaudit.findings import SORT_KEY, Finding, Severity
from valueaudit.loading import LoadedFile
from valueaudit.rules import RULES, SCORED_RULES, STRUCTURE_RULES, AuditContext, Rule
from valueaudit.settings import Settings
from valueaudit.suppress import apply_suppressions, scan_level_notes
from valueaudit.validation import load_process

if TYPE_CHECKING:
    from valueaudit.model import Process
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
    #: VA901 findings the scan reports for process-wide suppressions of the portfolio
    #: rules that hid nothing (rule code, finding): :func:`~valueaudit.suppress.scan_level_notes`
    pending_notes: tuple[tuple[str, Finding], ...] = ()
    #: The file's place in the scan's path order, from 0 (an output that keeps only the
    #: first files' details knows from it what it will keep).
    index: int = 0

    def with_findings(self, findings: tuple[Finding, ...]) -> FileResult:
        """The same result with other findings (what a baseline leaves)."""
        return replace(self, findings=findings)

    def __repr__(self) -> str:
        # the generated one would print the whole model and its scores
        what = f"process={self.process.id!r}" if self.process is not None else f"valid={self.valid}"
        return f"FileResult({self.file!r}, {what}, findings={len(self.findings)})"


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
            at_key=draft.at_key,
            severity=rule.severity,
            touchpoint=draft.touchpoint,
            suggestion=draft.suggestion,
            gain=draft.gain,
            exchange=ctx.exchange_of(draft.touchpoint),
            unit=draft.unit or ctx.process.unit,
            evidence=None if draft.gain is None else ctx.evidence_of(draft),
            helps=draft.helps,
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
    """Audit a file already loaded and validated, stage by stage: the structure rules,
    scoring (and simulation), the scored rules, the suppressions, then the settings. A
    bug in one stage is one internal error named after it (``rule VA202``, ``scoring``),
    and the stages after it do not run."""
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

    findings = list(loaded.findings)
    if process is None:
        if loaded.repaired is not None:  # the structure of the rest of the file, too
            ctx = AuditContext(loaded.repaired, settings)
            run(STRUCTURE_RULES, always=True)
        return finish(findings)
    ctx = AuditContext(process, settings)
    run(STRUCTURE_RULES, always=True)
    if _fatal(findings) or errors:
        return finish(findings)
    if validate_only:
        return finish(findings, valid=True)
    try:
        score, simulation = score_stage(process, settings)
    except Exception as error:  # the scored rules would all fail on it: one error
        errors.append(internal_error(loaded.file, "scoring", error))
        return finish(findings)
    ctx.scored(score, simulation)
    run(SCORED_RULES)
    try:
        findings = apply_suppressions(
            process, findings, settings, loaded.make_finding, ctx.set_aside
        )
        pending = scan_level_notes(process, settings, loaded.make_finding)
    except Exception as error:
        errors.append(internal_error(loaded.file, "suppressions", error))
        return finish(findings)
    return replace(
        finish(findings, valid=True),
        process=process,
        score=score,
        simulation=simulation,
        touchpoint_lines=tuple(loaded.item_lines(("touchpoints",))),
        pending_notes=pending,
        party_positions=tuple(loaded.locate(("parties", p), at_key=True) for p in process.parties),
    )


def score_stage(
    process: Process, settings: Settings
) -> tuple[ProcessScore, ProcessSimulation | None]:
    """The scoring stage: the process's scores (SPEC §4) and, with ``--simulate``, the
    simulated verdicts (SPEC §4.6; numpy is imported only then)."""
    from valueaudit.scoring import score_process

    score = score_process(process)
    if not settings.simulate.samples:
        return score, None
    from valueaudit.simulation import simulate

    return score, simulate(process, score, settings)


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
    # forked with the main process's SIGINT and SIGTERM blocked (see iter_audited): only
    # now that the worker's own handlers are set may they arrive
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.platform == "linux":
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG, prctl(2)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGKILL)


def _workers_available() -> bool:
    """Whether worker processes can be started: their pool needs POSIX semaphores, which
    some containers (no ``/dev/shm``) lack. Without them, one process does the work and
    says so once (a warning on the ``valueaudit`` logger)."""
    try:
        import multiprocessing

        multiprocessing.get_context("fork").Lock()
    except (OSError, ImportError, ValueError) as error:
        import logging

        logging.getLogger("valueaudit").warning(
            "valueaudit: worker processes are not available here (%s); auditing in one process",
            error,
        )
        return False
    return True


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back in this thread (and in processes forked meanwhile)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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


Job = tuple[int, Path, str, Settings, bool]


def _audit_job(job: Job) -> tuple[FileResult, Any]:
    """Audit one file and make its per-file step's payload."""
    index, path, display, settings, validate_only = job
    result = audit_file(path, settings, display, validate_only=validate_only)
    if index:
        result = replace(result, index=index)
    assert _prepare is not None
    return _light(result), _prepare(result)


def iter_audited(
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
    output, so that only small pieces cross to the main process. The stream does not
    depend on ``jobs`` or on the order of ``files``. The scan (:mod:`valueaudit.scan`)
    is its one consumer.
    """
    global _prepare
    work: list[Job] = [
        (index, path, display, settings, validate_only)
        for index, (path, display) in enumerate(sorted(files, key=lambda file: file[1]))
    ]
    if jobs > 1 and len(work) > 1 and _workers_available():
        import multiprocessing
        import threading

        # a simulated file's result carries arrays of draws (up to PARTY_DRAWS_BYTES):
        # then files go in small chunks, and fewer are in flight (measured: 1.5 GB for 400
        # files with parties of their own at 100,000 draws, before)
        simulating = settings.simulate.samples > 0
        chunk = max(1, min(4 if simulating else 32, len(work) // (jobs * 8)))
        context = multiprocessing.get_context("fork")
        workers = min(jobs, len(work))
        # The pool's feeder would hand out every job at once, and results would pile up
        # in memory whenever the main process is slower than the workers (measured: 708 MB
        # for a diff of 10,000 files): at most this many files are in flight.
        in_flight = threading.BoundedSemaphore(workers * chunk * (2 if simulating else 4))
        stopping = threading.Event()

        def feed() -> Iterator[Job]:
            for job in work:
                # wait for room, but let the pool end (Ctrl-C, an error) while waiting
                while not in_flight.acquire(timeout=0.1):
                    if stopping.is_set():
                        return
                yield job

        # A worker forked while the main process's own SIGTERM handler is installed would
        # run it (and unwind while holding the pool's queue lock, so that the pool's
        # shutdown waited on that lock for ever): the signals stay blocked across the
        # forks, and each worker unblocks them once its own handlers are set.
        with _signals_blocked():
            pool = context.Pool(workers, initializer=_start_worker, initargs=(prepare,))
        finished = False
        try:
            for done in pool.imap(_audit_job, feed(), chunksize=chunk):
                in_flight.release()
                yield done
            finished = True
        finally:
            stopping.set()
            if finished:
                # every result is in: let the workers leave on their own (terminate()
                # signals workers that may be holding a queue's lock)
                pool.close()
                pool.join()
            else:
                pool.terminate()
                pool.join()
    else:
        previous, _prepare = _prepare, prepare
        try:
            for job in work:
                yield _audit_job(job)
        finally:
            _prepare = previous
