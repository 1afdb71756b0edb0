"""Markdown text for the report: user text escaped only where it would change the
rendering, and table rows that fit GitHub's column with each value on one line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from valueaudit.findings import (
    Severity,
)
from valueaudit.interval import Interval
from valueaudit.numbers import interval

if TYPE_CHECKING:
    pass

SEVERITY_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


def plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def value_cell(value: Interval | None) -> str:
    return interval(value, grouping=True)


def table_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


#: Where a browser may break a single value (an id, a range, a path) over two lines.
_BREAKS_AFTER = ("-", "–", "/")
_SEVERITY_CELL = re.compile(r"^(\S+) (error|warning|info)$")
WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"


def unbroken(cell: str) -> str:
    """A table cell holding one value (``2,750–3,500``, ``follow-up-survey``, ``🟠
    warning``), kept on one line when its column is narrow: a word joiner after each
    dash or slash, a no-break space after the severity's icon. Sentences stay as
    they are."""
    # plain string methods, not a regular expression: a report has a dozen cells a
    # touchpoint, and this was a sixth of its per-file time
    if " " in cell:
        severity = _SEVERITY_CELL.match(cell)
        return f"{severity[1]}{NO_BREAK_SPACE}{severity[2]}" if severity else cell
    for mark in _BREAKS_AFTER:
        if mark in cell:
            cell = cell.replace(mark, mark + WORD_JOINER)
    return cell


def table_lines(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; ``align`` has one letter per column: l or r. A cell holding one
    value never breaks over two lines (:func:`unbroken`)."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return [table_row(headers), table_row(rule), *(table_row(map(unbroken, r)) for r in rows)]


def clarity_cell(clarity: float | None) -> str:
    return "–" if clarity is None else f"{clarity:.0%}"
