"""``valueaudit check FILE...``, pre-commit's call, takes a path without typer or rich
and prints what the typer command prints."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.engine import audit_files
from valueaudit.output import lines, text
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/hostile").glob("*.yaml"))
PLAIN_ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "valueaudit", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=PLAIN_ENV,
        check=False,
    )


@pytest.mark.parametrize("paths", [["processes"], HOSTILE[:6], ["processes/no-such.yaml"]])
def test_fast_check_prints_what_the_typer_command_prints(
    paths: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(ROOT)
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    typer_run = CliRunner().invoke(app, ["check", *paths])
    fast = run_module("check", *paths)
    assert (fast.returncode, fast.stdout) == (typer_run.exit_code, typer_run.stdout)
    assert fast.stdout or fast.stderr


def test_options_still_go_through_typer():
    completed = run_module("check", "--fail-on", "bogus", "processes")
    assert completed.returncode == 2
    assert "--fail-on" in completed.stderr


def test_plain_quiet_output_equals_rich_without_colour():
    files = [(ROOT / p, p) for p in HOSTILE]
    result = audit_files(files, Settings())
    assert result.findings
    styled, plain = io.StringIO(), io.StringIO()
    text.render(result, Console(file=styled, no_color=True, width=10_000), quiet=True)
    lines.write_plain(result, plain)
    assert plain.getvalue() == styled.getvalue()


def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path):
    for n in range(800):  # far more output than a pipe holds
        (tmp_path / f"broken-{n:03}.yaml").write_text("valueaudit: [\n")
    reader = subprocess.Popen(
        [sys.executable, "-m", "valueaudit", "check", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**PLAIN_ENV, "PYTHONUNBUFFERED": "1"},
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    stderr = reader.stderr.read().decode()
    assert reader.wait() == 141
    assert "Traceback" not in stderr and "internal error" not in stderr
