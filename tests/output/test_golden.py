"""Every format's output on the example processes and the hostile fixture, compared with
reviewed golden files (``tests/data/golden/``).

After an intended change of output, regenerate them with
``VALUEAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/output/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from valueaudit.output import FORMATS

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parents[1] / "data/golden"
INPUTS = ["processes/", "tests/e2e/hostile.yaml"]

CASES = {
    **{f"scan.{name}": ["scan", *INPUTS, "-f", f"{name}:{{out}}"] for name in FORMATS},
    "report.md": ["report", *INPUTS, "-o", "{out}"],
    **{
        f"diff.{name}": [
            "diff",
            "processes/restaurant-dinner.yaml",
            "examples/restaurant-to-be.yaml",
            "-f",
            f"{name}:{{out}}",
        ]
        for name in ("text", "json", "markdown")
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_matches_the_golden_file(case: str, tmp_path: Path):
    out = tmp_path / case
    command = [part.replace("{out}", str(out)) for part in CASES[case]]
    result = subprocess.run(
        [sys.executable, "-m", "valueaudit", *command, "--fail-on", "never", "-j", "2"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")},
    )
    assert result.returncode == 0, result.stderr
    written = out.read_text(encoding="utf-8")
    golden = GOLDEN / case
    if os.environ.get("VALUEAUDIT_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")
