"""The machine-readable results: one typed definition per concept, serialised by pydantic.

Every JSON document valueaudit writes (``scan -f json``, ``portfolio -f json``, ``diff -f
json``, a baseline) and the notebook API's ``to_dict()`` are built from these types: a
result becomes its document through the one function here that says what it holds
(:func:`finding_document`, :func:`process_document`, ...), and pydantic serialises it.
How numbers and intervals are written is decided once, by the annotated types
:data:`Number`, :data:`Span` and :data:`Ratio` (4 decimals; whole numbers as integers; a
range as ``[low, high]``, never rounded into one number: SPEC §4.5). The same types give
the output's JSON Schema (``valueaudit schema --output``), which the tests check every
JSON output against.

The documents are typed dicts rather than models: a scan serialises tens of thousands
of findings, and pydantic serialises a dict without building an object for it first.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, PlainSerializer, TypeAdapter, WithJsonSchema, with_config
from typing_extensions import TypedDict

from valueaudit.findings import Finding, Severity
from valueaudit.interval import Interval
from valueaudit.journey import minutes_per_occurrence
from valueaudit.numbers import json_interval, plain
from valueaudit.version import __version__

if TYPE_CHECKING:
    from valueaudit.diff import DiffTotals, ProcessChange
    from valueaudit.engine import FileResult
    from valueaudit.model import Process
    from valueaudit.portfolio import Disparities, EntryKey, Ledger, PartyTotals
    from valueaudit.scoring import ProcessScore
    from valueaudit.simulation import Verdict

#: The version of the documents' shape: keys may be added, none removed or renamed.
FORMAT_VERSION = 1
#: The schema admits no key the documents do not define.
_STRICT = ConfigDict(extra="forbid")

_NUMBER_SCHEMA: dict[str, Any] = {"type": "number"}
_RANGE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "number"},
    "minItems": 2,
    "maxItems": 2,
    "description": "a range of admissible values, [low, high]",
}

#: A number in an output: rounded to 4 decimals, a whole number written as an integer.
Number = Annotated[
    float, PlainSerializer(plain), WithJsonSchema(_NUMBER_SCHEMA, mode="serialization")
]


def _ratio(value: tuple[float, float | None]) -> object:
    low, high = value
    return [plain(low), None] if high is None else json_interval(Interval(low, high))


#: An interval: a point as a number, a range as ``[low, high]`` (more decimals where
#: both ends would round alike, so that a range never reads as a point).
Span = Annotated[
    Interval,
    PlainSerializer(json_interval),
    WithJsonSchema({"anyOf": [_NUMBER_SCHEMA, _RANGE_SCHEMA]}, mode="serialization"),
]
#: An exchange ratio: like a :data:`Span`, with ``null`` for an unbounded high end.
Ratio = Annotated[
    tuple[float, float | None],
    PlainSerializer(_ratio),
    WithJsonSchema(
        {
            "anyOf": [
                _NUMBER_SCHEMA,
                {
                    "type": "array",
                    "prefixItems": [_NUMBER_SCHEMA, {"type": ["number", "null"]}],
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        },
        mode="serialization",
    ),
]


@with_config(_STRICT)
class Tool(TypedDict):
    """Which program wrote the document."""

    name: str
    version: str


@with_config(_STRICT)
class FindingDocument(TypedDict):
    """One finding: a problem or an opportunity, placed in a file."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    process: str | None
    touchpoint: str | None
    exchange: str | None
    path: str
    suggestion: str | None
    gain: Number | None
    unit: str | None
    #: what a finding with a gain rests on: backed, mixed or assumed (SPEC §4.14)
    evidence: str | None


@with_config(_STRICT)
class MeasureFirst(TypedDict):
    """A flow whose range decides the verdict most often (``--simulate``)."""

    touchpoint: str
    flow: int
    gives: str
    share: Number


@with_config(_STRICT)
class VerdictDocument(TypedDict):
    """What the draws say of a touchpoint or a process (``--simulate``)."""

    threshold: Number
    p_above: Number
    favoured: dict[str, Number]
    d_mean: Number
    d_p05: Number
    d_p95: Number
    measure_first: list[MeasureFirst]


