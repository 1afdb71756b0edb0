"""`check` given files learns the ids of the other process files (issue 27 item 3):
pre-commit passes only the staged files, and splits a long list over several calls, yet a
file reusing an id declared elsewhere is VA104."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app
from valueaudit.loading import peek_id
from valueaudit.loading.tree import first_id

runner = CliRunner()
FLOWS = (
    "  - id: pay\n    flows:\n"
    "      - {from: customer, to: company, gives: money, kind: money, value: 4}\n"
    "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 1}\n"
)


def process(process_id: str) -> str:
    return BASE.replace("id: sample", f"id: {process_id}") + FLOWS


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "processes" / "sub").mkdir(parents=True)
    (tmp_path / "processes" / "committed.yaml").write_text(process("taken"))
    (tmp_path / "processes" / "sub" / "other.yaml").write_text(process("other"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _va104(*arguments: str) -> list[tuple[str, str]]:
    result = runner.invoke(app, ["check", *arguments, "-f", "json"])
    found = json.loads(result.stdout)["findings"]
    return [(f["file"], f["message"]) for f in found if f["code"] == "VA104"]


def test_a_file_reusing_the_id_of_a_file_not_checked_is_va104(repository: Path):
    (repository / "processes" / "new.yaml").write_text(process("taken"))
    assert _va104("processes/new.yaml") == [
        ("processes/new.yaml", "duplicate process id 'taken' (also in processes/committed.yaml)")
    ]
    # a file of its own id passes; the files learned from are not checked themselves
    (repository / "processes" / "fine.yaml").write_text(process("fine"))
    assert _va104("processes/fine.yaml") == []


def test_a_duplicate_between_files_not_checked_is_not_this_calls_finding(repository: Path):
    (repository / "processes" / "copy.yaml").write_text(process("other"))
    (repository / "processes" / "fine.yaml").write_text(process("fine"))
    assert _va104("processes/fine.yaml") == []
    assert _va104() == [  # all of them: the duplicate is found as before
        ("processes/sub/other.yaml", "duplicate process id 'other' (also in processes/copy.yaml)")
    ]


def test_each_call_of_a_split_list_sees_the_others_ids(repository: Path):
    (repository / "processes" / "zz-last.yaml").write_text(process("taken"))
    # pre-commit's first call holds committed.yaml, its second zz-last.yaml
    assert _va104("processes/committed.yaml") == [
        (
            "processes/committed.yaml",
            "duplicate process id 'taken' (also in processes/zz-last.yaml)",
        )
    ]
    assert _va104("processes/zz-last.yaml") == [
        (
            "processes/zz-last.yaml",
            "duplicate process id 'taken' (also in processes/committed.yaml)",
        )
    ]


def test_the_configured_paths_are_where_ids_are_learned(repository: Path):
    (repository / "elsewhere").mkdir()
    (repository / "elsewhere" / "x.yaml").write_text(process("far"))
    (repository / "processes" / "new.yaml").write_text(process("far"))
    assert _va104("processes/new.yaml") == []
    (repository / "valueaudit.toml").write_text('paths = ["processes", "elsewhere"]\n')
    assert _va104("processes/new.yaml") == [
        ("processes/new.yaml", "duplicate process id 'far' (also in elsewhere/x.yaml)")
    ]
    # and a run given no path searches them
    result = runner.invoke(app, ["check", "-f", "json"])
    assert json.loads(result.stdout)["summary"]["files"] == 4


def test_a_configured_path_must_name_something(repository: Path):
    (repository / "valueaudit.toml").write_text("paths = []\n")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "paths must name at least one folder or file" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("valueaudit: 1\nid: abc\n", "abc"),
        ("id: 'quoted'\n", "quoted"),
        ("parties: {id: inner}\nlist: [1, {id: 2}]\nid: top\n", "top"),
        ("{valueaudit: 1, id: flow}\n", "flow"),
        ("id: first\nid: second\n", "first"),
        ("id: 123\n", None),  # a number: no process id the loader would take
        ("id:\n", None),
        ("id: !!str tagged\n", None),
        ("id: [a]\n", None),
        ("- id: x\n", None),
        ("x: [\nid: y\n", None),
    ],
)
def test_the_id_is_read_from_the_start_of_the_file_only(text: str, expected: str | None):
    assert first_id(text) == expected


def test_peek_id_reads_no_file_it_cannot(tmp_path: Path):
    (tmp_path / "utf16.yaml").write_bytes("id: x\n".encode("utf-16"))
    assert peek_id(tmp_path / "utf16.yaml") is None
    assert peek_id(tmp_path / "missing.yaml") is None
    (tmp_path / "ok.yaml").write_text("valueaudit: 1\nid: fine\n")
    assert peek_id(tmp_path / "ok.yaml") == "fine"


def test_a_file_outside_the_configured_paths_is_not_compared_with_them(repository: Path):
    """A to-be version kept elsewhere shares its as-is's id on purpose (diff pairs them by
    id): checking it alone is no VA104."""
    (repository / "examples").mkdir()
    (repository / "examples" / "taken-to-be.yaml").write_text(process("taken"))
    assert _va104("examples/taken-to-be.yaml") == []
    # with a file under processes/ in the same call, that one is still compared
    (repository / "processes" / "new.yaml").write_text(process("other"))
    assert _va104("examples/taken-to-be.yaml", "processes/new.yaml") == [
        ("processes/new.yaml", "duplicate process id 'other' (also in processes/sub/other.yaml)")
    ]
