"""Shared helpers: audit YAML text and get (code, line, column) back."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from valueaudit.findings import Finding
from valueaudit.scan import ScanResult, audit_files
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
def audit(tmp_path: Path, request: pytest.FixtureRequest):
    """Audit YAML text written to a file; returns the ScanResult. A module marked
    ``pytestmark = pytest.mark.rules("VA1")`` audits with those rules only."""
    marker = request.node.get_closest_marker("rules")
    default = marker.args[0] if marker else ""

    def run(
        text: str,
        name: str = "p.yaml",
        settings: Settings | None = None,
        *,
        select: str | None = None,
    ) -> ScanResult:
        path = tmp_path / name
        path.write_text(dedent(text), encoding="utf-8")
        if settings is None:
            chosen = default if select is None else select
            settings = Settings(select=tuple(chosen.split(",")) if chosen else ())
        return audit_files([(path, name)], settings, jobs=1)

    return run


@pytest.fixture
def positions(audit):
    """(code, line, column) of every finding for YAML text, in file order."""

    def run(
        text: str, settings: Settings | None = None, *, select: str = "VA1"
    ) -> list[tuple[str, int, int]]:
        """Positions of findings; by default of the validity rules (VA1xx) only."""
        found = audit(text, settings=settings, select=select).findings
        return [(f.code, f.line, f.column) for f in found]

    return run


def codes(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    return [f.code for f in findings]


# Fuzzing depth: the default keeps the suite quick; VALUEAUDIT_FUZZ_EXAMPLES=N runs N
# examples per fuzz test (the long run: 100000), as does `--hypothesis-profile=long`.
hypothesis_settings.register_profile("default", max_examples=60, deadline=None)
hypothesis_settings.register_profile(
    "long",
    max_examples=int(os.environ.get("VALUEAUDIT_FUZZ_EXAMPLES") or 3000),
    deadline=None,
)
hypothesis_settings.load_profile(
    "long" if os.environ.get("VALUEAUDIT_FUZZ_EXAMPLES") else "default"
)


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see paths as a developer's checkout does: a CI runner's work-tree variables
    (which move the root of output paths, SPEC §7) are set only by the tests of them."""
    from valueaudit.paths import CI_WORKSPACES

    for name in CI_WORKSPACES:
        monkeypatch.delenv(name, raising=False)
