"""The fast paths produce the same output as the simple ones; sharding; progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from valueaudit import progress
from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.engine import ProcessReport, TouchpointReport, audit_file, audit_files
from valueaudit.findings import Finding, Severity
from valueaudit.interval import Interval
from valueaudit.output import json_format
from valueaudit.output import numbers as numbers_module
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# `valueaudit scan processes/ tests/e2e/hostile.yaml -f json`, reviewed. Its content was
# checked equal to the output of the code before the speed work (same findings, scores
# and positions); the layout is one process or finding per line.
GOLDEN = Path(__file__).parent / "data/golden-scan.json"
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
    rendered = json_format.render(audit_files(files, Settings()))
    assert rendered == GOLDEN.read_text(encoding="utf-8")
    document = json.loads(rendered)
    assert document["summary"]["files"] == 7


def test_writer_merges_a_cross_file_duplicate_in_order(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = (ROOT / "processes/invoice-payment.yaml").read_text()
    (tmp_path / "a.yaml").write_text(source)
    (tmp_path / "b.yaml").write_text(source)
    streamed = runner.invoke(app, ["scan", ".", "-f", "json", "-j", "1"]).stdout
    collected = json_format.render(audit_files(discover([Path(".")]), Settings()))
    assert streamed == collected
    codes = [(f["file"], f["code"]) for f in json.loads(streamed)["findings"]]
    assert codes.index(("b.yaml", "VA104")) == codes.index(("b.yaml", "VA203")) - 1


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


# --- The JSON lines are written as text: they must be exactly what json.dumps writes.

texts = st.text(max_size=12)
maybe_texts = st.none() | texts
numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
intervals = st.builds(lambda a, b: Interval(min(a, b), max(a, b)), numbers, numbers)
party_values = st.dictionaries(texts, intervals, max_size=3)


def _expected_interval(value: Interval | None) -> object:
    if value is None:
        return None
    low, high = numbers_module.plain(value.low), numbers_module.plain(value.high)
    return low if low == high else [low, high]


def _expected_values(values: dict[str, Interval]) -> dict[str, object]:
    return {party: _expected_interval(value) for party, value in values.items()}


touchpoint_reports = st.builds(
    TouchpointReport,
    id=texts,
    name=maybe_texts,
    line=st.integers(1, 10**6),
    stage=maybe_texts,
    practice=maybe_texts,
    channel=maybe_texts,
    volume=numbers,
    flows=st.just(()),
    received=party_values,
    disparity=st.none() | intervals,
    favoured=maybe_texts,
    praxis=maybe_texts,
    cumulative=party_values,
)


@given(
    st.builds(
        ProcessReport,
        id=texts,
        name=texts,
        file=texts,
        parties=st.just({}),
        volume=numbers,
        disparity=st.none() | intervals,
        clarity=st.none() | numbers,
        received=party_values,
        share=st.just({}),
        favoured=maybe_texts,
        touchpoints=st.lists(touchpoint_reports, max_size=3).map(tuple),
    )
)
def test_process_line_is_what_json_dumps_writes(process: ProcessReport):
    process = replace(process, share={party: Interval(0.5, 0.5) for party in process.received})
    expected = {
        "id": process.id,
        "name": process.name,
        "file": process.file,
        "disparity": _expected_interval(process.disparity),
        "clarity": None if process.clarity is None else numbers_module.plain(process.clarity),
        "favoured": process.favoured,
        "balance": {
            party: {
                "received": _expected_interval(value),
                "share": _expected_interval(process.share[party]),
            }
            for party, value in process.received.items()
        },
        "touchpoints": [
            {
                "id": t.id,
                "line": t.line,
                "stage": t.stage,
                "practice": t.practice,
                "channel": t.channel,
                "volume": numbers_module.plain(t.volume),
                "disparity": _expected_interval(t.disparity),
                "favoured": t.favoured,
                "received": _expected_values(t.received),
                "cumulative": _expected_values(t.cumulative),
                "praxis": t.praxis,
            }
            for t in process.touchpoints
        ],
    }
    assert json_format.process_line(process) == json.dumps(expected, ensure_ascii=False)


@given(
    st.builds(
        Finding,
        code=texts,
        severity=st.sampled_from(Severity),
        message=texts,
        file=texts,
        line=st.integers(1, 10**6),
        column=st.integers(1, 10**6),
        process=maybe_texts,
        touchpoint=maybe_texts,
        path=texts,
        suggestion=maybe_texts,
        gain=st.none() | numbers,
    )
)
def test_finding_line_is_what_json_dumps_writes(finding: Finding):
    line = json_format.finding_line(finding)
    assert line == json.dumps(json_format.finding_json(finding), ensure_ascii=False)


def test_findings_without_identities_differ_only_in_the_digest():
    path = ROOT / "processes/invoice-payment.yaml"
    full = audit_file(path, Settings())
    lean = audit_file(path, Settings(), identities=False)
    assert full.findings and all(f.content_hash for f in full.findings)
    assert all(f.content_hash == "" for f in lean.findings)
    assert [f._replace(content_hash="") for f in full.findings] == list(lean.findings)
    assert lean.process == full.process


@given(
    st.floats(allow_nan=False, allow_infinity=False)
    | numbers
    | st.integers(-(10**6), 10**6).map(lambda n: n / 20000)
)
def test_json_numbers_are_what_json_dumps_writes_of_the_rounded_value(value: float):
    assert numbers_module.json_number(value) == json.dumps(numbers_module.plain(value))
