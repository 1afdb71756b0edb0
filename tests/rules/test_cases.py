"""Rule cases as small YAML fixtures (tests/rules/cases/): each file says, in comments,
the rules to select (``# select: VA2``) and every finding expected, by code, line and
column (``# expect: VA201 11:5``); no ``expect`` line means nothing is reported. Adding a
case for a rule is adding a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from valueaudit.scan import audit_files
from valueaudit.settings import Settings

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (VA\d{3}) (\d+):(\d+)$", re.MULTILINE)
_SELECT = re.compile(r"^# select: (\S+)$", re.MULTILINE)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path):
    text = case.read_text(encoding="utf-8")
    selected = _SELECT.search(text)
    assert selected, f"{case.name}: say which rules the case is about (# select: ...)"
    settings = Settings(select=tuple(selected.group(1).split(",")))
    scan = audit_files([(case, case.name)], settings)
    expected = [(code, int(line), int(column)) for code, line, column in _EXPECT.findall(text)]
    assert [(f.code, f.line, f.column) for f in scan.findings] == expected
    assert scan.errors == []


def test_there_are_cases():
    assert len(CASES) >= 4