@with_config(_STRICT)
class ProcessSimulationDocument(TypedDict):
    """A process's simulation: its draws and seed, and the verdict when it has one."""

    samples: int
    seed: int | None
    threshold: NotRequired[Number]
    p_above: NotRequired[Number]
    favoured: NotRequired[dict[str, Number]]
    d_mean: NotRequired[Number]
    d_p05: NotRequired[Number]
    d_p95: NotRequired[Number]
    measure_first: NotRequired[list[MeasureFirst]]


@with_config(_STRICT)
class Balance(TypedDict):
    """What a party receives over the process, its share of all that is received, and
    its net: received less what giving costs it and its fixed cost (SPEC §4.9)."""

    received: Span
    share: Span
    net: Span
    #: it receives a not-valued flow: its net leaves that flow out and is not judged
    not_valued: NotRequired[bool]


@with_config(_STRICT)
class EffortDocument(TypedDict):
    """What a party spends giving: hours per period, minutes per occurrence of the
    process (null at volume 0), and hours per period by stage."""

    hours: Span
    minutes_per_occurrence: Span | None
    by_stage: dict[str, Span]


@with_config(_STRICT)
class WaitingDocument(TypedDict):
    """Days waited along the chain (default order), and per stage."""

    days: Number
    by_stage: dict[str, Number]


@with_config(_STRICT)
class ExchangeDocument(TypedDict):
    """An exchange of two or more touchpoints, judged as one (SPEC §4.8)."""

    id: str
    touchpoints: list[str]
    volume: Number
    disparity: Span | None
    favoured: str | None
    received: dict[str, Span]
    net: dict[str, Span]
    simulation: NotRequired[VerdictDocument]


@with_config(_STRICT)
class TouchpointDocument(TypedDict):
    """One touchpoint's scores."""

    id: str
    line: int
    stage: str | None
    practice: str | None
    channel: str | None
    exchange: NotRequired[str]
    volume: Number
    disparity: Span | None
    favoured: str | None
    received: dict[str, Span]
    cumulative: dict[str, Span]
    praxis: str | None
    simulation: NotRequired[VerdictDocument]


@with_config(_STRICT)
class ProcessDocument(TypedDict):
    """One scored process."""

    id: str
    name: str | None
    file: str
    disparity: Span | None
    clarity: Number | None
    favoured: str | None
    unit: str
    balance: dict[str, Balance]
    touchpoints: list[TouchpointDocument]
    exchanges: list[ExchangeDocument]
    #: the shares of the value received resting on backed, estimated, assumed and
    #: unstated figures (SPEC §4.14)
    evidence: dict[str, Span]
    effort: dict[str, EffortDocument]
    waiting: WaitingDocument | None
    simulation: NotRequired[ProcessSimulationDocument]


@with_config(_STRICT)
class FindingCounts(TypedDict):
    """Findings per severity."""

    error: int
    warning: int
    info: int


@with_config(_STRICT)
class BaselineCounts(TypedDict):
    """How the run compares with its baseline."""

    known: int
    fixed: int


@with_config(_STRICT)
class ScanSummary(TypedDict):
    """The counts of a scan."""

    files: int
    processes: int
    findings: FindingCounts
    baseline: NotRequired[BaselineCounts]


@with_config(_STRICT)
class PartyDocument(TypedDict):
    """A party (or a role) across the processes of the portfolio."""

    id: str
    name: str
    role: str
    #: points (on a scale of 10) or a currency: one entry per unit (SPEC §4.10)
    unit: str
    received: Span
    given: Span
    exchange_ratio: Ratio | None
    cost: Span
    net: Span
    #: hours per period it spends giving (SPEC §4.15)
    effort: Span
    touchpoints: int
    favoured: int
    losing: int
    exchanges: int
    losing_uneven: int
    processes: int
    not_valued: NotRequired[bool]
    p_ratio_at_most: NotRequired[Number]


@with_config(_STRICT)
class PracticeDocument(TypedDict):
    """The touchpoints of one interaction value practice across the processes."""

    practice: str
    touchpoints: int
    disparity: Span | None
    praxis: dict[str, int]


