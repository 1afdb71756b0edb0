"""The audit engine: load -> check structure -> score -> rules -> findings, per file.

Each file is audited on its own (so files can be audited in parallel) into a
:class:`FileReport` of plain data; :func:`audit_files` merges them in a stable order
and adds what only the whole scan can see (process ids shared by files, VA104).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from valueaudit.findings import SORT_KEY, Finding, Severity, content_digest
from valueaudit.interval import Interval
from valueaudit.loading import LoadedFile
from valueaudit.rules import RULES, SCORED_RULES, STRUCTURE_RULES, AuditContext, Rule
from valueaudit.scoring import ProcessScore
from valueaudit.settings import Settings
from valueaudit.validation import load_process

if TYPE_CHECKING:
    from valueaudit.baseline import BaselineSummary
from valueaudit.suppress import apply_suppressions


class FlowReport(NamedTuple):
    """One flow as reports draw it (a named tuple: reports hold many, cheaply)."""

    source: str
    target: str
    gives: str
    kind: str
    value: Interval | None


class TouchpointReport(NamedTuple):
    """One touchpoint's place, description and scores (a named tuple, like
    :class:`FlowReport`)."""

    id: str
    name: str | None
    line: int
    stage: str | None
    practice: str | None
    channel: str | None
    volume: float
    flows: tuple[FlowReport, ...]
    received: dict[str, Interval]
    disparity: Interval | None
    favoured: str | None
    praxis: str | None
    cumulative: dict[str, Interval]


@dataclass(frozen=True, slots=True)
class ProcessReport:
    """One process's description and scores (no model: cheap to send between processes)."""

    id: str
    name: str
    file: str
    parties: dict[str, tuple[str, str]]
    volume: float
    disparity: Interval | None
    clarity: float | None
    received: dict[str, Interval]
    share: dict[str, Interval]
    favoured: str | None
    touchpoints: tuple[TouchpointReport, ...]


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


def internal_error(file: str, where: str, error: Exception) -> InternalError:
    """An :class:`InternalError` for an exception caught where a bug may hide."""
    import traceback

    text = "".join(traceback.format_exception(error))
    return InternalError(file, where, f"{type(error).__name__}: {error}", text)


