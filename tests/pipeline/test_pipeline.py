"""The pipeline: one ordered stream of file results feeds every format, whatever the
number of workers; the CLI and the in-memory render write the same bytes; sharding;
progress."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit import progress
from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.output import FORMATS, Options, render
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# `valueaudit scan processes/ tests/e2e/hostile.yaml -f json`, reviewed (test_golden.py)
GOLDEN = Path(__file__).parents[1] / "data/golden/scan.json"
runner = CliRunner()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_json_matches_the_golden_file(jobs: str, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "valueaudit",
            "scan",
            "processes/",
            "tests/e2e/hostile.yaml",
            "-f",
            "json",
            "-j",
            jobs,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_in_memory_render_equals_the_stream(monkeypatch):
    monkeypatch.chdir(ROOT)
    files = discover([Path("processes"), Path("tests/e2e/hostile.yaml")])
    rendered = render("json", audit_files(files, Settings()), Options(Settings()))
    assert rendered == GOLDEN.read_text(encoding="utf-8")
    document = json.loads(rendered)
    assert document["summary"]["files"] == 8


def test_a_cross_file_duplicate_is_a_scan_level_finding(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = (ROOT / "processes/invoice-payment.yaml").read_text()
    (tmp_path / "a.yaml").write_text(source)
    (tmp_path / "b.yaml").write_text(source)
    streamed = runner.invoke(app, ["scan", ".", "-f", "json", "-j", "1"]).stdout
    scan = audit_files(discover([Path(".")]), Settings())
    collected = render("json", scan, Options(Settings()))
    assert streamed == collected
    codes = [(f["file"], f["code"]) for f in json.loads(streamed)["findings"]]
    # judged once every file is in, after every file's own findings (as VA601/VA602)
    own = [c for c in codes if c[1] not in {"VA104", "VA601", "VA602"}]
    assert codes[: len(own)] == own
    assert ("b.yaml", "VA104") in codes[len(own) :]
    assert ("a.yaml", "VA104") not in codes
    [duplicate] = [f for f in scan.summary.findings if f.code == "VA104"]
    # at the duplicate's `id:` (line 6)
    assert (duplicate.file, duplicate.line, duplicate.path) == ("b.yaml", 6, "id")
    assert "also in a.yaml" in duplicate.message


def test_shards_partition_the_files(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    seen: list[str] = []
    for k in (1, 2, 3):
        result = runner.invoke(app, ["scan", "processes/", "--shard", f"{k}/3", "-f", "json"])
        assert "only checked within this shard" in result.stderr
        seen += [p["file"] for p in json.loads(result.stdout)["processes"]]
    assert sorted(seen) == sorted(
        f"processes/{p.name}" for p in (ROOT / "processes").glob("*.yaml")
    )
    again = runner.invoke(app, ["scan", "processes/", "--shard", "2/3", "-f", "json"]).stdout
    assert (
        again == runner.invoke(app, ["scan", "processes/", "--shard", "2/3", "-f", "json"]).stdout
    )


@pytest.mark.parametrize("spec", ["0/2", "3/2", "x", "1/0", "-1/2"])
def test_bad_shard_is_a_usage_error(spec: str, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["scan", "processes/", f"--shard={spec}"])
    assert result.exit_code == 2
    assert "--shard takes K/N" in result.stderr


def test_progress_only_in_an_interactive_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress.wanted(quiet=False, disabled=False)  # not a terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert progress.wanted(quiet=False, disabled=False)
    assert not progress.wanted(quiet=True, disabled=False)
    assert not progress.wanted(quiet=False, disabled=True)
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(quiet=False, disabled=False)


def test_progress_shows_after_the_delay_and_yields_everything(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    assert list(progress.track(iter(range(5)), 5, enabled=True)) == [0, 1, 2, 3, 4]
    assert list(progress.track(iter(range(3)), 3, enabled=False)) == [0, 1, 2]


def _every_format(cwd: Path, out: Path, jobs: str, seed: str) -> dict[str, bytes]:
    """One scan writing every format at once (text to standard output), in a process of
    its own with the hash seed given: each format's bytes."""
    out.mkdir()
    files = [f for f in FORMATS if f != "text"]
    formats = [option for f in files for option in ("-f", f"{f}:{out / f}")]
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "valueaudit", "scan", "processes", "hostile.yaml"]
    done = subprocess.run(
        [*command, "-f", "text", *formats, "-j", jobs, "--fail-on", "never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {"text": done.stdout, **{f: (out / f).read_bytes() for f in files}}


def test_every_format_is_byte_identical_whatever_the_jobs_hash_seed_and_file_order(
    tmp_path: Path,
):
    """The one check of the invariant every output rests on: the same files give the
    same bytes in every format, with one worker or two, any hash seed, and the files
    created on disk in another order."""
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(ROOT / "processes", one / "processes")
    (two / "processes").mkdir(parents=True)
    for path in sorted((ROOT / "processes").glob("*.yaml"), reverse=True):
        shutil.copy(path, two / "processes" / path.name)
    for folder in (one, two):
        shutil.copy(ROOT / "tests/e2e/hostile.yaml", folder / "hostile.yaml")
    first = _every_format(one, tmp_path / "a", "1", "1")
    assert all(len(text) > 500 for text in first.values()), first
    assert _every_format(one, tmp_path / "b", "2", "2") == first
    assert _every_format(two, tmp_path / "c", "2", "3") == first


def test_two_formats_on_stdout_are_refused():
    result = runner.invoke(app, ["scan", "processes/", "-f", "text", "-f", "json"])
    assert result.exit_code == 2
    assert "only one format can go to standard output" in result.stderr
