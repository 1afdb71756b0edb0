"""User text for Markdown (the report, notebooks): escaped only where it would change
the rendering, so the source stays readable. The lowest layer that writes Markdown:
the report's cells and the models' notebook views share it."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
#: What GitHub turns into a live link by itself (an "extended autolink"): a scheme's
#: ``://``, ``www.``, an e-mail's ``@``; a backslash before its last character defuses it
#: and renders as nothing.
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto):(?=/)|\bwww\.|@(?=\w)|:/(?=/)")
#: What starts a block at the start of a line: a heading (``# ``), a list item (``- ``,
#: ``+ ``, ``1. ``); a quote's ``>`` is an entity already.
_MAY_START_A_BLOCK = frozenset("#+-0123456789")
_BLOCK_START = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=#{1,6}(?:\s|$))|(?=[+-](?:\s|$)))")
#: The most characters of a name a report shows: a longer one keeps its start and end,
#: so that the report stays under GitHub's 1 MiB job summary whatever names it holds.
NAME_CHARACTERS = 120
#: The most characters of a sentence (a finding's message or suggestion) it shows.
PROSE_CHARACTERS = 600


def shortened(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and its end with
    `` … `` between (the end of a message holds its figures; of a name, what tells it
    from its neighbours)."""
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]} … {text[len(text) - half :]}"


def md(text: object, limit: int = NAME_CHARACTERS) -> str:
    """User text for a Markdown paragraph or table cell: one line, no HTML, no markup.

    Only what would change the rendering is escaped, so the source stays readable:
    code, emphasis, links, strikethrough, math (GitHub's ``$``), table pipes, an
    underscore at the edge of a word (one inside it is no emphasis), and a line that
    would start a heading, a list or a quote. ``<``, ``>`` and ``&`` become entities, and
    a bare URL, ``www.`` name or e-mail address is no live link (GitHub's autolinks).
    Text longer than ``limit`` characters is :func:`shortened`."""
    flat = shortened(" ".join(str(text).split()), limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", flat)
    flat = _AUTOLINK.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], flat)
    if flat[:1] in _MAY_START_A_BLOCK:
        flat = _BLOCK_START.sub(r"\g<0>\\", flat, count=1)
    elif flat[:1] == ":":  # at the start of a line, a CI log's workflow command (``::error``)
        flat = "\\" + flat
    return flat


__all__ = ["NAME_CHARACTERS", "PROSE_CHARACTERS", "md", "shortened"]
