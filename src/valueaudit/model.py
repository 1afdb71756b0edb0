"""The process file format, version 1 (SPEC §2): read-only records and their schema.

The records (:class:`Process`, :class:`Touchpoint`, :class:`Flow`...) are plain
classes; what a file may hold is one pydantic-core schema, :data:`PROCESS_SCHEMA`,
which pydantic's Rust core validates in strict mode into those records
(:func:`validate_process`). It is the same core, the same error types and the same
strictness as pydantic's ``BaseModel``, without pydantic's Python layer: importing that
and building models costs about 0.2 s on a 2-core machine, the whole budget of
``valueaudit check`` (SPEC §9), while pydantic-core alone loads in a third of it.

The schema checks shape: types, enums, slugs, bounds and ranges. Checks that relate
one part of a process to another (party references, ``next``, unique touchpoint ids)
are rules in :mod:`valueaudit.rules.structure`, so that each gets its own code and
position. Sequences arrive as tuples from :mod:`valueaudit.loading`; strict mode means
``gives: no`` is not silently turned into text and ``value: yes`` is not a number.
Each field carries its description (``metadata``) for the JSON Schema
(:mod:`valueaudit.schema`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from pydantic_core import PydanticCustomError, SchemaValidator
from pydantic_core import core_schema as cs

from valueaudit.scoring import Interval

FORMAT_VERSION = 1
DEFAULT_SCALE = 10.0

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Practice = Literal["informing", "greeting", "delivering", "charging", "helping"]
Role = Literal["customer", "prospect", "provider", "partner", "other"]
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
ElementState = Literal["congruent", "incongruent", "unknown"]
Outcome = Literal["co-creation", "co-destruction"]

# The allowed values as tuples, for the schema, messages and hints; the Literals above
# are the truth (and what the records' attributes are typed with).
PRACTICES: tuple[str, ...] = get_args(Practice)
ROLES: tuple[str, ...] = get_args(Role)
KINDS: tuple[str, ...] = get_args(Kind)
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
ELEMENT_STATES: tuple[str, ...] = get_args(ElementState)
OUTCOMES: tuple[str, ...] = get_args(Outcome)


class Record:
    """A validated part of a process file, with read-only attributes.

    Records are made by the validator, which fills ``__dict__`` and the set of keys the
    file gave (:attr:`keys_given`); they compare equal when their values are equal.
    """

    __slots__ = (
        "__dict__",
        "__pydantic_extra__",
        "__pydantic_fields_set__",
        "__pydantic_private__",
    )

    __pydantic_fields_set__: set[str]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and values hold dicts

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({fields})"

    @property
    def keys_given(self) -> frozenset[str]:
        """The fields the file wrote (by field name), as opposed to defaulted ones."""
        return frozenset(self.__pydantic_fields_set__)


class Timing(Record):
    """When a money flow is due."""

    due_days: int


class Flow(Record):
    """Something of value that one party gives another at a touchpoint."""

    source: str
    target: str
    gives: str
    kind: Kind
    value: Interval | None
    cost: Interval | None
    confidence: Confidence | None
    amount: float | None
    timing: Timing | None


class Elements(Record):
    """Echeverri & Skålén's elements of a practice: congruent between the parties or not."""

    procedures: ElementState | None
    understandings: ElementState | None
    engagements: ElementState | None


class Suppression(Record):
    """A decision not to report a rule here, with the reason why."""

    rule: str
    reason: str
    touchpoint: str | None
    expires: dt.date | None


class Party(Record):
    """A party to the exchanges: the customer, the provider, a partner..."""

    name: str | None
    role: Role | None


class Assumptions(Record):
    """Figures the rules use, stated once per process."""

    cost_of_capital: float | None
    currency: str | None


class Touchpoint(Record):
    """One interaction between the parties, in chain order."""

    id: str
    name: str | None
    stage: str | None
    practice: Practice | None
    channel: str | None
    initiator: str | None
    volume: float | None
    flows: tuple[Flow, ...]
    elements: Elements | None
    outcome: Outcome | None
    next: tuple[str, ...] | None
    suppress: tuple[Suppression, ...]

    @property
    def title(self) -> str:
        """The touchpoint's name, or its id."""
        return self.name or self.id


