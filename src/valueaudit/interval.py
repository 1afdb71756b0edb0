"""Intervals: a value known exactly (a point) or only within bounds (a range).

The lowest layer of valueaudit: the format's values and costs are intervals, and every
score computed from them is one (SPEC §4).
"""

from __future__ import annotations

from typing import NamedTuple


class Interval(NamedTuple):
    """A closed interval of admissible values; ``low == high`` is a point.

    A named tuple: scoring makes many of them, and tuples are the cheapest immutable
    values Python builds.
    """

    low: float
    high: float

    @classmethod
    def point(cls, value: float) -> Interval:
        """The interval holding exactly ``value``."""
        return cls(value, value)

    @property
    def is_point(self) -> bool:
        """True when the value is known exactly."""
        return self.low == self.high

    @property
    def mid(self) -> float:
        """The midpoint, used where a single number is needed (ranking, favoured party)."""
        return (self.low + self.high) / 2


ZERO = Interval(0.0, 0.0)
