"""VA201, VA202, VA301: where they fire, where they do not, and their gains."""

from __future__ import annotations

import pytest

from conftest import BASE, codes
from valueaudit.settings import Settings

pytestmark = pytest.mark.rules("VA201,VA202,VA301")


def one(*flows: str, volume: int | None = None) -> str:
    head = "  - id: tp\n" + (f"    volume: {volume}\n" if volume is not None else "")
    return BASE + head + "    flows:\n" + "".join(f"      - {f}\n" for f in flows)


TO_COMPANY = "{{from: customer, to: company, gives: money, kind: money, value: {v}}}"
TO_CUSTOMER = "{{from: company, to: customer, gives: goods, kind: product, value: {v}}}"


def test_even_exchange_is_clean(audit):
    assert audit(one(TO_COMPANY.format(v=5), TO_CUSTOMER.format(v=4))).findings == ()


def test_one_sided_exchange(audit):
    result = audit(one(TO_COMPANY.format(v=5), volume=10))
    assert codes(result.findings) == ["VA201", "VA202"]
    va201 = result.findings[0]
    assert (va201.line, va201.column, va201.touchpoint) == (7, 5, "tp")
    assert "customer gives 'money' but receives nothing" in va201.message
    assert va201.suggestion and "customer" in va201.suggestion
    # gap of midpoints is 5, half of it moves: 10 x 2.5
    assert va201.gain == pytest.approx(25)


def test_zero_valued_flow_counts_as_nothing(audit):
    result = audit(one(TO_COMPANY.format(v=5), TO_CUSTOMER.format(v=0)))
    assert "VA201" in codes(result.findings)


def test_uncertain_return_is_not_nothing(audit):
    result = audit(one(TO_COMPANY.format(v=5), TO_CUSTOMER.format(v="[0, 2]")))
    assert "VA201" not in codes(result.findings)


def test_high_disparity_message_and_gain(audit):
    # received: customer 2, company 8 -> D = 0.6; process volume 1 -> gain 1 x 3
    [finding] = audit(one(TO_COMPANY.format(v=8), TO_CUSTOMER.format(v=2))).findings
    assert finding.code == "VA202"
    assert finding.message == (
        "disparity 0.6 at 'tp' favours company (received: customer 2, company 8; threshold 0.5)"
    )
    assert finding.gain == pytest.approx(3)


def test_disparity_just_below_the_threshold(audit):
    # 7 vs 3: D = 0.4
    assert audit(one(TO_COMPANY.format(v=7), TO_CUSTOMER.format(v=3))).findings == ()


def test_disparity_exactly_at_the_threshold_fires(audit):
    # 6 vs 2: D = 0.5
    assert codes(audit(one(TO_COMPANY.format(v=6), TO_CUSTOMER.format(v=2))).findings) == ["VA202"]


def test_threshold_is_a_setting(audit):
    text = one(TO_COMPANY.format(v=7), TO_CUSTOMER.format(v=3))
    result = audit(text, settings=Settings(select=("VA202",), disparity_threshold=0.3))
    assert codes(result.findings) == ["VA202"]


def test_interval_certainly_above_fires_va202_only(audit):
    # company [8, 9] vs customer [1, 2]: D in [0.6, 0.8] >= 0.5
    result = audit(one(TO_COMPANY.format(v="[8, 9]"), TO_CUSTOMER.format(v="[1, 2]")))
    assert codes(result.findings) == ["VA202"]
    assert "disparity 0.6–0.8" in result.findings[0].message


def test_interval_straddling_the_threshold_is_va301(audit):
    # company [4, 8] vs customer 2: D in [0.33, 0.6]
    result = audit(one(TO_COMPANY.format(v="[4, 8]"), TO_CUSTOMER.format(v=2)))
    [finding] = result.findings
    assert (finding.code, finding.line, finding.column) == ("VA301", 7, 5)
    assert "0.33–0.6" in finding.message


def test_interval_certainly_below_is_clean(audit):
    assert audit(one(TO_COMPANY.format(v="[4, 5]"), TO_CUSTOMER.format(v="[4, 5]"))).findings == ()


