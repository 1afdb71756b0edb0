"""``valueaudit diff -f markdown``: a before/after table per changed process, then the
lists of what was added, removed, fixed and introduced."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from valueaudit.interval import Interval
from valueaudit.numbers import interval, number
from valueaudit.output import Options
from valueaudit.output.diff_report import Sections, evenness, process_lines
from valueaudit.output.files import Spool

if TYPE_CHECKING:
    from valueaudit.diff import DiffPart, DiffTotals, ProcessChange
from valueaudit.mdtext import PROSE_CHARACTERS, md
from valueaudit.output.markdown.cells import table_lines


def change_rows(change: ProcessChange) -> list[list[str]]:
    """The before/after rows of a changed process: each touchpoint that changed (in the
    new order), then those added and removed. A disparity moves "more even" or "less
    even", never "better": only a party's net is marked ✅ or ⚠️ (SPEC §4.13)."""

    def difference(before: Interval | None, after: Interval | None) -> str:
        if before is None or after is None:
            return "–"
        moved = after.mid - before.mid
        if abs(moved) < 1e-9:
            return "0"
        text = f"{'+' if moved > 0 else '−'}{number(abs(moved))}"
        how = evenness(before, after)
        return f"{text} ({how})" if how else text

    def praxis(before: str | None, after: str | None) -> str:
        return before or "–" if before == after else f"{before or '–'} → {after or '–'}"

    rows = [
        [
            md(t.id),
            interval(t.old.disparity),
            interval(t.new.disparity),
            difference(t.old.disparity, t.new.disparity),
            praxis(t.old.praxis, t.new.praxis),
        ]
        for t in change.touchpoints
        if t.changed
    ]
    for ids, side, score, added in (
        (change.added, change.new, change.new_score, True),
        (change.removed, change.old, change.old_score, False),
    ):
        position = {touchpoint: k for k, touchpoint in enumerate(side.touchpoints)}
        for touchpoint in ids:
            scored = score.touchpoints[position[touchpoint]]
            shown = interval(scored.disparity)
            rows.append(
                [
                    md(touchpoint),
                    "–" if added else shown,
                    shown if added else "–",
                    "added" if added else "removed",
                    scored.praxis or "–",
                ]
            )
    return rows


class DiffWriter:
    """A diff as Markdown: a section per changed process (its figures and a before/after
    table of its touchpoints), then the lists."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.body = Spool()  # the summary line comes first
        self.worse = Spool()  # then the parties worse off (VA701)
        self.sections = Sections(
            self._heading,
            self._line,
            lambda: self.body.write("\n"),
            self._change,
            worse_list=False,
        )

    def _heading(self, title: str) -> None:
        self.body.write(f"## {md(title)}\n\n")

    def _line(self, text: str) -> None:
        self.body.write(f"- {md(text, PROSE_CHARACTERS)}\n")

    def _change(self, change: ProcessChange) -> None:
        """A changed process: its figures as a whole, then a table of the touchpoints
        that changed, were added or were removed, as-is against to-be."""
        for text in process_lines(change):
            self._line(text)
        rows = change_rows(change)
        if rows:
            self.body.write("\n")
            table = table_lines(["touchpoint", "as-is", "to-be", "change", "praxis"], "lrrrl", rows)
            self.body.write("\n".join(table) + "\n")
            unchanged = len(change.touchpoints) - sum(1 for t in change.touchpoints if t.changed)
            if unchanged:
                noun = "touchpoint" if unchanged == 1 else "touchpoints"
                self.body.write(f"\n{unchanged} more {noun} unchanged.\n")

    def add(self, part: DiffPart) -> None:
        """Write or keep one part of the diff."""
        for finding in part.worse:
            self.worse.write(
                f"- ⚠️ {md(finding.message, PROSE_CHARACTERS)} ({md(finding.file)}:{finding.line})\n"
            )
        self.sections.add(part)

    def finish(self, totals: DiffTotals) -> None:
        """Write the report: the summary, the parties worse off, then the rest."""
        self.sections.finish(totals)
        self.out.write(f"# valueaudit diff\n\n{md(totals.line(), PROSE_CHARACTERS)}\n\n")
        if not self.worse.empty:
            self.out.write("## Parties worse off\n\n")
            self.worse.copy_to(self.out)
            self.out.write("\n")
        self.body.copy_to(self.out)