@with_config(_STRICT)
class ChannelDocument(TypedDict):
    """The touchpoints of one channel across the processes: their disparity, the hours
    spent there, and the cost to serve per unit (SPEC §4.16)."""

    channel: str
    touchpoints: int
    disparity: Span | None
    effort: Span
    cost: dict[str, Span]
    cost_per_occurrence: dict[str, Span | None]


@with_config(_STRICT)
class StageDocument(TypedDict):
    """The touchpoints of one stage across the processes, as for channels."""

    stage: str
    touchpoints: int
    disparity: Span | None
    effort: Span
    cost: dict[str, Span]
    cost_per_occurrence: dict[str, Span | None]


FlowDocument = TypedDict(
    "FlowDocument",
    {"from": str, "to": str, "kind": str, "unit": str, "value": Span},
)
FlowDocument.__doc__ = "What one party gives another, of one kind, across the processes."
FlowDocument.__pydantic_config__ = _STRICT  # type: ignore[attr-defined]


@with_config(_STRICT)
class LedgerDocument(TypedDict):
    """The portfolio ledger (SPEC §4.7), every list sorted."""

    processes: int
    shard: str | None
    parties: list[PartyDocument]
    roles: list[PartyDocument]
    practices: list[PracticeDocument]
    channels: list[ChannelDocument]
    stages: list[StageDocument]
    flows: list[FlowDocument]


@with_config(_STRICT)
class ScanDocument(TypedDict):
    """``valueaudit scan -f json``."""

    tool: Tool
    format_version: int
    summary: ScanSummary
    portfolio: NotRequired[LedgerDocument]
    processes: list[ProcessDocument]
    findings: list[FindingDocument]


@with_config(_STRICT)
class PortfolioSummary(TypedDict):
    """The files of a portfolio and how many hold a valid process."""

    files: int
    processes: int


@with_config(_STRICT)
class PortfolioDocument(TypedDict):
    """``valueaudit portfolio -f json``."""

    tool: Tool
    format_version: int
    kind: Literal["portfolio"]
    summary: PortfolioSummary
    portfolio: LedgerDocument | None
    findings: list[FindingDocument]


@with_config(_STRICT)
class Pair(TypedDict):
    """One figure as-is (``old``) and to-be (``new``)."""

    old: Any
    new: Any


@with_config(_STRICT)
class SpanPair(TypedDict):
    """An interval as-is and to-be."""

    old: Span | None
    new: Span | None


@with_config(_STRICT)
class NumberPair(TypedDict):
    """A number as-is and to-be."""

    old: Number | None
    new: Number | None


@with_config(_STRICT)
class TouchpointChange(TypedDict):
    """One touchpoint in both versions."""

    id: str
    disparity: SpanPair
    received: dict[str, SpanPair]
    praxis: Pair


@with_config(_STRICT)
class ProcessChangeDocument(TypedDict):
    """One process in both versions."""

    id: str
    file: Pair
    disparity: SpanPair
    clarity: NumberPair
    balance: dict[str, SpanPair]
    #: each party's net over the process (SPEC §4.9, §4.13)
    net: dict[str, SpanPair]
    touchpoints_added: list[str]
    touchpoints_removed: list[str]
    touchpoints: list[TouchpointChange]


@with_config(_STRICT)
class NowInvalidDocument(TypedDict):
    """A process whose new file cannot be audited."""

    id: str
    file: str
    error: FindingDocument | None
    unchecked: int


@with_config(_STRICT)
class DiffProcessCounts(TypedDict):
    """Processes changed, unchanged, added, removed and now invalid."""

    changed: int
    unchanged: int
    added: int
    removed: int
    invalid: int


@with_config(_STRICT)
class DiffFindingCounts(TypedDict):
    """Findings fixed, introduced, and not checked (their file is invalid now)."""

    fixed: int
    introduced: int
    unchecked: int
    #: VA701 findings: parties worse off (counted among the introduced too)
    worse_off: int


@with_config(_STRICT)
class PartyChange(TypedDict):
    """One party over the whole comparison: what it receives and its net, before and
    after (points on a scale of 10, or money in ``unit``)."""

    id: str
    unit: str
    received: SpanPair
    net: SpanPair