def test_missing_value_is_va301_at_the_flow(audit):
    flow = "{from: company, to: customer, gives: goods, kind: product}"
    result = audit(one(TO_COMPANY.format(v=5), flow))
    [finding] = result.findings
    assert (finding.code, finding.line, finding.column) == ("VA301", 10, 9)
    assert finding.path == "touchpoints[0].flows[1]"
    assert "'goods' from company to customer has no value" in finding.message


def test_select_and_ignore(audit):
    text = one(TO_COMPANY.format(v=5))
    ignored = Settings(select=("VA201", "VA202", "VA301"), ignore=("VA2",))
    assert codes(audit(text, settings=ignored).findings) == []
    assert codes(audit(text, settings=Settings(select=("VA201",))).findings) == ["VA201"]


def test_three_party_touchpoint(audit):
    text = BASE.replace("touchpoints:", "  bank: {role: partner}\ntouchpoints:") + (
        "  - id: tp\n    flows:\n"
        "      - {from: customer, to: company, gives: money, kind: money, value: 6}\n"
        "      - {from: company, to: bank, gives: fee, kind: money, value: 2}\n"
        "      - {from: bank, to: customer, gives: credit, kind: service, value: 4}\n"
    )
    result = audit(text)
    [process] = result.processes
    [touchpoint] = process.score.touchpoints
    # (6 - 2) / 12
    assert touchpoint.disparity.low == pytest.approx(1 / 3)
    assert touchpoint.favoured == "company"
    assert result.findings == ()


def _tp(tid: str, source: str, gives: float, back: float) -> str:
    return (
        f"  - id: {tid}\n    flows:\n"
        f"      - {{from: {source}, to: company, gives: goods, kind: product, value: {gives}}}\n"
        f"      - {{from: company, to: {source}, gives: pay, kind: money, value: {back}}}\n"
    )


def test_va203_rebalances_towards_the_party_with_the_largest_shortfall(audit):
    """SPEC §4.12: Σ over the uneven touchpoints it takes part in of (most received there
    − what it receives there). The customer is short 6 at t1 and 6 at t2 (12); the
    partner 9 at t3 alone. The partner receives least in total (1 against 4), which the
    rule used to go by; by shortfall it is the customer."""
    text = (
        BASE.replace(
            "  company: {role: provider}\n",
            "  company: {role: provider}\n  partner: {role: partner}\n",
        )
        + _tp("t1", "customer", 8, 2)
        + _tp("t2", "customer", 8, 2)
        + _tp("t3", "partner", 10, 1)
    )
    [finding] = audit(text, select="VA203").findings
    assert finding.suggestion is not None
    assert finding.suggestion.startswith("Rebalance the chain towards customer:")


def test_va203_names_no_party_when_no_touchpoint_is_uneven_by_itself(audit):
    """Each touchpoint's disparity is (7 − 2.5) / (7 + 2.5) = 0.47, under VA202's 0.5;
    the process's is 0.47 too, over VA203's 0.4: nobody is short at an uneven
    touchpoint."""
    text = BASE + _tp("t1", "customer", 7, 2.5) + _tp("t2", "customer", 7, 2.5)
    [finding] = audit(text, select="VA203").findings
    assert finding.suggestion is not None
    assert finding.suggestion.startswith("Review the chain as a whole")


def test_an_internal_party_is_never_named_as_short_changed(audit, tmp_path):
    """SPEC §4.12: role internal (a back office, a data feed): its flows count, but it is
    never the party that receives nothing (VA201), to rebalance towards (VA203), losing
    (VA601) or owed (VA602)."""
    text = BASE.replace(
        "  company: {role: provider}\n",
        "  company: {role: provider}\n  back-office: {role: internal}\n",
    ) + (
        "  - id: feed\n    flows:\n"
        "      - {from: back-office, to: company, gives: records, kind: information, "
        "value: 6}\n"
    )
    result = audit(text, select="VA2,VA6")
    assert [f.code for f in result.findings if f.code in ("VA201", "VA601", "VA602")] == []
    [va202] = [f for f in result.findings if f.code == "VA202"]
    assert va202.touchpoint == "feed"  # the exchange itself is still judged
    customer = text.replace("back-office: {role: internal}", "back-office: {role: partner}")
    codes_found = {f.code for f in audit(customer, select="VA2,VA6").findings}
    assert {"VA201", "VA601", "VA602"} <= codes_found
