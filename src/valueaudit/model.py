"""The process file format, version 1 (SPEC §2), as pydantic v2 models.

The models are the format: :class:`Process` validates a file's plain values (mappings
as dicts, sequences as tuples, from :mod:`valueaudit.yaml_nodes`) in strict mode, so
``gives: no`` is not silently turned into text and ``value: yes`` is not a number; the
JSON Schema editors use is generated from them (:mod:`valueaudit.schema`).

The models check shape: types, enums, slugs, bounds and ranges; values and costs lie
within the process's ``scale``, given in the validation context. Checks that relate one
part of a process to another (party references, ``next``, unique touchpoint ids) are
rules in :mod:`valueaudit.rules.structure`, so that each gets its own code and position.
Every custom check raises :class:`~pydantic_core.PydanticCustomError` with our own
wording; :mod:`valueaudit.validation` turns every error into a positioned finding.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
import typing
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from valueaudit.codes import RULE_CODES
from valueaudit.interval import Interval

FORMAT_VERSION = 1
DEFAULT_SCALE = 10.0

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Practice = Literal["informing", "greeting", "delivering", "charging", "helping"]
#: ``internal`` (rev. 3): a part of one of the organisations (a back office, a data feed
#: between two agencies): counted, but never named as losing or owed (SPEC §4.12).
Role = Literal["customer", "prospect", "provider", "partner", "internal", "other"]
Kind = Literal[
    "money",
    "product",
    "service",
    "information",
    "feedback",
    "insight",
    "qualifying-information",
    "settlement",
    "support",
    "time",
    "effort",
    "access",
    "other",
]
Confidence = Literal["low", "medium", "high"]
#: Where a number comes from (SPEC §4.14); a number without evidence is ``unstated``.
EvidenceSource = Literal["assumed", "estimated", "measured", "published"]
ElementState = Literal["congruent", "incongruent", "unknown"]
Outcome = Literal["co-creation", "co-destruction"]

# The allowed values as tuples, for messages and hints; the Literals above are the truth.
PRACTICES: tuple[str, ...] = get_args(Practice)
ROLES: tuple[str, ...] = get_args(Role)
KINDS: tuple[str, ...] = get_args(Kind)
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
EVIDENCE_SOURCES: tuple[str, ...] = get_args(EvidenceSource)
ELEMENT_STATES: tuple[str, ...] = get_args(ElementState)
OUTCOMES: tuple[str, ...] = get_args(Outcome)


# --- Validators of single values ------------------------------------------------------


def _is_number(raw: object) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _float(number: object) -> float:
    """A number as a float; a whole number too large for one is infinite (and refused)."""
    try:
        return float(number)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf


def _show(raw: object) -> str:
    if isinstance(raw, tuple | list):
        return "[" + ", ".join(_show(x) for x in raw) + "]"
    number = _float(raw)
    if abs(number) >= 1e20:  # 1e+30, not 1000000000000000019884624838656
        return f"{number:g}"
    return str(_plain(number))


class NotValued(Interval):
    """``value: not-valued`` (SPEC §4.11): a flow that exists but is deliberately left
    out of the value comparison. Worth nothing in every sum (an interval ``[0, 0]``), it
    is told apart where it matters: it takes no part in ``D``'s max and min, in clarity,
    in VA201 or VA301, and leaves its receiver without a certain net."""

    __slots__ = ()


#: The one not-valued value.
NOT_VALUED = NotValued(0.0, 0.0)
NOT_VALUED_TEXT = "not-valued"


class WrittenRange(Interval):
    """An interval written as a range ``[low, high]``, even ``[x, x]``: the form that may
    name a ``likely`` value (SPEC §2, §4.17). Equal to the interval it holds."""

    __slots__ = ()


def _parse_value(raw: object, info: ValidationInfo) -> Interval | None:
    """A flow's value: a number, ``[low, high]`` within ``0..scale``, or ``not-valued``."""
    if raw == NOT_VALUED_TEXT:
        return NOT_VALUED
    return _parse_cost(raw, info, value=True)


