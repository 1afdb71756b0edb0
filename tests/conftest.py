"""Shared helpers: audit YAML text and get (code, line, column) back."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from valueaudit.audit import ScanResult, audit_files
from valueaudit.findings import Finding
from valueaudit.settings import Settings

BASE = """\
valueaudit: 1
id: sample
parties:
  customer: {role: customer}
  company: {role: provider}
touchpoints:
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def audit(tmp_path: Path):
    """Audit YAML text written to a file; returns the ScanResult."""

    def run(text: str, name: str = "p.yaml", settings: Settings | None = None) -> ScanResult:
        path = tmp_path / name
        path.write_text(dedent(text), encoding="utf-8")
        return audit_files([(path, name)], settings or Settings(), jobs=1)

    return run


@pytest.fixture
def positions(audit):
    """(code, line, column) of every finding for YAML text, in file order."""

    def run(text: str, settings: Settings | None = None) -> list[tuple[str, int, int]]:
        return [(f.code, f.line, f.column) for f in audit(text, settings=settings).findings]

    return run


def codes(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    return [f.code for f in findings]
