"""Internal errors are reported, not raised; interruptions leave nothing behind."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit import engine
from valueaudit.cli import app
from valueaudit.loading import tree
from valueaudit.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
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

    monkeypatch.setattr(tree._Builder, "build", explode)
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


def _start_scan(folder: Path, *options: str) -> subprocess.Popen[str]:
    """A scan of ``folder`` with two workers, running in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "valueaudit", "scan", str(folder), "-j", "2", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interruption_leaves_no_file_behind(tmp_path: Path, big_corpus: Path, signum, code):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.json").write_text("the previous report")
    process = _start_scan(
        big_corpus, "-f", f"json:{out / 'keep.json'}", "-f", f"sarif:{out / 'new.sarif'}"
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


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in command:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_workers_end_with_a_killed_main_process(tmp_path: Path, big_corpus: Path):
    out = tmp_path / "killed.json"
    process = _start_scan(big_corpus, "-f", f"json:{out}")
    time.sleep(1.5)
    assert process.poll() is None, "the scan finished before it could be killed"
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(out)) == []
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_more_jobs_than_cpus_are_capped(tmp_path: Path):
    (tmp_path / "p.yaml").write_text((ROOT / "processes" / "complaint.yaml").read_text())
    completed = subprocess.run(
        [sys.executable, "-m", "valueaudit", "scan", str(tmp_path), "-q", "-j", "100000"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "is more than the" in completed.stderr
    assert "usable CPUs; using" in completed.stderr


@pytest.mark.parametrize("round_", range(3))
def test_sigterm_ends_a_scan_of_a_hostile_folder_promptly(tmp_path: Path, big_corpus: Path, round_):
    folder = tmp_path / "hostile"
    shutil.copytree(big_corpus, folder)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "up").symlink_to(folder)
    process = _start_scan(folder, "-q", "-f", f"json:{tmp_path / 'out.json'}")
    time.sleep(1.0 + round_ * 0.4)
    assert process.poll() is None, "the scan finished before it could be stopped"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 143
    assert "Traceback" not in stderr
    assert not (tmp_path / "out.json").exists()
