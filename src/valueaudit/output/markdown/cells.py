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

_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
#: What starts a block at the start of a line: a heading (``# ``), a list item (``- ``,
#: ``+ ``, ``1. ``); a quote's ``>`` is an entity already.
_MAY_START_A_BLOCK = frozenset("#+-0123456789")
_BLOCK_START = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=#{1,6}(?:\s|$))|(?=[+-](?:\s|$)))")


def md(text: object) -> str:
    """User text for a Markdown paragraph or table cell: one line, no HTML, no markup.

    Only what would change the rendering is escaped, so the source stays readable:
    code, emphasis, links, strikethrough, math (GitHub's ``$``), table pipes, an
    underscore at the edge of a word (one inside it is no emphasis), and a line that
    would start a heading, a list or a quote. ``<``, ``>`` and ``&`` become entities."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", flat)
    if flat[:1] in _MAY_START_A_BLOCK:
        flat = _BLOCK_START.sub(r"\g<0>\\", flat, count=1)
    return flat


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
