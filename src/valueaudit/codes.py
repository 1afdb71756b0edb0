"""The rule codes, as plain data: stable, never renumbered (SPEC §5).

The format needs them (a suppression names a known rule) and sits below the rules, so
the codes live here; :mod:`valueaudit.rules` holds each rule's logic and documentation,
and a test keeps the two lists equal.
"""

from __future__ import annotations

RULE_CODES: tuple[str, ...] = (
    "VA101",
    "VA102",
    "VA103",
    "VA104",
    "VA105",
    "VA106",
    "VA107",
    "VA108",
    "VA109",
    "VA201",
    "VA202",
    "VA203",
    "VA204",
    "VA205",
    "VA206",
    "VA301",
    "VA302",
    "VA303",
    "VA304",
    "VA305",
    "VA401",
    "VA402",
    "VA403",
    "VA404",
    "VA501",
    "VA502",
    "VA503",
    "VA504",
    "VA601",
    "VA602",
    "VA603",
    "VA701",
    "VA901",
    "VA902",
)