def _parse_cost(raw: object, info: ValidationInfo, *, value: bool = False) -> Interval | None:
    """A value or cost: a number, or ``[low, high]``, each within ``0..scale``."""
    if raw is None:
        return None
    scale = float((info.context or {}).get("scale", DEFAULT_SCALE))
    shapes = (
        "a number, a range [low, high] or not-valued"
        if value
        else "a number or a range [low, high]"
    )
    low, high = _read_range(raw, shapes, "a finite number", not_valued_hint=value)
    if low < 0 or high > scale:
        raise PydanticCustomError(
            "value_scale",
            "{got} is outside the value scale 0..{scale}",
            {"got": _show(raw), "scale": _plain(scale)},
        )
    return Interval(low, high) if _is_number(raw) else WrittenRange(low, high)


def _read_range(
    raw: object, shapes: str, finite: str, *, not_valued_hint: bool = False
) -> tuple[float, float]:
    """A number or ``[low, high]`` as its two ends, finite and in order; the errors say
    which ``shapes`` were expected and what a finite one is (``finite``)."""
    if _is_number(raw):
        low = high = _float(raw)
    elif isinstance(raw, tuple | list) and len(raw) == 2 and all(_is_number(x) for x in raw):
        low, high = _float(raw[0]), _float(raw[1])
    else:
        from valueaudit.hints import describe

        hint = ""
        if isinstance(raw, str) and raw.strip().lstrip("+-").replace(".", "", 1).isdigit():
            hint = "; remove the quotes"
        elif isinstance(raw, str) and _EXPONENT.fullmatch(raw.strip()):
            hint = "; YAML reads 1e3 as text: write 1000 or 1.0e+3"
        elif not_valued_hint and isinstance(raw, str) and raw.strip().lower().startswith("not"):
            hint = f"; did you mean '{NOT_VALUED_TEXT}'?"
        raise PydanticCustomError(
            "value_shape",
            "expected {shapes}, got {got}{hint}",
            {"shapes": shapes, "got": describe(raw), "hint": hint},
        )
    if not (math.isfinite(low) and math.isfinite(high)):
        raise PydanticCustomError(
            "value_finite", "expected {finite}, got {got}", {"finite": finite, "got": _show(raw)}
        )
    if low > high:
        raise PydanticCustomError(
            "range_order",
            "range [{low}, {high}] has low > high",
            {"low": _plain(low), "high": _plain(high)},
        )
    return low, high


_EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")


#: Minutes a flow takes its giver: far beyond any real step, and finite in every product.
MAX_MINUTES = 1e9


def _parse_minutes(raw: object) -> Interval | None:
    """``minutes``: a number or ``[low, high]``, each at least 0."""
    if raw is None:
        return None
    shapes = "a number of minutes or a range [low, high]"
    low, high = _read_range(raw, shapes, "a finite number of minutes")
    if high > MAX_MINUTES:
        raise PydanticCustomError(
            "value_finite", "expected a finite number of minutes, got {got}", {"got": _show(raw)}
        )
    if low < 0:
        raise PydanticCustomError("value_scale", "{got} minutes is below 0", {"got": _show(raw)})
    return Interval(low, high)


def _one_or_many(raw: Any) -> Any:
    """Accept a single item where a list is expected (``next: payment``)."""
    return (raw,) if isinstance(raw, str) else raw


def _known_rule(code: str) -> str:
    if code.upper() not in RULE_CODES:
        raise PydanticCustomError("unknown_rule", "unknown rule code '{code}'", {"code": code})
    return code.upper()


def _real_reason(reason: str) -> str:
    if not reason.strip():
        raise PydanticCustomError("empty_reason", "a suppression needs a reason", {})
    return reason


def _supported_version(version: int) -> int:
    if version != FORMAT_VERSION:
        raise PydanticCustomError(
            "format_version",
            "unsupported format version {version}; this valueaudit reads version 1",
            {"version": version},
        )
    return version


# --- Field types ----------------------------------------------------------------------

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
#: A finite number: YAML's ``.nan`` and ``.inf`` are floats too, and would slip past
#: every comparison.
Finite = Annotated[float, Field(allow_inf_nan=False)]

