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


def md(text: object) -> str:
    """User text for a Markdown paragraph or table cell: one line, no HTML, no markup.

    Only what would change the rendering is escaped, so the source stays readable:
    code, emphasis, links, strikethrough, math (GitHub's ``$``), table pipes, an
    underscore at the edge of a word (one inside it is no emphasis), and a line that
    would start a heading, a list or a quote. ``<``, ``>`` and ``&`` become entities, and
    a bare URL, ``www.`` name or e-mail address is no live link (GitHub's autolinks)."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", flat)
    flat = _AUTOLINK.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], flat)
    if flat[:1] in _MAY_START_A_BLOCK:
        flat = _BLOCK_START.sub(r"\g<0>\\", flat, count=1)
    return flat


__all__ = ["md"]
