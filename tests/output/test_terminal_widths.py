"""Terminals of 60, 80, 100 and 120 columns, for real (a pseudo-terminal of that size),
and pipes (issue 27 item 9): a table too wide for the window is printed as several, each
with its first column again, so no number is ever cut and no column disappears; rule
examples wrap in a terminal and are never cut when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from valueaudit.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = [60, 80, 100, 120]


def in_terminal(arguments: list[str], columns: int) -> str:
    """What valueaudit prints in a terminal ``columns`` wide (colours off)."""
    pid, descriptor = pty.fork()
    if pid == 0:  # the child: valueaudit in the terminal
        os.chdir(ROOT)
        environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        environment.update(NO_COLOR="1", TERM="xterm-256color")
        os.execve(sys.executable, [sys.executable, "-m", "valueaudit", *arguments], environment)
    fcntl.ioctl(descriptor, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    chunks = []
    while True:
        ready, _, _ = select.select([descriptor], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the child has gone: the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"-?\d[\d,.]*(?:–\d[\d,.]*| to -?\d[\d,.]*)?%?", text))


@pytest.mark.parametrize("columns", WIDTHS)
def test_portfolio_fits_the_window_and_cuts_no_number(columns: int):
    shown = in_terminal(["portfolio", "processes/"], columns)
    piped = subprocess.run(
        [sys.executable, "-m", "valueaudit", "portfolio", "processes/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert "…" not in shown
    # the tables fit the window (finding lines are soft-wrapped by the terminal itself)
    tables = shown.split("Findings across all processes")[0]
    assert all(len(line) <= columns for line in tables.splitlines())
    # every figure of the piped tables (their natural width) is in the terminal's
    assert _numbers(piped) <= _numbers(shown)
    # a narrow window splits the parties' table; each part names the party again
    parts = len(re.findall(r"^  party ", tables, flags=re.MULTILINE))
    assert parts >= (2 if columns < 120 else 1)


@pytest.mark.parametrize("columns", WIDTHS)
def test_scan_keeps_every_column_at_any_width(columns: int):
    shown = in_terminal(["scan", "processes/complaint.yaml", "--fail-on", "never"], columns)
    assert "…" not in shown
    for header in ("process", "touchpoints", "disparity", "clarity", "favoured", "findings"):
        assert re.search(rf"\b{header}\b", shown), (columns, header)
    assert "5W 1I" in shown


@pytest.mark.parametrize("columns", [60, 80])
def test_explain_wraps_examples_in_a_terminal_and_never_cuts_them(columns: int):
    rule = RULES["VA204"]
    shown = in_terminal(["explain", "VA204"], columns)
    words = " ".join(shown.split())
    for example in (rule.bad, rule.good):
        assert " ".join(example.split()) in words  # wrapped, nothing lost


def test_explain_piped_prints_every_example_line_whole():
    for code, rule in RULES.items():
        piped = subprocess.run(
            [sys.executable, "-m", "valueaudit", "explain", code],
            capture_output=True,
            text=True,
        ).stdout
        lines = piped.splitlines()
        for example in (rule.bad, rule.good):
            for line in example.splitlines():
                if line.strip():
                    assert line.rstrip() in lines, (code, line)