@with_config(_STRICT)
class DiffSummary(TypedDict):
    """The counts of a diff, and every party's received and net over it."""

    processes: DiffProcessCounts
    findings: DiffFindingCounts
    parties: list[PartyChange]


@with_config(_STRICT)
class DiffDocument(TypedDict):
    """``valueaudit diff -f json``."""

    tool: Tool
    format_version: int
    kind: Literal["diff"]
    summary: DiffSummary
    worse_off: list[FindingDocument]
    processes: list[ProcessChangeDocument]
    processes_added: list[str | None]
    processes_removed: list[str | None]
    processes_invalid: list[NowInvalidDocument]
    fixed: list[FindingDocument]
    introduced: list[FindingDocument]


@with_config(_STRICT)
class BaselineEntry(TypedDict):
    """A finding a baseline records, by what it is about (never by line), with how many
    findings of that identity it hides."""

    file: str
    process: str
    path: str
    code: str
    content_hash: str
    count: int
    message: str


@with_config(_STRICT)
class BaselineDocument(TypedDict):
    """A baseline file (``--write-baseline``)."""

    valueaudit_baseline: Literal[1]
    version: str
    findings: list[BaselineEntry]


def tool() -> Tool:
    """This program."""
    return {"name": "valueaudit", "version": __version__}


def finding_document(finding: Finding) -> FindingDocument:
    """One finding."""
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "process": finding.process,
        "touchpoint": finding.touchpoint,
        "exchange": finding.exchange,
        "path": finding.path,
        "suggestion": finding.suggestion,
        "gain": finding.gain,
        "unit": finding.unit,
        "evidence": finding.evidence,
    }


def verdict_document(verdict: Verdict) -> VerdictDocument:
    """What the draws say of a touchpoint or a process (``--simulate``)."""
    return {
        "threshold": verdict.threshold,
        "p_above": verdict.p_above,
        "favoured": dict(verdict.favoured),
        "d_mean": verdict.d_mean,
        "d_p05": verdict.d_p05,
        "d_p95": verdict.d_p95,
        "measure_first": [
            {
                "touchpoint": m.touchpoint,
                "flow": m.index,
                "gives": m.gives,
                "share": round(m.share, 2),
            }
            for m in verdict.measure_first
        ],
    }


def process_document(result: FileResult) -> ProcessDocument:
    """One scored process; with ``--simulate``, the process and its uncertain exchanges
    carry a ``simulation`` (a touchpoint on its own carries its exchange's)."""
    process, score = result.process, result.score
    assert process is not None and score is not None
    touchpoints: list[TouchpointDocument] = []
    for touchpoint, scores, line in zip(
        process.touchpoints, score.touchpoints, result.touchpoint_lines, strict=True
    ):
        entry: TouchpointDocument = {
            "id": touchpoint.id,
            "line": line,
            "stage": touchpoint.stage,
            "practice": touchpoint.practice,
            "channel": touchpoint.channel,
            # only where the file names one (SPEC §4.8)
            **({} if touchpoint.exchange is None else {"exchange": touchpoint.exchange}),  # type: ignore[typeddict-item]
            "volume": scores.volume,
            "disparity": scores.disparity,
            "favoured": scores.favoured,
            "received": scores.received,
            "cumulative": scores.cumulative,
            "praxis": scores.praxis,
        }
        touchpoints.append(entry)
    exchanges: list[ExchangeDocument] = []
    simulation = result.simulation
    for position, exchange in enumerate(score.exchanges):
        verdict = None if simulation is None else simulation.exchanges[position]
        if len(exchange.touchpoints) == 1:
            if verdict is not None:
                touchpoints[exchange.first]["simulation"] = verdict_document(verdict)
            continue
        assert exchange.id is not None
        grouped: ExchangeDocument = {
            "id": exchange.id,
            "touchpoints": [process.touchpoints[i].id for i in exchange.touchpoints],
            "volume": exchange.volume,
            "disparity": exchange.disparity,
            "favoured": exchange.favoured,
            "received": exchange.received,
            "net": exchange.net,
        }
        if verdict is not None:
            grouped["simulation"] = verdict_document(verdict)
        exchanges.append(grouped)
    balance: dict[str, Balance] = {}
    for party, received in score.received.items():
        balance[party] = {
            "received": received,
            "share": score.share[party],
            "net": score.net.get(party, Interval(0.0, 0.0)),
        }
        if party in score.not_valued:
            balance[party]["not_valued"] = True
    document: ProcessDocument = {
        "id": process.id,
        "name": process.title,
        "file": result.file,
        "disparity": score.disparity,
        "clarity": score.clarity,
        "favoured": score.favoured,
        "unit": process.unit,
        "balance": balance,
        "touchpoints": touchpoints,
        "exchanges": exchanges,
        "evidence": score.evidence,
        "effort": _effort(process, score),
        "waiting": _waiting(score),
    }
    if simulation is not None:
        whole: ProcessSimulationDocument = {"samples": simulation.samples, "seed": simulation.seed}
        if simulation.process is not None:
            whole.update(verdict_document(simulation.process))  # type: ignore[typeddict-item]
        document["simulation"] = whole
    return document


