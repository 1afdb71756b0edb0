"""The scan: every file's audit in path order, and what only the whole scan can see.

:func:`scan_events` is the one driver that ``scan``, ``check``, ``report``,
``portfolio``, ``diff`` and the Python API consume. It audits the files (in worker
processes when there are several: :func:`valueaudit.engine.iter_audited`), runs a
:class:`FileStep` on each in its worker (the baseline filter, each output's per-file
step, the file's part of the ledger), and yields a :class:`FileDone` per file in path
order, then one :class:`ScanDone`. Between the two a :class:`Scan` accumulates what
needs every file: the declarations index (process ids and parties, where scan-level
findings are placed), the tally, the portfolio ledger and the baseline's counts; at the
end it runs the scan-level rules (:data:`valueaudit.rules.SCAN_RULES`: VA104 across
files, VA601, VA602), places their findings, applies the suppressions, the settings and
the baseline to them, and hands everything on in one :class:`Summary`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valueaudit.baseline import BaselineFilter
from valueaudit.engine import (
    FileResult,
    InternalError,
    apply_settings,
    internal_error,
    iter_audited,
)
from valueaudit.findings import (
    Finding,
    Opportunity,
    content_digest,
    format_path,
    opportunities,
    opportunity_key,
)
from valueaudit.hints import one_line
from valueaudit.portfolio import Declaration, Ledger, LedgerPiece, declarations_of, piece_of
from valueaudit.rules import SCAN_RULES, Rule
from valueaudit.rules.base import ScanDraft
from valueaudit.settings import Settings

if TYPE_CHECKING:
    from valueaudit import documents as docs


@dataclass(frozen=True, slots=True)
class Summary:
    """What the whole scan gives the writers at its end: the counts (files, valid
    processes, findings per severity, the scan-level ones included), how it compares
    with a baseline (``None`` without one), the portfolio ledger (``None`` when the scan
    does not score), and the scan-level findings, placed and filtered, in path order."""

    files: int
    valid: int
    counts: dict[str, int]
    baseline_known: int | None = None
    baseline_fixed: int | None = None
    ledger: Ledger | None = None
    findings: tuple[Finding, ...] = ()

    def placed(self) -> list[tuple[str, tuple[Finding, ...]]]:
        """The scan-level findings by the file they are placed in, in path order."""
        by_file: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_file.setdefault(finding.file, []).append(finding)
        return [(file, tuple(found)) for file, found in by_file.items()]


@dataclass(frozen=True, slots=True)
class BrokenPiece:
    """What an output's per-file step sends when it failed: the error, for the report."""

    error: InternalError


#: One output's per-file step and the options it takes (``prepare(result, options)``).
OutputStep = tuple[Callable[[FileResult, Any], Any], Any]


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the per-file step made of one file in its worker: the findings after the
    baseline, how many the baseline hid, each output's piece, and the file's part of
    the ledger and of the declarations index."""

    findings: tuple[Finding, ...]
    known: int
    unverified: int  # recorded for a file that cannot be audited now: not fixed
    pieces: tuple[Any, ...]
    ledger: LedgerPiece | None = None
    parties: dict[str, Declaration] = field(default_factory=dict)


@dataclass(frozen=True)
class FileStep:
    """The per-file step of a scan, run in the worker that audited the file: the
    baseline filter, then every output's own step; and, when the scan scores, the
    file's part of the ledger. An output whose step fails gets a :class:`BrokenPiece`
    and the others go on."""

    outputs: tuple[OutputStep, ...] = ()
    baseline: BaselineFilter | None = None
    scoring: bool = True
    #: VA202's threshold, for the ledger's uneven touchpoints (set by :func:`scan_events`)
    disparity_threshold: float = 0.5

    def __call__(self, result: FileResult) -> Prepared:
        known = unverified = 0
        findings = result.findings
        if self.baseline is not None:
            findings, known = self.baseline.filter(findings)
            unverified = self.baseline.unverified(result.file, result.valid, known)
            if known:
                result = result.with_findings(findings)
        pieces = tuple(_piece(result, step) for step in self.outputs)
        if not self.scoring:
            return Prepared(findings, known, unverified, pieces)
        ledger = piece_of(result, self.disparity_threshold)
        return Prepared(findings, known, unverified, pieces, ledger, declarations_of(result))


def _piece(result: FileResult, step: OutputStep) -> Any:
    prepare, options = step
    try:
        return prepare(result, options)
    except Exception as error:  # a formatter bug: reported, the other outputs go on
        return BrokenPiece(internal_error(result.file, "an output", error))


@dataclass(frozen=True, slots=True)
class FileDone:
    """One file's result (without its model) and what its per-file step made of it."""

    result: FileResult
    prepared: Prepared


@dataclass(frozen=True, slots=True)
class ScanDone:
    """The end of the scan: the summary every writer finishes with, and the bugs the
    scan-level rules met."""

    summary: Summary
    errors: tuple[InternalError, ...] = ()


