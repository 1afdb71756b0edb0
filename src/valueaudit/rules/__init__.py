"""The rule catalogue: an explicit registry built from explicit imports.

Codes are stable and never renumbered. Families: VA1xx validity, VA2xx exchange,
VA3xx clarity, VA4xx opportunities, VA5xx practices, VA6xx the portfolio (judged
once over all processes, after the last file), VA9xx suppressions. Each rule says
as data where it is judged (its checks: per file, across the scan) and at which
stage; the groups the engine and the scan run are derived from that here.
"""

from __future__ import annotations

from valueaudit.rules import (
    changes,
    clarity,
    exchange,
    opportunities,
    parsing,
    portfolio,
    practices,
    structure,
    suppressions,
)
from valueaudit.rules.base import AuditContext, Draft, Rule

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in sorted(
        (
            *parsing.RULES,
            *structure.RULES,
            *exchange.RULES,
            *clarity.RULES,
            *opportunities.RULES,
            *practices.RULES,
            *portfolio.RULES,
            *changes.RULES,
            *suppressions.RULES,
        ),
        key=lambda r: r.code,
    )
}


def _rules(scope: str, stage: str) -> tuple[Rule, ...]:
    return tuple(r for r in RULES.values() if scope in r.scope and r.stage == stage)


#: Rules that check a model's structure before it is scored, in code order.
STRUCTURE_RULES: tuple[Rule, ...] = _rules("file", "structure")
#: Rules that run on a valid, scored process, in code order.
SCORED_RULES: tuple[Rule, ...] = _rules("file", "scored")
#: Rules judged once over the whole scan, after the last file (:mod:`valueaudit.scan`),
#: in code order: those of stage ``structure`` in every scan, the others only in a scan
#: that scores (not ``check``).
SCAN_RULES: tuple[Rule, ...] = tuple(r for r in RULES.values() if "scan" in r.scope)
#: Codes judged on the portfolio ledger alone, placed at a party's first declaration:
#: a process-wide suppression of one is never unused (whether it is depends on the
#: other files).
PORTFOLIO_RULES: frozenset[str] = frozenset(r.code for r in _rules("scan", "scored"))
#: Codes judged by ``diff`` (VA701): a process-wide suppression of one is ``diff``'s to
#: apply, never unused in a scan.
DIFF_RULES: frozenset[str] = frozenset(r.code for r in RULES.values() if r.stage == "diff")

__all__ = [
    "DIFF_RULES",
    "PORTFOLIO_RULES",
    "RULES",
    "SCAN_RULES",
    "SCORED_RULES",
    "STRUCTURE_RULES",
    "AuditContext",
    "Draft",
    "Rule",
]
