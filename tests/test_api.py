"""The Python API for notebooks: load and audit."""

from __future__ import annotations

import json
from pathlib import Path

import pydantic
import pytest
from typer.testing import CliRunner

import valueaudit
from valueaudit.cli import app
from valueaudit.settings import Limits, Settings, Simulation

ROOT = Path(__file__).resolve().parent.parent


def test_load_returns_a_validated_model():
    process = valueaudit.load(ROOT / "processes/invoice-payment.yaml")
    assert isinstance(process, valueaudit.Process)
    assert isinstance(process, pydantic.BaseModel)
    assert process.id == "invoice-payment"
    assert [t.id for t in process.touchpoints] == ["delivery", "invoice-sent", "payment"]
    assert [t.exchange for t in process.touchpoints] == ["order", None, "order"]
    assert process.model_dump()["parties"]["company"] == {
        "name": "Acme Ltd",
        "role": "provider",
        "fixed_cost": None,
        "evidence": None,
    }


def test_the_package_exports_the_models_lazily():
    import subprocess
    import sys

    code = (
        "import sys, valueaudit; assert 'pydantic' not in sys.modules; "
        "import pydantic; print(issubclass(valueaudit.Process, pydantic.BaseModel))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_load_raises_with_findings(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("valueaudit: 1\nid: Bad\n")
    with pytest.raises(valueaudit.InvalidProcessError) as caught:
        valueaudit.load(path)
    assert any(f.code == "VA102" for f in caught.value.findings)
    assert "bad.yaml:2:5 VA102" in str(caught.value)


def test_audit_ranks_opportunities(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = valueaudit.audit()
    assert len(result.processes) == 7
    ranked = result.opportunities()
    # money first (EUR), then points, then hours, each ranked by gain (SPEC §4.10)
    units = [o.unit for o in ranked]
    assert units == sorted(units, key=lambda u: {"points": 1, "hours": 2}.get(u, 0))
    assert units[:3] == ["EUR", "EUR", "points"] and units[-1] == "hours"
    assert ranked[0].finding.code == "VA401"
    points = [o.gain for o in ranked if o.unit == "points"]
    assert points == sorted(points, reverse=True)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Settings(simulate=Simulation(samples=-1)), "simulate.samples must be a whole"),
        (lambda: Settings(simulate=Simulation(samples=10**9)), "from 0 to 100,000"),
        (lambda: Settings(disparity_threshold=float("nan")), "thresholds.disparity must be"),
        (lambda: Settings(exchange_ratio_threshold=0), "thresholds.exchange-ratio must be"),
        (lambda: Settings(limits=Limits(depth=10**6)), "limits.nesting-depth must be"),
        (lambda: Settings(fail_on="sometimes"), "fail-on must be one of"),
    ],
)
def test_settings_made_in_code_are_checked_as_the_configuration_is(make, words: str):
    """Issue 26 item 18: `audit(..., settings=...)` took what the configuration file
    refuses: samples=-1 gave an internal error per file, 10**9 would allocate 8 GB."""
    with pytest.raises(ValueError, match=words):
        make()


UNKNOWN_PARTY = (
    "valueaudit: 1\nid: typo\nparties:\n  customer: {role: customer}\n"
    "  company: {role: provider}\ntouchpoints:\n  - id: pay\n    flows:\n"
    "      - {from: customer, to: compnay, gives: money, kind: money, value: 4}\n"
)


def test_load_rejects_what_check_rejects(tmp_path: Path):
    """A party reference that names no party is VA103 for `check`; `load` refuses it
    too, rather than returning a model of a broken chain."""
    path = tmp_path / "typo.yaml"
    path.write_text(UNKNOWN_PARTY)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 1 and "VA103" in checked.stdout
    with pytest.raises(valueaudit.InvalidProcessError) as caught:
        valueaudit.load(path)
    assert [f.code for f in caught.value.findings] == ["VA103"]


def test_audit_uses_the_configuration_the_cli_uses(tmp_path: Path, monkeypatch):
    """The same files give the notebook what they give the CLI: the nearest
    [tool.valueaudit] from the current folder, or config=."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "processes").mkdir()
    for name in ("complaint.yaml", "restaurant-dinner.yaml", "prospect-query.yaml"):
        (tmp_path / "processes" / name).write_text((ROOT / "processes" / name).read_text())
    (tmp_path / "pyproject.toml").write_text(
        '[tool.valueaudit]\nignore = ["VA302", "VA502"]\n'
        "[tool.valueaudit.thresholds]\ndisparity = 0.9\n"
    )
    cli = json.loads(CliRunner().invoke(app, ["scan", "-f", "json"]).stdout)
    assert valueaudit.audit().to_dict()["summary"] == cli["summary"]
    default = valueaudit.audit(settings=Settings()).to_dict()["summary"]["findings"]
    assert default != cli["summary"]["findings"]  # the configuration changed something
    other = tmp_path / "strict.toml"
    other.write_text('select = ["VA1"]\n')
    strict = valueaudit.audit(config=other).to_dict()
    assert {f["code"][:3] for f in strict["findings"]} <= {"VA1"}
    (tmp_path / "pyproject.toml").write_text("[tool.valueaudit]\nfail-on = 3\n")
    with pytest.raises(valueaudit.ConfigError, match="fail-on"):
        valueaudit.audit()
