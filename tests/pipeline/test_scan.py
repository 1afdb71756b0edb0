"""The scan stage: one driver, the Scan accumulator, scan-level rules placed through the
declarations index, writers that end with the summary, scoring as a stage of its own,
and temporary output files that an interruption cannot leave behind."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit import rules
from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.findings import Severity
from valueaudit.output import FORMATS, Options, render
from valueaudit.rules.base import ScanDraft, ScanView, scan_rule
from valueaudit.scan import FileDone, FileStep, ScanDone, audit_files, scan_events
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _copies(folder: Path, *names: str) -> list[tuple[Path, str]]:
    source = (ROOT / "processes/invoice-payment.yaml").read_text()
    for name in names:
        (folder / name).write_text(source)
    return [(folder / name, name) for name in names]


def test_rules_declare_stage_and_scope_and_the_groups_follow():
    for rule in rules.RULES.values():
        assert rule.stage in ("load", "structure", "scored", "suppression", "diff"), rule.code
    assert rules.RULES["VA104"].scope == ("file", "scan")
    assert rules.RULES["VA601"].scope == ("scan",)
    assert rules.RULES["VA101"].scope == ()
    assert [r.code for r in rules.SCAN_RULES] == ["VA104", "VA601", "VA602", "VA603"]
    assert rules.RULES["VA701"].scope == () and rules.RULES["VA701"].stage == "diff"
    assert all(r.stage == "structure" for r in rules.STRUCTURE_RULES)
    assert all("file" in r.scope and r.stage == "scored" for r in rules.SCORED_RULES)
    assert {"VA601", "VA602", "VA603"} == rules.PORTFOLIO_RULES


def test_the_driver_yields_each_file_in_path_order_then_the_end(tmp_path: Path):
    files = _copies(tmp_path, "c.yaml", "a.yaml", "b.yaml")
    events = list(scan_events(files, Settings(), FileStep(), jobs=2))
    assert [type(e) for e in events] == [FileDone, FileDone, FileDone, ScanDone]
    assert [e.result.file for e in events if isinstance(e, FileDone)] == [
        "a.yaml",
        "b.yaml",
        "c.yaml",
    ]
    end = events[-1]
    assert isinstance(end, ScanDone)
    summary = end.summary
    assert (summary.files, summary.valid) == (3, 3)
    # the scan-level findings are the summary's, never a file's
    assert [(f.code, f.file) for f in summary.findings if f.code == "VA104"] == [
        ("VA104", "b.yaml"),
        ("VA104", "c.yaml"),
    ]
    assert all(f.code != "VA104" for e in events[:-1] for f in e.prepared.findings)
    assert summary.counts["error"] == 2
    assert summary.ledger is not None and summary.ledger.processes == 3


def test_check_judges_duplicate_ids_but_not_the_portfolio(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _copies(tmp_path, "a.yaml", "b.yaml")
    result = runner.invoke(app, ["check", ".", "-f", "json"])
    assert result.exit_code == 1
    codes = [(f["code"], f["file"]) for f in json.loads(result.stdout)["findings"]]
    assert ("VA104", "b.yaml") in codes
    assert not any(code.startswith("VA6") for code, _ in codes)


def test_diff_introduces_a_duplicate_id(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    _copies(old, "a.yaml")
    _copies(new, "a.yaml", "b.yaml")
    result = runner.invoke(app, ["diff", str(old), str(new), "-f", "json"])
    assert result.exit_code == 1, result.output
    introduced = [(f["code"], f["path"]) for f in json.loads(result.stdout)["introduced"]]
    assert ("VA104", "id") in introduced


@pytest.fixture
def extra_scan_rule(monkeypatch: pytest.MonkeyPatch):
    """One more scan-level rule, registered as a new one would be: a function and an
    entry in the registry."""

    @scan_rule(
        "VA699",
        "lonely-process",
        Severity.INFO,
        "A scan with one process.",
        bad="",
        good="",
        stage="scored",
    )
    def lonely(scan: ScanView) -> Iterator[ScanDraft]:
        """**What it finds.** A scan of one process, at its first party."""
        if scan.ledger is not None and scan.ledger.processes == 1:
            party, _unit = min(scan.ledger.parties)
            yield ScanDraft(f"'{party}' takes part in the only process", about=party, party=party)

    monkeypatch.setitem(rules.RULES, "VA699", lonely)
    monkeypatch.setattr("valueaudit.scan.SCAN_RULES", (*rules.SCAN_RULES, lonely))
    # SARIF numbers the rules once, when it is imported
    codes = {code: index for index, code in enumerate(rules.RULES)}
    monkeypatch.setattr("valueaudit.output.sarif._CODES", codes)
    return lonely


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_new_scan_level_rule_reaches_every_format(tmp_path: Path, extra_scan_rule, name):
    scan = audit_files(_copies(tmp_path, "only.yaml"), Settings())
    [finding] = [f for f in scan.findings if f.code == "VA699"]
    assert (finding.file, finding.path) == ("only.yaml", "parties.company")
    assert scan.summary.counts["info"] >= 1
    assert "'company' takes part in the only process" in render(name, scan, Options(Settings()))


def test_a_scan_level_rule_that_breaks_is_one_internal_error(tmp_path: Path, monkeypatch):
    def broken(scan: ScanView) -> Iterator[ScanDraft]:
        raise ZeroDivisionError("in the rule")
        yield  # pragma: no cover

    monkeypatch.setattr(
        "valueaudit.scan.SCAN_RULES",
        tuple(r.across(broken) if r.code == "VA602" else r for r in rules.SCAN_RULES),
    )
    scan = audit_files(_copies(tmp_path, "a.yaml"), Settings())
    [error] = scan.errors
    assert error.where == "rule VA602"
    assert "ZeroDivisionError: in the rule" in error.message


def test_a_scoring_bug_is_one_internal_error_named_scoring(tmp_path: Path, monkeypatch):
    def broken(process: object) -> None:
        raise ValueError("a scoring bug")

    monkeypatch.setattr("valueaudit.scoring.score_process", broken)
    scan = audit_files(_copies(tmp_path, "a.yaml"), Settings())
    assert [(e.where, e.message) for e in scan.errors] == [("scoring", "ValueError: a scoring bug")]
    [result] = scan.files
    assert result.score is None and not result.valid


def test_a_signal_while_an_output_is_opened_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """SIGTERM arriving between the temporary file's creation and its registration (the
    window issue 23 found under load) waits until it is registered, then unwinds the
    run, which removes it: deterministic, since the signal is sent inside the window."""
    from valueaudit import sinks
    from valueaudit.cli import run, signals
    from valueaudit.output import files

    (tmp_path / "in").mkdir()
    _copies(tmp_path / "in", "a.yaml")
    out = tmp_path / "out"
    out.mkdir()
    real_open = files.open_output

    def open_then_signal(path: Path) -> files.AtomicFile | files.DeviceFile:
        target = real_open(path)
        assert list(out.iterdir()), "the temporary file exists before it is registered"
        os.kill(os.getpid(), signal.SIGTERM)
        return target

    monkeypatch.setattr(files, "open_output", open_then_signal)
    request = run.ScanRequest(
        [tmp_path / "in"],
        sinks.parse_outputs([f"json:{out / 'report.json'}"]),
        Settings(),
        jobs=1,
        quiet=True,
    )
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        code = signals.interruptible(lambda: run.run_scan(request))
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert code == 143
    assert list(out.iterdir()) == []


def test_the_api_and_the_command_line_agree_on_the_scan_level_findings(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    scan = audit_files(discover([Path("processes")]), Settings())
    streamed = runner.invoke(app, ["scan", "processes", "-f", "json", "-j", "2"]).stdout
    document = json.loads(streamed)
    across = [f for f in document["findings"] if f["code"] in {"VA104", "VA601", "VA602"}]
    assert [(f["code"], f["file"], f["line"]) for f in across] == [
        (f.code, f.file, f.line) for f in scan.summary.findings
    ]
    assert across, "processes/ has portfolio findings to compare"