# Bounds that keep every product of the scores finite (volume x value summed over the
# touchpoints, amount x rate x days x volume): far beyond any real process.
MAX_SCALE = 1_000_000
MAX_VOLUME = 1e12
MAX_AMOUNT = 1e15
MAX_DUE_DAYS = 36_500
#: Values and costs of a process whose unit is a currency: money per occurrence.
MAX_MONEY_VALUE = 1e15
MAX_FIXED_COST = MAX_MONEY_VALUE * MAX_VOLUME

#: ``unit`` (SPEC §4.10): value points on the process's scale, or a currency code.
POINTS = "points"
UNIT_PATTERN = r"^(points|[A-Z]{3})$"

_NUMBER_OR_RANGE: dict[str, Any] = {
    "oneOf": [
        {"minimum": 0, "type": "number"},
        {
            "items": {"minimum": 0, "type": "number"},
            "maxItems": 2,
            "minItems": 2,
            "type": "array",
        },
    ]
}
#: A number or ``[low, high]`` within the process's scale (given in the context).
Cost = Annotated[Interval | None, PlainValidator(_parse_cost), WithJsonSchema(_NUMBER_OR_RANGE)]
#: A cost's shapes, or ``not-valued``.
Value = Annotated[
    Interval | None,
    PlainValidator(_parse_value),
    WithJsonSchema({"oneOf": [*_NUMBER_OR_RANGE["oneOf"], {"const": NOT_VALUED_TEXT}]}),
]
RuleCode = Annotated[
    str,
    AfterValidator(_known_rule),
    WithJsonSchema({"enum": list(RULE_CODES), "type": "string"}),
]


def _one_or_many_schema(item: dict[str, Any]) -> Any:
    return WithJsonSchema({"anyOf": [item, {"items": item, "type": "array"}]})


class _Record(BaseModel):
    """What every part of the format shares: read-only, strict, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


Minutes = Annotated[
    Interval | None, PlainValidator(_parse_minutes), WithJsonSchema(_NUMBER_OR_RANGE)
]


class Evidence(_Record):
    """Where a number comes from (SPEC §4.14): on a flow for its value and cost, on a
    touchpoint or the process for their volume, on a party for its fixed cost."""

    source: EvidenceSource = Field(
        description="assumed, estimated, measured or published; without evidence a number "
        "is unstated."
    )
    ref: str | None = Field(None, description="Where to find it: a report, a study, a query.")
    as_of: dt.date | None = Field(
        None, strict=False, description="When it was measured or published (a date)."
    )


class Timing(_Record):
    """When a money flow is due."""

    due_days: int = Field(
        ge=0, le=MAX_DUE_DAYS, description="Days after the touchpoint the money is due."
    )


class Flow(_Record):
    """Something of value that one party gives another at a touchpoint."""

    source: Slug = Field(alias="from", description="The giving party's id.")
    target: Slug = Field(alias="to", description="The receiving party's id.")
    gives: Text = Field(description="The value object, free text.")
    kind: Kind = Field(description="What kind of value is given.")
    value: Value = Field(
        None,
        description="Worth to the receiver: a number, [low, high], not-valued (left out of "
        "the value comparison on purpose), or omitted (unknown).",
    )
    likely: Finite | None = Field(
        None,
        ge=0,
        description="The most likely worth, within a range value: the mode of the "
        "triangular draws of --simulate (a range without it is drawn uniformly).",
    )
    cost: Cost = Field(
        None,
        description="What giving it takes from the giver, on the same scale; a money flow "
        "without one costs its giver its value, any other flow nothing.",
    )
    confidence: Confidence | None = Field(None, description="How sure the value is.")
    amount: Finite | None = Field(
        None, ge=0, le=MAX_AMOUNT, description="Money amount of the flow."
    )
    timing: Timing | None = Field(None, description="When the money is due.")
    minutes: Minutes = Field(
        None,
        description="The giver's time per occurrence (filling in a form, waiting, "
        "travelling): a number or [low, high], at least 0.",
    )
    evidence: Evidence | None = Field(None, description="What its value and cost rest on.")

    @field_validator("target")
    @classmethod
    def _not_to_itself(cls, target: str, info: ValidationInfo) -> str:
        if target == info.data.get("source"):
            raise PydanticCustomError(
                "flow_to_itself",
                "a flow must go to another party, not back to '{party}'",
                {"party": target},
            )
        return target

    @property
    def valued(self) -> bool:
        """False for ``value: not-valued``: left out of the value comparison."""
        return not isinstance(self.value, NotValued)

    @field_validator("likely")
    @classmethod
    def _within_the_range(cls, likely: float | None, info: ValidationInfo) -> float | None:
        if likely is None or "value" not in info.data:  # a bad value is reported already
            return likely
        value: Interval | None = info.data["value"]
        if value is None or not isinstance(value, WrittenRange):
            raise PydanticCustomError(
                "likely_without_range",
                "only a range value [low, high] has a most likely value; the value here is {value}",
                {"value": "omitted" if value is None else _show(value.low)},
            )
        if not value.low <= likely <= value.high:
            raise PydanticCustomError(
                "likely_outside",
                "{likely} is outside the value's range [{low}, {high}]",
                {"likely": _plain(likely), "low": _plain(value.low), "high": _plain(value.high)},
            )
        return likely


class Elements(_Record):
    """Echeverri & Skålén's elements of a practice: congruent between the parties or not."""

    procedures: ElementState | None = Field(
        None, description="Ways of doing things: do both sides follow the same?"
    )
    understandings: ElementState | None = Field(
        None, description="Knowledge and interpretations: are they shared?"
    )
    engagements: ElementState | None = Field(
        None, description="Goals, emotions and commitment: do they match?"
    )


