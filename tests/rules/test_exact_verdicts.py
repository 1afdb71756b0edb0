"""Verdicts follow the file's decimals, not floating-point noise (SPEC §4.5)."""

from __future__ import annotations

import pytest

from conftest import BASE
from valueaudit.interval import Interval
from valueaudit.scoring import at_least, favoured, same

pytestmark = pytest.mark.rules("VA2,VA3,VA4")


def touchpoint(mine: str, to_company: str) -> str:
    return BASE + (
        "  - id: pay\n    practice: charging\n    flows:\n"
        f"      - {{from: company, to: customer, gives: kit, kind: product, value: {mine}}}\n"
        f"      - {{from: customer, to: company, gives: fee, kind: money, value: {to_company}}}\n"
    )


def codes(audit, text: str) -> list[str]:
    return [f.code for f in audit(text).findings]


def test_a_disparity_of_exactly_the_threshold_is_at_it(audit):
    # 0.3 and 0.1: D = 0.2 / 0.4 = 0.5 exactly, 0.49999999999999994 in floats
    found = codes(audit, touchpoint("0.3", "0.1"))
    assert "VA202" in found
    assert "VA301" not in found


def test_a_range_reaching_exactly_the_threshold_is_not_clear(audit):
    # D_max = 0.5 exactly (0.3 vs 0.1), D_min = 0 (the ranges meet)
    found = codes(audit, touchpoint("[0.1, 0.3]", "0.1"))
    assert "VA301" in found
    assert "VA202" not in found


def test_a_process_disparity_of_exactly_the_threshold_is_uneven(audit):
    # 0.7 and 0.3: D = 0.4 / 1.0 = 0.4 exactly (0.39999999999999997 in floats)
    found = [(f.code, f.message) for f in audit(touchpoint("0.7", "0.3")).findings]
    assert any(code == "VA203" and "disparity 0.4 is at or above 0.4" in m for code, m in found)


def test_an_exact_tie_of_midpoints_favours_nobody():
    assert favoured({"a": Interval(0.6, 0.6), "b": Interval(0.4, 0.8)}) is None
    assert favoured({"a": Interval(0.1 + 0.2, 0.1 + 0.2), "b": Interval(0.3, 0.3)}) is None
    assert favoured({"a": Interval(0.61, 0.61), "b": Interval(0.4, 0.8)}) == "a"
    assert at_least(0.49999999999999994, 0.5) and not at_least(0.4999, 0.5)
    assert same(0.0, 0.0) and not same(1e-6, 0.0)


def test_no_early_payment_finding_for_nothing_at_stake(audit):
    text = BASE.replace("parties:\n", "assumptions: {cost_of_capital: 0.1}\nparties:\n") + (
        "  - id: pay\n    practice: charging\n    flows:\n"
        "      - {from: customer, to: company, gives: fee, kind: money, value: 4,"
        " amount: AMOUNT, timing: {due_days: 30}}\n"
        "      - {from: company, to: customer, gives: goods, kind: product, value: 4}\n"
    )
    assert "VA401" in codes(audit, text.replace("AMOUNT", "1000"))
    assert "VA401" not in codes(audit, text.replace("AMOUNT", "0"))


def test_a_gap_of_floating_point_noise_is_no_opportunity(audit):
    """SPEC §4.17: a finding is an opportunity only when its exact gain is above 0. The
    customer receives 0.1 + 0.2, the company 0.3: midpoints 1e-16 apart are equal, so
    the touchpoint's parity gap, which the exchange rules' gains are made of, is 0."""
    result = audit(
        BASE
        + "  - id: pay\n"
        + "    practice: charging\n"
        + "    flows:\n"
        + "      - {from: company, to: customer, gives: a, kind: product, value: 0.1}\n"
        + "      - {from: company, to: customer, gives: b, kind: product, value: 0.2}\n"
        + "      - {from: customer, to: company, gives: c, kind: money, value: 0.3}\n",
        select="VA2,VA3",
    )
    [process] = result.processes
    assert process.score is not None and process.score.touchpoints[0].gap == 0
    assert result.opportunities() == []
