"""Every format constraint (SPEC §2) gives VA102 at the exact key or value."""

from __future__ import annotations

import pytest

from conftest import BASE

pytestmark = pytest.mark.rules("VA1")


FLOW = "      - {from: customer, to: company, gives: money, kind: money, value: 5}"
BACK = "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 4}"


def at(line_text: str, token: str, nth: int = 1) -> int:
    """1-based column of the nth occurrence of token in a line."""
    index = -1
    for _ in range(nth):
        index = line_text.index(token, index + 1)
    return index + 1


def touchpoint(*flow_lines: str, extra: str = "") -> str:
    return BASE + "  - id: pay\n" + extra + "    flows:\n" + "\n".join(flow_lines) + "\n"


def only(positions, text: str) -> tuple[str, int, int]:
    found = positions(text)
    assert len(found) == 1, found
    return found[0]


def message(audit, text: str) -> str:
    [finding] = audit(text).findings
    return finding.message


# --- top level ------------------------------------------------------------------


def test_format_version_required(positions):
    text = touchpoint(FLOW, BACK).replace("valueaudit: 1\n", "")
    assert only(positions, text) == ("VA102", 1, 1)


@pytest.mark.parametrize("version", ["2", "true", "'1'"])
def test_format_version_must_be_1(positions, version):
    text = touchpoint(FLOW, BACK).replace("valueaudit: 1", f"valueaudit: {version}")
    assert only(positions, text) == ("VA102", 1, 13)


def test_unknown_top_level_key_with_hint(positions, audit):
    text = touchpoint(FLOW, BACK) + "ownr: me\n"
    assert only(positions, text) == ("VA102", 11, 1)
    assert "did you mean 'owner'?" in message(audit, text)


@pytest.mark.parametrize("bad_id", ["Invoice", "-x", "a_b", "a b"])
def test_process_id_is_a_slug(positions, audit, bad_id):
    text = touchpoint(FLOW, BACK).replace("id: sample", f"id: {bad_id}")
    assert only(positions, text) == ("VA102", 2, 5)
    assert "lower-case" in message(audit, text)


def test_numeric_id_gets_a_quote_hint(audit):
    text = touchpoint(FLOW, BACK).replace("id: sample", "id: 404")
    assert 'quote it: "404"' in message(audit, text)


@pytest.mark.parametrize(("key", "value", "column"), [("volume", "-1", 9), ("scale", "0", 8)])
def test_volume_and_scale_bounds(positions, key, value, column):
    text = touchpoint(FLOW, BACK) + f"{key}: {value}\n"
    assert only(positions, text) == ("VA102", 11, column)


def test_tags_accept_one_or_many(audit):
    assert audit(touchpoint(FLOW, BACK) + "tags: billing\n").findings == ()
    assert audit(touchpoint(FLOW, BACK) + "tags: [a, b]\n").findings == ()


def test_cost_of_capital_is_a_fraction(positions, audit):
    text = touchpoint(FLOW, BACK) + "assumptions:\n  cost_of_capital: 12\n"
    assert only(positions, text) == ("VA102", 12, 20)
    assert "0.12 for 12%" in message(audit, text)


def test_unknown_assumption(positions):
    text = touchpoint(FLOW, BACK) + "assumptions:\n  currencyy: EUR\n"
    assert only(positions, text) == ("VA102", 12, 3)


# --- parties -------------------------------------------------------------------


def test_at_least_two_parties(positions, audit):
    text = touchpoint(FLOW, BACK).replace("  company: {role: provider}\n", "")
    found = positions(text)
    assert ("VA102", 4, 3) in found
    assert any("at least 2 parties" in f.message for f in audit(text).findings)


def test_party_id_is_a_slug_reported_at_the_key(positions):
    text = touchpoint(FLOW, BACK).replace("  company: {role", "  Company: {role")
    assert ("VA102", 5, 3) in positions(text)


def test_party_role_enum(positions, audit):
    text = touchpoint(FLOW, BACK).replace("{role: provider}", "{role: supplier}")
    assert only(positions, text) == ("VA102", 5, 19)
    assert "expected one of: customer, prospect, provider" in message(audit, text)


