"""The format's records are pydantic v2 models: frozen, strict, no unknown keys."""

from __future__ import annotations

import pydantic
import pytest

import valueaudit
from valueaudit import model as m
from valueaudit.codes import RULE_CODES
from valueaudit.interval import Interval
from valueaudit.rules import RULES

MODELS = [m.Process, m.Party, m.Touchpoint, m.Flow, m.Elements, m.Timing, m.Suppression]
MODELS.append(m.Assumptions)

DATA = {
    "valueaudit": 1,
    "id": "p",
    "parties": {"a": {}, "b": {"role": "customer"}},
    "touchpoints": (
        {"id": "t", "flows": ({"from": "a", "to": "b", "gives": "x", "kind": "money"},)},
    ),
}


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_record_is_a_frozen_strict_closed_base_model(cls: type[pydantic.BaseModel]):
    assert issubclass(cls, pydantic.BaseModel)
    config = cls.model_config
    assert (config.get("frozen"), config.get("strict"), config.get("extra")) == (
        True,
        True,
        "forbid",
    )


def test_the_package_exports_the_process_model():
    assert valueaudit.Process is m.Process


def test_models_are_read_only_compare_by_value_and_dump():
    first, second = m.validate_process(DATA), m.validate_process(dict(DATA))
    assert first == second
    assert first.assumptions.cost_of_capital is None
    assert first.touchpoints[0].model_fields_set == {"id", "flows"}
    with pytest.raises(pydantic.ValidationError):
        first.id = "q"  # type: ignore[misc]
    dumped = first.model_dump(by_alias=True)
    assert dumped["touchpoints"][0]["flows"][0]["from"] == "a"
    assert m.Process.model_validate(dumped) == first


def test_values_become_intervals_checked_against_the_scale():
    flow = {"from": "a", "to": "b", "gives": "x", "kind": "money", "value": (2, 30)}
    data = {**DATA, "scale": 100, "touchpoints": ({"id": "t", "flows": (flow,)},)}
    assert m.validate_process(data, scale=100).touchpoints[0].flows[0].value == Interval(2, 30)
    with pytest.raises(pydantic.ValidationError) as raised:
        m.validate_process(data)  # the default scale is 10
    # (the touchpoint list then looks short too; the loader leaves that out)
    [error] = [e for e in raised.value.errors() if e["type"] != "too_short"]
    assert error["type"] == "value_scale"
    assert error["loc"] == ("touchpoints", 0, "flows", 0, "value")


def test_suppressions_know_exactly_the_rule_codes():
    assert list(RULE_CODES) == list(RULES)


@pytest.mark.parametrize(
    ("loc", "keys"),
    [
        ((), [f.alias or name for name, f in m.Process.model_fields.items()]),
        (("touchpoints", 3, "flows", 0), ["from", "to", *list(m.Flow.model_fields)[2:]]),
        (("parties", "customer"), ["name", "role", "fixed_cost", "evidence"]),
        (("touchpoints", 0, "suppress", 1), ["rule", "reason", "touchpoint", "expires"]),
        (("touchpoints", 0, "id"), None),
        (("touchpoints",), None),
        (("nothing",), None),
    ],
)
def test_keys_at_names_what_a_mapping_may_hold(loc: tuple[str | int, ...], keys: list[str] | None):
    assert m.keys_at(loc) == keys
