"""Validate a loaded file into a :class:`~valueaudit.model.Process` (the *validate* stage).

pydantic's errors become VA102 findings at the offending key or value, in our own
words: one translation table from pydantic's error types to messages with hints ("did
you mean", the YAML 1.1 boolean trap, a comma inside ``{...}``). Users never see
pydantic's wording.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from valueaudit import model as m
from valueaudit.findings import Severity, YamlPath, format_path
from valueaudit.hints import describe, did_you_mean, escape_unsafe, has_unsafe
from valueaudit.loading import DEFAULT_LIMITS, LoadedFile, load_file
from valueaudit.settings import Limits


def load_process(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedFile:
    """Load and validate one process file (its ``process`` is ``None`` when invalid).
    Never raises for bad input."""
    return validate(load_file(path, display, limits))


def validate(loaded: LoadedFile) -> LoadedFile:
    """Validate the plain values of a loaded file, reporting every shape problem."""
    _check(loaded)
    # the model holds it all now; the plain values would only double the file's memory
    loaded.data = None
    # rare: escape once here, and every output is safe (a double-quoted YAML string
    # makes control characters from escapes such as \e, so a backslash is enough)
    if "\\" in loaded.text or has_unsafe(loaded.text):
        if loaded.process is not None:
            loaded.process = _escaped(loaded.process)
        if loaded.raw_id is not None:
            loaded.raw_id = escape_unsafe(loaded.raw_id)
        loaded.findings = [
            f._replace(message=escape_unsafe(f.message), process=loaded.raw_id)
            for f in loaded.findings
        ]
    return loaded


def _check(loaded: LoadedFile) -> None:
    data = loaded.data
    if loaded.root is None or data is None:
        return
    if not isinstance(data, dict):
        loaded.finding(
            "VA102",
            f"a process file must be a mapping of keys (valueaudit: 1, id: ..., ...), "
            f"found {describe(data)}",
        )
        return
    # After a duplicate key the first value counts, so the model is still well defined
    # and its structure can be checked; the engine scores no file with an error.
    if any(f.severity is Severity.ERROR and f.code != "VA107" for f in loaded.findings):
        _validate(data, loaded)  # still report every shape problem, but keep no model
        loaded.process = None
    else:
        loaded.process = _validate(data, loaded)


def _escaped(value: Any) -> Any:
    """``value`` with every text in it passed through :func:`escape_unsafe`."""
    if isinstance(value, str):
        return escape_unsafe(value)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(update={name: _escaped(getattr(value, name)) for name in fields})
    if type(value) is tuple:  # not an Interval: numbers only
        return tuple(_escaped(item) for item in value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def _validate(data: dict[str, Any], loaded: LoadedFile) -> m.Process | None:
    scale = data.get("scale", m.DEFAULT_SCALE)
    unit = data.get("unit", m.POINTS)
    if unit != m.POINTS:
        # amounts of money, per occurrence (SPEC §4.10); a misspelt unit is reported once,
        # not again at every value above 10
        scale = m.MAX_MONEY_VALUE
    elif (
        isinstance(scale, bool)
        or not isinstance(scale, int | float)
        or not 0 < scale <= m.MAX_SCALE
    ):
        scale = m.DEFAULT_SCALE
    try:
        return m.validate_process(data, scale)
    except ValidationError as error:
        details = error.errors(include_url=False)
        for detail in details:
            if _follows_from_others(detail, details):
                continue
            path, message, at_key = _explain(detail, loaded)
            loaded.finding("VA102", message, path, at_key=at_key)
        loaded.repaired = _repaired(data, details, scale)
        return None


#: Stand-ins for a required text that is wrong, so that the rest of the file can be
#: checked (no structure rule quotes them; a file with a VA102 error is not scored). An
#: id has none: the findings about a touchpoint name it.
_STAND_INS: dict[str, str] = {"gives": "?", "name": "?"}
_REPAIR_ROUNDS = 3


def _repaired(data: dict[str, Any], details: list[ErrorDetails], scale: float) -> m.Process | None:
    """A model of the file with each shape problem set aside, for the structure checks:
    an unknown or wrong optional key is dropped, a wrong choice becomes the first valid
    one, a wrong party reference the first declared party, a wrong text a stand-in;
    list items keep their places, so every finding points where it should. ``None``
    when the problems cannot be set aside (the parties, an id, a missing key with no
    stand-in)."""
    import copy

    fixed = copy.deepcopy(data)
    for _ in range(_REPAIR_ROUNDS):
        for detail in details:
            if _follows_from_others(detail, details):
                continue
            if not _set_aside(fixed, tuple(detail["loc"]), detail["type"]):
                return None
        try:
            return m.validate_process(fixed, scale)
        except ValidationError as error:
            details = error.errors(include_url=False)
    return None


def _set_aside(data: dict[str, Any], loc: tuple[Any, ...], kind: str) -> bool:
    """Set one problem aside in ``data`` (see :func:`_repaired`); whether it could be."""
    if not loc or loc[0] in ("parties", "valueaudit"):
        return False
    container: Any = data
    place: tuple[Any, ...] = ()
    for part in loc[:-1]:  # as far as the plain values go (unions add type names)
        if (isinstance(container, dict) and part in container) or (
            isinstance(container, list | tuple) and isinstance(part, int) and part < len(container)
        ):
            container = container[part]
        else:
            break
        place += (part,)
    key = loc[len(place)]
    if not isinstance(container, dict) or not isinstance(key, str):
        return False
    model = m.model_at(place)
    fields = {} if model is None else {f.alias or n: f for n, f in model.model_fields.items()}
    if kind == "extra_forbidden" or (key in fields and not fields[key].is_required()):
        container.pop(key, None)
        return True
    parties = data.get("parties")
    if key in _CHOICES:
        container[key] = _CHOICES[key][0]
    elif key in ("from", "to") and isinstance(parties, dict) and parties:
        container[key] = next(iter(parties))
    elif key in _STAND_INS:
        container[key] = _STAND_INS[key]
    else:
        return False
    return True


def _follows_from_others(detail: ErrorDetails, details: list[ErrorDetails]) -> bool:
    """A list reported too short only because its items failed is no problem of its own."""
    if detail["type"] != "too_short":
        return False
    loc = detail["loc"]
    return any(len(d["loc"]) > len(loc) and d["loc"][: len(loc)] == loc for d in details)


_CHOICES: dict[str, tuple[str, ...]] = {
    "practice": m.PRACTICES,
    "role": m.ROLES,
    "kind": m.KINDS,
    "confidence": m.CONFIDENCES,
    "procedures": m.ELEMENT_STATES,
    "understandings": m.ELEMENT_STATES,
    "engagements": m.ELEMENT_STATES,
    "outcome": m.OUTCOMES,
    "source": m.EVIDENCE_SOURCES,
}
_WHAT: dict[str, str] = {
    "parties": "at least 2 parties are needed for an exchange",
    "touchpoints": "at least 1 touchpoint is needed",
}


def _explain(detail: ErrorDetails, loaded: LoadedFile) -> tuple[YamlPath, str, bool]:
    """Turn one validation error into (path, message, point-at-key)."""
    loc: YamlPath = tuple(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    at_key = False
    if loc and loc[-1] == "[key]":
        loc, at_key = loc[:-1], True
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if kind == "extra_forbidden":
        allowed = m.keys_at(loc[:-1]) or []
        where = _owner_name(loc[:-1])
        home = m.misplaced(loc[:-1], name)
        hint = f"; {home}" if home else did_you_mean(name, allowed)
        message = f"unknown key '{name}' in {where}{hint}"
        if (" " in name or value is None) and loaded.is_flow_mapping(loc[:-1]):
            message += "; inside {...} a comma ends the value: quote text that has commas"
        return loc, message, True
    if kind == "missing":
        where = _owner_name(loc[:-1])
        return loc[:-1], f"{where} is missing the required key '{name}'", False
    if kind == "literal_error" and name in _CHOICES:
        choices = _CHOICES[name]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        message = f"{describe(value)} is not a valid {name}; expected one of: {', '.join(choices)}"
        boolean = _boolean_hint(value, loaded.plain_source(loc))
        return loc, f"{message}{hint}{'; ' + boolean if boolean else ''}", False
    if kind == "string_pattern_mismatch" and name == "unit":
        return (
            loc,
            f"{describe(value)} is not a valid unit: write points, or a currency code of "
            "three capital letters such as EUR",
            False,
        )
    if kind == "string_pattern_mismatch":
        what = "party id" if at_key else name
        return (
            loc,
            (
                f"'{value}' is not a valid {what}: use lower-case letters, digits and hyphens, "
                f"starting with a letter or digit (like '{_slugify(str(value))}')"
            ),
            at_key,
        )
    if kind == "string_type":
        return loc, _not_text(value, loaded.plain_source(loc)), False
    if kind == "finite_number":
        return loc, f"{name} must be a finite number, got {describe(value)}", False
    if (
        kind in {"float_type", "float_parsing"}
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):  # a whole number too large for a float
        return loc, f"{name} is too large, got {describe(value)}", False
    if kind in {"float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"}:
        whole = "a whole number" if kind.startswith("int") else "a number"
        return loc, f"{name} must be {whole}, got {describe(value)}", False
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return loc, _bound_message(name, kind, detail, value), False
    if kind in {"too_short", "string_too_short"}:
        message = _WHAT.get(name, f"{name} must not be empty")
        return loc, message, False
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return loc, f"{name} must be a mapping (key: value pairs), got {describe(value)}", False
    if kind in {"tuple_type", "list_type"}:
        return loc, f"{name} must be a list, got {describe(value)}", False
    if kind.startswith("date"):
        return loc, f"{name} must be a date like 2027-06-30, got {describe(value)}", False
    if kind in _OUR_ERRORS:  # raised by the models' own checks, in our words
        return loc, f"{name}: {detail['msg']}", False
    return loc, f"{name} is not valid here, got {describe(value)}", False


#: The error types the models raise themselves (:mod:`valueaudit.model`); pydantic's own
#: wording ("Input should be...") never reaches users.
_OUR_ERRORS = frozenset(
    {
        "value_shape",
        "value_finite",
        "range_order",
        "value_scale",
        "flow_to_itself",
        "unknown_rule",
        "empty_reason",
        "format_version",
        "likely_without_range",
        "likely_outside",
        "scale_with_currency",
        "currency_mismatch",
    }
)


def _bound_message(name: str, kind: str, detail: ErrorDetails, value: object) -> str:
    ctx = detail.get("ctx") or {}
    limit = next(iter(ctx.values()), "?")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    relation = {
        "greater_than_equal": "at least",
        "greater_than": "greater than",
        "less_than_equal": "at most",
        "less_than": "less than",
    }[kind]
    message = f"{name} must be {relation} {limit}, got {describe(value)}"
    if name == "cost_of_capital":
        message += " (an annual rate as a fraction: 0.12 for 12%)"
    return message


def _boolean_hint(value: object, source: str | None) -> str:
    """The YAML 1.1 trap: unquoted ``yes``/``no``/``on``/``off`` read as booleans."""
    if not isinstance(value, bool) or source is None:
        return ""
    return (
        f"YAML 1.1 reads '{source}' as the boolean {str(value).lower()}; "
        f'quote it to keep the text: "{source}"'
    )


def _not_text(value: object, source: str | None) -> str:
    """``source`` is the unquoted text YAML read as ``value``, if it was unquoted."""
    boolean = _boolean_hint(value, source)
    if boolean:
        return boolean
    if value is not None and source is not None:
        return f'expected text, got {describe(value)}; quote it: "{source}"'
    return f"expected text, got {describe(value)}"


def _slugify(text: str) -> str:
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in slug.split("-") if part) or "my-id"


def _owner_name(loc: YamlPath) -> str:
    """What the mapping at ``loc`` is, in words: ``touchpoints[2]``, ``the process``."""
    return format_path(loc) if loc else "the process"
