"""VA901, VA902: suppressions that no longer do anything, or have run out.

The engine applies suppressions (:mod:`valueaudit.suppress`) and reports these; this
module holds their documentation.
"""

from __future__ import annotations

from valueaudit.findings import Severity
from valueaudit.rules.base import documented

VA901 = documented(
    "VA901",
    "unused-suppression",
    Severity.INFO,
    "A suppression matched no finding (it can be removed).",
    """
    **What it finds.** A ``suppress`` entry whose rule reported nothing where it applies
    (the process, or the touchpoint it names). Not reported while that rule is not
    selected.

    **Why it matters.** A suppression that hides nothing is noise, and it would silently
    hide the next real finding of that rule. Remove it once the cause is fixed.
    """,
    stage="suppression",
    bad="""
suppress:
  - {rule: VA302, reason: costs are in the finance model}   # no flow lacks a cost
""",
    good="""
# (no suppression needed)
""",
)

VA902 = documented(
    "VA902",
    "expired-suppression",
    Severity.WARNING,
    "A suppression has expired; its findings are reported again.",
    """
    **What it finds.** A ``suppress`` entry whose ``expires`` date has passed. The
    findings it used to hide are reported again.

    **Why it matters.** Expiry dates keep "we will fix it later" honest: when the date
    comes, the finding comes back until it is fixed or the decision is renewed.
    """,
    stage="suppression",
    bad="""
suppress:
  - {rule: VA202, reason: new price list in Q1, expires: 2025-03-31}
""",
    good="""
suppress:
  - {rule: VA202, reason: new price list in Q3, expires: 2027-09-30}
""",
)

RULES = (VA901, VA902)
