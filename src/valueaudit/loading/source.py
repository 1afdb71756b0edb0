"""Bytes to text, the first step of the *load* stage: the file read without blocking
or reading past the size limit, then decoded as UTF-8 (a BOM is accepted). What cannot
be read becomes a VA109 finding at a position, never an exception."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from valueaudit.loading.positions import Lines, LoadedFile


def read_bytes(path: Path, loaded: LoadedFile) -> bytes | None:
    limit = loaded.limits.file_bytes
    try:
        # non-blocking, so that a FIFO cannot hang the scan before it is seen for what it is
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        loaded.finding("VA109", "cannot read: this is a directory", position=(1, 1))
        return None
    except OSError as error:
        loaded.finding("VA109", _cannot_open(path, error), position=(1, 1))
        return None
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            loaded.finding("VA109", "cannot read: this is a directory", position=(1, 1))
            return None
        if not stat.S_ISREG(status.st_mode):
            loaded.finding(
                "VA109",
                "not a regular file (a FIFO, socket or device); process files are files",
                position=(1, 1),
            )
            return None
        if status.st_size > limit:
            loaded.finding(
                "VA109",
                f"file is too large to be a process ({status.st_size / 1_048_576:.1f} MiB; "
                f"the limit is {limit / 1_048_576:g} MiB)",
                position=(1, 1),
            )
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        loaded.finding("VA109", f"cannot read the file: {reason}", position=(1, 1))
        return None
    finally:
        os.close(handle)
    if len(data) > limit:  # it grew while we looked
        loaded.finding("VA109", "file is too large to be a process", position=(1, 1))
        return None
    return data


def _cannot_open(path: Path, error: OSError) -> str:
    """Why ``path`` cannot be opened, saying whether it is a file or a folder when that
    can be seen; inside a folder that cannot be searched, not even that can."""
    reason = error.strerror or str(error)
    try:
        kind = "folder" if stat.S_ISDIR(os.stat(path).st_mode) else "file"
    except PermissionError:
        return f"cannot reach it: {reason} (a folder on its path cannot be searched)"
    except OSError:
        return f"cannot read it: {reason}"
    return f"cannot read the {kind}: {reason}"


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset].decode("utf-8", errors="replace")
    return Lines(before).position(len(before))


def decode_text(data: bytes, loaded: LoadedFile) -> str | None:
    """The text of a UTF-8 file (one byte order mark accepted), or ``None`` with a VA109
    saying which encoding it is in instead."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's
        loaded.finding("VA109", "file is UTF-32 encoded; save it as UTF-8", position=(1, 1))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        loaded.finding("VA109", "file is UTF-16 encoded; save it as UTF-8", position=(1, 1))
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        loaded.finding(
            "VA109",
            "file contains a NUL byte: it is binary, or UTF-16 without a byte order mark; "
            "save it as UTF-8",
            position=_byte_position(data, nul),
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        loaded.finding(
            "VA109",
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
            position=_byte_position(data, error.start),
        )
        return None
    text = text.removeprefix("\ufeff")
    if text.startswith("\ufeff"):  # a second mark would shift every column by one
        loaded.finding(
            "VA109",
            "file starts with two byte order marks; save it as UTF-8 with at most one",
            position=(1, 1),
        )
        return None
    return text