class Process(Record):
    """One business process: parties and a chain of touchpoints where value is exchanged."""

    valueaudit: int
    id: str
    name: str | None
    description: str | None
    owner: str | None
    tags: tuple[str, ...]
    volume: float
    scale: float
    assumptions: Assumptions
    parties: dict[str, Party]
    touchpoints: tuple[Touchpoint, ...]
    suppress: tuple[Suppression, ...]

    @property
    def title(self) -> str:
        """The process's name, or its id."""
        return self.name or self.id

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


# --- Validators of single values ------------------------------------------------------


def _is_number(raw: object) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _parse_value(raw: object, info: cs.ValidationInfo) -> Interval:
    """A value or cost: a number, or ``[low, high]``, each within ``0..scale``."""
    scale = float((info.context or {}).get("scale", DEFAULT_SCALE))
    if _is_number(raw):
        bounds = (float(raw), float(raw))  # type: ignore[arg-type]
    elif isinstance(raw, tuple | list) and len(raw) == 2 and all(_is_number(x) for x in raw):
        bounds = (float(raw[0]), float(raw[1]))
    else:
        from valueaudit.hints import describe

        hint = ""
        if isinstance(raw, str) and raw.strip().lstrip("+-").replace(".", "", 1).isdigit():
            hint = "; remove the quotes"
        elif isinstance(raw, str) and "e" in raw.lower():
            hint = "; YAML reads 1e3 as text: write 1000 or 1.0e+3"
        raise PydanticCustomError(
            "value_shape",
            "expected a number or a range [low, high], got {got}{hint}",
            {"got": describe(raw), "hint": hint},
        )
    low, high = bounds
    if not (math.isfinite(low) and math.isfinite(high)):
        raise PydanticCustomError(
            "value_finite", "expected a finite number, got {got}", {"got": _show(raw)}
        )
    if low > high:
        raise PydanticCustomError(
            "range_order",
            "range [{low}, {high}] has low > high",
            {"low": _plain(low), "high": _plain(high)},
        )
    if low < 0 or high > scale:
        raise PydanticCustomError(
            "value_scale",
            "{got} is outside the value scale 0..{scale}",
            {"got": _show(raw), "scale": _plain(scale)},
        )
    return Interval(low, high)


def _show(raw: object) -> str:
    if isinstance(raw, tuple | list):
        return "[" + ", ".join(str(_plain(float(x))) for x in raw) + "]"
    return str(_plain(float(raw)))  # type: ignore[arg-type]


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _one_or_many(raw: Any) -> Any:
    """Accept a single item where a list is expected (``next: payment``)."""
    return (raw,) if isinstance(raw, str) else raw


def _not_to_itself(target: str, info: cs.ValidationInfo) -> str:
    if target == info.data.get("source"):
        raise PydanticCustomError(
            "flow_to_itself",
            "a flow must go to another party, not back to '{party}'",
            {"party": target},
        )
    return target


def _known_rule(code: str) -> str:
    from valueaudit.rules import RULES

    if code.upper() not in RULES:
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


# --- The schema -----------------------------------------------------------------------