def test_unknown_party_key(positions, audit):
    text = touchpoint(FLOW, BACK).replace("{role: provider}", "{role: provider, nmae: Acme}")
    assert only(positions, text) == ("VA102", 5, 29)
    assert "did you mean 'name'?" in message(audit, text)


# --- touchpoints ---------------------------------------------------------------


def test_at_least_one_touchpoint(positions):
    assert only(positions, BASE.replace("touchpoints:\n", "touchpoints: []\n")) == (
        "VA102",
        6,
        14,
    )


def test_touchpoints_required(positions):
    assert only(positions, BASE.replace("touchpoints:\n", "")) == ("VA102", 1, 1)


def test_practice_enum_with_hint(positions, audit):
    text = touchpoint(FLOW, BACK, extra="    practice: delivery\n")
    assert only(positions, text) == ("VA102", 8, 15)
    assert "did you mean 'delivering'?" in message(audit, text)


def test_unknown_touchpoint_key(positions, audit):
    text = touchpoint(FLOW, BACK, extra="    chanel: email\n")
    assert only(positions, text) == ("VA102", 8, 5)
    assert "did you mean 'channel'?" in message(audit, text)


def test_touchpoint_id_required_reported_at_the_touchpoint(positions):
    text = BASE + "  - name: Pay\n    flows: []\n"
    assert only(positions, text) == ("VA102", 7, 5)


def test_negative_touchpoint_volume(positions):
    text = touchpoint(FLOW, BACK, extra="    volume: -5\n")
    assert only(positions, text) == ("VA102", 8, 13)


@pytest.mark.parametrize(
    ("extra", "token"),
    [("    elements: {procedures: maybe}", "maybe"), ("    outcome: destroyed", "destroyed")],
)
def test_elements_and_outcome_enums(positions, extra, token):
    text = touchpoint(FLOW, BACK, extra=extra + "\n")
    assert only(positions, text) == ("VA102", 8, at(extra, token))


def test_unknown_element(positions):
    extra = "    elements: {procedure: congruent}"
    text = touchpoint(FLOW, BACK, extra=extra + "\n")
    assert only(positions, text) == ("VA102", 8, at(extra, "procedure"))


def test_next_accepts_a_single_id(audit):
    text = touchpoint(FLOW, BACK, extra="    next: pay\n")
    assert audit(text).findings == ()


# --- flows ---------------------------------------------------------------------


@pytest.mark.parametrize("key", ["from", "to", "gives", "kind"])
def test_flow_required_keys_reported_at_the_flow(positions, audit, key):
    line = FLOW
    start = line.index(f"{key}: ")
    end = line.index(",", start) + 2
    line = line[:start] + line[end:]
    text = touchpoint(line, BACK)
    assert only(positions, text) == ("VA102", 9, 9)
    assert f"missing the required key '{key}'" in message(audit, text)


def test_flow_to_itself(positions):
    line = FLOW.replace("to: company", "to: customer")
    assert only(positions, touchpoint(line, BACK)) == ("VA102", 9, at(line, "customer", 2))


def test_kind_enum_with_hint(positions, audit):
    line = FLOW.replace("kind: money", "kind: mony")
    text = touchpoint(line, BACK)
    assert only(positions, text) == ("VA102", 9, at(line, "mony"))
    assert "did you mean 'money'?" in message(audit, text)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("11", "outside the value scale 0..10"),
        ("-1", "outside the value scale"),
        ("[6, 2]", "low > high"),
        ("[1, 2, 3]", "a number, a range [low, high] or not-valued"),
        ("[1, 12]", "outside the value scale"),
        ("high", "a number, a range [low, high] or not-valued"),
        ("yes", "a number, a range [low, high] or not-valued"),
    ],
)
def test_value_shape_and_bounds(positions, audit, value, words):
    line = FLOW.replace("value: 5", f"value: {value}")
    text = touchpoint(line, BACK)
    assert only(positions, text) == ("VA102", 9, at(line, value))
    assert words in message(audit, text)


def test_values_follow_the_process_scale(positions):
    line = FLOW.replace("value: 5", "value: 70")
    assert not [p for p in positions(touchpoint(line, BACK) + "scale: 100\n") if p[0] == "VA102"]
    assert only(positions, touchpoint(line, BACK) + "scale: 50\n") == ("VA102", 9, at(line, "70"))


