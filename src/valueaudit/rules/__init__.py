"""The rule catalogue: an explicit registry built from explicit imports.

Codes are stable and never renumbered. Families: VA1xx validity, VA2xx exchange,
VA3xx clarity, VA4xx opportunities, VA5xx practices, VA6xx the portfolio (judged
once over all processes, after the last file), VA9xx suppressions.
"""

from __future__ import annotations

from valueaudit.rules import (
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
            *suppressions.RULES,
        ),
        key=lambda r: r.code,
    )
}

#: Rules that check a model's structure before it is scored.
STRUCTURE_RULES: tuple[Rule, ...] = structure.RULES
#: Rules that run on a valid, scored process, in code order.
SCORED_RULES: tuple[Rule, ...] = tuple(
    rule
    for rule in RULES.values()
    if rule.check is not None and all(rule is not s for s in STRUCTURE_RULES)
)

__all__ = ["RULES", "SCORED_RULES", "STRUCTURE_RULES", "AuditContext", "Draft", "Rule"]
