"""The rest of the catalogue: each rule fires where it should and nowhere else."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import BASE, codes
from valueaudit.rules import RULES
from valueaudit.settings import Settings

SPEC_CODES = [
    "VA101",
    "VA102",
    "VA103",
    "VA104",
    "VA105",
    "VA106",
    "VA107",
    "VA108",
    "VA109",
    "VA201",
    "VA202",
    "VA203",
    "VA204",
    "VA205",
    "VA206",
    "VA301",
    "VA302",
    "VA303",
    "VA304",
    "VA305",
    "VA401",
    "VA402",
    "VA403",
    "VA404",
    "VA501",
    "VA502",
    "VA503",
    "VA504",
    "VA601",
    "VA602",
    "VA603",
    "VA701",
    "VA901",
    "VA902",
]


SPEC_SEVERITIES = {
    "error": ["VA101", "VA102", "VA103", "VA104", "VA105", "VA107", "VA109"],
    "warning": [
        "VA106",
        "VA108",
        "VA201",
        "VA202",
        "VA203",
        "VA204",
        "VA205",
        "VA301",
        "VA304",
        "VA402",
        "VA403",
        "VA502",
        "VA601",
        "VA603",
        "VA701",
        "VA902",
    ],
    "info": [
        *("VA206", "VA302", "VA303", "VA305", "VA401", "VA404", "VA501", "VA503", "VA504"),
        *("VA602", "VA901"),
    ],
}


def test_catalogue_matches_the_spec():
    assert list(RULES) == SPEC_CODES
    for severity, members in SPEC_SEVERITIES.items():
        for code in members:
            assert RULES[code].severity.value == severity, code
    assert sum(len(c) for c in SPEC_SEVERITIES.values()) == len(SPEC_CODES)


@pytest.mark.parametrize("code", SPEC_CODES)
def test_every_rule_is_documented(code):
    rule = RULES[code]
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary.endswith(".")
    assert "**What it finds.**" in rule.doc and "**Why it matters.**" in rule.doc
    assert rule.bad and rule.good and rule.bad != rule.good


def test_rule_names_are_unique():
    assert len({r.name for r in RULES.values()}) == len(RULES)


def tp(name: str, *flows: str, extra: str = "") -> str:
    return f"  - id: {name}\n{extra}    flows:\n" + "".join(f"      - {f}\n" for f in flows)


def find(audit, text: str, code: str, **settings):
    result = audit(text, settings=Settings(select=(code,), **settings))
    return [f for f in result.findings if f.code == code]


PAY = "{from: customer, to: company, gives: money, kind: money, value: %s}"
BACK = "{from: company, to: customer, gives: goods, kind: %s, value: %s}"


# --- VA203 ----------------------------------------------------------------------


def test_va203_process_disparity(audit):
    text = (
        BASE
        + tp("a", PAY % 8, BACK % ("settlement", 2))
        + tp("b", PAY % 4, BACK % ("settlement", 4))
    )
    # D = (0.6 + 0) / 2 = 0.3 < 0.4
    assert find(audit, text, "VA203") == []
    [finding] = find(audit, text, "VA203", process_disparity_threshold=0.3)
    assert (finding.line, finding.column, finding.path) == (2, 5, "id")


def test_va203_dominant_share(audit):
    # a: customer 1, company 4 -> D 0.6; b: customer 1, company 5 -> D 0.67; mean > 0.4
    # and company gets 9 / 11 = 82% of all value
    text = (
        BASE
        + tp("a", PAY % 4, BACK % ("settlement", 1))
        + tp("b", PAY % 5, BACK % ("settlement", 1))
    )
    [finding] = find(audit, text, "VA203")
    assert "company receives 81.82% of all value" in finding.message
    assert finding.gain == pytest.approx((9 - 2) / 2)


# --- VA204 ----------------------------------------------------------------------


def test_va204_customer_cost_exceeds_what_it_receives(audit):
    flow = "{from: customer, to: company, gives: forms, kind: effort, value: 5, cost: 6}"
    text = BASE + tp("a", flow, BACK % ("information", 2))
    [finding] = find(audit, text, "VA204")
    assert (finding.line, finding.column) == (7, 5)
    assert finding.gain == pytest.approx(4)


def test_va204_counts_recorded_costs_and_needs_certainty(audit):
    """SPEC §4.9 rev. 3: a cost not recorded counts as nothing (it no longer takes every
    cost to be known), and the net must be below 0 for every admissible value."""
    with_cost = "{from: customer, to: company, gives: forms, kind: effort, value: 5, cost: 6}"
    no_cost = "{from: customer, to: company, gives: time, kind: time, value: 1}"
    [finding] = find(audit, BASE + tp("a", with_cost, no_cost, BACK % ("information", 2)), "VA204")
    assert "a net loss of 4 per occurrence" in finding.message  # 2 − 6
    # received [2, 7]: the net is [−4, 1], not certainly below 0
    assert find(audit, BASE + tp("a", with_cost, BACK % ("information", "[2, 7]")), "VA204") == []
    # received 6 exactly: a net of 0 is no loss
    assert find(audit, BASE + tp("a", with_cost, BACK % ("information", 6)), "VA204") == []


# --- VA302, VA303 ----------------------------------------------------------------


def test_va302_one_finding_counting_the_rest(audit):
    text = (
        BASE
        + tp("a", DATA % 8, BACK % ("settlement", 6))
        + tp("b", DATA % 2, BACK % ("settlement", 2))
    )
    [finding] = find(audit, text, "VA302")
    assert (finding.line, finding.column) == (9, 9)
    assert "(and 1 more flow like it)" in finding.message


def test_va302_leaves_payments_out_their_cost_is_their_value(audit):
    """SPEC §4.9: a money flow without a cost costs its payer its value; VA302 asks for
    the costs nobody recorded."""
    text = BASE + tp("a", PAY % 8, BACK % ("settlement", 2))
    assert find(audit, text, "VA302") == []


#: data worth something to the company, given without a cost (a payment has one: its value)
DATA = "{from: customer, to: company, gives: data, kind: information, value: %s}"
THREE_WITHOUT_COSTS = (
    BASE
    + tp("a", DATA % 8, BACK % ("settlement", 2))
    + tp("b", DATA % 7, BACK % ("settlement", 2))
    + tp("c", DATA % 6, BACK % ("settlement", 2))
)
QUIET_AT = "    suppress: [{rule: VA302, reason: costed elsewhere}]\n    flows:"


def va302_and_notes(audit, text: str) -> list:
    settings = Settings(select=("VA302", "VA9"), today=dt.date(2026, 1, 1))
    return audit(text, settings=settings).findings


def test_va302_a_touchpoint_suppression_takes_out_only_its_flows(audit):
    at_b = THREE_WITHOUT_COSTS.replace("  - id: b\n    flows:", "  - id: b\n" + QUIET_AT)
    [finding] = va302_and_notes(audit, at_b)  # no VA901: the suppression did its work
    assert finding.code == "VA302" and finding.touchpoint == "a"
    assert "(and 1 more flow like it)" in finding.message  # c's, not b's
    at_a = THREE_WITHOUT_COSTS.replace("  - id: a\n    flows:", "  - id: a\n" + QUIET_AT)
    [finding] = va302_and_notes(audit, at_a)  # a's suppression does not hide b and c
    assert finding.touchpoint == "b" and "(and 1 more flow like it)" in finding.message
    by_process = THREE_WITHOUT_COSTS + "suppress:\n  - {rule: VA302, touchpoint: c, reason: x}\n"
    [finding] = va302_and_notes(audit, by_process)
    assert finding.touchpoint == "a" and "(and 1 more flow like it)" in finding.message
    everywhere = THREE_WITHOUT_COSTS + "suppress:\n  - {rule: VA302, reason: finance model}\n"
    assert not va302_and_notes(audit, everywhere)


def test_va302_suppressions_where_it_has_nothing_to_count_can_be_removed(audit):
    text = (
        BASE
        + tp("a", DATA % 8, BACK % ("settlement", 2))
        + tp(
            "b",
            DATA % "2",
            BACK % ("settlement", 2),
            extra="    suppress: [{rule: VA302, reason: x}]\n",
        )
    )
    assert codes(va302_and_notes(audit, text)) == ["VA302", "VA901"]
    expired = THREE_WITHOUT_COSTS.replace(
        "  - id: b\n    flows:",
        "  - id: b\n    suppress: [{rule: VA302, reason: x, expires: 2025-01-01}]\n    flows:",
    )
    found = va302_and_notes(audit, expired)
    assert codes(found) == ["VA302", "VA902"]
    assert "(and 2 more flows like it)" in found[0].message


def test_va302_quiet_when_costs_are_known_or_values_small(audit):
    text = BASE + tp("a", PAY % "8, cost: 8", BACK % ("settlement", 4))
    assert find(audit, text, "VA302") == []


def test_va303_low_confidence_on_a_large_value(audit):
    text = BASE + tp("a", PAY % "8, confidence: low", BACK % ("settlement", "4, confidence: low"))
    [finding] = find(audit, text, "VA303")
    assert (finding.line, finding.column) == (9, 9)


# --- VA401 ----------------------------------------------------------------------

INVOICE = BASE.replace("parties:", "assumptions: {cost_of_capital: 0.12, currency: EUR}\nparties:")
MONEY = (
    "{from: customer, to: company, gives: payment, kind: money, value: 8, amount: 10000, "
    "timing: {due_days: %d}}"
)


def test_va401_prints_break_even_and_implied_return(audit):
    text = INVOICE.replace("valueaudit: 1", "valueaudit: 1\nvolume: 1200") + tp(
        "pay", MONEY % 30, BACK % ("settlement", 2)
    )
    [finding] = find(audit, text, "VA401")
    assert (finding.line, finding.column) == (11, 9)
    assert "65.75 EUR more to company per payment (78,904.11 EUR per period)" in finding.message
    assert "Break-even discount 0.66%" in finding.message
    assert "implied annual return at that discount 12.08%" in finding.message
    assert finding.gain == pytest.approx(10_000 * 0.12 * 20 / 365 * 1200)


def test_va401_window_is_a_setting_and_needs_the_rate(audit):
    assert find(audit, INVOICE + tp("pay", MONEY % 10, BACK % ("settlement", 2)), "VA401") == []
    text = INVOICE + tp("pay", MONEY % 30, BACK % ("settlement", 2))
    assert find(audit, text, "VA401", early_payment_window_days=30) == []
    assert find(audit, BASE + tp("pay", MONEY % 30, BACK % ("settlement", 2)), "VA401") == []


def test_va401_only_for_money_to_a_provider(audit):
    refund = MONEY.replace("from: customer, to: company", "from: company, to: customer")
    assert find(audit, INVOICE + tp("pay", refund, PAY % 2), "VA401") == []


# --- VA402 ----------------------------------------------------------------------

FEEDBACK = "{from: customer, to: company, gives: complaint, kind: feedback, value: 6}"


def test_va402_feedback_loop_not_closed(audit):
    text = BASE + tp("complain", FEEDBACK, BACK % ("support", 5))
    [finding] = find(audit, text, "VA402")
    assert (finding.line, finding.column) == (9, 9)
    assert finding.gain == pytest.approx(3)


def test_va402_closed_by_a_later_touchpoint(audit):
    text = BASE + tp("complain", FEEDBACK) + tp("fix", BACK % ("support", 5))
    assert find(audit, text, "VA402") == []


def test_va402_follows_next_links_not_list_order(audit):
    text = (
        BASE
        + tp("complain", FEEDBACK, extra="    next: [close]\n")
        + tp("fix", BACK % ("support", 5))
        + tp("close", PAY % 1)
    )
    assert len(find(audit, text, "VA402")) == 1


# --- VA403 ----------------------------------------------------------------------

PROSPECT = BASE.replace("customer: {role: customer}", "lead: {role: prospect}")
INFO = "{from: company, to: lead, gives: brochure, kind: information, value: 4}"


def test_va403_prospect_never_qualifies(audit):
    text = PROSPECT + tp(
        "demo", INFO, "{from: lead, to: company, gives: time, kind: time, value: 2}"
    )
    [finding] = find(audit, text, "VA403")
    assert (finding.line, finding.column) == (9, 9)


def test_va403_qualifying_information_anywhere_is_enough(audit):
    qualify = "{from: lead, to: company, gives: budget, kind: qualifying-information, value: 4}"
    text = PROSPECT + tp("demo", INFO) + tp("call", qualify)
    assert find(audit, text, "VA403") == []


def test_va403_points_at_the_first_information_or_insight_in_file_order(audit):
    insight = "{from: company, to: lead, gives: demo, kind: insight, value: 4}"
    text = PROSPECT + tp("intro", "{from: lead, to: company, gives: time, kind: time, value: 1}")
    text += tp("demo", insight, INFO)
    [finding] = find(audit, text, "VA403")
    assert (finding.path, finding.line, finding.column) == ("touchpoints[1].flows[0]", 12, 9)
    assert "'demo'" in finding.message


# --- VA404 ----------------------------------------------------------------------


def test_va404_one_finding_per_purchase_touchpoint(audit):
    text = BASE + tp("buy", PAY % 6, PAY % 2, BACK % ("product", 6))
    text += tp("buy-more", PAY % 3, BACK % ("service", 3))
    findings = find(audit, text, "VA404")
    assert [(f.touchpoint, f.path) for f in findings] == [
        ("buy", "touchpoints[0]"),
        ("buy-more", "touchpoints[1]"),
    ]


def test_va404_purchase_without_aftercare(audit):
    text = BASE + tp("buy", PAY % 6, BACK % ("product", 6), extra="    practice: delivering\n")
    [finding] = find(audit, text, "VA404")
    assert (finding.line, finding.column) == (7, 5)


def test_va404_quiet_with_later_help_or_no_purchase(audit):
    help_ = tp("onboard", BACK % ("support", 3), extra="    practice: helping\n")
    assert find(audit, BASE + tp("buy", PAY % 6, BACK % ("product", 6)) + help_, "VA404") == []
    assert find(audit, BASE + tp("buy", PAY % 6, BACK % ("settlement", 6)), "VA404") == []


# --- VA5xx ----------------------------------------------------------------------


def test_va501_missing_practice(audit):
    text = (
        BASE
        + tp("a", PAY % 4, BACK % ("settlement", 4))
        + tp("b", PAY % 4, BACK % ("settlement", 4), extra="    practice: helping\n")
    )
    [finding] = find(audit, text, "VA501")
    assert (finding.line, finding.column, finding.touchpoint) == (7, 5, "a")


ELEMENTS = "    elements: {procedures: %s, understandings: %s, engagements: %s}\n"


@pytest.mark.parametrize(
    ("states", "outcome", "expected"),
    [
        (("incongruent", "incongruent", "congruent"), None, "VA502"),
        (("incongruent", "congruent", "congruent"), None, "VA504"),
        (("congruent", "congruent", "congruent"), "co-destruction", "VA504"),
        (("incongruent", "incongruent", "congruent"), "co-creation", None),
        (("congruent", "congruent", "congruent"), None, None),
        (("incongruent", "unknown", "congruent"), None, None),
    ],
)
def test_praxis_rules(audit, states, outcome, expected):
    extra = ELEMENTS % states + (f"    outcome: {outcome}\n" if outcome else "")
    text = BASE + tp("a", PAY % 4, BACK % ("settlement", 4), extra=extra)
    result = audit(text, settings=Settings(select=("VA502", "VA504")))
    assert codes(result.findings) == ([expected] if expected else [])
    if expected:
        assert (result.findings[0].line, result.findings[0].column) == (8, 15)


def test_va503_charging_first(audit):
    charging = "    practice: charging\n"
    text = (
        BASE
        + tp("a", PAY % 4, extra="    practice: delivering\n")
        + tp("pay", PAY % 4, extra=charging)
    )
    [finding] = find(audit, text, "VA503")
    assert finding.touchpoint == "pay"
    informed = (
        BASE
        + tp("a", PAY % 4, extra="    practice: informing\n")
        + tp("pay", PAY % 4, extra=charging)
    )
    assert find(audit, informed, "VA503") == []


# --- Opportunities carry a suggestion and a gain ----------------------------------


def test_opportunities_have_suggestions_and_gains(audit):
    from pathlib import Path

    from valueaudit.discovery import discover
    from valueaudit.scan import audit_files

    processes = Path(__file__).resolve().parents[2] / "processes"
    result = audit_files(discover([processes]), Settings())
    findings = [f for f in result.findings if f.code[2] in "2345"]
    assert findings
    # the chain's shape and practices are findings, never ranked (SPEC §4.12 rev. 3)
    shape = {"VA403", "VA404", "VA501", "VA502", "VA503", "VA504"}
    measure = {"VA305"}  # stale evidence: re-measure, nothing moves by itself
    assert {f.code for f in findings} & shape
    for finding in findings:
        assert finding.suggestion, finding
        if finding.code in shape | measure:
            assert finding.gain is None, finding
        else:
            assert finding.gain is not None and finding.gain >= 0, finding
    ranked = result.opportunities()
    assert ranked
    for unit in {o.unit for o in ranked}:
        gains = [o.gain for o in ranked if o.unit == unit]
        assert gains == sorted(gains, reverse=True)  # ranked within each unit
    assert not {o.finding.code for o in ranked} & shape
    assert not {code for o in ranked for code in o.also} & shape


# --- Suppressions ---------------------------------------------------------------

UNEVEN = BASE + tp("pay", PAY % 8, BACK % ("settlement", 2))


def suppressed(audit, text: str, today: dt.date = dt.date(2026, 1, 1)):
    return audit(text, settings=Settings(select=("VA202", "VA9"), today=today)).findings


def test_process_level_suppression_hides_the_rule(audit):
    assert codes(suppressed(audit, UNEVEN)) == ["VA202"]
    text = UNEVEN + "suppress:\n  - {rule: VA202, reason: pricing review in Q3}\n"
    assert codes(suppressed(audit, text)) == []


def test_touchpoint_level_suppression(audit):
    text = UNEVEN.replace("    flows:", "    suppress: [{rule: va202, reason: known}]\n    flows:")
    assert codes(suppressed(audit, text)) == []


def test_process_level_suppression_for_one_touchpoint(audit):
    text = UNEVEN + "suppress:\n  - {rule: VA202, touchpoint: other, reason: x}\n"
    found = suppressed(audit, text)
    assert codes(found) == ["VA202", "VA901"]
    assert (found[1].line, found[1].column) == (12, 5)


def test_unused_suppression_is_va901(audit):
    text = (
        BASE
        + tp("pay", PAY % 4, BACK % ("settlement", 4))
        + ("suppress:\n  - {rule: VA202, reason: x}\n")
    )
    [finding] = suppressed(audit, text)
    assert (finding.code, finding.line, finding.column, finding.path) == (
        "VA901",
        12,
        5,
        "suppress[0]",
    )


def test_no_va901_for_a_rule_that_did_not_run(audit):
    text = (
        BASE
        + tp("pay", PAY % 4, BACK % ("settlement", 4))
        + ("suppress:\n  - {rule: VA401, reason: x}\n")
    )
    assert suppressed(audit, text) == ()


def test_expired_suppression_reports_again(audit):
    text = UNEVEN + "suppress:\n  - {rule: VA202, reason: x, expires: 2025-12-31}\n"
    found = suppressed(audit, text, today=dt.date(2026, 1, 1))
    assert codes(found) == ["VA202", "VA902"]
    assert (found[1].line, found[1].column) == (12, 39)
    assert codes(suppressed(audit, text, today=dt.date(2025, 12, 31))) == []


def test_validity_errors_cannot_be_suppressed(audit):
    text = UNEVEN.replace("to: company, gives: money", "to: compny, gives: money") + (
        "suppress:\n  - {rule: VA103, reason: x}\n"
    )
    assert codes(audit(text, settings=Settings(select=("VA1",))).findings) == ["VA103"]


@pytest.mark.parametrize(("amount", "fires"), [(999.99, False), (1000, True)])
def test_early_payment_needs_the_minimum_amount(audit, amount: float, fires: bool):
    """SPEC §4.12: VA401 fires only for a payment of at least early-payment-min-amount
    (default 1,000 in the process's currency), at that boundary exactly."""
    text = (
        BASE.replace(
            "touchpoints:\n", "assumptions: {cost_of_capital: 0.12, currency: EUR}\ntouchpoints:\n"
        )
        + "  - id: pay\n    flows:\n"
        + "      - {from: customer, to: company, gives: payment, kind: money, value: 8,\n"
        + f"         amount: {amount}, timing: {{due_days: 30}}}}\n"
        + "      - {from: company, to: customer, gives: goods, kind: product, value: 8}\n"
    )
    found = [f.code for f in audit(text, select="VA401").findings]
    assert found == (["VA401"] if fires else [])
    lower = Settings(select=("VA401",), early_payment_min_amount=500)
    assert [f.code for f in audit(text, settings=lower).findings] == ["VA401"]


@pytest.mark.parametrize("due", [375, 36_500])
def test_va401_has_no_discount_to_offer_when_paying_early_is_worth_the_whole_amount(
    audit, due: int
):
    """A cost of capital of 100% and 365 days early: the break-even discount is 100%, and
    the payer's return would divide by 0 (an internal error before); 36,500 days gave a
    discount of 9997% and a negative return. No finding, no error."""
    text = BASE.replace("touchpoints:\n", "assumptions: {cost_of_capital: 1}\ntouchpoints:\n") + tp(
        "pay",
        "{from: customer, to: company, gives: money, kind: money, value: 5, amount: 5000, "
        f"timing: {{due_days: {due}}}}}",
    )
    result = audit(text, settings=Settings(select=("VA401",)))
    assert result.findings == () and not result.scan_errors
    assert all(not f.errors for f in result.files)
    sane = text.replace(f"due_days: {due}", "due_days: 200")
    [finding] = audit(sane, settings=Settings(select=("VA401",))).findings
    assert "Break-even discount 52.05%" in finding.message