def _effort(process: Process, score: ProcessScore) -> dict[str, EffortDocument]:
    journey = score.journey
    if journey is None:
        return {}
    return {
        party: {
            "hours": hours,
            "minutes_per_occurrence": minutes_per_occurrence(hours, process.volume),
            "by_stage": {
                stage: spent
                for (who, stage), spent in sorted(journey.effort_by_stage.items())
                if who == party
            },
        }
        for party, hours in journey.effort.items()
    }


def _waiting(score: ProcessScore) -> WaitingDocument | None:
    journey = score.journey
    if journey is None or journey.waiting is None:
        return None
    return {"days": journey.waiting, "by_stage": dict(sorted(journey.waiting_by_stage.items()))}


def scan_summary(
    files: int,
    processes: int,
    counts: dict[str, int],
    known: int | None = None,
    fixed: int | None = None,
) -> ScanSummary:
    """The counts of a scan, and how it compares with a baseline when it has one."""
    summary: ScanSummary = {
        "files": files,
        "processes": processes,
        "findings": {
            "error": counts["error"],
            "warning": counts["warning"],
            "info": counts["info"],
        },
    }
    if known is not None and fixed is not None:
        summary["baseline"] = {"known": known, "fixed": fixed}
    return summary


def _party(key: EntryKey, totals: PartyTotals, ledger: Ledger | None = None) -> PartyDocument:
    simulated = None if ledger is None else ledger.p_ratio_at_most(key)
    document: PartyDocument = {
        "id": key[0],
        "name": totals.name,
        "role": totals.role,
        "unit": totals.unit,
        "received": totals.received,
        "given": totals.given,
        "exchange_ratio": totals.exchange_ratio,
        "cost": totals.cost,
        "net": totals.net,
        "effort": totals.effort,
        "touchpoints": totals.touchpoints,
        "favoured": totals.favoured,
        "losing": totals.losing,
        "exchanges": totals.exchanges,
        "losing_uneven": totals.losing_uneven,
        "processes": totals.processes,
    }
    if totals.not_valued:
        document["not_valued"] = True
    if simulated is not None:  # with --simulate: how often its ratio is at or below the bar
        document["p_ratio_at_most"] = simulated
    return document


def _group(figures: Disparities) -> dict[str, Any]:
    """A channel's or stage's figures (the same for both)."""
    serving = figures.cost_to_serve()
    return {
        "touchpoints": figures.touchpoints,
        "disparity": figures.disparity,
        "effort": figures.effort,
        "cost": {unit: total for unit, (total, _) in serving.items()},
        "cost_per_occurrence": {unit: each for unit, (_, each) in serving.items()},
    }


def ledger_document(ledger: Ledger) -> LedgerDocument:
    """The ledger, every list sorted."""

    def groups(found: dict[str, Disparities]) -> list[tuple[str, Disparities]]:
        return sorted(found.items())

    return {
        "processes": ledger.processes,
        "shard": ledger.shard,
        "parties": [_party(k, t, ledger) for k, t in sorted(ledger.parties.items())],
        "roles": [_party(k, t) for k, t in sorted(ledger.roles.items())],
        "practices": [
            {
                "practice": key,
                "touchpoints": figures.touchpoints,
                "disparity": figures.disparity,
                "praxis": dict(sorted(figures.praxis.items())),
            }
            for key, figures in groups(ledger.practices)
        ],
        "channels": [
            {"channel": key, **_group(figures)}  # type: ignore[typeddict-item]
            for key, figures in groups(ledger.channels)
        ],
        "stages": [
            {"stage": key, **_group(figures)}  # type: ignore[typeddict-item]
            for key, figures in groups(ledger.stages)
        ],
        "flows": [
            {"from": source, "to": target, "kind": kind, "unit": unit, "value": value}
            for (source, target, kind, unit), value in sorted(ledger.flows.items())
        ],
    }