class Scan:
    """Accumulates a scan file by file (in path order) and judges what needs them all.

    It is what the scan-level rules see (:class:`valueaudit.rules.base.ScanView`): the
    settings, the ledger and the process ids declared in more than one file.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        scoring: bool = True,
        baseline: BaselineFilter | None = None,
        shard: str | None = None,
        known_ids: Mapping[str, str] | None = None,
        learning: frozenset[str] = frozenset(),
    ) -> None:
        self.settings = settings
        self.scoring = scoring
        self.baseline = baseline
        self.ledger: Ledger | None = (
            Ledger(
                shard=shard,
                threshold=settings.exchange_ratio_threshold,
                uneven=settings.process_disparity_threshold,
            )
            if scoring
            else None
        )
        #: process id -> the first file that declares it (valid ones, in path order)
        self._first: dict[str, str] = {}
        #: ids declared by files known but not audited (``check`` of some files), and the
        #: audited files that are compared with them (those among the same files)
        self._known: Mapping[str, str] = known_ids or {}
        self._learning = learning
        #: process id declared again -> every file that declares it, in path order
        self.duplicate_ids: dict[str, list[str]] = {}
        #: a file declaring an id declared before -> (its id, line, column): only those
        #: are ever placed, so a scan keeps no position per file
        self._again_at: dict[str, tuple[str, int, int]] = {}
        self._parties: dict[str, Declaration] = {}
        #: party id -> its later declarations that disagree with the first (VA603)
        self.redeclared: dict[str, list[Declaration]] = {}
        #: (file, rule) -> the VA901 finding of that file's process-wide suppressions of
        #: a portfolio rule, reported unless a finding placed there was hidden by them
        self._pending: dict[tuple[str, str], list[Finding]] = {}
        self._used: set[tuple[str, str]] = set()
        self.files = self.valid = self.known = self.unverified = 0
        self.counts = {"error": 0, "warning": 0, "info": 0}

    def add(self, result: FileResult, prepared: Prepared) -> None:
        """Take one file, the next in path order."""
        self.files += 1
        self.valid += result.valid
        self.known += prepared.known
        self.unverified += prepared.unverified
        self._count(prepared.findings)
        process_id = result.process_id
        if result.valid and process_id is not None:
            first = self._first.setdefault(process_id, result.file)
            if first == result.file and result.file in self._learning:
                first = self._known.get(process_id, first)
            if first != result.file:
                self.duplicate_ids.setdefault(process_id, [first]).append(result.file)
                self._again_at[result.file] = (process_id, *result.id_position)
        if self.ledger is not None and prepared.ledger is not None:
            self.ledger.add(prepared.ledger)
        for party, declaration in prepared.parties.items():
            first_declared = self._parties.setdefault(party, declaration)  # in file order
            if first_declared is not declaration and first_declared.differs(declaration):
                self.redeclared.setdefault(party, []).append(declaration)
        for rule, note in result.pending_notes:
            self._pending.setdefault((result.file, rule), []).append(note)

    def first_declaration(self, party: str) -> Declaration:
        """A party's first declaration, in file order."""
        return self._parties[party]

    def _count(self, findings: Sequence[Finding]) -> None:
        for finding in findings:
            self.counts[finding.severity.value] += 1

    def finish(self) -> tuple[Summary, list[InternalError]]:
        """Run the scan-level rules; the summary, and the bugs they met."""
        errors: list[InternalError] = []
        drafts: list[Finding] = []
        if self.ledger is not None:  # a party is shown as its first declaration names it
            for (party, _unit), totals in self.ledger.parties.items():
                declared = self._parties.get(party)
                if declared is not None:
                    totals.name, totals.role = declared.name, declared.role
        ran: set[str] = set()
        for rule in SCAN_RULES:
            needs_ledger = rule.stage == "scored"
            if not self.settings.enabled(rule.code) or (needs_ledger and not self.scoring):
                continue
            assert rule.scan_check is not None
            ran.add(rule.code)
            try:
                drafts.extend(
                    found
                    for draft in rule.scan_check(self)
                    if (found := self._place(rule, draft)) is not None
                )
            except Exception as error:  # one broken rule must not hide the others
                errors.append(internal_error("the scan", f"rule {rule.code}", error))
        drafts.extend(  # process-wide suppressions of a rule that ran and hid nothing
            note
            for (file, rule), notes in self._pending.items()
            if rule in ran and (file, rule) not in self._used
            for note in notes
        )
        findings = apply_settings(drafts, self.settings)
        known = 0
        if self.baseline is not None:
            findings, known = self.baseline.filter(findings)
        self._count(findings)
        fixed = None
        if self.baseline is not None:
            fixed = self.baseline.recorded - self.known - known - self.unverified
        summary = Summary(
            self.files,
            self.valid,
            dict(self.counts),
            None if self.baseline is None else self.known + known,
            fixed,
            self.ledger,
            findings,
        )
        return summary, errors

    def _place(self, rule: Rule, draft: ScanDraft) -> Finding | None:
        """The finding at its declaration: a party's first, or a file's process id;
        ``None`` when a process-wide suppression there hides it."""
        if draft.party is not None:
            declared = draft.declared or self._parties[draft.party]
            today = self.settings.today or dt.date.today()
            if any(s.rule == rule.code and not s.expired(today) for s in declared.suppress):
                self._used.add((declared.file, rule.code))
                return None
            file, process, line, column = (
                declared.file,
                declared.process,
                declared.line,
                declared.column,
            )
            path = format_path(("parties", draft.party))
        else:
            assert draft.file is not None
            file, (process, line, column) = draft.file, self._again_at[draft.file]
            path = "id"
        return Finding(
            code=rule.code,
            severity=rule.severity,
            message=one_line(draft.message),
            file=file,
            line=line,
            column=column,
            process=process,
            path=path,
            suggestion=None if draft.suggestion is None else one_line(draft.suggestion),
            content_hash=content_digest(draft.about),
        )


