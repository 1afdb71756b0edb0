"""How numbers and intervals are written: for people (messages, text, Markdown) and for
machines (JSON and the formats built on it). The one place that decides it."""

from __future__ import annotations

from valueaudit.interval import Interval

#: Decimals kept in machine-readable outputs.
DECIMALS = 4
#: The most decimals written to tell the two ends of an interval apart (SPEC §4.5).
MOST_DECIMALS = 6


def plain(value: float) -> int | float:
    """A float rounded for machine outputs; whole numbers become ints (``8``, not ``8.0``)."""
    return _rounded(value, DECIMALS)


def _rounded(value: float, digits: int) -> int | float:
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


def json_interval(value: Interval | None) -> int | float | list[int | float] | None:
    """An interval for machine outputs: a point as a number, a range as ``[low, high]``,
    nothing as ``None``. A range is never written as one number: where both ends round
    alike, more decimals are written (up to 6) to tell them apart (SPEC §4.5)."""
    if value is None:
        return None
    low, high = value
    if low == high:
        return plain(low)
    for digits in range(DECIMALS, MOST_DECIMALS + 1):
        ends = [_rounded(low, digits), _rounded(high, digits)]
        if ends[0] != ends[1]:
            break
    return ends


def number(value: float, digits: int = 2, *, grouping: bool = False) -> str:
    """A number for people: at most ``digits`` decimals, no trailing zeros (``0.6``,
    ``12``); with ``grouping``, thousands separated (``1,200``)."""
    text = f"{value:,.{digits}f}" if grouping else f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def interval(value: Interval | None, digits: int = 2, *, grouping: bool = False) -> str:
    """An interval for people: ``0.6``, ``0.2–0.85``, ``-80 to 0`` (a dash after a minus
    sign would be misread), ``–`` for nothing. A range is never written as one number:
    where both ends round alike, more decimals are written (up to 6) to tell them apart
    (SPEC §4.5)."""
    if value is None:
        return "–"
    low, high = value
    if low == high:
        return number(low, digits, grouping=grouping)
    for shown in range(digits, max(digits, MOST_DECIMALS) + 1):
        low_text = number(low, shown, grouping=grouping)
        high_text = number(high, shown, grouping=grouping)
        if low_text != high_text:
            break
    return f"{low_text} to {high_text}" if low < 0 else f"{low_text}–{high_text}"


def percent(share: float) -> str:
    """A share for people, in whole percent (``71%``), never rounded to 0% or 100%
    when it is not exactly that (``<1%``, ``>99%``)."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share:.0%}"


def ratio_text(ratio: float) -> str:
    """A ratio as people write it: ``0.25`` when a short decimal says it, else the
    fraction it is (``1/3``, the default), else the decimal."""
    from fractions import Fraction

    decimal = f"{ratio:g}"
    near = Fraction(ratio).limit_denominator(100)
    if len(decimal) > 5 and float(near) == ratio:
        return f"{near.numerator}/{near.denominator}"
    return decimal


#: How a gain's unit is written after it (SPEC §4.10); a currency is written as its code.
_UNIT_SUFFIX = {"points": "pts", "hours": "h"}


def gain_text(gain: float, unit: str) -> str:
    """A gain with its unit: ``3,600 pts``, ``78,904.11 EUR``, ``1,400 h``."""
    suffix = _UNIT_SUFFIX.get(unit)
    if suffix is None:  # money: always cents
        return f"{gain:,.2f} {unit}"
    return f"{number(gain, grouping=True)} {suffix}"
