"""`valueaudit init` sets a repository up without overwriting anything, and the files it
writes work: the schema the starter's modeline points at, a clean starter process, the
configuration, the pre-commit hook and the GitHub workflow of the README (issue 27 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.schema import render_schema

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
WRITTEN = [
    "valueaudit.schema.json",
    "processes/example-purchase.yaml",
    "valueaudit.toml",
    ".pre-commit-config.yaml",
    ".github/workflows/valueaudit.yml",
]


def test_init_writes_what_a_repository_needs_and_says_what_next(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert [line.split()[1] for line in result.stdout.splitlines()[:5]] == WRITTEN
    assert "next:" in result.stdout and "pre-commit install" in result.stdout
    # the schema the modeline points at, relative to the starter's folder
    starter = (tmp_path / "processes/example-purchase.yaml").read_text()
    assert starter.startswith("# yaml-language-server: $schema=../valueaudit.schema.json\n")
    assert (tmp_path / "valueaudit.schema.json").read_text() == render_schema("process")
    jsonschema.validate(yaml.safe_load(starter), json.loads(render_schema("process")))
    # the configuration is read, and the starter passes what the workflow asks
    shown = runner.invoke(app, ["scan", "--show-settings"])
    assert "valueaudit.toml" in shown.stdout
    scan = runner.invoke(app, ["scan", "-f", "json", "--fail-on", "warning"])
    assert scan.exit_code == 0, scan.output
    assert json.loads(scan.stdout)["summary"]["files"] == 1
    # the recipes are the README's (examples/ links to the same files)
    for written, example in [
        (".pre-commit-config.yaml", "pre-commit-config.yaml"),
        (".github/workflows/valueaudit.yml", "github-workflow.yml"),
    ]:
        assert (tmp_path / written).read_text() == (ROOT / "examples" / example).read_text()


def test_init_overwrites_nothing(tmp_path: Path):
    (tmp_path / "processes").mkdir()
    (tmp_path / "processes/example-purchase.yaml").write_text("mine")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "kept  processes/example-purchase.yaml (it exists)" in result.stdout
    assert "kept  .pre-commit-config.yaml (it exists)" in result.stdout
    assert (tmp_path / "processes/example-purchase.yaml").read_text() == "mine"
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 0 and "wrote" not in again.stdout
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_leaves_a_pyproject_configuration_in_charge(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.valueaudit]\nfail-on = "never"\n')
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert "kept  valueaudit.toml (pyproject.toml has [tool.valueaudit])" in result.stdout
    assert not (tmp_path / "valueaudit.toml").exists()


def test_init_needs_a_folder(tmp_path: Path):
    result = runner.invoke(app, ["init", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


@pytest.mark.parametrize(
    ("folder", "schema_at", "modeline"),
    [
        ("processes", ".", "../valueaudit.schema.json"),
        ("processes/team/sub", ".", "../../../valueaudit.schema.json"),
        ("processes", None, "../valueaudit.schema.json"),  # not written yet: the cwd's
    ],
)
def test_new_points_editors_at_the_schema(
    tmp_path: Path, monkeypatch, folder: str, schema_at: str | None, modeline: str
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir(parents=True)
    if schema_at is not None:
        (tmp_path / schema_at / "valueaudit.schema.json").write_text("{}")
    result = runner.invoke(app, ["new", "my-shop", "-o", f"{folder}/my-shop.yaml"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / folder / "my-shop.yaml").read_text()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={modeline}"
    assert ("not there yet" in result.stdout) == (schema_at is None)
