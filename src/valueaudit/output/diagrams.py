"""The report's Mermaid diagrams: each process's exchanges as a sequence diagram, and the
portfolio's "where the value goes" (a Sankey diagram) and processes by clarity and
disparity (a quadrant chart).

Every label a user wrote is made safe for its diagram: a sequence diagram takes entity
codes (``#35;``) for anything outside a small safe set; a Sankey diagram reads CSV and
a quadrant chart plain words, so there the unsafe characters are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from valueaudit.findings import Finding, Severity, unit_rank
from valueaudit.mdtext import NAME_CHARACTERS, PROSE_CHARACTERS, shortened
from valueaudit.numbers import interval, number
from valueaudit.wording import says

if TYPE_CHECKING:
    from valueaudit.model import Process
    from valueaudit.portfolio import Ledger
    from valueaudit.scoring import ProcessScore

_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 .,_'/+-]")
_END_WORD = re.compile(r"\bend\b", re.IGNORECASE)
_PLAIN_UNSAFE = re.compile(r"[^A-Za-z0-9 .'&/()-]")

#: The flows between parties a Sankey diagram shows at most (the largest).
SANKEY_FLOWS = 30
#: The band of a touchpoint with warnings or errors, in a sequence diagram.
PROBLEM_BAND = "rgba(255, 99, 71, 0.15)"


def mermaid(text: object, limit: int = NAME_CHARACTERS) -> str:
    """User text for a Mermaid label: every character outside a small safe set becomes
    an entity code (``#35;``), and the keyword ``end`` is defused; beyond ``limit``
    characters it is :func:`~valueaudit.mdtext.shortened`."""
    flat = shortened(" ".join(str(text).split()), limit)
    encoded = _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", flat)
    return _END_WORD.sub(lambda m: f"#{ord(m.group()[0])};{m.group()[1:]}", encoded)


def coordinate(value: float) -> str:
    """A number as Mermaid's lexers read it: at most 2 decimals, no trailing zeros, never
    in exponent notation (``1``, not ``1.00`` or ``1e+06``)."""
    return number(round(value, 2), 2)


def plain(text: object, fallback: str) -> str:
    """User text for a diagram that reads ASCII only and takes no entity codes (Sankey,
    quadrant): accents dropped (``Ünïcødé`` is ``Unicde``), then letters, digits, spaces
    and plain punctuation only; ``fallback`` when nothing is left. Shortened beyond
    :data:`~valueaudit.mdtext.NAME_CHARACTERS`."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    kept = " ".join(_PLAIN_UNSAFE.sub(" ", ascii_text).split())
    return shortened(kept, NAME_CHARACTERS) if kept else shortened(fallback, NAME_CHARACTERS)


def sequence_diagram(
    process: Process, score: ProcessScore, findings: Sequence[Finding]
) -> list[str]:
    """The chain as a sequence diagram: a note per touchpoint and an arrow per flow,
    labelled with what is given and its value to the receiver. A touchpoint with
    warnings or errors is a shaded band whose note gives its disparity and the party
    it favours; the line above the diagram says how to read it."""
    problems = {f.touchpoint for f in findings if f.touchpoint and f.severity is not Severity.INFO}
    aliases = {party: f"p{i}" for i, party in enumerate(process.parties)}
    if process.in_points:
        scale = f"on this process's scale of 0–{number(process.scale)}"
    else:
        scale = f"in {process.unit}"
    legend = f"Numbers on the arrows are the value to the receiver, {scale}"
    legend += "; shaded touchpoints have warnings." if problems else "."
    lines = [legend, "", "```mermaid", "sequenceDiagram"]
    for party in process.parties:
        lines.append(f"    participant {aliases[party]} as {mermaid(process.party_name(party))}")
    first, last = next(iter(aliases.values())), list(aliases.values())[-1]
    for touchpoint, scored in zip(process.touchpoints, score.touchpoints, strict=True):
        band = touchpoint.id in problems
        note = touchpoint.id
        if touchpoint.exchange is not None:  # judged with the others naming it
            note += f" (exchange {touchpoint.exchange})"
        if band:
            lines.append(f"    rect {PROBLEM_BAND}")
            favoured = process.party_name(scored.favoured) if scored.favoured else "no one"
            note += f": D {interval(scored.disparity)}, favours "
            note += shortened(favoured, NAME_CHARACTERS)
        lines.append(f"    Note over {first},{last}: {mermaid(note, PROSE_CHARACTERS)}")
        for flow in touchpoint.flows:
            if not flow.valued:
                value = "not valued"
            else:
                value = "?" if flow.value is None else interval(flow.value, grouping=True)
            if flow.minutes is not None:  # the giver's time (SPEC §4.15)
                value += f"; {interval(flow.minutes)} min"
            label = mermaid(f"{flow.gives} ({value})")
            lines.append(f"    {aliases[flow.source]}->>{aliases[flow.target]}: {label}")
        if band:
            lines.append("    end")
    lines.append("```")
    return lines


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def sankey(ledger: Ledger) -> list[str]:
    """Where the value goes: a Sankey diagram from "X gives" to "Y receives" (two nodes
    per party, so that value going both ways forms no cycle), each link the value one
    party gives another over the portfolio, volume-weighted (a range at its middle);
    the largest :data:`SANKEY_FLOWS` links. Empty when no value flows."""
    given = ledger.gives()
    # one unit: values of different units do not add (the one most value flows in)
    units = sorted({unit for _, _, unit in given}, key=unit_rank)
    if not units:
        return []
    unit = max(units, key=lambda u: sum(1 for key in given if key[2] == u))
    links = sorted(
        (
            (value.mid, giver, receiver)
            for (giver, receiver, u), value in given.items()
            if u == unit
        ),
        key=lambda link: (-link[0], link[1], link[2]),
    )
    links = [link for link in links if round(link[0], 2) > 0]
    if not links:
        return []

    names = ledger.names()

    def name(party: str) -> str:
        return plain(names.get(party, party), party)

    lines = ["```mermaid", "sankey-beta"]
    for value, giver, receiver in links[:SANKEY_FLOWS]:
        source = _csv(says(name(giver), "gives"))
        target = _csv(says(name(receiver), "receives"))
        lines.append(f"{source},{target},{coordinate(value)}")
    lines.append("```")
    if len(links) > SANKEY_FLOWS:
        lines += ["", f"The {SANKEY_FLOWS} largest of {len(links)} flows between parties."]
    what = "points on a scale of 10" if unit == "points" else unit
    lines += [
        "",
        f"Values in {what}"
        + (
            f" (flows in {', '.join(u for u in units if u != unit)} are not drawn)."
            if len(units) > 1
            else "."
        ),
    ]
    return lines


def quadrant(ledger: Ledger) -> list[str]:
    """The most uneven processes by clarity (how much of their value is known exactly)
    and disparity (a range at its middle): "uneven and unclear" is the top right.

    Mermaid splits the chart at 0.5; the vertical axis is rescaled so that its midline is
    VA203's threshold (``thresholds.process-disparity``), and the chart says so. Each
    point's name is quoted, so an id that is a Mermaid keyword (``x-axis``,
    ``quadrant-1``, ``classDef``) stays a name."""
    points = ledger.points.best()
    if not points:
        return []
    threshold = ledger.uneven
    lines = [
        "```mermaid",
        "quadrantChart",
        f"    title Processes by clarity and disparity, midline at disparity {number(threshold)}",
        "    x-axis Clear --> Unclear",
        "    y-axis Even --> Uneven",
        "    quadrant-1 Uneven and unclear",
        "    quadrant-2 Uneven but clear",
        "    quadrant-3 Even and clear",
        "    quadrant-4 Even but unclear",
    ]
    for point in sorted(points, key=lambda p: p.process):
        x = min(max(1 - point.clarity, 0.0), 1.0)
        y = _rescaled(min(max(point.disparity.mid, 0.0), 1.0), threshold)
        name = plain(point.process, "process")
        lines.append(f'    "{name}": [{coordinate(x)}, {coordinate(y)}]')
    lines += [
        "```",
        "",
        f"A process above the middle line has a disparity of {number(threshold)} or more "
        "(VA203's threshold): the vertical axis is stretched below it and squeezed above it "
        "so that the line sits there.",
    ]
    return lines


def _rescaled(disparity: float, threshold: float) -> float:
    """A disparity on an axis whose middle is ``threshold``: linear on each side."""
    if threshold <= 0:
        return 0.5 + disparity / 2
    if threshold >= 1:
        return disparity / 2
    if disparity <= threshold:
        return 0.5 * disparity / threshold
    return 0.5 + 0.5 * (disparity - threshold) / (1 - threshold)