class Suppression(_Record):
    """A decision not to report a rule here, with the reason why."""

    rule: RuleCode = Field(description="The rule code, e.g. VA302.")
    reason: Annotated[Text, AfterValidator(_real_reason)] = Field(
        description="Why it is suppressed."
    )
    touchpoint: Slug | None = Field(None, description="Only at this touchpoint.")
    expires: dt.date | None = Field(None, strict=False, description="Ends on this date.")

    def expired(self, today: dt.date) -> bool:
        """Whether the suppression has ended (it then hides nothing: VA902)."""
        return self.expires is not None and self.expires < today


class Party(_Record):
    """A party to the exchanges: the customer, the provider, a partner..."""

    name: str | None = Field(None, description="Display name; defaults to the id.")
    role: Role | None = Field(
        None,
        description="customer, prospect, provider, partner, internal (a part of one of "
        "the organisations: never named as losing or owed) or other; defaults to the id "
        "when the id is a role name, else other.",
    )
    fixed_cost: Finite | None = Field(
        None,
        ge=0,
        le=MAX_FIXED_COST,
        description="What taking part costs the party per period whatever the volume, in "
        "the process's unit (e3value's actor expenses).",
    )
    evidence: Evidence | None = Field(None, description="What its fixed cost rests on.")


class Assumptions(_Record):
    """Figures the rules use, stated once per process."""

    cost_of_capital: Finite | None = Field(
        None, ge=0, le=1, description="The company's annual cost of capital, 0.12 for 12%."
    )
    currency: str | None = Field(None, description="Currency of money amounts.")


