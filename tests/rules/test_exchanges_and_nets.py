"""Exchanges, nets, units and not-valued flows (SPEC §4.8–§4.12), checked against figures
worked out by hand."""

from __future__ import annotations

import pytest

from valueaudit.interval import Interval
from valueaudit.settings import Settings

SHOP = """\
valueaudit: 1
id: shop
volume: 100
parties:
  customer: {role: customer}
  shop: {role: provider}
touchpoints:
"""


def scores(audit, text: str):
    result = audit(text)
    [file] = result.files
    assert file.score is not None, file.findings
    return file.score


def found(audit, text: str, *codes: str):
    result = audit(text, settings=Settings(select=codes))
    return [f for f in result.findings if f.code in codes]


# --- §4.8 exchanges ------------------------------------------------------------------

#: pays 8 at checkout (100 a period), gets the parcel worth 6 at delivery (80 a period:
#: some orders are collected)
PURCHASE = (
    SHOP
    + """\
  - id: checkout
    exchange: purchase
    flows:
      - {from: customer, to: shop, gives: payment, kind: money, value: 8}
      - {from: shop, to: customer, gives: confirmation, kind: information, value: 1}
  - id: browse
    flows:
      - {from: shop, to: customer, gives: advice, kind: information, value: 2}
      - {from: customer, to: shop, gives: clicks, kind: insight, value: 2}
  - id: delivery
    exchange: purchase
    volume: 80
    flows:
      - {from: shop, to: customer, gives: parcel, kind: product, value: 6}
"""
)


def test_an_exchange_of_two_touchpoints_with_different_volumes(audit):
    score = scores(audit, PURCHASE)
    purchase, browse = score.exchanges
    assert (purchase.id, purchase.touchpoints, purchase.volume) == ("purchase", (0, 2), 100)
    # T: customer 100 × 1 + 80 × 6 = 580; shop 100 × 8 = 800
    assert purchase.received == {"customer": Interval(580, 580), "shop": Interval(800, 800)}
    assert purchase.disparity == pytest.approx(Interval(220 / 1380, 220 / 1380))
    assert purchase.favoured == "shop"
    assert purchase.gap == pytest.approx(110)  # half of 800 − 580, per period
    # the touchpoints keep their own disparities, for information
    assert score.touchpoints[0].disparity == pytest.approx(Interval(7 / 9, 7 / 9))
    assert score.touchpoints[2].disparity == Interval(1, 1)
    # the process weighs each exchange by its volume: (100 × 0.159 + 100 × 0) / 200
    assert score.disparity == pytest.approx(Interval(110 / 1380, 110 / 1380))
    assert browse.id is None and browse.touchpoints == (1,)


def test_judged_together_the_delivery_is_not_one_sided(audit):
    # checkout alone: 7/9 ≥ 0.5 (VA202); delivery alone: the shop gets nothing (VA201)
    assert found(audit, PURCHASE, "VA201", "VA202") == []
    apart = PURCHASE.replace("    exchange: purchase\n", "")
    codes = [(f.code, f.touchpoint) for f in found(audit, apart, "VA201", "VA202")]
    assert codes == [("VA202", "checkout"), ("VA201", "delivery"), ("VA202", "delivery")]


def test_a_finding_on_an_exchange_is_placed_at_its_first_touchpoint_and_names_it(audit):
    uneven = PURCHASE.replace("value: 6}", "value: 1}")  # T: customer 180, shop 800
    [finding] = found(audit, uneven, "VA202")
    assert (finding.line, finding.touchpoint, finding.exchange) == (8, "checkout", "purchase")
    assert "exchange 'purchase' (checkout, delivery)" in finding.message
    assert finding.gain == pytest.approx((800 - 180) / 2)
    assert finding.unit == "points"
    # the suggestion speaks per occurrence of the exchange: 310 / 100
    assert "about 3.1 more value" in (finding.suggestion or "")


def test_every_volume_0_weighs_the_touchpoints_equally_and_gains_nothing(audit):
    text = PURCHASE.replace("volume: 100", "volume: 0").replace("volume: 80", "volume: 0")
    purchase = scores(audit, text).exchanges[0]
    # T: customer 1 + 6 = 7, shop 8
    assert purchase.received == {"customer": Interval(7, 7), "shop": Interval(8, 8)}
    assert purchase.disparity == pytest.approx(Interval(1 / 15, 1 / 15))
    assert (purchase.volume, purchase.gap) == (0, 0)


# --- §4.9 nets -----------------------------------------------------------------------


