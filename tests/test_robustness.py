"""Internal errors are reported, not raised; interruptions leave nothing behind."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit import engine, loading
from valueaudit.cli import app
from valueaudit.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("invoice-payment.yaml", "complaint.yaml"):
        (tmp_path / name).write_text((ROOT / "processes" / name).read_text())
    return tmp_path


def _broken_rule(monkeypatch: pytest.MonkeyPatch, only: str) -> None:
    def boom(ctx):  # type: ignore[no-untyped-def]
        if ctx.process.id == only:
            raise ZeroDivisionError("division by zero")
        yield from ()

    broken = dataclasses.replace(RULES["VA202"], check=boom)
    rules = tuple(broken if r.code == "VA202" else r for r in engine.SCORED_RULES)
    monkeypatch.setattr(engine, "SCORED_RULES", rules)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_broken_rule_is_one_line_and_other_files_are_reported(two_files, monkeypatch, fmt):
    _broken_rule(monkeypatch, "invoice-payment")
    result = runner.invoke(app, ["scan", ".", "-f", fmt, "-j", "1"])
    assert result.exit_code == 2
    assert (
        "valueaudit: internal error in rule VA202 on invoice-payment.yaml: "
        "ZeroDivisionError: division by zero (--debug shows the traceback)"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert "complaint.yaml" in result.stdout and "VA202" in result.stdout  # the other file
    assert "VA401" in result.stdout  # the other rules of the broken file


def test_debug_shows_the_traceback(two_files, monkeypatch):
    _broken_rule(monkeypatch, "invoice-payment")
    result = runner.invoke(app, ["scan", ".", "--debug", "-j", "1"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr


def test_a_broken_loader_and_a_broken_formatter(two_files, monkeypatch):
    def explode(self, *args):  # type: ignore[no-untyped-def]
        raise RuntimeError("builder bug")

    monkeypatch.setattr(loading._Builder, "build", explode)
    result = runner.invoke(app, ["check", "."])
    assert result.exit_code == 2
    assert "internal error in loading on complaint.yaml: RuntimeError: builder bug" in (
        result.stderr
    )


def test_a_broken_formatter_does_not_stop_the_other_outputs(two_files, monkeypatch):
    from valueaudit.output import sarif

    def explode(self, totals):  # type: ignore[no-untyped-def]
        raise ValueError("formatter bug")

    monkeypatch.setattr(sarif.ScanWriter, "finish", explode)
    result = runner.invoke(app, ["scan", ".", "-f", "text", "-f", "sarif:out.sarif"])
    assert result.exit_code == 2
    assert "internal error in the sarif output on out.sarif: ValueError: formatter bug" in (
        result.stderr
    )
    assert "Processes" in result.stdout
    assert not (two_files / "out.sarif").exists()


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 1500)
    return folder


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interruption_leaves_no_file_behind(tmp_path: Path, big_corpus: Path, signum, code):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.json").write_text("the previous report")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "valueaudit",
            "scan",
            str(big_corpus),
            "-j",
            "2",
            "-f",
            f"json:{out / 'keep.json'}",
            "-f",
            f"sarif:{out / 'new.sarif'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    assert process.poll() is None, "the scan finished before it could be interrupted"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.json"]
    assert (out / "keep.json").read_text() == "the previous report"
