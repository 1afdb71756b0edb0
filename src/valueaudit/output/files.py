"""Where outputs go: standard output, or a file written atomically.

A file is written through a temporary file in the same folder and renamed over the
target only when the whole output has been written, so readers see the old file or the
new one, never a mix, and a failed or interrupted run leaves no half-written file. The
new file gets the permissions a plain ``open(path, "w")`` would give: an existing file
keeps its mode, a new one gets ``0o666`` less the umask (SPEC §7).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


class AtomicFile:
    """A text file that replaces ``path`` on :meth:`commit`, or vanishes on
    :meth:`discard`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        folder = path.parent if str(path.parent) else Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        self._temporary = Path(name)
        self.stream: TextIO = os.fdopen(handle, "w", encoding="utf-8", newline="\n")

    def commit(self, *, overwrite: bool = True) -> None:
        """Put the written file in place. Without ``overwrite`` it gets its name by a
        hard link, which fails with :class:`FileExistsError` if the name is taken."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            os.fchmod(self.stream.fileno(), _mode_for(self.path))
            self.stream.close()
            if overwrite:
                os.replace(self._temporary, self.path)
            else:
                os.link(self._temporary, self.path)
        finally:
            self.discard()

    def discard(self) -> None:
        """Forget what was written; the target is untouched."""
        self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)


def _mode_for(path: Path) -> int:
    """The mode ``open(path, "w")`` would leave: the existing file's, or 0666 - umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` atomically (see :class:`AtomicFile`)."""
    target = AtomicFile(path)
    try:
        target.stream.write(text)
    except BaseException:
        target.discard()
        raise
    target.commit(overwrite=overwrite)


class Spool:
    """Text kept aside until the end of a stream: in memory while small, in a temporary
    file beyond that, so a format that must write totals first still streams."""

    MEMORY_BYTES = 8 * 1024 * 1024

    def __init__(self) -> None:
        # closed when its text is copied out, at the end of the stream
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            self.MEMORY_BYTES, mode="w+", encoding="utf-8"
        )
        self.empty = True

    def write(self, text: str) -> None:
        """Add text."""
        self._file.write(text)
        self.empty = False

    def lines(self) -> Iterator[str]:
        """Everything kept, line by line; then let it go."""
        self._file.seek(0)
        yield from self._file
        self._file.close()

    def copy_to(self, out: TextIO, characters: int | None = None) -> None:
        """Write what was kept (the first ``characters`` of it, or all) to ``out``, and
        let it go."""
        self._file.seek(0)
        left = characters
        while left is None or left > 0:
            block = self._file.read(1 << 20 if left is None else min(left, 1 << 20))
            if not block:
                break
            out.write(block)
            if left is not None:
                left -= len(block)
        self._file.close()