def test_nets_with_the_money_default_ranges_and_fixed_costs(audit):
    text = PURCHASE.replace("shop: {role: provider}", "shop: {role: provider, fixed_cost: 300}")
    text = text.replace("value: 6}", "value: 6, cost: [2, 3]}")
    score = scores(audit, text)
    purchase = score.exchanges[0]
    # customer: receives 580, the payment costs it its value, 100 × 8
    assert purchase.net["customer"] == Interval(-220, -220)
    # shop: receives 800, the parcel costs it 80 × [2, 3]
    assert purchase.net["shop"] == Interval(560, 640)
    # over the process, browse adds 100 × 2 to each (no costs recorded) and the shop
    # pays its fixed cost
    assert score.net["customer"] == Interval(-20, -20)
    assert score.net["shop"] == Interval(560 + 200 - 300, 640 + 200 - 300)


def test_va204_a_customer_certainly_losing_at_an_exchange(audit):
    text = PURCHASE.replace("value: 6}", "value: 1}")  # customer 180 − 800 per period
    [finding] = found(audit, text, "VA204")
    assert finding.severity == "warning" and finding.touchpoint == "checkout"
    # per occurrence of the exchange (its volume, 100): 6.2
    assert "a net loss of 6.2 per occurrence" in finding.message
    assert finding.gain == pytest.approx(620)
    # a range reaching 0 is not certain: received [1, 9.25] at delivery gives [−620, 0]
    assert found(audit, PURCHASE.replace("value: 6}", "value: [1, 9.25]}"), "VA204") == []
    # 0.1 + 0.2 paid for 0.3: a net of exactly 0, not a loss on floating-point noise
    exact = SHOP + (
        "  - id: t\n    flows:\n"
        "      - {from: customer, to: shop, gives: a, kind: money, value: 0.1}\n"
        "      - {from: customer, to: shop, gives: b, kind: money, value: 0.2}\n"
        "      - {from: shop, to: customer, gives: c, kind: product, value: 0.3}\n"
    )
    assert found(audit, exact, "VA204", "VA205") == []


def test_va204_and_va205_say_nothing_where_a_not_valued_flow_is_received(audit):
    text = PURCHASE.replace("value: 6}", "value: 1}") + (
        "      - {from: shop, to: customer, gives: terms, kind: information, value: not-valued}\n"
    )
    assert found(audit, text, "VA204", "VA205") == []


def test_va205_a_process_that_does_not_pay_for_a_party(audit):
    # fixed costs of 1,000 sink the shop (and the customer nets −20, as above)
    text = PURCHASE.replace("shop: {role: provider}", "shop: {role: provider, fixed_cost: 1000}")
    text = text.replace("value: 6}", "value: 6, cost: 2}")
    customer, finding = found(audit, text, "VA205")
    assert customer.path == "parties.customer" and "-20 per period" in customer.message
    # 800 + 200 received, 160 for the parcels, 1,000 fixed: −160 per period
    assert "does not pay for shop: its net over the process is -160 per period" in (finding.message)
    assert "and its fixed cost" in finding.message
    assert (finding.path, finding.line, finding.gain) == ("parties.shop", 6, 160)
    # at 840 fixed, the net is exactly 0: not below
    at_zero = text.replace("fixed_cost: 1000", "fixed_cost: 840")
    assert [f.path for f in found(audit, at_zero, "VA205")] == ["parties.customer"]
    internal = text.replace("role: provider", "role: internal")
    assert [f.path for f in found(audit, internal, "VA205")] == ["parties.customer"]


# --- §4.11 not valued ------------------------------------------------------------------

TERMS = (
    SHOP
    + """\
  - id: sign-up
    flows:
      - {from: customer, to: shop, gives: details, kind: information, value: 3}
      - {from: shop, to: customer, gives: legal notice, kind: information, value: not-valued}
"""
)


def test_a_not_valued_flow_is_drawn_but_left_out_of_the_comparison(audit):
    score = scores(audit, TERMS)
    # the customer receives only a not-valued flow: it takes no part in D's max and min
    # (one party left: D = 0), and is not "receiving nothing" (no VA201)
    [exchange] = score.exchanges
    assert exchange.received == {"shop": Interval(300, 300)}
    assert exchange.disparity == Interval(0, 0)
    assert score.clarity == 1  # the not-valued flow is left out of clarity
    assert found(audit, TERMS, "VA201", "VA202", "VA301") == []
    # with value 0 the notice is worth nothing: one-sided
    worthless = TERMS.replace("value: not-valued", "value: 0")
    assert [f.code for f in found(audit, worthless, "VA201", "VA202")] == ["VA201", "VA202"]


