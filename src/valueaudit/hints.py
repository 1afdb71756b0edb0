"""Small helpers that make messages helpful: "did you mean", describing a value."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides
# and isolates: in a terminal they clear screens, open links and retitle windows; in a
# web page or editor they reorder what is read (Trojan Source). XML 1.0 forbids the C0.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` on one line: a line break a name brought into a message is shown as an
    escape (``\\n``), so that what follows it cannot start a line of a log (a CI's
    ``::add-mask::``) or of a report."""
    return _LINE_BREAKS.sub(lambda m: ascii(m.group())[1:-1], text)


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character :func:`escape_unsafe` would escape."""
    return _UNSAFE.search(text) is not None


def escape_unsafe(text: str) -> str:
    """User text with control characters and bidi overrides shown as escapes
    (``\\x1b``, ``\\u202e``), safe to show in any output."""
    return _UNSAFE.sub(lambda m: ascii(m.group())[1:-1], text)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A ``"; did you mean 'x'?"`` suffix naming the closest option, or ``""``."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def describe(value: object) -> str:
    """How a YAML value reads to a user: ``the number 3``, ``a list``, ``nothing``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and abs(value) >= 10**20:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return f"the number {value:g}" if abs(value) >= 1e20 else f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple | list):
        return "a list"
    return f"the {type(value).__name__} {value}"


_INDENTATION = (
    "check the indentation: the keys of one mapping start in the same column, with spaces"
)


def yaml_hint(problem: str, line: str, column: int) -> str:
    """Plain words for the parser's message about the mistakes people make most: a tab
    used to indent, keys out of line, and an unquoted ``: `` or ``,`` in a value.
    ``line`` is the text of the line the parser stopped on, ``column`` 1-based; the
    answer is ``""`` when there is nothing to add."""
    before = line[: column - 1]
    if "cannot start any token" in problem and line[column - 1 : column] == "\t":
        return "use spaces, not tabs, to indent"
    if problem.startswith("mapping values are not allowed"):
        if ": " in before.strip():  # `gives: time: 20 minutes`
            return "a value that contains ': ' must be quoted"
        return _INDENTATION
    if problem.startswith("did not find expected '-' indicator"):
        return (
            "check the indentation: the items of a list each start with '- ' in the same "
            "column, and the other keys of an item line up under its first key"
        )
    if problem.startswith(("did not find expected key", "expected <block end>")):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return "use spaces, not tabs, to indent"
        return _INDENTATION
    for opening, closing in (("{", "}"), ("[", "]")):
        if f"',' or '{closing}'" in problem:  # libyaml: "did not find expected", PyYAML: "expected"
            return (
                f"inside {opening}...{closing} quote text that contains ': ' or ',', "
                f"and close what was opened"
            )
    return ""
