"""Numbers and intervals are written in one place, as SPEC §4.5 says."""

from __future__ import annotations

import pytest

from valueaudit.interval import Interval
from valueaudit.numbers import interval, json_interval, number


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.6, "0.6"), (12.0, "12"), (0.125, "0.12"), (-0.0001, "0"), (1200.5, "1200.5")],
)
def test_numbers_for_people_drop_trailing_zeros(value: float, text: str):
    assert number(value) == text


def test_grouping_separates_thousands():
    assert number(78904.113, grouping=True) == "78,904.11"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Interval(0.2, 0.85), "0.2–0.85"),
        (Interval(0.5, 0.5), "0.5"),
        (Interval(0.5701, 0.5702), "0.5701–0.5702"),
        (Interval(0.000891, 0.000892), "0.000891–0.000892"),
        (Interval(0.1, 0.1000000001), "0.1–0.1"),
        (None, "–"),
    ],
)
def test_a_range_is_never_written_as_one_number(value: Interval | None, text: str):
    assert interval(value) == text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Interval(0.25, 0.25), 0.25),
        (Interval(2.0, 2.0), 2),
        (Interval(0, 10), [0, 10]),
        (Interval(0.000891, 0.000892), [0.000891, 0.000892]),
        (Interval(0.4, 0.4000000001), [0.4, 0.4]),
        (None, None),
    ],
)
def test_json_intervals_keep_ranges_as_lists(value: Interval | None, written: object):
    assert json_interval(value) == written