def test_not_valued_is_a_value_only(audit):
    text = TERMS.replace("value: not-valued", "value: 1, cost: not-valued")
    [error] = audit(text).findings
    assert error.code == "VA102"
    assert "expected a number or a range [low, high], got the text 'not-valued'" in (error.message)
    typo = TERMS.replace("value: not-valued", "value: not valued")
    [error] = audit(typo).findings
    assert "did you mean 'not-valued'?" in error.message


# --- §4.10 units -----------------------------------------------------------------------

RAIL = """\
valueaudit: 1
id: rail
unit: EUR
volume: 1000
parties:
  traveller: {role: customer}
  railway: {role: provider, fixed_cost: 70000}
touchpoints:
  - id: trip
    flows:
      - {from: traveller, to: railway, gives: fare, kind: money, value: 200}
      - {from: railway, to: traveller, gives: the trip, kind: service, value: 210, cost: 150}
"""


def test_a_process_in_a_currency(audit):
    score = scores(audit, RAIL)
    # the traveller nets 210 − 200; the railway 200 − 150 per trip, less 70,000 a period
    assert score.net == {
        "traveller": Interval(10_000, 10_000),
        "railway": Interval(-20_000, -20_000),
    }
    [finding] = found(audit, RAIL, "VA205")
    assert (finding.unit, finding.gain) == ("EUR", 20_000)
    # a traveller earning 10 a trip is not "exploited" (no VA202 at 210 against 200)
    assert found(audit, RAIL, "VA201", "VA202", "VA204") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unit: EUR\n", "unit: EUR\nscale: 10\n"),
        ("unit: EUR\n", "unit: EUR\nassumptions: {currency: USD}\n"),
        ("unit: EUR\n", "unit: eur\n"),
    ],
)
def test_currency_units_are_checked(audit, change: str, message: str):
    [error] = audit(RAIL.replace(change, message)).findings
    assert error.code == "VA102"
    assert any(
        words in error.message
        for words in (
            "a process in EUR has no scale",
            "assumptions.currency is USD but the process's unit is EUR",
            "is not a valid unit: write points, or a currency code",
        )
    )


def test_amounts_of_money_may_exceed_a_points_scale(audit):
    assert audit(RAIL).files[0].valid
    too_much = RAIL.replace("value: 200}", "value: 2.0e+15}")
    [error] = audit(too_much).findings
    assert error.code == "VA102" and "outside the value scale" in error.message


# --- §4.12 one opportunity per exchange -------------------------------------------------

SURVEY = (
    SHOP
    + """\
  - id: survey
    flows:
      - {from: customer, to: shop, gives: answers, kind: feedback, value: 6}
"""
)


def test_the_findings_at_one_exchange_make_one_opportunity(audit):
    result = audit(SURVEY, settings=Settings())
    codes = sorted(f.code for f in result.findings if f.touchpoint == "survey")
    assert codes == ["VA201", "VA202", "VA302", "VA402", "VA501"]  # one per rule
    # VA501 (no practice) is about the chain's practice: never part of an opportunity
    [opportunity] = [o for o in result.opportunities() if o.spot == "survey"]
    # VA201's suggestion comes first (VA204, VA201, VA202, VA304, VA301, VA402, VA302, VA303)
    assert opportunity.finding.code == "VA201"
    assert opportunity.also == ("VA202", "VA402", "VA302")
    # the largest gain of theirs: VA201/VA202/VA302 100 × 3, VA402 100 × 6 / 2
    assert (opportunity.gain, opportunity.unit) == (300, "points")
    assert opportunity.also_text == " (also VA202, VA402, VA302)"


def test_a_customer_losing_comes_before_an_uneven_exchange(audit):
    text = PURCHASE.replace("value: 6}", "value: 1}")
    result = audit(text, settings=Settings())
    [opportunity] = [o for o in result.opportunities() if o.spot == "purchase"]
    assert opportunity.finding.code == "VA204"  # "make it cheaper for the customer" first
    assert "VA202" in opportunity.also
    assert opportunity.gain == pytest.approx(620)  # VA204's 620 beats VA202's 310


def test_opportunities_rank_within_their_unit_money_first(audit, tmp_path):
    result = audit(RAIL + "assumptions: {cost_of_capital: 0.1}\n", settings=Settings())
    units = [o.unit for o in result.opportunities()]
    assert units == sorted(units, key=lambda u: (u == "points", u))
