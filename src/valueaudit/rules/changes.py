"""VA7xx: what a change does to the parties (``valueaudit diff``, SPEC §4.13).

Lower disparity is not "better" by itself: e3value's own fraud scenario makes the money
flows more even while the trusted provider's net falls from -15 to -35. These rules are
judged by ``diff`` (:mod:`valueaudit.diff`), which has both versions of a process; the
decision and its wording live here, next to the documentation.
"""

from __future__ import annotations

from valueaudit.findings import POINTS, Severity
from valueaudit.interval import Interval
from valueaudit.numbers import interval
from valueaudit.rules.base import documented
from valueaudit.scoring import same
from valueaudit.wording import pronoun, says

VA701 = documented(
    "VA701",
    "party-worse-off",
    Severity.WARNING,
    "A party is worse off in NEW: its net over a process certainly decreases (diff only).",
    """
    **What it finds.** Comparing two versions of a process (``valueaudit diff OLD NEW``),
    a party whose net over the process (SPEC §4.9: what it receives, volume-weighted,
    less what giving its flows costs it and its fixed cost) certainly falls: NEW's
    highest admissible net is below OLD's lowest (for point values, NEW below OLD). It
    is placed at the party's declaration in the NEW file, counted as introduced, and
    listed first, so ``--fail-on warning`` fails the comparison.

    **Why it matters.** A to-be process is judged by who gains and who pays. A change
    that makes the exchanges more even can still take value from one party: e3value's
    fraud scenario lowers the disparity while the trusted provider's net falls from -15
    to -35. "More even" is not "better" unless nobody ends up worse off, or the loss is
    intended.

    **How to act.** Make up for what the party loses (a price, a cost removed, value
    given back at another exchange), or record why the loss is accepted (suppress
    VA701 in the NEW process, with the reason).
    """,
    stage="diff",
    bad="""
# as-is: the provider is paid 5 per check; to-be: paid 3 for the same work
- {from: bank, to: provider, gives: fee, kind: money, value: 3}
- {from: provider, to: bank, gives: identity check, kind: service, value: 6, cost: 4}
""",
    good="""
# to-be: a lower fee, and less work for the provider (a shared register)
- {from: bank, to: provider, gives: fee, kind: money, value: 3}
- {from: provider, to: bank, gives: identity check, kind: service, value: 6, cost: 1.5}
""",
)


def net_falls(before: Interval, after: Interval) -> bool:
    """VA701's test: NEW's high end certainly below OLD's low end (SPEC §4.5: up to
    floating-point noise)."""
    return after.high < before.low and not same(after.high, before.low)


def worse_off_message(name: str, process: str, before: Interval, after: Interval, unit: str) -> str:
    """``Retail bank is worse off: its net over process 'x' falls from 5 to -3 ...``."""
    what = "points of 10" if unit == POINTS else unit
    return (
        f"{says(name, 'is')} worse off: {pronoun(name, 'its')} net over process "
        f"'{process}' falls from {interval(before, grouping=True)} to "
        f"{interval(after, grouping=True)} {what} per period"
    )


def worse_off_suggestion(name: str) -> str:
    """What to do about a party worse off."""
    return (
        f"Check the change for {name}: make up for what {name} loses (a price, a cost "
        "removed, value given back), or record why the loss is accepted."
    )


RULES = (VA701,)
