"""Where outputs go: standard output, a file written atomically, or a device.

A regular file is written through a temporary file in the same folder and renamed over
the target only when the whole output has been written, so readers see the old file or
the new one, never a mix, and a failed or interrupted run leaves no half-written file.
The new file gets the permissions a plain ``open(path, "w")`` would give: an existing
file keeps its mode, a new one gets ``0o666`` less the umask (SPEC §7). A target that is
not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is written in place: renaming
a file over a device would replace the device.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

# a path under these is never a place for a temporary file and a rename
_SPECIAL_FOLDERS = ("/dev/", "/proc/")


class OutputPathError(Exception):
    """An output path that cannot be used: a folder, an input, or another output's."""


def output_path(text: str) -> Path:
    """The path an output option names, refused when it names a folder (an existing
    one, or a path ending in a slash)."""
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise OutputPathError(f"{text}: it is a folder; name a file")
    return path


def is_special(path: Path) -> bool:
    """Whether ``path`` is, or leads to, something other than a regular file."""
    if os.path.abspath(path).startswith(_SPECIAL_FOLDERS):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False  # does not exist yet (or cannot be seen): a new regular file


def _file_key(path: Path) -> tuple[int, int] | None:
    """What identifies a regular file whatever its name: (device, inode)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def check_targets(targets: Sequence[Path], inputs: Iterable[Path]) -> None:
    """Refuse outputs that would overwrite an input or each other, before anything is
    audited: same file by device and inode, so another spelling or a link is caught."""
    keys: dict[tuple[int, int] | Path, Path] = {}
    for target in targets:
        key = _file_key(target) or Path(os.path.abspath(target))
        if key in keys and not is_special(target):
            raise OutputPathError(f"{target}: two outputs would write the same file")
        keys[key] = target
    existing = {key: keys[key] for key in keys if isinstance(key, tuple)}
    if not existing:
        return
    for path in inputs:
        found = _file_key(path)
        if found is not None and found in existing:
            target = existing[found]
            also = "" if os.path.abspath(path) == os.path.abspath(target) else f" ({path})"
            raise OutputPathError(
                f"output file {target} is one of the inputs{also}; write it elsewhere"
            )


class AtomicFile:
    """A text file that replaces ``path`` on :meth:`commit`, or vanishes on
    :meth:`discard`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # write where a symbolic link points, so the link itself stays a link
        real = Path(os.path.realpath(path))
        self._target = real
        folder = real.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".tmp")
        self._temporary = Path(name)
        self.stream: TextIO = os.fdopen(handle, "w", encoding="utf-8", newline="\n")

    def commit(self, *, overwrite: bool = True) -> None:
        """Put the written file in place (:meth:`prepare`, then :meth:`place`)."""
        self.prepare()
        self.place(overwrite=overwrite)

    def prepare(self) -> None:
        """Get the whole text onto the disk, with its mode, without putting it in place:
        a full disk fails here (:class:`OSError`), and the temporary file is gone."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            os.fchmod(self.stream.fileno(), _mode_for(self._target))
            self.stream.close()
        except BaseException:
            self.discard()
            raise

    def place(self, *, overwrite: bool = True) -> None:
        """Give the prepared file its name. Without ``overwrite`` it gets it by a hard
        link, which fails with :class:`FileExistsError` if the name is taken."""
        try:
            if overwrite:
                os.replace(self._temporary, self._target)
            else:
                os.link(self._temporary, self._target)
        finally:
            self.discard()

    def discard(self) -> None:
        """Forget what was written; the target is untouched. Closing flushes, and on a
        full disk that fails again: the file is closed all the same, and removed."""
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)


class DeviceFile:
    """A target that is not a regular file, written in place as the text comes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # a plain open: ``/dev/stdout`` and FIFOs must be opened, not replaced
        self.stream: TextIO = path.open("w", encoding="utf-8", newline="\n")

    def commit(self) -> None:
        """Flush what is left, and close."""
        self.prepare()
        self.place()

    def prepare(self) -> None:
        """Flush what is left; a full device (``/dev/full``) fails here at the latest."""
        try:
            self.stream.flush()
        except BaseException:
            self.discard()
            raise

    def place(self) -> None:
        """Close: what a device was given is already in place."""
        self.discard()

    def discard(self) -> None:
        """Stop writing (what a device was given cannot be taken back)."""
        with contextlib.suppress(OSError):
            self.stream.close()


def open_output(path: Path) -> AtomicFile | DeviceFile:
    """A writer for ``path``: in place for devices and FIFOs, atomic otherwise."""
    return DeviceFile(path) if is_special(path) else AtomicFile(path)


def _mode_for(path: Path) -> int:
    """The mode ``open(path, "w")`` would leave: the existing file's, or 0666 - umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path``, atomically when it is a regular file (see
    :class:`AtomicFile`)."""
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    target = open_output(path)
    try:
        target.stream.write(text)
    except BaseException:
        target.discard()
        raise
    if isinstance(target, AtomicFile):
        target.commit(overwrite=overwrite)
    else:
        target.commit()


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