class Touchpoint(_Record):
    """One interaction between the parties, in chain order."""

    id: Slug = Field(description="Touchpoint id, unique within the process (a slug).")
    name: str | None = Field(None, description="Display name; defaults to the id.")
    stage: str | None = Field(None, description="Free text that groups touchpoints.")
    practice: Practice | None = Field(
        None, description="The interaction value practice (Echeverri & Skålén)."
    )
    channel: str | None = Field(None, description="Where it happens, free text.")
    exchange: Slug | None = Field(
        None,
        description="The exchange this touchpoint belongs to (a slug): touchpoints naming "
        "the same one are judged together, as when a customer pays at one and is served "
        "at another.",
    )
    initiator: Slug | None = Field(None, description="The party that starts it.")
    volume: Finite | None = Field(
        None,
        ge=0,
        le=MAX_VOLUME,
        description="Occurrences per period; overrides the process volume.",
    )
    wait_days: Finite | None = Field(
        None,
        ge=0,
        le=MAX_DUE_DAYS,
        description="How long the customer waits before this touchpoint happens, in days.",
    )
    evidence: Evidence | None = Field(None, description="What its volume rests on.")
    flows: tuple[Flow, ...] = Field((), description="What passes between parties.")
    elements: Elements | None = Field(
        None, description="Whether the parties' practice elements are congruent."
    )
    outcome: Outcome | None = Field(None, description="The observed result.")
    next: Annotated[
        tuple[Slug, ...] | None,
        BeforeValidator(_one_or_many),
        _one_or_many_schema({"pattern": SLUG_PATTERN, "type": "string"}),
    ] = Field(None, description="Ids of the touchpoints that follow; default: the next one.")
    suppress: tuple[Suppression, ...] = Field(
        (), description="Rules not to report at this touchpoint, with reasons."
    )

    @property
    def title(self) -> str:
        """The touchpoint's name, or its id."""
        return self.name or self.id

    def __repr__(self) -> str:
        return f"Touchpoint(id={self.id!r}, flows={len(self.flows)})"


class Process(_Record):
    """One business process: parties and a chain of touchpoints where value is exchanged."""

    valueaudit: Annotated[int, AfterValidator(_supported_version)] = Field(
        description="Format version; must be 1."
    )
    id: Slug = Field(description="Process id, unique across a scan (a slug).")
    name: str | None = Field(None, description="Display name; defaults to the id.")
    description: str | None = Field(None, description="What the process is.")
    owner: str | None = Field(None, description="Who is responsible for it.")
    tags: Annotated[
        tuple[str, ...], BeforeValidator(_one_or_many), _one_or_many_schema({"type": "string"})
    ] = Field((), description="Free labels.")
    volume: Finite = Field(1.0, ge=0, le=MAX_VOLUME, description="Occurrences per period.")
    unit: Annotated[str, StringConstraints(pattern=UNIT_PATTERN)] = Field(
        POINTS,
        description="What values and costs are in: points (values in 0..scale) or a "
        "currency code such as EUR (money-equivalent amounts per occurrence; no scale).",
    )
    written_scale: Finite | None = Field(
        None,
        alias="scale",
        gt=0,
        le=MAX_SCALE,
        description="Top of the value scale: values lie in 0..scale (default 10); only "
        "for unit points.",
    )
    evidence: Evidence | None = Field(None, description="What its volume rests on.")
    assumptions: Assumptions = Field(
        Assumptions(), description="Figures the rules use (cost of capital, currency)."
    )
    parties: dict[Slug, Party] = Field(
        min_length=2, description="The parties, by id (a slug); at least 2."
    )
    touchpoints: tuple[Touchpoint, ...] = Field(
        min_length=1, description="The touchpoints, in chain order; at least 1."
    )
    suppress: tuple[Suppression, ...] = Field(
        (), description="Rules not to report in this process, with reasons."
    )

    @field_validator("written_scale")
    @classmethod
    def _scale_of_points(cls, scale: float | None, info: ValidationInfo) -> float | None:
        unit = info.data.get("unit", POINTS)
        if scale is not None and unit != POINTS:
            raise PydanticCustomError(
                "scale_with_currency",
                "a process in {unit} has no scale: its values are amounts of money "
                "(remove scale, or use unit: points)",
                {"unit": unit},
            )
        return scale

    @field_validator("assumptions")
    @classmethod
    def _same_currency(cls, assumptions: Assumptions, info: ValidationInfo) -> Assumptions:
        unit = info.data.get("unit", POINTS)
        currency = assumptions.currency
        if unit != POINTS and currency is not None and currency != unit:
            raise PydanticCustomError(
                "currency_mismatch",
                "assumptions.currency is {currency} but the process's unit is {unit}: "
                "name one currency",
                {"currency": currency, "unit": unit},
            )
        return assumptions

    @property
    def scale(self) -> float:
        """The top of the value scale: the written ``scale`` (default 10); for a process
        in a currency, the largest amount a value may be (SPEC §4.10)."""
        if self.unit != POINTS:
            return MAX_MONEY_VALUE
        return DEFAULT_SCALE if self.written_scale is None else self.written_scale

    @property
    def in_points(self) -> bool:
        """Whether values are points on a scale (not amounts of a currency)."""
        return self.unit == POINTS

    @property
    def title(self) -> str:
        """The process's name, or its id."""
        return self.name or self.id

    def __repr__(self) -> str:
        # pydantic's would print every flow of every touchpoint on one line
        return (
            f"Process(id={self.id!r}, parties={list(self.parties)!r}, "
            f"touchpoints={len(self.touchpoints)})"
        )

    def _repr_markdown_(self) -> str:
        """What a notebook shows: the process's name and its chain of touchpoints."""

        from valueaudit.mdtext import md as cell

        lines = [f"**{cell(self.title)}** (`{self.id}`): {len(self.touchpoints)} touchpoints", ""]
        lines += ["| touchpoint | practice | flows |", "|---|---|---|"]
        for touchpoint in self.touchpoints:
            flows = "; ".join(
                f"{flow.source} → {flow.target}: {flow.gives}" for flow in touchpoint.flows
            )
            lines.append(
                f"| {cell(touchpoint.title)} | {cell(touchpoint.practice or '–')} | "
                f"{cell(flows or '–')} |"
            )
        return "\n".join(lines)

    def role_of(self, party: str) -> str:
        """A party's role; an undeclared role defaults to the id when that is a role name."""
        declared = self.parties.get(party)
        if declared is not None and declared.role is not None:
            return declared.role
        return party if party in ROLES else "other"

    def party_name(self, party: str) -> str:
        """A party's display name."""
        declared = self.parties.get(party)
        return declared.name if declared is not None and declared.name else party


