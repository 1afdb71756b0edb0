"""How numbers and intervals are written: for people (messages, text, Markdown) and for
machines (JSON and the formats built on it). The one place that decides it."""

from __future__ import annotations

import functools

from valueaudit.interval import Interval

#: Decimals kept in machine-readable outputs.
DECIMALS = 4

# Reports write the same few values many times (a scale's steps, volumes, shares), and
# rounding costs more than a look-up in a C cache; bounded so a huge scan's unique running
# sums cannot grow it forever.
_CACHED = 100_000


@functools.lru_cache(maxsize=_CACHED)
def plain(value: float) -> int | float:
    """A float rounded for machine outputs; whole numbers become ints (``8``, not ``8.0``)."""
    rounded = round(value, DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


def json_interval(value: Interval | None) -> int | float | list[int | float] | None:
    """An interval for machine outputs: a point as a number, a range as ``[low, high]``,
    nothing as ``None``."""
    if value is None:
        return None
    low, high = plain(value[0]), plain(value[1])
    return low if low == high else [low, high]


def number(value: float, digits: int = 2, *, grouping: bool = False) -> str:
    """A number for people: at most ``digits`` decimals, no trailing zeros (``0.6``,
    ``12``); with ``grouping``, thousands separated (``1,200``)."""
    text = f"{value:,.{digits}f}" if grouping else f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def interval(value: Interval | None, digits: int = 2, *, grouping: bool = False) -> str:
    """An interval for people: ``0.6``, ``0.2–0.85``, ``–`` for nothing."""
    if value is None:
        return "–"
    low = number(value[0], digits, grouping=grouping)
    high = number(value[1], digits, grouping=grouping)
    return low if low == high else f"{low}–{high}"
