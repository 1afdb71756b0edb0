"""Scoring (SPEC §4) against numbers computed by hand."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valueaudit.interval import Interval
from valueaudit.scoring import (
    break_even_discount,
    classify_praxis,
    disparity,
    early_receipt_worth,
    favoured,
    implied_annual_return,
    parity_gap,
    shares,
    weighted_mean,
)

P = Interval.point


def test_two_party_point_disparity():
    # |8 - 2| / (8 + 2)
    assert disparity({"customer": P(2), "company": P(8)}) == P(0.6)


def test_even_exchange_and_empty_exchange_are_zero():
    assert disparity({"a": P(4), "b": P(4)}) == P(0)
    assert disparity({"a": P(0), "b": P(0)}) == P(0)


def test_a_single_party_has_nothing_to_be_uneven_with():
    assert disparity({"a": P(4)}) == P(0)
    assert disparity({"a": Interval(2, 5)}) == P(0)


def test_one_sided_exchange_is_one():
    assert disparity({"a": P(0), "b": P(3)}) == P(1)


def test_three_party_point_disparity():
    # (max - min) / sum = (6 - 0) / (0 + 4 + 6)
    assert disparity({"a": P(0), "b": P(4), "c": P(6)}) == P(0.6)


def test_overlapping_ranges_have_zero_minimum():
    # a in [2, 6], b in [4, 8]: they can be equal at 5, so D_min = 0.
    # D_max: b high, a low: (8 - 2) / (8 + 2) = 0.6
    result = disparity({"a": Interval(2, 6), "b": Interval(4, 8)})
    assert result.low == 0
    assert result.high == pytest.approx(0.6)


def test_separated_ranges():
    # a in [6, 8], b in [1, 2]: D_min = (6 - 2) / (6 + 2) = 0.5, D_max = (8 - 1) / 9
    result = disparity({"a": Interval(6, 8), "b": Interval(1, 2)})
    assert result.low == pytest.approx(0.5)
    assert result.high == pytest.approx(7 / 9)


def test_unknown_value_contributes_the_whole_scale():
    # b unknown on a 0..10 scale: [0, 10] against a = 5: D in [0, 1]
    result = disparity({"a": P(5), "b": Interval(0, 10)})
    assert (result.low, result.high) == (0, 1)


def test_three_party_interval_disparity():
    # a [8, 9], b [1, 2], c [3, 5]. L = 8, H = 2.
    # D_min = (8 - 2) / (min(9, 8) + min(2, 8) + min(5, 8)) = 6 / 15 = 0.4
    # D_max: a high, b low, c low: (9 - 1) / (9 + 1 + 3) = 8 / 13
    result = disparity({"a": Interval(8, 9), "b": Interval(1, 2), "c": Interval(3, 5)})
    assert result.low == pytest.approx(0.4)
    assert result.high == pytest.approx(8 / 13)


def _brute_force(received: dict[str, Interval], steps: int = 8) -> tuple[float, float]:
    grids = [
        [v.low + (v.high - v.low) * k / steps for k in range(steps + 1)] for v in received.values()
    ]
    values = []
    for point in itertools.product(*grids):
        total = sum(point)
        values.append(0.0 if total == 0 else (max(point) - min(point)) / total)
    return min(values), max(values)


bounds = st.tuples(st.integers(0, 10), st.integers(0, 10)).map(
    lambda t: Interval(float(min(t)), float(max(t)))
)


@given(st.lists(bounds, min_size=2, max_size=3))
def test_interval_bounds_enclose_and_meet_a_grid_search(parts):
    received = {f"p{i}": v for i, v in enumerate(parts)}
    exact = disparity(received)
    low, high = _brute_force(received)
    # the grid can only find values inside the exact bounds...
    assert exact.low <= low + 1e-9
    assert high <= exact.high + 1e-9
    # ...and the exact bounds are reached at grid corners for integer bounds
    assert exact.high == pytest.approx(high, abs=1e-9)
    assert 0 <= exact.low <= exact.high <= 1


def test_favoured_party_and_ties():
    assert favoured({"customer": P(2), "company": P(8)}) == "company"
    assert favoured({"a": P(3), "b": P(3)}) is None
    assert favoured({"a": Interval(0, 10), "b": P(4)}) == "a"  # midpoint 5 > 4


def test_parity_gap_is_half_the_spread_of_midpoints():
    assert parity_gap({"a": P(2), "b": P(8)}) == 3
    assert parity_gap({"a": Interval(0, 4), "b": P(8)}) == 3


def test_weighted_mean_by_volume():
    # (1200 * 0.6 + 300 * 0.2) / 1500 = 0.52
    result = weighted_mean([(1200, P(0.6)), (300, P(0.2))])
    assert result == Interval(pytest.approx(0.52), pytest.approx(0.52))
    assert weighted_mean([]) is None
    # all volumes 0: equal weights
    assert weighted_mean([(0, P(1)), (0, P(0))]) == P(0.5)


def test_shares_points_and_intervals():
    assert shares({"a": P(2), "b": P(8)}) == {"a": P(0.2), "b": P(0.8)}
    # a [2, 4], b = 6: a's share in [2 / 8, 4 / 10]
    result = shares({"a": Interval(2, 4), "b": P(6)})
    assert result["a"].low == pytest.approx(0.25)
    assert result["a"].high == pytest.approx(0.4)
    assert result["b"].low == pytest.approx(0.6)
    assert result["b"].high == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # nothing can be received: 0 for everyone
        ({"a": P(0), "b": P(0)}, {"a": P(0), "b": P(0)}),
        # only a can receive anything: whenever anything is received, it is all a's
        ({"a": Interval(0, 5), "b": P(0)}, {"a": P(1), "b": P(0)}),
        # both may receive nothing, or anything: a share anywhere in [0, 1]
        ({"a": Interval(0, 5), "b": Interval(0, 5)}, {"a": Interval(0, 1), "b": Interval(0, 1)}),
    ],
)
def test_a_share_of_nothing_is_left_out(totals, expected):
    assert shares(totals) == expected


@pytest.mark.parametrize(
    ("states", "outcome", "expected"),
    [
        (("congruent", "congruent", "congruent"), None, "reinforcing-co-creation"),
        (("congruent", "congruent", "congruent"), "co-creation", "reinforcing-co-creation"),
        (("congruent", "congruent", "congruent"), "co-destruction", "reductive"),
        (("incongruent", "congruent", "congruent"), "co-creation", "recovery"),
        (("incongruent", "incongruent", "incongruent"), "co-creation", "recovery"),
        (("incongruent", "congruent", "congruent"), None, "reductive"),
        (("incongruent", "congruent", "congruent"), "co-destruction", "reductive"),
        (("incongruent", "incongruent", "congruent"), None, "reinforcing-co-destruction"),
        (
            ("incongruent", "incongruent", "congruent"),
            "co-destruction",
            "reinforcing-co-destruction",
        ),
        # unknown elements that cannot change the type
        (("incongruent", "incongruent", "unknown"), None, "reinforcing-co-destruction"),
        (("incongruent", "unknown", None), "co-creation", "recovery"),
        # unknown elements that can change the type
        (("congruent", "congruent", "unknown"), None, "unclassified"),
        (("incongruent", "unknown", "congruent"), None, "unclassified"),
        ((None, None, None), None, "unclassified"),
        (("congruent", "unknown", "congruent"), "co-creation", "unclassified"),
    ],
)
def test_praxis_classification(states, outcome, expected):
    assert classify_praxis(states, outcome) == expected


def test_early_payment_arithmetic():
    # Loshin's payment example: 10,000 due in 30 days, cost of capital 12%, pay at day 10
    assert early_receipt_worth(10_000, 0.12, 20) == pytest.approx(65.7534, abs=1e-4)
    q = break_even_discount(0.12, 30, 10)
    assert q == pytest.approx(0.0065753, abs=1e-7)
    # q / (1 - q) * 365 / 20
    assert implied_annual_return(q, 20) == pytest.approx(0.120794, abs=1e-6)
