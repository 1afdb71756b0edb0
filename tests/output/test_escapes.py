"""Values that once escaped: explicit tags, huge numbers, non-finite products, control
characters. Each gets a finding at its place, and no output carries it raw."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app

runner = CliRunner()

FLOW = (
    "  - id: pay\n    flows:\n"
    "      - {{from: customer, to: company, gives: money, kind: money, value: {value}}}\n"
)


def one_flow(value: str) -> str:
    return BASE + FLOW.format(value=value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!bool company", "'company' is not a boolean (tag !!bool)"),
        ("!!timestamp nope", "'nope' is not a date or time (tag !!timestamp)"),
        ('!!int ""', "'' is not a whole number (tag !!int)"),
        ("!!float ''", "'' is not a number (tag !!float)"),
        ("!!int 0x", "'0x' is not a whole number (tag !!int)"),
        ("!!binary aGk=", "tag '!!binary' is not allowed"),
    ],
)
def test_a_tag_the_value_does_not_fit_is_a_finding_at_the_value(audit, value: str, message: str):
    [finding] = [f for f in audit(one_flow(value), select="VA1").findings if f.code == "VA101"]
    assert message in finding.message
    assert (finding.line, finding.column) == (9, 73)


@pytest.mark.parametrize(
    ("key", "number", "message"),
    [
        ("scale", "9" * 400, "scale is too large, got a number of 400 digits"),
        ("volume", "1.0e+308", "volume must be at most 1000000000000, got the number 1e+308"),
    ],
)
def test_huge_numbers_are_refused_with_the_limit(audit, key: str, number: str, message: str):
    text = one_flow("5").replace("id: sample\n", f"id: sample\n{key}: {number}\n")
    messages = [f.message for f in audit(text, select="VA1").findings]
    assert message in messages


def test_huge_whole_numbers_in_flows(audit):
    text = one_flow(f"5, amount: {'9' * 400}, timing: {{due_days: {'9' * 40}}}")
    messages = [f.message for f in audit(text, select="VA1").findings]
    assert "amount is too large, got a number of 400 digits" in messages
    assert "due_days must be at most 36500, got a number of 40 digits" in messages


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_machine_outputs_stay_parseable_at_the_largest_allowed_numbers(tmp_path: Path, fmt):
    text = (
        BASE.replace("id: sample\n", "id: sample\nvolume: 1000000000000\nscale: 1000000\n")
        + "  - id: pay\n    volume: 1000000000000\n    flows:\n"
        "      - {from: customer, to: company, gives: money, kind: money, value: 1000000,"
        " amount: 1000000000000000, timing: {due_days: 36500}}\n"
        "      - {from: company, to: customer, gives: goods, kind: product, value: 0}\n"
    ).replace("parties:\n", "assumptions: {cost_of_capital: 1}\nparties:\n")
    (tmp_path / "p.yaml").write_text(text)
    result = runner.invoke(app, ["scan", str(tmp_path / "p.yaml"), "-f", fmt])
    assert result.exit_code in (0, 1), result.output
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in {fmt}"))


HOSTILE_TEXT = "\\e[2J\\e[H\\e]8;;http://evil.example/\\aCLICK\\e]8;;\\a\\e]0;TITLE\\a\\u202e\\0"
RAW = ("\x1b", "\x07", "\u202e", "\x00")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    text = BASE.replace("id: sample\n", f'id: sample\nname: "{HOSTILE_TEXT}"\n') + (
        "  - id: pay\n"
        f'    channel: "{HOSTILE_TEXT}"\n'
        "    flows:\n"
        f'      - {{from: customer, to: company, gives: "{HOSTILE_TEXT}", kind: money,'
        " value: 5}\n"
        "      - {from: company, to: customer, gives: x, kind: money, value: 1}\n"
    )
    (tmp_path / "evil.yaml").write_text(text)
    (tmp_path / "broken.yaml").write_text(f'valueaudit: "{HOSTILE_TEXT}"\n')
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "junit", "sarif", "json", "gitlab"])
def test_control_characters_and_bidi_overrides_are_shown_escaped(hostile: Path, fmt: str):
    result = runner.invoke(app, ["scan", str(hostile), "-f", fmt])
    assert result.exit_code == 1
    assert not [c for c in RAW if c in result.stdout]
    assert "x1b" in result.stdout  # the escape is shown (and, in Markdown, escaped again)
    if fmt == "junit":
        ET.fromstring(result.stdout)  # well-formed XML


def test_show_escapes_too(hostile: Path):
    result = runner.invoke(app, ["show", str(hostile / "evil.yaml")])
    assert not [c for c in RAW if c in result.stdout]
    assert "\\u202e" in result.stdout


def test_a_formatter_failing_in_the_per_file_step_is_an_internal_error(tmp_path, monkeypatch):
    from valueaudit.output import json_format

    def explode(result, options):  # type: ignore[no-untyped-def]
        raise ValueError("Out of range float values are not JSON compliant")

    monkeypatch.setattr(json_format, "prepare", explode)
    (tmp_path / "p.yaml").write_text(one_flow("5"))
    out = tmp_path / "out.sarif"
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json", "-f", f"sarif:{out}"])
    assert result.exit_code == 2
    assert "internal error in the json output on" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(out.read_text())["runs"]


@pytest.mark.parametrize(
    "text",
    ['"\\x1f"\n', 'id: "\\e[2J"\n', 'a: 1\n"\\x1f": 2\n"\\x1f": 3\n', 'valueaudit: "\\a"\n'],
)
def test_messages_about_an_invalid_file_are_escaped_too(tmp_path: Path, text: str):
    (tmp_path / "p.yaml").write_text(text)
    result = runner.invoke(app, ["check", str(tmp_path / "p.yaml"), "-f", "text"])
    assert result.exit_code == 1
    assert not [c for c in RAW if c in result.stdout]
    assert "\x1f" not in result.stdout


# --- file names are user text (issue 26 items 1-3) ------------------------------------

HOSTILE_NAMES = [
    "bad\n::error file=README.md,line=1::injected.yaml",
    "::warning file=README.md,line=1::x.yaml",
    "a\n\n<img src=x onerror=alert(1)>\n\n.yaml",
    "pipe | in | name.yaml",
]


@pytest.fixture
def hostile_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_text("valueaudit: 1\nid: [\n")
    # enough findings that the github format also lists every one as a plain line
    for k in range(12):
        (tmp_path / f"broken-{k:02d}.yaml").write_text("valueaudit: 1\nid: [\n")
    return tmp_path


@pytest.mark.parametrize("name", ["text", "github"])
def test_no_line_of_a_log_starts_a_workflow_command_valueaudit_did_not_mean(
    hostile_names: Path, name: str
):
    output = runner.invoke(app, ["scan", ".", "-f", name]).stdout
    for line in output.splitlines():
        if line.startswith("::"):
            # valueaudit's own commands, whose file parameter is escaped
            assert name == "github", line
            assert line.startswith(("::error file=", "::notice title=valueaudit::")), line
            assert "\n" not in line and "::error file=README.md" not in line, line
    assert "bad\\n::error file=README.md,line=1::injected.yaml:3:1 VA101" in output
    assert "./::warning file=README.md,line=1::x.yaml:3:1 VA101" in output


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "markdown"])
def test_a_name_with_a_line_break_cannot_start_a_log_line(tmp_path: Path, fmt: str):
    """A name (not only a file name) holding a line break and a workflow command: the
    messages that quote it show the break as ``\\n``; a line a name starts (a table row,
    a portfolio line) gets a word joiner first; a file name starting with ``:`` in a
    JUnit body is ``./``-prefixed; none starts with ``::``."""
    name = "\\n::add-mask::secret"
    text = BASE.replace("company: {role: provider}", f'company: {{role: provider, name: "{name}"}}')
    text += "  - id: pay\n    flows:\n"
    text += "      - {from: customer, to: company, gives: money, kind: money, value: 4}\n"
    (tmp_path / "::x.yaml").write_text(text, encoding="utf-8")
    arguments = ["scan", str(tmp_path), "--root", str(tmp_path), "-f", fmt, "--fail-on", "never"]
    output = runner.invoke(app, arguments).stdout
    assert "add-mask" in output
    for line in output.splitlines():
        if line.lstrip().startswith("::"):
            assert fmt == "github" and line.startswith(("::warning file=", "::notice ")), line
            assert "::add-mask::" not in line.replace("%3A", ":")[2:].split("::", 1)[0], line


def test_a_file_name_cannot_break_the_report(hostile_names: Path):
    report = runner.invoke(app, ["report", "."]).stdout
    assert "<img" not in report and "onerror=alert(1)&gt;" in report
    table = report.split("## Files that could not be audited")[1].split("\n\n")[1]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert {len(re.split(r"(?<!\\)\|", line)) for line in rows} == {6}  # 4 cells
    assert "pipe \\| in \\| name.yaml" in report


def test_user_text_is_never_rich_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Issue 26 item 4: channel and stage names in the portfolio's text, and paths in
    --show-settings, are shown as written: `[/]` ended in an internal error, `[link=…]`
    became a terminal hyperlink, a folder named `[client] processes` lost its name."""
    folder = tmp_path / "[client] processes"
    folder.mkdir()
    monkeypatch.chdir(folder)
    text = (
        BASE + '  - id: pay\n    channel: "[/]"\n    stage: "[link=https://evil.example]x"\n'
        "    flows:\n"
        "      - {from: customer, to: company, gives: money, kind: money, value: 4}\n"
    )
    (folder / "p.yaml").write_text(text)
    result = runner.invoke(app, ["portfolio", "."], env={"FORCE_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "[/]" in result.stdout and "[link=https://evil.example]x" in result.stdout
    assert "\x1b]8;" not in result.stdout  # no hyperlink escape
    settings = runner.invoke(app, ["scan", ".", "--show-settings"])
    assert settings.exit_code == 0, settings.output
    assert "[client] processes" in settings.stdout


@pytest.mark.parametrize(
    "setting",
    [
        'select = ["\\u001b]0;pwned\\u0007VA1"]',
        'severity = {"\\u001b[2JVA1" = "error"}',
        'fail-on = "\\u001b[2J"',
    ],
)
def test_configuration_errors_quote_values_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str
):
    """Issue 26 item 5: a value holding ESC or OSC sequences is shown as escapes, so an
    error cannot clear the screen or retitle the terminal of whoever runs valueaudit."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.valueaudit]\n{setting}\n")
    result = runner.invoke(app, ["scan", "."])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b" in result.stderr


def test_bare_urls_and_addresses_in_user_text_are_no_links():
    """Issue 26 item 2b: GitHub turns a bare URL, a www. name or an e-mail address into
    a live link; in user text each is defused (a backslash before its last character,
    which renders as nothing)."""
    from valueaudit.mdtext import md

    text = md(
        "Reset your password at https://evil.example/login, www.evil.example or a@evil.example"
    )
    assert "https://" not in text and "www." not in text and "a@evil" not in text
    assert text == (
        "Reset your password at https\\://evil.example/login, www\\.evil.example or "
        "a\\@evil.example"
    )
