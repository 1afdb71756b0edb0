"""The JSON documents: one typed definition each (valueaudit.documents), the output's
JSON Schema published beside the input's, and every JSON output valid against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.documents import output_schema
from valueaudit.interval import Interval
from valueaudit.numbers import json_interval
from valueaudit.schema import render_schema

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
SCHEMA = output_schema()


def test_the_output_schema_command_matches_the_committed_file():
    committed = (ROOT / "valueaudit-output.schema.json").read_text()
    result = runner.invoke(app, ["schema", "output"])
    assert result.exit_code == 0
    assert result.stdout == committed == render_schema("output")
    jsonschema.Draft202012Validator.check_schema(json.loads(committed))


def _valid(document: object) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


@pytest.mark.parametrize(
    "arguments",
    [
        ["scan", "processes", "-f", "json"],
        ["scan", "processes", "-f", "json", "--simulate", "300", "--seed", "7"],
        ["check", "processes", "-f", "json"],
        ["portfolio", "processes", "-f", "json"],
        ["portfolio", "processes", "-f", "json", "--simulate", "300", "--seed", "7"],
        ["diff", "processes/restaurant-dinner.yaml", "examples/restaurant-to-be.yaml", "-fjson"],
    ],
    ids=["scan", "scan-simulated", "check", "portfolio", "portfolio-simulated", "diff"],
)
def test_every_json_output_is_valid_against_the_output_schema(monkeypatch, arguments):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, arguments)
    assert result.exit_code in (0, 1), result.output
    _valid(json.loads(result.stdout))


def test_a_baseline_and_a_scan_against_it_are_valid(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    baseline = tmp_path / "baseline.json"
    runner.invoke(app, ["scan", "processes", "--write-baseline", str(baseline), "-q"])
    _valid(json.loads(baseline.read_text()))
    result = runner.invoke(app, ["scan", "processes", "-f", "json", "--baseline", str(baseline)])
    document = json.loads(result.stdout)
    _valid(document)
    scanned = json.loads(runner.invoke(app, ["scan", "processes", "-f", "json"]).stdout)
    known = sum(scanned["summary"]["findings"].values())
    assert document["summary"]["baseline"] == {"known": known, "fixed": 0}


def test_the_schema_rejects_what_no_output_holds(monkeypatch):
    monkeypatch.chdir(ROOT)
    document = json.loads(runner.invoke(app, ["scan", "processes", "-f", "json"]).stdout)
    document["findings"][0]["gain"] = "a lot"
    with pytest.raises(jsonschema.ValidationError):
        _valid(document)
    document = json.loads(runner.invoke(app, ["scan", "processes", "-f", "json"]).stdout)
    document["processes"][0]["touchpoints"][0]["unknown"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _valid(document)


def test_numbers_and_intervals_are_written_by_one_rule():
    """A point is a number, a whole number an integer, a range two numbers that never
    round into one (SPEC §4.5)."""
    assert json_interval(Interval(2.0, 2.0)) == 2
    assert json_interval(Interval(0.123456, 0.123456)) == 0.1235
    assert json_interval(Interval(0.12341, 0.12346)) == [0.1234, 0.1235]
    assert json_interval(Interval(0.12341, 0.12344)) == [0.12341, 0.12344]