@dataclass(frozen=True, slots=True)
class FileReport:
    """What auditing one file gave: its scores (``None`` when invalid or only
    validated), its findings, and the process id wherever the file declares one."""

    file: str
    process: ProcessReport | None
    findings: tuple[Finding, ...]
    valid: bool = False
    process_id: str | None = None
    id_position: tuple[int, int] = (1, 1)
    errors: tuple[InternalError, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """A whole scan: every file's report, in path order, and all findings sorted."""

    files: tuple[FileReport, ...]
    findings: tuple[Finding, ...] = field(default=())
    #: Set when findings were compared with a baseline (``--baseline``).
    baseline: BaselineSummary | None = None

    @property
    def processes(self) -> list[ProcessReport]:
        """The scored processes, in file order."""
        return [f.process for f in self.files if f.process is not None]

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
        ranked = [f for f in self.findings if f.gain is not None]
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


def _apply_settings(findings: Iterable[Finding], settings: Settings) -> tuple[Finding, ...]:
    kept = [
        f._replace(severity=settings.severity[f.code]) if f.code in settings.severity else f
        for f in findings
        if settings.enabled_in(f.code, f.file)
    ]
    return tuple(sorted(kept, key=SORT_KEY))


def audit_file(
    path: Path,
    settings: Settings,
    display: str | None = None,
    *,
    validate_only: bool = False,
    identities: bool = True,
) -> FileReport:
    """Audit one process file; with ``validate_only``, only the VA1xx checks. Without
    ``identities`` its findings carry no content digest (see :class:`LoadedFile`).

    The cyclic garbage collector is paused meanwhile: a file's node tree and models
    hold no reference cycles, so reference counting frees them, and collections
    triggered by their many allocations would only cost time.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        loaded = load_process(path, display, settings.limits)
        loaded.identities = identities
        return audit_loaded(loaded, settings, validate_only=validate_only)
    except Exception as error:  # a bug in valueaudit: report it, go on with other files
        file = display or str(path)
        return FileReport(file, None, (), errors=(internal_error(file, "loading", error),))
    finally:
        if paused:
            gc.enable()


def audit_loaded(
    loaded: LoadedFile, settings: Settings, *, validate_only: bool = False
) -> FileReport:
    """Audit a file already loaded: structure, scores, rules, suppressions."""
    process = loaded.process
    id_position = loaded.locate(("id",))
    errors: list[InternalError] = []

    def finish(
        findings: Iterable[Finding], report: ProcessReport | None = None, *, valid: bool = False
    ) -> FileReport:
        kept = _apply_settings(findings, settings)
        return FileReport(
            loaded.file, report, kept, valid, loaded.raw_id, id_position, tuple(errors)
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
        findings = apply_suppressions(process, findings, settings, loaded.make_finding)
        return finish(findings, _process_report(loaded, ctx.score), valid=True)
    except Exception as error:
        errors.append(internal_error(loaded.file, "scoring", error))
        return finish(findings)


def _process_report(loaded: LoadedFile, score: ProcessScore) -> ProcessReport:
    process = loaded.process
    assert process is not None
    lines = loaded.item_lines(("touchpoints",))
    touchpoints = tuple(
        [  # positional and in a list: one of these per touchpoint of every file
            TouchpointReport(
                t.id,
                t.name,
                line,
                t.stage,
                t.practice,
                t.channel,
                s.volume,
                tuple([FlowReport(f.source, f.target, f.gives, f.kind, f.value) for f in t.flows]),
                s.received,
                s.disparity,
                s.favoured,
                s.praxis,
                s.cumulative,
            )
            for t, s, line in zip(process.touchpoints, score.touchpoints, lines, strict=True)
        ]
    )
    return ProcessReport(
        id=process.id,
        name=process.title,
        file=loaded.file,
        parties={p: (process.party_name(p), process.role_of(p)) for p in process.parties},
        volume=process.volume,
        disparity=score.disparity,
        clarity=score.clarity,
        received=score.received,
        share=score.share,
        favoured=score.favoured,
        touchpoints=touchpoints,
    )


Payload = TypeVar("Payload")


@dataclass(frozen=True, slots=True)
class Audited(Generic[Payload]):
    """One audited file as the scan's merge step sees it: what the cross-file check
    needs, the worker's encoding of the report, and a VA104 the merge may add."""

    file: str
    valid: bool
    process_id: str | None
    id_position: tuple[int, int]
    payload: Payload
    errors: tuple[InternalError, ...] = ()
    duplicate: Finding | None = None


class _ProcessIds:
    """VA104 across files: every file after the first that declares a process id."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.first: dict[str, str] = {}

    def check(self, audited: Audited[Payload]) -> Audited[Payload]:
        """The file, with a VA104 finding when its process id was seen before."""
        process_id = audited.process_id
        if not audited.valid or process_id is None:
            return audited
        if process_id not in self.first:
            self.first[process_id] = audited.file
            return audited
        if not self.settings.enabled_in("VA104", audited.file):
            return audited
        line, column = audited.id_position
        duplicate = Finding(
            code="VA104",
            severity=self.settings.severity_of("VA104", RULES["VA104"].severity),
            message=f"duplicate process id '{process_id}' (also in {self.first[process_id]})",
            file=audited.file,
            line=line,
            column=column,
            process=process_id,
            path="id",
            content_hash=content_digest(process_id),
        )
        return replace(audited, duplicate=duplicate)


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops the pool (no tracebacks)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _keep(report: FileReport) -> FileReport:
    return report


def _audit_one(
    job: tuple[Path, str, Settings, bool, bool, Callable[[FileReport], Payload]],
) -> Audited[Payload]:
    path, display, settings, validate_only, identities, encode = job
    report = audit_file(path, settings, display, validate_only=validate_only, identities=identities)
    try:
        payload = encode(report)
    except Exception as error:  # a broken encoder: say so, keep the scan going
        bug = internal_error(report.file, "output", error)
        empty = FileReport(report.file, None, (), errors=(bug,))
        return Audited(report.file, False, None, (1, 1), encode(empty), empty.errors)
    return Audited(
        report.file, report.valid, report.process_id, report.id_position, payload, report.errors
    )


def iter_audited(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int,
    encode: Callable[[FileReport], Payload],
    *,
    validate_only: bool = False,
    identities: bool = True,
) -> Iterator[Audited[Payload]]:
    """Audit files, in parallel with ``jobs`` > 1, in path order, cross-file checks
    included. ``encode`` (a module-level function) runs in the worker, so a worker
    sends back what the output needs, never models; an output that needs no baseline
    keys or fingerprints passes ``identities=False``. The result does not depend on
    ``jobs`` or on the order of ``files``."""
    ids = _ProcessIds(settings)
    work = sorted(
        ((path, display, settings, validate_only, identities, encode) for path, display in files),
        key=lambda job: job[1],
    )
    if jobs > 1 and len(work) > 1:
        import multiprocessing

        chunk = max(1, min(32, len(work) // (jobs * 8)))
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(work)), initializer=_quiet_worker) as pool:
            for audited in pool.imap(_audit_one, work, chunksize=chunk):
                yield ids.check(audited)
    else:
        for job in work:
            yield ids.check(_audit_one(job))


def with_duplicate(report: FileReport, duplicate: Finding | None) -> FileReport:
    """A report with the scan's VA104 finding merged into its sorted findings."""
    if duplicate is None:
        return report
    findings = tuple(sorted((*report.findings, duplicate), key=SORT_KEY))
    return replace(report, findings=findings)


def iter_reports(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> Iterator[FileReport]:
    """Full reports of files in path order (see :func:`iter_audited`)."""
    for audited in iter_audited(files, settings, jobs, _keep, validate_only=validate_only):
        yield with_duplicate(audited.payload, audited.duplicate)


def audit_files(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> ScanResult:
    """Audit files and collect the whole scan (see :func:`iter_audited`)."""
    reports = tuple(iter_reports(files, settings, jobs, validate_only=validate_only))
    return ScanResult(reports, tuple(f for r in reports for f in r.findings))
