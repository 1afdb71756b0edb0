"""Configuration files, precedence, --show-settings, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app
from valueaudit.config import ConfigError, Overrides, resolve
from valueaudit.findings import Severity

runner = CliRunner()

UNEVEN = BASE + (
    "  - id: pay\n"
    "    practice: delivering\n"
    "    flows:\n"
    "      - {from: customer, to: company, gives: data, kind: information, value: 4}\n"
    "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 1}\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "processes").mkdir()
    (tmp_path / "processes/uneven.yaml").write_text(UNEVEN)
    return tmp_path


def codes_of(args: list[str]) -> list[str]:
    result = runner.invoke(app, ["scan", "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_defaults_without_a_file(project: Path):
    resolved = resolve(Overrides(), cwd=project)
    assert resolved.file is None
    assert resolved.settings.disparity_threshold == 0.5
    assert set(resolved.sources.values()) == {"default"}


def test_pyproject_table_is_found_from_a_subfolder(project: Path):
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.valueaudit]\nignore = ['VA203']\n"
        "thresholds = {disparity = 0.7}\n"
    )
    sub = project / "processes"
    resolved = resolve(Overrides(), cwd=sub)
    assert resolved.file == project / "pyproject.toml"
    assert resolved.settings.ignore == ("VA203",)
    assert resolved.settings.disparity_threshold == 0.7
    assert resolved.sources["thresholds.disparity"] == "pyproject.toml"
    assert resolved.sources["thresholds.process-disparity"] == "default"


def test_pyproject_without_the_table_is_skipped(project: Path):
    (project / "processes/pyproject.toml").write_text("[project]\nname = 'x'\n")
    (project / "valueaudit.toml").write_text("fail-on = 'warning'\n")
    resolved = resolve(Overrides(), cwd=project / "processes")
    assert resolved.file == project / "valueaudit.toml"
    assert resolved.settings.fail_on == "warning"


def test_valueaudit_toml_wins_in_the_same_folder(project: Path):
    (project / "pyproject.toml").write_text("[tool.valueaudit]\nfail-on = 'info'\n")
    (project / "valueaudit.toml").write_text("fail-on = 'warning'\n")
    assert resolve(Overrides(), cwd=project).settings.fail_on == "warning"


def test_command_line_wins(project: Path):
    (project / "valueaudit.toml").write_text("fail-on = 'warning'\nselect = ['VA2']\n")
    resolved = resolve(Overrides(fail_on="never", select=("VA301",)), cwd=project)
    assert resolved.settings.fail_on == "never"
    assert resolved.settings.select == ("VA301",)
    assert resolved.sources["fail-on"] == "command line"


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("selct = ['VA2']", "unknown setting 'selct'; did you mean 'select'?"),
        ("select = ['VA999']", "unknown rule code or prefix 'VA999'"),
        ("select = ['XX']", "unknown rule code or prefix 'XX'"),
        ("select = 'VA2'", 'select must be a list of strings, like ["VA2"]'),
        ("exclude = 'x'", 'exclude must be a list of strings, like ["x"]'),
        ("per-file-ignores = {x = 'VA202'}", "per-file-ignores 'x' must be a list of strings"),
        ("per-file-ignores = {x = ['VA999']}", "per-file-ignores 'x': unknown rule code"),
        ("fail-on = 'sometimes'", "fail-on must be one of"),
        ("severity = {VA302 = 'fatal'}", "must be error, warning or info"),
        ("severity = {VA3022 = 'error'}", "unknown rule code 'VA3022'"),
        ("thresholds = {disparty = 0.3}", "did you mean 'disparity'?"),
        ("thresholds = {disparity = 3}", "must be a number from 0 to 1"),
        ("early-payment-window-days = -1", "whole number of days"),
        ("early-payment-min-amount = -1", "early-payment-min-amount must be an amount >= 0"),
        ("early-payment-min-amount = 'lots'", "early-payment-min-amount must be an amount"),
        ("early-payment-min-amount = inf", "early-payment-min-amount must be an amount"),
        ("exclude = [1]", "must be a list of strings"),
        ("per-file-ignores = ['x']", "must be a table"),
        ("select = [", "invalid TOML"),
        ("simulate = 100", "simulate must be a table (samples, seed, likely)"),
        ("simulate = {sample = 100}", "unknown simulate setting 'sample'; did you mean"),
        ("simulate = {samples = -1}", "simulate.samples must be a whole number from 0 to"),
        ("simulate = {samples = 2.5}", "simulate.samples must be a whole number"),
        ("simulate = {seed = -3}", "simulate.seed must be a whole number, at least 0"),
        ("simulate = {likely = 0}", "simulate.likely must be a number above 0, at most 1"),
    ],
)
def test_bad_settings_are_clear_errors_with_exit_2(project: Path, toml: str, words: str):
    (project / "valueaudit.toml").write_text(toml + "\n")
    with pytest.raises(ConfigError, match=r"valueaudit\.toml"):
        resolve(Overrides(), cwd=project)
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_select_ignore_and_severity_from_the_file(project: Path):
    # the customer is on the losing side at every touchpoint of the portfolio: VA601
    assert codes_of([]) == ["VA203", "VA202", "VA601"]
    (project / "valueaudit.toml").write_text(
        "ignore = ['VA203', 'VA6']\nseverity = {VA202 = 'error'}\n"
    )
    result = runner.invoke(app, ["scan", "-f", "json"])
    assert result.exit_code == 1  # VA202 is an error now
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["severity"]) == ("VA202", "error")


def test_thresholds_from_the_file(project: Path):
    (project / "valueaudit.toml").write_text(
        "thresholds = {disparity = 0.7, process-disparity = 0.7}\n"
    )
    # VA202 and the disparity part of VA203 are gone; company still gets 80% of all value
    # and the customer is still on the losing side everywhere (VA601)
    assert codes_of([]) == ["VA203", "VA601"]


def test_simulate_from_the_file_and_the_command_line(project: Path):
    (project / "valueaudit.toml").write_text("simulate = {samples = 500, seed = 7, likely = 0.9}\n")
    resolved = resolve(Overrides(), cwd=project)
    assert (resolved.settings.simulate.samples, resolved.settings.simulate.seed) == (500, 7)
    assert resolved.settings.simulate.likely == 0.9
    assert resolved.sources["simulate.samples"] == "valueaudit.toml"
    given = resolve(Overrides(samples=100, seed=1), cwd=project)
    assert (given.settings.simulate.samples, given.settings.simulate.seed) == (100, 1)
    assert given.sources["simulate.seed"] == "command line"
    shown = runner.invoke(app, ["scan", "--show-settings", "--simulate", "0"]).stdout
    assert "0 (off)" in shown
    out = runner.invoke(app, ["scan", "-f", "json"]).stdout
    assert json.loads(out)["processes"][0]["simulation"]["samples"] == 500


def test_exclude_and_per_file_ignores(project: Path):
    (project / "processes/legacy").mkdir()
    (project / "processes/legacy/old.yaml").write_text(UNEVEN.replace("id: sample", "id: old"))
    (project / "processes/drafts").mkdir()
    (project / "processes/drafts/wip.yaml").write_text("valueaudit: [\n")
    (project / "valueaudit.toml").write_text(
        "exclude = ['processes/drafts']\n[per-file-ignores]\n'processes/legacy/*' = ['VA2']\n"
    )
    result = runner.invoke(app, ["scan", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == 2
    assert [(f["file"], f["code"]) for f in document["findings"]] == [
        ("processes/uneven.yaml", "VA203"),
        ("processes/uneven.yaml", "VA202"),
        # the portfolio's, at the customer's first declaration (VA6 is not ignored there)
        ("processes/legacy/old.yaml", "VA601"),
    ]
    # a file named explicitly is scanned even when excluded
    result = runner.invoke(app, ["scan", "processes/drafts/wip.yaml"])
    assert result.exit_code == 1


def test_explicit_config_file(project: Path):
    (project / "other.toml").write_text("ignore = ['VA2', 'VA6']\n")
    assert codes_of(["--config", "other.toml"]) == []
    result = runner.invoke(app, ["scan", "--config", "missing.toml"])
    assert result.exit_code == 2
    assert "configuration file not found: missing.toml" in result.stderr


def test_show_settings_names_each_source(project: Path):
    (project / "valueaudit.toml").write_text("ignore = ['VA203']\n")
    result = runner.invoke(app, ["scan", "--show-settings", "--fail-on", "warning"])
    assert result.exit_code == 0
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "valueaudit.toml" in lines["ignore"]
    assert "command line" in lines["fail-on"]
    assert "default" in lines["thresholds.disparity"]


def test_severity_override_applies_to_findings(project: Path):
    resolved = resolve(Overrides(), cwd=project)
    assert resolved.settings.severity_of("VA202", Severity.WARNING) is Severity.WARNING
    (project / "valueaudit.toml").write_text("severity = {va202 = 'info'}\n")
    resolved = resolve(Overrides(), cwd=project)
    assert resolved.settings.severity_of("VA202", Severity.WARNING) is Severity.INFO


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'tool = "x"\n', None),  # not our table: no settings, no error
        (b"[tool.valueaudit]\nselect = ['VA2']\n# caf\xe9\n", "pyproject.toml: not valid UTF-8"),
    ],
)
def test_odd_pyproject_files(project: Path, content: bytes, words: str | None):
    (project / "pyproject.toml").write_bytes(content)
    result = runner.invoke(app, ["scan"])
    assert "Traceback" not in result.output
    if words is None:
        assert result.exit_code in (0, 1)
    else:
        assert result.exit_code == 2
        assert words in result.stderr


def test_exclude_follows_gitignore_semantics(project: Path):
    drafts = project / "processes" / "drafts"
    drafts.mkdir(parents=True)
    (drafts / "wip.yaml").write_text(UNEVEN.replace("id: sample", "id: wip"))
    (project / "valueaudit.toml").write_text('exclude = ["drafts"]\n')
    result = runner.invoke(app, ["scan", "-f", "json"])
    files = [p["file"] for p in json.loads(result.stdout)["processes"]]
    assert files and not [f for f in files if "drafts" in f]


def test_a_fully_excluded_scan_says_so(project: Path):
    (project / "valueaudit.toml").write_text('exclude = ["*.yaml"]\n')
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 0
    assert "no process files (*.yaml, *.yml) in processes: all" in result.stderr
    assert "were excluded" in result.stderr
    empty = project / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["scan", "empty"])
    assert "no process files (*.yaml, *.yml) in empty: none found" in result.stderr


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("x = " + "[" * 100_000 + "]" * 100_000, "invalid TOML: nested too deep"),
        ('thresholds = {exchange-ratio = "1e400"}', "thresholds.exchange-ratio must be"),
        ('thresholds = {exchange-ratio = "1/' + "9" * 400 + '"}', "at most 1e+06"),
        ("limits = {file-size-mb = inf}", "limits.file-size-mb must be a number above 0"),
        ("limits = {nesting-depth = nan}", "limits.nesting-depth must be a number above 0"),
        ("limits = {alias-expansion = inf}", "at most 1,000,000,000"),
        ("limits = {file-size-mb = 9223372036854775807}", "at most 1,024"),
        ('exclude = ["[z-a]"]', "exclude: bad pattern '[z-a]'"),
        ('per-file-ignores = {"[z-a]" = ["VA2"]}', "per-file-ignores: bad pattern '[z-a]'"),
        # found by the long fuzz run: int(0.5) levels is 0, which Settings refused
        ("limits = {nesting-depth = 0.5}", "limits.nesting-depth must be a whole number"),
        ("limits = {alias-expansion = 2.5}", "limits.alias-expansion must be a whole number"),
    ],
    ids=[
        "deep",
        "1e400",
        "400-digits",
        "inf-size",
        "nan-depth",
        "inf-alias",
        "huge",
        "exclude",
        "ignores",
        "half-a-level",
        "half-an-alias",
    ],
)
def test_configuration_values_out_of_range_are_usage_errors(
    project: Path, setting: str, words: str
):
    """Issue 26 items 19-21: each of these ended in a traceback, or in an internal error
    for every file. Exit 2, naming the key and the allowed range."""
    (project / "valueaudit.toml").write_text(setting + "\n")
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 2, result.output
    assert words in result.stderr


def test_a_file_size_limit_below_a_byte_is_a_byte(project: Path):
    (project / "valueaudit.toml").write_text("limits = {file-size-mb = 1e-12}\n")
    result = runner.invoke(app, ["scan", "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "file is too large to be a process" in result.stdout