def validate_process(data: object, scale: float = DEFAULT_SCALE) -> Process:
    """Validate a file's plain values into a :class:`Process`; values and costs are
    checked against ``scale``. Raises :class:`pydantic.ValidationError`."""
    return Process.model_validate(data, context={"scale": scale})


def keys_at(loc: tuple[str | int, ...]) -> list[str] | None:
    """The keys allowed in the mapping at ``loc`` (a path of an error), as a file writes
    them; ``None`` when ``loc`` is not a part of the format."""
    model = model_at(loc)
    return None if model is None else _keys(model)


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model of the mapping at ``loc``, or ``None`` when ``loc`` is no mapping of the
    format."""
    model: type[BaseModel] = Process
    parts = list(loc)
    while parts:
        key = parts.pop(0)
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == key), None
        )
        if field is None:
            return None
        found = _inner_model(field.annotation)
        if found is None:
            return None
        inner, containers = found
        if len(parts) < containers:
            return None
        del parts[:containers]
        model = inner
    return model


def misplaced(loc: tuple[str | int, ...], key: str) -> str | None:
    """Where a key unknown in the mapping at ``loc`` belongs, in words, when the format
    has it one level in or out: inside one of this mapping's own keys (``due_days``
    beside ``timing`` belongs inside it), or in the mapping around this one."""
    model = model_at(loc)
    if model is None:
        return None
    for name, field in model.model_fields.items():
        found = _inner_model(field.annotation)
        if found is not None and key in _keys(found[0]):
            home = field.alias or name
            return f"it belongs inside '{home}' ({home}: {{{key}: ...}})"
    outer = list(loc)
    while outer and isinstance(outer[-1], int):  # out of the list holding this mapping
        outer.pop()
    if outer:
        owner = outer.pop()  # the key holding this mapping (or the list of them)
        around = model_at(tuple(outer))
        if around is not None and key in _keys(around):
            return f"it belongs one level out, beside '{owner}'"
    return None


def _inner_model(annotation: Any) -> tuple[type[BaseModel], int] | None:
    """The model a field holds and how many tuples or dicts wrap it, or ``None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, 0
    origin = typing.get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if origin in (typing.Union, types.UnionType, typing.Annotated) and args:
        return _inner_model(args[0])
    if origin in (tuple, dict) and args:
        found = _inner_model(args[-1])
        return None if found is None else (found[0], found[1] + 1)
    return None
