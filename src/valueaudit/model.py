"""The process file format, version 1 (SPEC §2), as immutable pydantic models.

The models check shape: types, enums, slugs, bounds and ranges. Checks that relate one
part of a process to another (party references, ``next``, unique touchpoint ids) are
rules in :mod:`valueaudit.rules.structure`, so that each gets its own code and position.

Validation runs in strict mode on the plain values built by :mod:`valueaudit.loading`
(sequences arrive as tuples), so ``gives: no`` is not silently turned into text and
``value: yes`` is not silently a number. Pass ``context={"scale": ...}`` to
``Process.model_validate`` so values are checked against the process's own scale.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import (
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

from valueaudit.scoring import Interval

FORMAT_VERSION = 1
DEFAULT_SCALE = 10.0

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
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

# The allowed values as tuples, for messages and hints; the Literals above are the truth.
PRACTICES: tuple[str, ...] = get_args(Practice)
ROLES: tuple[str, ...] = get_args(Role)
KINDS: tuple[str, ...] = get_args(Kind)
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
ELEMENT_STATES: tuple[str, ...] = get_args(ElementState)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
NonNegative = Annotated[float, Field(ge=0)]


def _is_number(raw: object) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _parse_value(raw: object, info: ValidationInfo) -> Interval:
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


Value = Annotated[
    Interval,
    PlainValidator(_parse_value),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        }
    ),
]


def _one_or_many(raw: Any) -> Any:
    """Accept a single item where a list is expected (``next: payment``)."""
    return (raw,) if isinstance(raw, str) else raw


def _one_or_many_schema(item: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item}]})


_SLUG_SCHEMA = {"type": "string", "pattern": SLUG_PATTERN}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False)


class Timing(_Strict):
    """When a money flow is due."""

    due_days: Annotated[int, Field(ge=0, description="Days after the touchpoint the money is due.")]


class Flow(_Strict):
    """Something of value that one party gives another at a touchpoint."""

    source: Slug = Field(alias="from", description="The giving party's id.")
    target: Slug = Field(alias="to", description="The receiving party's id.")
    gives: Annotated[str, Field(min_length=1, description="The value object, free text.")]
    kind: Kind = Field(description="What kind of value is given.")
    value: Value | None = Field(
        default=None, description="Worth to the receiver: a number, [low, high], or omitted."
    )
    cost: Value | None = Field(default=None, description="What the giver gives up.")
    confidence: Confidence | None = Field(default=None, description="How sure the value is.")
    amount: NonNegative | None = Field(default=None, description="Money amount of the flow.")
    timing: Timing | None = Field(default=None, description="When the money is due.")

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


class Elements(_Strict):
    """Echeverri & Skålén's elements of a practice: congruent between the parties or not."""

    procedures: ElementState | None = Field(
        default=None, description="Ways of doing things: do both sides follow the same?"
    )
    understandings: ElementState | None = Field(
        default=None, description="Knowledge and interpretations: are they shared?"
    )
    engagements: ElementState | None = Field(
        default=None, description="Goals, emotions and commitment: do they match?"
    )


class Suppression(_Strict):
    """A decision not to report a rule here, with the reason why."""

    rule: str = Field(description="The rule code, e.g. VA302.")
    reason: Annotated[str, Field(min_length=1, description="Why it is suppressed.")]
    touchpoint: Slug | None = Field(default=None, description="Only at this touchpoint.")
    expires: dt.date | None = Field(default=None, strict=False, description="Ends on this date.")

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, code: str) -> str:
        from valueaudit.rules import RULES

        if code.upper() not in RULES:
            raise PydanticCustomError("unknown_rule", "unknown rule code '{code}'", {"code": code})
        return code.upper()

    @field_validator("reason")
    @classmethod
    def _real_reason(cls, reason: str) -> str:
        if not reason.strip():
            raise PydanticCustomError("empty_reason", "a suppression needs a reason", {})
        return reason


class Party(_Strict):
    """A party to the exchanges: the customer, the provider, a partner..."""

    name: str | None = Field(default=None, description="Display name; defaults to the id.")
    role: Role | None = Field(
        default=None,
        description="customer, prospect, provider, partner or other; defaults to the id "
        "when the id is a role name, else other.",
    )


class Assumptions(_Strict):
    """Figures the rules use, stated once per process."""

    cost_of_capital: Annotated[float, Field(ge=0, le=1)] | None = Field(
        default=None, description="The company's annual cost of capital, 0.12 for 12%."
    )
    currency: str | None = Field(default=None, description="Currency of money amounts.")


class Touchpoint(_Strict):
    """One interaction between the parties, in chain order."""

    id: Slug = Field(description="Touchpoint id, unique within the process (a slug).")
    name: str | None = Field(default=None, description="Display name; defaults to the id.")
    stage: str | None = Field(default=None, description="Free text that groups touchpoints.")
    practice: Practice | None = Field(
        default=None, description="The interaction value practice (Echeverri & Skålén)."
    )
    channel: str | None = Field(default=None, description="Where it happens, free text.")
    initiator: Slug | None = Field(default=None, description="The party that starts it.")
    volume: NonNegative | None = Field(
        default=None, description="Occurrences per period; overrides the process volume."
    )
    flows: tuple[Flow, ...] = Field(default=(), description="What passes between parties.")
    elements: Elements | None = Field(
        default=None, description="Whether the parties' practice elements are congruent."
    )
    outcome: Outcome | None = Field(default=None, description="The observed result.")
    next: (
        Annotated[
            tuple[Slug, ...], BeforeValidator(_one_or_many), _one_or_many_schema(_SLUG_SCHEMA)
        ]
        | None
    ) = Field(
        default=None, description="Ids of the touchpoints that follow; default: the next one."
    )
    suppress: tuple[Suppression, ...] = Field(
        default=(), description="Rules not to report at this touchpoint, with reasons."
    )

    @property
    def title(self) -> str:
        """The touchpoint's name, or its id."""
        return self.name or self.id


class Process(_Strict):
    """One business process: parties and a chain of touchpoints where value is exchanged."""

    valueaudit: int = Field(description="Format version; must be 1.")
    id: Slug = Field(description="Process id, unique across a scan (a slug).")
    name: str | None = Field(default=None, description="Display name; defaults to the id.")
    description: str | None = Field(default=None, description="What the process is.")
    owner: str | None = Field(default=None, description="Who is responsible for it.")
    tags: Annotated[
        tuple[str, ...], BeforeValidator(_one_or_many), _one_or_many_schema({"type": "string"})
    ] = Field(default=(), description="Free labels.")
    volume: NonNegative = Field(default=1.0, description="Occurrences per period.")
    scale: Annotated[float, Field(gt=0)] = Field(
        default=DEFAULT_SCALE, description="Top of the value scale: values lie in 0..scale."
    )
    assumptions: Assumptions = Field(
        default=Assumptions(), description="Figures the rules use (cost of capital, currency)."
    )
    parties: Annotated[dict[Slug, Party], Field(min_length=2)] = Field(
        description="The parties, by id (a slug); at least 2."
    )
    touchpoints: Annotated[tuple[Touchpoint, ...], Field(min_length=1)] = Field(
        description="The touchpoints, in chain order; at least 1."
    )
    suppress: tuple[Suppression, ...] = Field(
        default=(), description="Rules not to report in this process, with reasons."
    )

    @field_validator("valueaudit")
    @classmethod
    def _supported_version(cls, version: int) -> int:
        if version != FORMAT_VERSION:
            raise PydanticCustomError(
                "format_version",
                "unsupported format version {version}; this valueaudit reads version 1",
                {"version": version},
            )
        return version

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