_NUMBER_OR_RANGE = {  # for the JSON Schema; keys in the order it writes them
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


def _slug() -> cs.CoreSchema:
    return cs.str_schema(pattern=SLUG_PATTERN)


def _number(**bounds: float) -> cs.CoreSchema:
    """A finite number within ``bounds`` (``ge``, ``gt``, ``le``): YAML's ``.nan`` and
    ``.inf`` are floats too, and would slip past every comparison."""
    return cs.float_schema(allow_inf_nan=False, **bounds)  # type: ignore[arg-type]


def _choice(values: tuple[str, ...]) -> cs.CoreSchema:
    return cs.literal_schema(list(values))


def _value() -> cs.CoreSchema:
    """A number or ``[low, high]`` within the process's scale (given in the context)."""
    return cs.with_info_plain_validator_function(
        _parse_value, metadata={"json_schema": _NUMBER_OR_RANGE}
    )


def _many(item: cs.CoreSchema, *, one_or_many: bool = False, min_length: int | None = None) -> Any:
    """A list of ``item`` (a tuple once validated); with ``one_or_many``, a lone item too."""
    many = cs.tuple_schema([item], variadic_item_index=0, min_length=min_length)
    if not one_or_many:
        return many
    return cs.no_info_before_validator_function(_one_or_many, many, metadata={"one_or_many": True})


def _required(schema: cs.CoreSchema, description: str, alias: str | None = None) -> Any:
    return cs.model_field(schema, validation_alias=alias, metadata={"description": description})


def _optional(schema: cs.CoreSchema, description: str, default: object = None) -> Any:
    """A field the file may leave out; ``default=None`` also allows writing ``null``."""
    inner = cs.nullable_schema(schema) if default is None else schema
    return cs.model_field(
        cs.with_default_schema(inner, default=default), metadata={"description": description}
    )


def _record(cls: type[Record], fields: Mapping[str, Any]) -> cs.ModelSchema:
    config = cs.CoreConfig(
        title=cls.__name__,
        strict=True,
        extra_fields_behavior="forbid",
        validate_by_alias=True,
        validate_by_name=False,
    )
    return cs.model_schema(
        cls, cs.model_fields_schema(dict(fields), model_name=cls.__name__), config=config
    )


def _after(function: Callable[[Any], Any], schema: cs.CoreSchema) -> cs.CoreSchema:
    return cs.no_info_after_validator_function(function, schema)


_TIMING = _record(
    Timing,
    {"due_days": _required(cs.int_schema(ge=0), "Days after the touchpoint the money is due.")},
)

_FLOW = _record(
    Flow,
    {
        "source": _required(_slug(), "The giving party's id.", alias="from"),
        "target": _required(
            cs.with_info_after_validator_function(_not_to_itself, _slug()),
            "The receiving party's id.",
            alias="to",
        ),
        "gives": _required(cs.str_schema(min_length=1), "The value object, free text."),
        "kind": _required(_choice(KINDS), "What kind of value is given."),
        "value": _optional(_value(), "Worth to the receiver: a number, [low, high], or omitted."),
        "cost": _optional(_value(), "What the giver gives up."),
        "confidence": _optional(_choice(CONFIDENCES), "How sure the value is."),
        "amount": _optional(_number(ge=0), "Money amount of the flow."),
        "timing": _optional(_TIMING, "When the money is due."),
    },
)

_ELEMENTS = _record(
    Elements,
    {
        "procedures": _optional(
            _choice(ELEMENT_STATES), "Ways of doing things: do both sides follow the same?"
        ),
        "understandings": _optional(
            _choice(ELEMENT_STATES), "Knowledge and interpretations: are they shared?"
        ),
        "engagements": _optional(
            _choice(ELEMENT_STATES), "Goals, emotions and commitment: do they match?"
        ),
    },
)

_SUPPRESSION = _record(
    Suppression,
    {
        "rule": _required(_after(_known_rule, cs.str_schema()), "The rule code, e.g. VA302."),
        "reason": _required(
            _after(_real_reason, cs.str_schema(min_length=1)), "Why it is suppressed."
        ),
        "touchpoint": _optional(_slug(), "Only at this touchpoint."),
        "expires": _optional(cs.date_schema(strict=False), "Ends on this date."),
    },
)

_PARTY = _record(
    Party,
    {
        "name": _optional(cs.str_schema(), "Display name; defaults to the id."),
        "role": _optional(
            _choice(ROLES),
            "customer, prospect, provider, partner or other; defaults to the id when the id "
            "is a role name, else other.",
        ),
    },
)

_ASSUMPTIONS = _record(
    Assumptions,
    {
        "cost_of_capital": _optional(
            _number(ge=0, le=1), "The company's annual cost of capital, 0.12 for 12%."
        ),
        "currency": _optional(cs.str_schema(), "Currency of money amounts."),
    },
)

_TOUCHPOINT = _record(
    Touchpoint,
    {
        "id": _required(_slug(), "Touchpoint id, unique within the process (a slug)."),
        "name": _optional(cs.str_schema(), "Display name; defaults to the id."),
        "stage": _optional(cs.str_schema(), "Free text that groups touchpoints."),
        "practice": _optional(
            _choice(PRACTICES), "The interaction value practice (Echeverri & Skålén)."
        ),
        "channel": _optional(cs.str_schema(), "Where it happens, free text."),
        "initiator": _optional(_slug(), "The party that starts it."),
        "volume": _optional(_number(ge=0), "Occurrences per period; overrides the process volume."),
        "flows": _optional(_many(_FLOW), "What passes between parties.", default=()),
        "elements": _optional(_ELEMENTS, "Whether the parties' practice elements are congruent."),
        "outcome": _optional(_choice(OUTCOMES), "The observed result."),
        "next": _optional(
            _many(_slug(), one_or_many=True),
            "Ids of the touchpoints that follow; default: the next one.",
        ),
        "suppress": _optional(
            _many(_SUPPRESSION),
            "Rules not to report at this touchpoint, with reasons.",
            default=(),
        ),
    },
)

#: The whole format: what :func:`validate_process` accepts.
PROCESS_SCHEMA = _record(
    Process,
    {
        "valueaudit": _required(
            _after(_supported_version, cs.int_schema()), "Format version; must be 1."
        ),
        "id": _required(_slug(), "Process id, unique across a scan (a slug)."),
        "name": _optional(cs.str_schema(), "Display name; defaults to the id."),
        "description": _optional(cs.str_schema(), "What the process is."),
        "owner": _optional(cs.str_schema(), "Who is responsible for it."),
        "tags": _optional(_many(cs.str_schema(), one_or_many=True), "Free labels.", default=()),
        "volume": _optional(_number(ge=0), "Occurrences per period.", default=1.0),
        "scale": _optional(
            _number(gt=0),
            "Top of the value scale: values lie in 0..scale.",
            default=DEFAULT_SCALE,
        ),
        "assumptions": cs.model_field(
            cs.with_default_schema(_ASSUMPTIONS, default={}, validate_default=True),
            metadata={"description": "Figures the rules use (cost of capital, currency)."},
        ),
        "parties": _required(
            cs.dict_schema(_slug(), _PARTY, min_length=2),
            "The parties, by id (a slug); at least 2.",
        ),
        "touchpoints": _required(
            _many(_TOUCHPOINT, min_length=1), "The touchpoints, in chain order; at least 1."
        ),
        "suppress": _optional(
            _many(_SUPPRESSION),
            "Rules not to report in this process, with reasons.",
            default=(),
        ),
    },
)

_VALIDATOR = SchemaValidator(PROCESS_SCHEMA)


def validate_process(data: object, scale: float = DEFAULT_SCALE) -> Process:
    """Validate a file's plain values into a :class:`Process`; values and costs are
    checked against ``scale``. Raises :class:`pydantic_core.ValidationError`."""
    process: Process = _VALIDATOR.validate_python(data, context={"scale": scale})
    return process


def keys_at(loc: tuple[str | int, ...]) -> list[str] | None:
    """The keys allowed in the mapping at ``loc`` (a path of an error), as a file writes
    them; ``None`` when ``loc`` is not a record of the format."""
    node: Any = PROCESS_SCHEMA
    parts = list(loc)
    while True:
        kind = node["type"]
        if kind == "model":
            fields = node["schema"]["fields"]
            by_key = {spec.get("validation_alias") or name: spec for name, spec in fields.items()}
            if not parts:
                return list(by_key)
            spec = by_key.get(str(parts.pop(0)))
            if spec is None:
                return None
            node = spec["schema"]
        elif kind in ("tuple", "dict"):
            if not parts:
                return None
            parts.pop(0)
            node = node["items_schema"][0] if kind == "tuple" else node["values_schema"]
        elif "schema" in node:  # default, nullable, validator functions: look inside
            node = node["schema"]
        else:
            return None
