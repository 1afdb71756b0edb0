"""The README's console examples are what a user sees: each is run, piped, and its
output compared with the README's."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL)
EXAMPLES = [(m["command"], m["output"]) for m in BLOCK.finditer((ROOT / "README.md").read_text())]


def test_the_readme_has_console_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example_prints_what_the_readme_shows(command: str, output: str):
    program, *args = shlex.split(command)
    assert program == "valueaudit"
    environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    environment.update(NO_COLOR="1", COLUMNS="80", GITHUB_ACTIONS="false")
    done = subprocess.run(
        [sys.executable, "-m", "valueaudit", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environment,
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout == output
