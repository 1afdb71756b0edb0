"""The CI recipes work as pasted: the README's blocks are the files in examples/ that
.ci/run lints (actionlint, zizmor), every action is pinned by commit with its version,
valueaudit is installed from one commit of its repository (no release tag or index
package exists), and the version is written in one place."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"
WORKFLOWS = ["github-workflow.yml", "github-shards.yml"]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("name", ["github-workflow.yml", "gitlab-ci.yml", "pre-commit-config.yaml"])
def test_the_readme_shows_each_recipe_as_its_file(name: str):
    assert (EXAMPLES / name).read_text(encoding="utf-8") in _blocks("yaml")


def test_the_shard_excerpt_is_taken_from_its_file():
    shards = (EXAMPLES / "github-shards.yml").read_text(encoding="utf-8").splitlines()
    [excerpt] = [block for block in _blocks("yaml") if "--shard" in block]
    for line in excerpt.splitlines():
        if "# …" not in line:
            assert line in shards, line


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflows_pin_actions_keep_no_credentials_and_ask_for_little(name: str):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for uses in re.findall(r"uses: (.+)", text):
        assert PINNED.match(uses), uses
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}  # each job asks for what it needs
    for job in workflow["jobs"].values():
        assert job["permissions"]["contents"] == "read"
        assert set(job["permissions"]) <= {"contents", "security-events"}
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def _pinned_commits() -> set[str]:
    commits = set()
    for name in [*WORKFLOWS, "gitlab-ci.yml"]:
        commits |= set(re.findall(r"VALUEAUDIT_REF: (\S+)", (EXAMPLES / name).read_text()))
    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text())
    commits.add(config["repos"][0]["rev"])
    return commits


def test_valueaudit_is_installed_from_one_commit_of_its_repository():
    [commit] = _pinned_commits()
    assert COMMIT.match(commit)
    for name in [*WORKFLOWS, "gitlab-ci.yml"]:
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        installs = re.findall(r"pip install (.+)", text)
        assert installs, name
        for install in installs:
            assert install == (
                '"valueaudit @ git+https://github.com/valueaudit/valueaudit@${VALUEAUDIT_REF}"'
            )
    shallow = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if shallow == "false":  # a full clone: the commit is one of main's
        found = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
            capture_output=True,
        )
        assert found.returncode == 0, f"{commit} is not a commit of this repository"


def test_no_recipe_names_a_release_that_does_not_exist():
    recipes = [README, *(p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.y*ml"))]
    for text in recipes:
        assert "@v0." not in text and "rev: v" not in text
        assert not re.search(r"^\s*-?\s*pip install valueaudit\b", text, flags=re.MULTILINE)
    gitlab = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    assert gitlab["valueaudit"]["image"] == "python:3.12"  # with git, unlike -slim


def test_the_pre_commit_recipe_names_the_shipped_hook():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text())
    [repo] = config["repos"]
    assert repo["repo"] == "https://github.com/valueaudit/valueaudit"
    assert [h["id"] for h in repo["hooks"]] == [hook["id"]]


def test_the_version_is_written_in_one_place():
    from valueaudit.version import __version__

    written = []
    for path in [
        ROOT / "pyproject.toml",
        ROOT / "CHANGELOG.md",
        ROOT / ".pre-commit-hooks.yaml",
        *EXAMPLES.iterdir(),
        *(ROOT / "src/valueaudit").rglob("*.py"),
        *(p for p in (ROOT / "src/valueaudit/templates").rglob("*") if p.is_file()),
    ]:
        if path.name != "version.py" and __version__ in path.read_text(encoding="utf-8"):
            written.append(path.name)
    assert written == []
    # the README shows it only where it quotes what valueaudit prints
    prose = re.sub(r"^```.*?^```$", "", README, flags=re.MULTILINE | re.DOTALL)
    assert __version__ not in prose


def test_packaging_metadata_names_what_it_ships():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert project["authors"] and project["keywords"] and project["classifiers"]
    assert {"Homepage", "Changelog", "Issues"} <= set(project["urls"])
    manifest = (ROOT / "MANIFEST.in").read_text()
    assert "prune tests" in manifest and "CHANGELOG.md" in manifest
