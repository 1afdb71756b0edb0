"""rules, explain, show and new, as users run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.findings import Severity
from valueaudit.new import TEMPLATES
from valueaudit.rules import RULES
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def test_rules_lists_every_code():
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for code, rule in RULES.items():
        assert code in result.stdout
        assert rule.name in result.stdout


@pytest.mark.parametrize("code", ["VA202", "va401", " VA101 "])
def test_explain_shows_rationale_example_and_suppression(code):
    result = runner.invoke(app, ["explain", code])
    assert result.exit_code == 0
    rule = RULES[code.strip().upper()]
    assert rule.code in result.stdout
    assert "What it finds." in result.stdout
    assert "Example" in result.stdout and "Better" in result.stdout
    assert "How to suppress" in result.stdout
    assert f"--ignore {rule.code}" in result.stdout


def test_explain_unknown_code_suggests_and_exits_2():
    result = runner.invoke(app, ["explain", "VA2020"])
    assert result.exit_code == 2
    assert "did you mean 'VA202'?" in result.stderr


def test_show_prints_the_chain_scores_balance_and_findings(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["show", "processes/invoice-payment.yaml"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("invoice-sent") < out.index("payment  Customer pays")
    assert "practice charging · channel bank transfer" in out
    assert "customer → company  payment  (money)  value 8" in out
    assert "received: customer 2, company 8 · disparity 0.6 favours company" in out
    assert "Running balance" in out and "█" in out and "14,400" in out
    # delivered at 'delivery', paid at 'payment': one exchange, 1,200 × (8 + 2) and × (1 + 8)
    assert "exchange order (delivery, payment)" in out
    assert "received per period: customer 12,000, company 10,800 · disparity 0.05" in out
    # customer: 14,400 received less the payment's 9,600; company: 12,000 less 1,200 × (6 + 1)
    assert "customer 4,800, company 3,600" in out
    assert "processes/invoice-payment.yaml:63:9 VA401" in out


def test_show_an_invalid_file(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("valueaudit: 1\nid: Bad\n")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 1
    assert "VA102" in result.stdout and "not valid" in result.stdout


def test_show_missing_file():
    assert runner.invoke(app, ["show", "nope.yaml"]).exit_code == 2


@pytest.mark.parametrize("template", TEMPLATES)
def test_new_writes_a_valid_commented_process(tmp_path: Path, monkeypatch, template: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "processes").mkdir()
    result = runner.invoke(app, ["new", "my-process", "--template", template])
    assert result.exit_code == 0, result.output
    path = tmp_path / "processes/my-process.yaml"
    text = path.read_text()
    assert text.startswith("#") and "id: my-process" in text
    scan = audit_files([(path, "p.yaml")], Settings())
    assert [p.process.id for p in scan.processes] == ["my-process"]
    assert not [f for f in scan.findings if f.severity is Severity.ERROR]


def test_new_never_overwrites(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text("mine\n")
    result = runner.invoke(app, ["new", "x"])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "x.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.yaml"]


def test_new_rejects_a_bad_id_and_template(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["new", "Bad Id"]).exit_code == 2
    assert runner.invoke(app, ["new", "ok", "--template", "refund"]).exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_new_with_output(tmp_path: Path):
    target = tmp_path / "deep/folder/p.yaml"
    result = runner.invoke(app, ["new", "p", "-t", "payment", "-o", str(target)])
    assert result.exit_code == 0
    assert "cost_of_capital" in target.read_text()
