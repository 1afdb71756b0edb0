"""A progress bar on stderr for long scans in a terminal, and nothing anywhere else."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")

#: Scans quicker than this never show a bar.
DELAY_SECONDS = 2.0


def wanted(*, quiet: bool, disabled: bool) -> bool:
    """A bar only in an interactive terminal, not in CI, not when asked to be quiet."""
    return (
        not quiet
        and not disabled
        and sys.stderr.isatty()
        and not os.environ.get("CI")
        and os.environ.get("TERM") != "dumb"
    )


def track(items: Iterable[Item], total: int, *, enabled: bool) -> Iterator[Item]:
    """Yield ``items``; once ``DELAY_SECONDS`` have passed, show a bar on stderr."""
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    started = time.monotonic()
    done = 0
    progress: Progress | None = None
    try:
        for item in items:
            yield item
            done += 1
            if progress is None and time.monotonic() - started > DELAY_SECONDS:
                progress = Progress(
                    "auditing",
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                progress.start()
                task = progress.add_task("audit", total=total, completed=done)
            if progress is not None:
                progress.update(task, completed=done)
    finally:
        if progress is not None:
            progress.stop()
