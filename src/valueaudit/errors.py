"""The error every layer above the library may raise for a bad option, path or
configuration: reported in one line by the command line, exit 2."""

from __future__ import annotations


class UsageError(Exception):
    """A bad option, path or configuration: reported in one line, exit 2."""