def test_cost_has_the_value_shape(positions):
    line = FLOW.replace("value: 5", "value: 5, cost: [4, 1]")
    assert only(positions, touchpoint(line, BACK)) == ("VA102", 9, at(line, "[4, 1]"))


def test_confidence_enum(positions):
    line = FLOW.replace("value: 5", "value: 5, confidence: certain")
    assert only(positions, touchpoint(line, BACK)) == ("VA102", 9, at(line, "certain"))


def test_amount_and_due_days_bounds(positions):
    line = FLOW.replace("value: 5", "value: 5, amount: -3, timing: {due_days: -1}")
    assert positions(touchpoint(line, BACK)) == [
        ("VA102", 9, at(line, "-3")),
        ("VA102", 9, at(line, "-1")),
    ]


def test_due_days_is_a_whole_number(positions):
    line = FLOW.replace("value: 5", "value: 5, timing: {due_days: 2.5}")
    assert only(positions, touchpoint(line, BACK)) == ("VA102", 9, at(line, "2.5"))


def test_unknown_flow_key_with_hint(positions, audit):
    line = FLOW.replace("value: 5", "valeu: 5")
    text = touchpoint(line, BACK)
    assert only(positions, text) == ("VA102", 9, at(line, "valeu"))
    assert "did you mean 'value'?" in message(audit, text)


def test_comma_in_flow_mapping_gets_a_hint(audit):
    line = FLOW.replace("gives: money", "gives: cash, coins and notes")
    assert "quote text that has commas" in message(audit, touchpoint(line, BACK))


@pytest.mark.parametrize("word", ["no", "yes", "off", "on", "true"])
def test_yaml_11_boolean_hint(positions, audit, word):
    line = FLOW.replace("gives: money", f"gives: {word}")
    text = touchpoint(line, BACK)
    assert only(positions, text) == ("VA102", 9, at(line, word))
    assert f'quote it to keep the text: "{word}"' in message(audit, text)


def test_quoted_boolean_words_are_text(audit):
    line = FLOW.replace("gives: money", 'gives: "no"')
    assert audit(touchpoint(line, BACK)).findings == ()


def test_missing_flow_values_are_allowed(audit):
    line = FLOW.replace(", value: 5", "")
    result = audit(touchpoint(line, BACK))
    assert result.findings == ()
    assert result.processes[0].score.touchpoints[0].received["company"].high == 10


# --- suppressions --------------------------------------------------------------


def test_suppression_rule_must_exist(positions, audit):
    text = touchpoint(FLOW, BACK) + "suppress:\n  - {rule: VA999, reason: x}\n"
    assert only(positions, text) == ("VA102", 12, 12)
    assert "unknown rule code" in message(audit, text)


def test_suppression_reason_required_and_non_empty(positions):
    line = "  - {rule: VA202, reason: '  '}"
    text = touchpoint(FLOW, BACK) + "suppress:\n" + line + "\n"
    assert only(positions, text) == ("VA102", 12, at(line, "'"))
    text = touchpoint(FLOW, BACK) + "suppress:\n  - {rule: VA202}\n"
    assert only(positions, text) == ("VA102", 12, 5)


@pytest.mark.parametrize("date", ["soon", "2027-02-30", "[2027]"])
def test_suppression_expiry_is_a_date(positions, date):
    line = f"  - {{rule: VA202, reason: x, expires: {date}}}"
    text = touchpoint(FLOW, BACK) + "suppress:\n" + line + "\n"
    assert only(positions, text) == ("VA102", 12, at(line, date))


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("[4, 4]", True), ("[2, 8]", True), ("4", False)],
    ids=["point-written-as-a-range", "range", "number"],
)
def test_likely_needs_a_value_written_as_a_range(positions, value: str, accepted: bool):
    """SPEC §2 and §4.17: `likely` comes with a range, and `[x, x]` is one (a point:
    nothing to draw); with a plain number it is VA102 at `likely`."""
    flow = (
        "      - {from: customer, to: company, gives: fee, kind: money, "
        f"value: {value}, likely: 4}}"
    )
    found = positions(BASE + "  - id: t\n    flows:\n" + flow + "\n")
    assert found == ([] if accepted else [("VA102", 9, 82)])
