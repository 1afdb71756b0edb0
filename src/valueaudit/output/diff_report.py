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

from valueaudit.diff import DiffPart, ProcessChange, Side, delta, parties_of, party_deltas, percent
from valueaudit.findings import Finding
from valueaudit.output.files import Spool

LISTS = (
    "processes added",
    "processes removed",
    "processes now invalid",
    "findings fixed",
    "findings introduced",
)


def _finding(finding: Finding) -> str:
    where = finding.process or finding.file
    if finding.touchpoint:
        where += f" › {finding.touchpoint}"
    return f"{finding.code} at {where}: {finding.message}"


def _process(result: Side) -> str:
    return f"{result.process_id} ({result.file})"


def change_title(change: ProcessChange) -> str:
    """The heading of a changed process's block."""
    return f"process {change.id} ({change.old.file} → {change.new.file})"


def process_lines(change: ProcessChange) -> list[str]:
    """The process as a whole: disparity, clarity, favoured party, and the balance."""
    old, new = change.old_score, change.new_score
    lines = [
        f"disparity {delta(old.disparity, new.disparity)}; "
        f"clarity {percent(old.clarity, new.clarity)}; "
        f"favoured {old.favoured or '–'} → {new.favoured or '–'}"
    ]
    balance = party_deltas(old.received, new.received, parties_of(change))
    if balance:
        lines.append("balance: " + "; ".join(f"{p} {d}" for p, d in balance))
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
        parts = [f"disparity {delta(tp.old.disparity, tp.new.disparity)}"]
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
    ) -> None:
        self.heading, self.line, self.blank = heading, line, blank
        self.change = change  # writes a changed process its own way (Markdown: a table)
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
            ("processes added", [_process(r) for r in part.added]),
            ("processes removed", [_process(r) for r in part.removed]),
            ("processes now invalid", [i.line() for i in part.invalid]),
            ("findings fixed", [_finding(f) for f in part.fixed]),
            ("findings introduced", [_finding(f) for f in part.introduced]),
        )
        for title, lines in pending:
            for text in lines:
                self.lists[title].write(json.dumps(text) + "\n")  # one line, whatever it holds

    def finish(self) -> None:
        """Write the lists; the findings lists say "none" when empty."""
        for title, spool in self.lists.items():
            if spool.empty and title.startswith("processes"):
                continue
            self.heading(title)
            if spool.empty:
                self.line("none")
            for encoded in spool.lines():
                self.line(json.loads(encoded))
            self.blank()
