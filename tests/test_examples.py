"""The shipped processes are valid and each teaches something."""

from __future__ import annotations

from pathlib import Path

import pytest

from valueaudit.discovery import discover
from valueaudit.findings import Severity
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
FILES = sorted(PROCESSES.glob("*.yaml"))


def test_examples_exist():
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_is_valid_and_has_a_lesson(path: Path):
    result = audit_files([(path, path.name)], Settings())
    assert [p.file for p in result.processes] == [path.name]
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert result.findings, "every example should show at least one finding"


def test_discovery_finds_every_example_in_order():
    found = discover([PROCESSES])
    assert [p.name for p, _ in found] == [p.name for p in FILES]
