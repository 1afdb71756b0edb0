"""Folder scans leave out what the repository ignores (issue 27 item 7), as git itself
reads its ignore files: each layout is checked against `git ls-files --others
--exclude-standard`, the files git would show as untracked and not ignored."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.discovery import discover

runner = CliRunner()
FILES = [
    "processes/a.yaml",
    "processes/b.yml",
    "processes/tmp.yaml",
    "processes/drafts/d.yaml",
    "processes/drafts/deep/e.yaml",
    "processes/team/c.yaml",
    "processes/team/keep.yaml",
    "processes/team/sub/f.yaml",
    "processes/build/out.yaml",
    "processes/spaced name.yaml",
]
LAYOUTS = {
    "nothing ignored": {},
    "a folder and a suffix": {".gitignore": "processes/drafts/\n*.yml\n"},
    "negation and nested files": {
        ".gitignore": "*.yaml\n!processes/team/keep.yaml\n!processes/a.yaml\n",
        "processes/team/.gitignore": "c.yaml\n!sub/\n",
    },
    "anchored and double star": {
        ".gitignore": "/processes/tmp.yaml\n**/deep/\nbuild\n",
        "processes/.gitignore": "team/sub/*.yaml\n",
    },
    "info exclude and a file taken back below an ignored folder": {
        ".git/info/exclude": "processes/team/\n",
        ".gitignore": "!processes/team/keep.yaml\n",
    },
    "comments, blanks and escapes": {
        ".gitignore": "# a comment\n\n\\#not-a-comment.yaml\nspaced\\ name.yaml\n",
    },
}


def _repository(tmp_path: Path, ignores: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"id: {Path(name).stem.replace(' ', '-')}\n")
    for name, text in ignores.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _git_sees(top: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(top), "ls-files", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return sorted(name.strip('"') for name in listed if name.strip('"').endswith((".yaml", ".yml")))


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_a_scan_leaves_out_what_git_ignores(tmp_path: Path, layout: str):
    top = _repository(tmp_path, LAYOUTS[layout])
    found = discover([top / "processes"], root=top, gitignore=True)
    assert [display for _, display in found] == _git_sees(top)
    # from a subfolder: the ignore files above it count too (a folder named is searched
    # even if git ignores it, as a file named is audited)
    below = discover([top / "processes" / "team"], root=top, gitignore=True)
    team_ignored = (
        subprocess.run(["git", "-C", str(top), "check-ignore", "-q", "processes/team/"]).returncode
        == 0
    )
    if team_ignored:
        assert below  # searched all the same
    else:
        expected = [d for d in _git_sees(top) if d.startswith("processes/team/")]
        assert [d for _, d in below] == expected


def test_respect_gitignore_false_and_files_named_explicitly(tmp_path: Path, monkeypatch):
    top = _repository(tmp_path, {".gitignore": "processes/drafts/\n"})
    monkeypatch.chdir(top)

    def files(*arguments: str) -> int:
        result = runner.invoke(app, ["check", *arguments, "-f", "json"])
        return json.loads(result.stdout)["summary"]["files"]

    assert files() == len(FILES) - 2
    assert files("processes/drafts/d.yaml") == 1  # named: always taken
    (top / "valueaudit.toml").write_text("respect-gitignore = false\n")
    assert files() == len(FILES)
    (top / "valueaudit.toml").write_text('respect-gitignore = "no"\n')
    refused = runner.invoke(app, ["check"])
    assert refused.exit_code == 2 and "respect-gitignore must be true or false" in refused.stderr


def test_outside_a_work_tree_no_ignore_file_counts(tmp_path: Path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "x.yaml").write_text("id: x\n")
    (tmp_path / ".gitignore").write_text("*.yaml\n")
    assert len(discover([tmp_path / "p"], root=tmp_path, gitignore=True)) == 1
