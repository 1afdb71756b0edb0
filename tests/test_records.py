"""The records and the schema they are validated with stay one definition."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from valueaudit import model as m


def _records(core: Any, found: dict[type[m.Record], Any]) -> dict[type[m.Record], Any]:
    """Every record class in the core schema, with its fields."""
    if isinstance(core, dict):
        if core.get("type") == "model":
            found[core["cls"]] = core["schema"]["fields"]
        for value in core.values():
            _records(value, found)
    elif isinstance(core, list):
        for value in core:
            _records(value, found)
    return found


RECORDS = _records(m.PROCESS_SCHEMA, {})


def test_every_record_of_the_format_is_in_the_schema():
    assert set(RECORDS) == set(m.Record.__subclasses__())


@pytest.mark.parametrize("cls", sorted(RECORDS, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_record_attributes_are_the_schema_fields_in_order(cls: type[m.Record]):
    assert list(typing.get_type_hints(cls)) == ["__pydantic_fields_set__", *RECORDS[cls]]


def test_records_are_read_only_and_compare_by_value():
    data = {
        "valueaudit": 1,
        "id": "p",
        "parties": {"a": {}, "b": {"role": "customer"}},
        "touchpoints": ({"id": "t", "flows": ()},),
    }
    first, second = m.validate_process(data), m.validate_process(dict(data))
    assert first == second
    assert first.assumptions.cost_of_capital is None
    assert first.touchpoints[0].keys_given == {"id", "flows"}
    with pytest.raises(AttributeError):
        first.id = "q"  # type: ignore[misc]
    assert repr(first.parties["b"]) == "Party(name=None, role='customer')"


@pytest.mark.parametrize(
    ("loc", "keys"),
    [
        ((), list(RECORDS[m.Process])),
        (("touchpoints", 3, "flows", 0), ["from", "to", *list(RECORDS[m.Flow])[2:]]),
        (("parties", "customer"), ["name", "role"]),
        (("touchpoints", 0, "suppress", 1), ["rule", "reason", "touchpoint", "expires"]),
        (("touchpoints", 0, "id"), None),
        (("nothing",), None),
    ],
)
def test_keys_at_names_what_a_mapping_may_hold(loc: tuple[str | int, ...], keys: list[str] | None):
    assert m.keys_at(loc) == keys
