"""Baselines, the check command, and the JSON Schema of the format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.schema import render_schema

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(*args: str) -> dict:
    result = runner.invoke(app, ["scan", "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_baseline_hides_known_findings_and_survives_moved_lines(project: Path):
    total = findings()["summary"]["findings"]
    result = runner.invoke(app, ["scan", "-q", "--write-baseline", "baseline.json"])
    assert result.exit_code == 0
    entries = json.loads((project / "baseline.json").read_text())["findings"]
    assert all("line" not in e for e in entries)
    assert sum(e["count"] for e in entries) == sum(total.values())
    path = project / "processes/complaint.yaml"
    path.write_text("# moved down by two lines\n\n" + path.read_text())
    document = findings("--baseline", "baseline.json")
    assert document["findings"] == []
    assert document["summary"]["baseline"] == {"known": sum(total.values()), "fixed": 0}


def test_baseline_reports_new_and_fixed(project: Path):
    runner.invoke(app, ["scan", "-q", "--write-baseline", "baseline.json"])
    path = project / "processes/complaint.yaml"
    text = path.read_text()
    # answer the survey (fixes its one-sided exchange), and break a flow's value
    survey = "gives: satisfaction score, kind: feedback, value: 3}"
    text = text.replace(
        survey,
        survey + "\n      - {from: provider, to: subscriber, gives: what changed, "
        "kind: information, value: 3}",
    )
    text = text.replace("kind: support,\n         value: [2, 6]}", "kind: support}")
    path.write_text(text)
    document = findings("--baseline", "baseline.json")
    assert document["summary"]["baseline"]["fixed"] >= 2  # VA201 and VA202 are gone
    new = {(f["code"], f["touchpoint"]) for f in document["findings"]}
    assert ("VA201", "follow-up-survey") not in new
    assert ("VA301", "remote-diagnosis") in new  # the value is unknown now
    result = runner.invoke(app, ["scan", "-q", "--baseline", "baseline.json"])
    assert "fixed since the baseline" in result.stdout


@pytest.mark.parametrize("content", ["not json", '{"findings": []}', '{"valueaudit_baseline": 1}'])
def test_bad_baseline_is_a_usage_error(project: Path, content: str):
    (project / "b.json").write_text(content)
    result = runner.invoke(app, ["scan", "--baseline", "b.json"])
    assert result.exit_code == 2
    assert "b.json" in result.stderr
    assert runner.invoke(app, ["scan", "--baseline", "missing.json"]).exit_code == 2


def test_check_reports_only_validity(project: Path):
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0
    assert "7 files, 7 processes: 0 errors, 0 warnings, 0 info" in result.stdout
    (project / "processes/bad.yaml").write_text("valueaudit: 1\nid: x\nid: y\n")
    result = runner.invoke(app, ["check", "processes/bad.yaml", "processes/complaint.yaml"])
    assert result.exit_code == 1
    assert "processes/bad.yaml:3:1 VA107" in result.stdout
    assert "VA202" not in result.stdout


def test_check_sees_duplicate_process_ids(project: Path):
    shutil.copy(project / "processes/complaint.yaml", project / "processes/copy.yaml")
    result = runner.invoke(app, ["check", "-f", "json"])
    codes = [(f["code"], f["file"]) for f in json.loads(result.stdout)["findings"]]
    assert codes == [("VA104", "processes/copy.yaml")]


def test_schema_command_matches_the_committed_file():
    committed = (ROOT / "valueaudit.schema.json").read_text()
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == committed == render_schema()


def test_schema_is_draft_2020_12_with_titles_and_descriptions():
    schema = json.loads(render_schema())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if not prop.get("title") or not prop.get("description"):
                    missing.append(f"{where}.{name}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")

    walk(schema, "")
    assert missing == []
    kinds = schema["$defs"]["Flow"]["properties"]["kind"]["enum"]
    assert "qualifying-information" in kinds


def _as_json(path: Path) -> object:
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


@pytest.mark.parametrize("path", sorted((ROOT / "processes").glob("*.yaml")), ids=lambda p: p.name)
def test_examples_validate_against_the_schema(path: Path):
    jsonschema.validate(_as_json(path), json.loads(render_schema()))


def test_schema_rejects_what_valueaudit_rejects(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    text = (ROOT / "processes/invoice-payment.yaml").read_text()
    path.write_text(text.replace("practice: charging", "practice: billing"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_as_json(path), json.loads(render_schema()))


def test_pre_commit_hook_and_examples_are_well_formed():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "valueaudit-check"
    assert hook["entry"] == "valueaudit check"
    workflow = yaml.safe_load((ROOT / "examples/github-workflow.yml").read_text())
    steps = workflow["jobs"]["audit"]["steps"]
    assert any("upload-sarif" in str(step.get("uses")) for step in steps)
    assert any("GITHUB_STEP_SUMMARY" in str(step.get("run")) for step in steps)
    gitlab = yaml.safe_load((ROOT / "examples/gitlab-ci.yml").read_text())
    assert gitlab["valueaudit"]["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    assert gitlab["valueaudit"]["artifacts"]["reports"]["junit"] == "valueaudit-junit.xml"


@pytest.mark.parametrize("name", ["github-workflow.yml", "github-shards.yml"])
def test_example_workflows_set_up_python_and_guard_the_upload_from_forks(name: str):
    workflow = yaml.safe_load((ROOT / "examples" / name).read_text())
    for job in workflow["jobs"].values():
        uses = [str(step.get("uses")) for step in job["steps"]]
        assert any(u.startswith("actions/setup-python@") for u in uses)
        installs = [s["run"] for s in job["steps"] if "pip install" in str(s.get("run"))]
        assert installs and all("git+https://github.com/valueaudit/" in i for i in installs)
        for step in job["steps"]:
            if "upload-sarif" in str(step.get("uses")):
                guard = " ".join(step["if"].split())
                assert "github.event.pull_request.head.repo.full_name == github.repository" in (
                    guard
                )
                assert guard.startswith("always() && ")


BASELINE_ENTRY = (
    '{"valueaudit_baseline": 1, "findings": [{"file": "a.yaml", "process": "p", "path": "", '
    '"code": "VA202", "content_hash": "x", "count": %s}]}'
)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: os.mkfifo(p), "not a regular file"),  # read, it would hang
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),  # read without end
        (lambda p: p.write_text("[" * 100_000), "nested too deep"),
        (lambda p: p.write_text(BASELINE_ENTRY % "Infinity"), "count must be a whole number"),
        (lambda p: p.write_text(BASELINE_ENTRY % ("9" * 5000)), "not a valueaudit baseline"),
        (lambda p: p.write_text(BASELINE_ENTRY % "-1000"), "count must be a whole number"),
        (lambda p: p.write_text(BASELINE_ENTRY % "10000000000"), "from 1 to 1,000,000,000"),
    ],
    ids=["fifo", "dev-zero", "deep", "infinity", "5000-digits", "negative", "huge"],
)
def test_a_baseline_that_is_not_one_is_a_usage_error_not_a_hang(project: Path, make, reason: str):
    """Issue 26 items 8-9: every one of these hung, read without end, or ended in a
    traceback (exit 1), or was accepted and reported "fixed: -1000"."""
    path = project / "b.json"
    make(path)
    result = subprocess.run(
        [sys.executable, "-m", "valueaudit", "scan", "--baseline", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project,
    )
    assert result.returncode == 2, result.stderr
    assert "b.json: not a valueaudit baseline (" in result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr


def test_a_baseline_survives_unrelated_edits_and_sees_related_ones(project: Path):
    """Issue 27 item 12: an entry is keyed by what its finding is about (its touchpoint
    and what it says), not by the whole touchpoint's text or its place in the list: an
    unrelated flow's text, a new touchpoint before it and moved lines keep it hidden;
    changing what it says (a value it quotes) brings it back."""
    path = project / "processes/mortgage-application.yaml"
    text = path.read_text()
    assert runner.invoke(app, ["scan", "-q", "--write-baseline", "b.json"]).exit_code == 0
    # the exchange's VA202 and VA204 quote values; this flow's text is not one of them
    edited = text.replace("gives: upload receipt,", "gives: receipt of the upload,")
    assert edited != text
    added = edited.replace(
        "touchpoints:\n",
        "touchpoints:\n  - id: brochure\n    flows:\n"
        "      - {from: bank, to: applicants, gives: brochure, kind: information, value: 0}\n"
        "      - {from: applicants, to: bank, gives: contact details, kind: information,"
        " value: 0}\n",
        1,
    )
    path.write_text("# a comment\n" + added)
    document = findings("--baseline", "b.json")
    new = [(f["code"], f["touchpoint"]) for f in document["findings"]]
    assert all(touchpoint == "brochure" for _, touchpoint in new), new  # only the new one
    assert document["summary"]["baseline"]["fixed"] == 0
    # a value the finding quotes changes: it is about something else now, and comes back
    path.write_text(
        added.replace(
            "gives: documents, kind: information, value: 6,",
            "gives: documents, kind: information, value: 7,",
        )
    )
    back = [(f["code"], f["touchpoint"]) for f in findings("--baseline", "b.json")["findings"]]
    assert any(t != "brochure" for _, t in back), back
