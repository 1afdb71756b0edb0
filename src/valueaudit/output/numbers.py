"""How numbers and intervals are written in machine-readable outputs."""

from __future__ import annotations

import functools

from valueaudit.interval import Interval

DECIMALS = 4

# Reports write the same few values many times (a scale's steps, volumes, shares), and
# rounding costs more than a look-up in a C cache; bounded so a huge scan's unique running
# sums cannot grow it forever.
_CACHED = 100_000


def _rounded(value: float) -> int | float:
    rounded = round(value, DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


@functools.lru_cache(maxsize=_CACHED)
def plain(value: float) -> int | float:
    """A float rounded for output; whole numbers become ints (``8`` not ``8.0``)."""
    return _rounded(value)


@functools.lru_cache(maxsize=_CACHED)
def json_number(value: float) -> str:
    """A float as JSON text, rounded as :func:`plain` rounds it: ``repr(plain(value))``.

    Written with one fixed-point conversion instead of rounding and then searching for
    the shortest repr (each a decimal conversion): below 1e11 adjacent floats are less
    than 0.00005 apart, so the number rounded to four decimals is the only decimal of at
    most four places that reads back as the rounded float, and its fixed-point text
    without trailing zeros is what ``repr`` writes.
    """
    if -1e11 < value < 1e11:
        text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return repr(_rounded(value))


def json_interval(value: Interval | None) -> str:
    """:func:`interval` as JSON text: ``5``, ``[0, 10]`` or ``null``."""
    if value is None:
        return "null"
    low, high = value
    if low == high:  # most values are points
        return json_number(low)
    low_text, high_text = json_number(low), json_number(high)
    return low_text if low_text == high_text else f"[{low_text}, {high_text}]"


def interval(value: Interval | None) -> int | float | list[int | float] | None:
    """A point as a number, an interval as ``[low, high]``, nothing as ``None``."""
    if value is None:
        return None
    low, high = plain(value[0]), plain(value[1])
    return low if low == high else [low, high]


def text(value: Interval | None, digits: int = 2) -> str:
    """An interval for people: ``0.6``, ``0.2–0.85``, ``–`` for nothing."""
    if value is None:
        return "–"
    low = f"{value.low:.{digits}f}"
    high = f"{value.high:.{digits}f}"
    return low if low == high else f"{low}–{high}"