def scan_events(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    step: FileStep,
    jobs: int = 1,
    *,
    validate_only: bool = False,
    shard: str | None = None,
    known_ids: Mapping[str, str] | None = None,
    learning: frozenset[str] = frozenset(),
) -> Iterator[FileDone | ScanDone]:
    """Audit ``files`` and yield each one's :class:`FileDone` in path order, then the
    :class:`ScanDone`. The bugs met are in each result's ``errors`` and, for the
    scan-level rules, in the :class:`ScanDone`'s. ``known_ids`` (process id -> file)
    are ids declared by files not audited here: a file of ``learning`` (display paths)
    declaring one is VA104."""
    step = replace(step, disparity_threshold=settings.disparity_threshold)
    scan = Scan(
        settings,
        scoring=step.scoring,
        baseline=step.baseline,
        shard=shard,
        known_ids=known_ids,
        learning=learning,
    )
    for result, prepared in iter_audited(files, settings, step, jobs, validate_only=validate_only):
        scan.add(result, prepared)
        yield FileDone(result, prepared)
    summary, errors = scan.finish()
    yield ScanDone(summary, tuple(errors))


@dataclass(frozen=True)
class ScanResult:
    """A whole scan held in memory, for the Python API and tests: every file's result in
    path order (models and scores included), all findings in that order (the
    scan-level ones after them), and the summary (the ledger with it)."""

    files: tuple[FileResult, ...]
    summary: Summary
    scan_errors: tuple[InternalError, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding: each file's, in path order, then the scan-level ones."""
        return (*(f for r in self.files for f in r.findings), *self.summary.findings)

    @property
    def ledger(self) -> Ledger | None:
        """The portfolio ledger (``None`` for a scan that only validated)."""
        return self.summary.ledger

    @property
    def processes(self) -> list[FileResult]:
        """The results of the scored processes, in file order."""
        return [f for f in self.files if f.process is not None and f.score is not None]

    @property
    def valid(self) -> int:
        """How many files hold a valid process."""
        return self.summary.valid

    @property
    def errors(self) -> list[InternalError]:
        """Bugs met while auditing, in file order, then the scan-level rules'."""
        return [*(e for f in self.files for e in f.errors), *self.scan_errors]

    def document(self) -> docs.ScanDocument:
        """The scan as ``valueaudit scan -f json`` writes it (the JSON writer streams the
        same documents, item by item)."""
        from valueaudit import documents as docs  # pydantic's serialisers: only if asked

        summary = self.summary
        document: docs.ScanDocument = {
            "tool": docs.tool(),
            "format_version": docs.FORMAT_VERSION,
            "summary": docs.scan_summary(
                summary.files,
                summary.valid,
                summary.counts,
                summary.baseline_known,
                summary.baseline_fixed,
            ),
        }  # type: ignore[typeddict-item]  # the lists follow the portfolio, as written
        if summary.ledger is not None:
            document["portfolio"] = docs.ledger_document(summary.ledger)
        document["processes"] = [docs.process_document(r) for r in self.processes]
        document["findings"] = [docs.finding_document(f) for f in self.findings]
        return document

    def opportunities(self) -> list[Opportunity]:
        """The opportunities (one per exchange, SPEC §4.12), ranked by gain within each
        unit, units in their order (currencies, points, hours); ties by position."""
        found = [o for result in self.files for o in opportunities(result.findings)]
        return sorted(found, key=opportunity_key)


def _whole(result: FileResult, _options: object) -> FileResult:
    return result


def audit_files(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    jobs: int = 1,
    *,
    validate_only: bool = False,
) -> ScanResult:
    """Audit files and hold the whole scan in memory (the Python API's view)."""
    step = FileStep(((_whole, None),), scoring=not validate_only)
    results: list[FileResult] = []
    for event in scan_events(files, settings, step, jobs, validate_only=validate_only):
        if isinstance(event, FileDone):
            results.append(event.prepared.pieces[0])
        else:
            return ScanResult(tuple(results), event.summary, event.errors)
    raise AssertionError("a scan always ends with ScanDone")


__all__ = [
    "BrokenPiece",
    "FileDone",
    "FileStep",
    "Prepared",
    "Scan",
    "ScanDone",
    "ScanResult",
    "Summary",
    "audit_files",
    "scan_events",
]
