"""Output paths are relative to the root (SPEC §7): ``--root``, else the CI work tree,
else the top of the git work tree, else the current folder — in every format and in
baselines, so a scan started from a subfolder annotates the right files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_cli import UNEVEN, write
from valueaudit.cli import app
from valueaudit.paths import output_root

runner = CliRunner()


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with ``processes/uneven.yaml``; the scan runs in ``processes/``."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "processes" / "uneven.yaml", UNEVEN)
    monkeypatch.chdir(tmp_path / "processes")
    return tmp_path


def test_the_root_is_chosen_in_the_order_the_spec_gives(tmp_path: Path):
    top, inner, elsewhere = tmp_path / "top", tmp_path / "top" / "a" / "b", tmp_path / "x"
    inner.mkdir(parents=True)
    elsewhere.mkdir()
    (top / ".git").write_text("gitdir: ../somewhere\n")  # a linked work tree's .git file
    ci = {"GITHUB_WORKSPACE": str(elsewhere), "CI_PROJECT_DIR": str(inner)}
    assert output_root(inner, ci, start=inner) == (inner.resolve(), "--root")
    assert output_root(None, ci, start=inner) == (elsewhere.resolve(), "GITHUB_WORKSPACE")
    gitlab = {"CI_PROJECT_DIR": str(elsewhere), "GITHUB_WORKSPACE": ""}
    assert output_root(None, gitlab, start=inner) == (elsewhere.resolve(), "CI_PROJECT_DIR")
    assert output_root(None, {}, start=inner) == (top.resolve(), "git")
    assert output_root(None, {}, start=elsewhere) == (elsewhere.resolve(), "cwd")


def test_a_scan_from_a_subfolder_names_files_from_the_top_of_the_work_tree(
    repository: Path,
):
    sarif = runner.invoke(app, ["scan", ".", "-f", "sarif", "--fail-on", "never"])
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in json.loads(sarif.stdout)["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris == {"processes/uneven.yaml"}
    github = runner.invoke(app, ["scan", ".", "-f", "github", "--fail-on", "never"]).stdout
    assert "file=processes/uneven.yaml," in github and "file=uneven.yaml" not in github
    for name in ("json", "junit", "gitlab", "markdown", "text"):
        shown = runner.invoke(app, ["scan", "uneven.yaml", "-f", name]).stdout
        assert "processes/uneven.yaml" in shown, name
    shown = runner.invoke(app, ["show", "uneven.yaml"]).stdout
    assert "processes/uneven.yaml" in shown


def test_root_option_and_ci_variables_move_the_root(
    repository: Path, monkeypatch: pytest.MonkeyPatch
):
    def files(*options: str) -> set[str]:
        out = runner.invoke(app, ["scan", ".", "-f", "json", *options]).stdout
        return {finding["file"] for finding in json.loads(out)["findings"]}

    assert files("--root", ".") == {"uneven.yaml"}
    monkeypatch.setenv("CI_PROJECT_DIR", str(repository / "processes"))
    assert files() == {"uneven.yaml"}
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repository))
    assert files() == {"processes/uneven.yaml"}
    missing = runner.invoke(app, ["scan", ".", "--root", "nowhere"])
    assert missing.exit_code == 2
    assert "--root nowhere: not a folder" in missing.stderr


def test_a_baseline_written_at_the_top_holds_when_run_from_a_subfolder(
    repository: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(repository)
    written = runner.invoke(app, ["scan", "--write-baseline", "baseline.json"])
    assert written.exit_code == 0
    monkeypatch.chdir(repository / "processes")
    again = runner.invoke(app, ["scan", ".", "--baseline", "../baseline.json", "-f", "json"])
    assert again.exit_code == 0, again.stdout
    assert json.loads(again.stdout)["findings"] == []


def test_patterns_stay_relative_to_the_configuration_file(repository: Path):
    (repository / "valueaudit.toml").write_text(
        'exclude = ["processes/uneven.yaml"]\n[per-file-ignores]\n"processes/*.yaml" = ["VA2"]\n'
    )
    excluded = runner.invoke(app, ["scan", ".", "-f", "json"])
    assert json.loads(excluded.stdout)["summary"]["files"] == 0
    (repository / "valueaudit.toml").write_text('[per-file-ignores]\n"processes/*" = ["VA2"]\n')
    out = runner.invoke(app, ["scan", ".", "-f", "json", "--root", "."]).stdout
    assert not [f for f in json.loads(out)["findings"] if f["code"].startswith("VA2")]


def test_show_settings_says_where_the_root_came_from(repository: Path):
    out = runner.invoke(app, ["scan", "--show-settings"]).stdout
    row = next(line for line in out.splitlines() if " root " in f" {line} ")
    assert repository.resolve().as_posix() in row and "git work tree" in row


def test_distinct_files_get_distinct_paths_inside_and_outside_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # ``a/b/x.yaml`` is ``b/x.yaml`` from the root ``a``; ``./b/x.yaml`` is beside it
    write(tmp_path / "a" / "b" / "x.yaml", UNEVEN)
    write(tmp_path / "b" / "x.yaml", UNEVEN.replace("id: sample", "id: beside"))
    (tmp_path / "a" / "link.yaml").symlink_to(tmp_path / "b" / "x.yaml")
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["scan", ".", "--root", "a", "-f", "json"]).stdout
    document = json.loads(out)
    assert document["summary"]["files"] == 3
    shown = {process["file"] for process in document["processes"]}
    # the link is inside the root as written, though its file is not
    assert shown == {"b/x.yaml", (tmp_path / "b" / "x.yaml").as_posix(), "link.yaml"}