def change_document(change: ProcessChange) -> ProcessChangeDocument:
    """One process in both versions."""
    from valueaudit.diff import parties_of

    old, new = change.old_score, change.new_score
    parties = parties_of(change)
    return {
        "id": change.id,
        "file": {"old": change.old.file, "new": change.new.file},
        "disparity": {"old": old.disparity, "new": new.disparity},
        "clarity": {"old": old.clarity, "new": new.clarity},
        "balance": {p: {"old": old.received.get(p), "new": new.received.get(p)} for p in parties},
        "net": {p: {"old": old.net.get(p), "new": new.net.get(p)} for p in parties},
        "touchpoints_added": list(change.added),
        "touchpoints_removed": list(change.removed),
        "touchpoints": [
            {
                "id": tp.id,
                "disparity": {"old": tp.old.disparity, "new": tp.new.disparity},
                "received": {
                    p: {"old": tp.old.received.get(p), "new": tp.new.received.get(p)}
                    for p in parties
                },
                "praxis": {"old": tp.old.praxis, "new": tp.new.praxis},
            }
            for tp in change.touchpoints
        ],
    }


def diff_summary(totals: DiffTotals) -> DiffSummary:
    """The counts of a whole diff."""
    return {
        "processes": {
            "changed": totals.changed,
            "unchanged": totals.unchanged,
            "added": totals.added,
            "removed": totals.removed,
            "invalid": totals.invalid,
        },
        "findings": {
            "fixed": totals.fixed,
            "introduced": totals.introduced,
            "unchecked": totals.unchecked,
            "worse_off": totals.worse,
        },
        "parties": [
            {
                "id": party,
                "unit": unit,
                "received": {"old": r_old, "new": r_new},
                "net": {"old": n_old, "new": n_new},
            }
            for (party, unit), (r_old, r_new, n_old, n_new) in sorted(totals.parties.items())
        ],
    }


@functools.cache
def adapter(kind: Any) -> TypeAdapter[Any]:
    """The serialiser of one kind of document, built when first needed: building them
    all costs about 75 ms, which a command that writes no JSON (``check`` of one file in
    a pre-commit hook) should not pay."""
    return TypeAdapter(kind)


def plain_values(kind: Any, document: object) -> Any:
    """A document of ``kind`` as plain JSON values (dicts, lists, numbers rounded as
    outputs write them)."""
    return adapter(kind).dump_python(document, mode="json")


def output_schema() -> dict[str, Any]:
    """The JSON Schema of every JSON document valueaudit writes: a scan, a portfolio, a
    diff and a baseline (``valueaudit schema output``)."""
    definitions: dict[str, Any] = {}
    variants = []
    documents: tuple[tuple[str, Any], ...] = (
        ("scan", ScanDocument),
        ("portfolio", PortfolioDocument),
        ("diff", DiffDocument),
        ("baseline", BaselineDocument),
    )
    for name, kind in documents:
        schema = adapter(kind).json_schema(mode="serialization", ref_template="#/$defs/{model}")
        definitions.update(schema.pop("$defs", {}))
        definitions[f"{name}-document"] = schema
        variants.append({"$ref": f"#/$defs/{name}-document"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/valueaudit/valueaudit/valueaudit-output.schema.json",
        "title": "valueaudit output",
        "description": (
            "What valueaudit writes with -f json: a scan (scan, check), a portfolio (kind: "
            "portfolio) or a diff (kind: diff); and a baseline (--write-baseline). Keys may "
            "be added in later versions of format_version 1; none are removed or renamed."
        ),
        "anyOf": variants,
        "$defs": definitions,
    }
