"""What the human ``diff`` formats (``text``, ``markdown``) say, as plain sections.

Each part of the diff stream becomes titled blocks of plain-text lines
(:class:`Sections`): a block per changed process as it arrives, and the lists of
processes added and removed and of findings fixed and introduced, which wait in spools
until the end. The Markdown writer escapes the lines; the terminal writer prints them
as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from valueaudit.diff import (
    DiffPart,
    DiffTotals,
    ProcessChange,
    Side,
    delta,
    parties_of,
    party_deltas,
    percent,
)
from valueaudit.findings import POINTS, Finding
from valueaudit.interval import Interval
from valueaudit.output import shown_file
from valueaudit.output.files import Spool
from valueaudit.rules.changes import net_falls
from valueaudit.scoring import same

LISTS = (
    "parties worse off",
    "processes added",
    "processes removed",
    "processes now invalid",
    "findings fixed",
    "findings introduced",
)


def _finding(finding: Finding) -> str:
    where = finding.process or shown_file(finding.file)
    if finding.touchpoint:
        where += f" › {finding.touchpoint}"
    return f"{finding.code} at {where}: {finding.message}"


def _process(result: Side) -> str:
    return f"{result.process_id} ({shown_file(result.file)})"


def change_title(change: ProcessChange) -> str:
    """The heading of a changed process's block."""
    return f"process {change.id} ({shown_file(change.old.file)} → {shown_file(change.new.file)})"


def evenness(before: Interval | None, after: Interval | None) -> str:
    """``more even`` or ``less even`` when a disparity moved, else nothing: a lower
    disparity is not "better" by itself (SPEC §4.13)."""
    if before is None or after is None or same(before.mid, after.mid):
        return ""
    return "more even" if after.mid < before.mid else "less even"


def disparity_change(before: Interval | None, after: Interval | None) -> str:
    """``0.6 → 0.27 (−0.33, more even)``."""
    text = delta(before, after)
    how = evenness(before, after)
    return f"{text[:-1]}, {how})" if how and text.endswith(")") else text


def net_mark(before: Interval | None, after: Interval | None) -> str:
    """✅ when a party's net certainly rises, ⚠️ when it certainly falls (VA701), else
    nothing: the only change marked as better or worse."""
    if before is None or after is None:
        return ""
    if net_falls(before, after):
        return " ⚠️"
    if net_falls(after, before):
        return " ✅"
    return ""


def process_lines(change: ProcessChange) -> list[str]:
    """The process as a whole: disparity, clarity, favoured party, and per party what it
    receives and its net."""
    old, new = change.old_score, change.new_score
    lines = [
        f"disparity {disparity_change(old.disparity, new.disparity)}; "
        f"clarity {percent(old.clarity, new.clarity)}; "
        f"favoured {old.favoured or '–'} → {new.favoured or '–'}"
    ]
    parties = parties_of(change)
    balance = party_deltas(old.received, new.received, parties)
    if balance:
        lines.append("received: " + "; ".join(f"{p} {d}" for p, d in balance))
    nets = [
        f"{p} {delta(old.net.get(p), new.net.get(p))}{net_mark(old.net.get(p), new.net.get(p))}"
        for p in parties
        if old.net.get(p) != new.net.get(p)
    ]
    if nets:
        lines.append("net: " + "; ".join(nets))
    return lines


def party_totals_lines(totals: DiffTotals) -> list[str]:
    """Per party over the whole comparison: what it receives and its net, before and
    after (points on a scale of 10, money per currency)."""
    lines = []
    for (party, unit), (r_old, r_new, n_old, n_new) in sorted(totals.parties.items()):
        if (r_old, n_old) == (r_new, n_new):
            continue
        what = "" if unit == POINTS else f" ({unit})"
        lines.append(
            f"{party}{what}: received {delta(r_old, r_new)}; net {delta(n_old, n_new)}"
            f"{net_mark(n_old, n_new)}"
        )
    return lines


def change_lines(change: ProcessChange) -> list[str]:
    """What changed in one process, a line per fact."""
    parties = parties_of(change)
    lines = process_lines(change)
    if change.added:
        lines.append("touchpoints added: " + ", ".join(change.added))
    if change.removed:
        lines.append("touchpoints removed: " + ", ".join(change.removed))
    for tp in change.touchpoints:
        if not tp.changed:
            continue
        parts = [f"disparity {disparity_change(tp.old.disparity, tp.new.disparity)}"]
        received = party_deltas(tp.old.received, tp.new.received, parties)
        if received:
            parts.append("received " + ", ".join(f"{p} {d}" for p, d in received))
        if tp.old.praxis != tp.new.praxis:
            parts.append(f"praxis {tp.old.praxis or '–'} → {tp.new.praxis or '–'}")
        lines.append(f"{tp.id}: " + "; ".join(parts))
    return lines


class Sections:
    """Turns diff parts into blocks: changed processes at once, the lists at the
    end (each kept in a spool meanwhile). ``heading``, ``line`` and ``blank`` write."""

    def __init__(
        self,
        heading: Callable[[str], None],
        line: Callable[[str], None],
        blank: Callable[[], None],
        change: Callable[[ProcessChange], None] | None = None,
        *,
        worse_list: bool = True,
    ) -> None:
        self.heading, self.line, self.blank = heading, line, blank
        self.change = change  # writes a changed process its own way (Markdown: a table)
        #: whether the lists include the parties worse off (Markdown puts them first)
        self.worse_list = worse_list
        self.lists = {title: Spool() for title in LISTS}

    def add(self, part: DiffPart) -> None:
        """Write or keep what one part says."""
        for change in part.changes:
            self.heading(change_title(change))
            if self.change is not None:
                self.change(change)
            else:
                for text in change_lines(change):
                    self.line(text)
            self.blank()
        pending = (
            ("parties worse off", [_finding(f) for f in part.worse] if self.worse_list else []),
            ("processes added", [_process(r) for r in part.added]),
            ("processes removed", [_process(r) for r in part.removed]),
            ("processes now invalid", [i.line() for i in part.invalid]),
            ("findings fixed", [_finding(f) for f in part.fixed]),
            ("findings introduced", [_finding(f) for f in part.introduced]),
        )
        for title, lines in pending:
            for text in lines:
                self.lists[title].write(json.dumps(text) + "\n")  # one line, whatever it holds

    def finish(self, totals: DiffTotals | None = None) -> None:
        """Write the lists (parties worse off first); the findings lists say "none" when
        empty; then, given the totals, each party over the whole comparison."""
        for title, spool in self.lists.items():
            if spool.empty and title.startswith(("processes", "parties")):
                continue
            self.heading(title)
            if spool.empty:
                self.line("none")
            for encoded in spool.lines():
                self.line(json.loads(encoded))
            self.blank()
        lines = [] if totals is None else party_totals_lines(totals)
        if lines:
            self.heading("parties over the whole comparison")
            for text in lines:
                self.line(text)
            self.blank()
