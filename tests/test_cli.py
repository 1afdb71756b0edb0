"""The command line as users and CI run it: output shapes and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE
from valueaudit import __version__
from valueaudit.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

EVEN = BASE + (
    "  - id: pay\n"
    "    practice: delivering\n"
    "    flows:\n"
    "      - {from: customer, to: company, gives: money, kind: money, value: 4}\n"
    "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 4}\n"
)
# received: customer 1, company 4 -> D = 3 / 5 = 0.6 (VA202), and VA203 for the process
UNEVEN = EVEN.replace("kind: settlement, value: 4", "kind: settlement, value: 1")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "processes").mkdir()
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"valueaudit {__version__}"


def test_module_entry_point_and_console_script_version():
    completed = subprocess.run(
        [sys.executable, "-m", "valueaudit", "--version"], capture_output=True, text=True
    )
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"valueaudit {__version__}"


def test_clean_scan_exits_0(project: Path):
    write(project / "processes/even.yaml", EVEN)
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 0, result.output
    assert "1 file, 1 process: 0 errors, 0 warnings, 0 info" in result.stdout


def test_warnings_pass_by_default_and_fail_with_fail_on_warning(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    assert runner.invoke(app, ["scan"]).exit_code == 0
    assert runner.invoke(app, ["scan", "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, ["scan", "--fail-on", "info"]).exit_code == 1


def test_errors_fail_unless_never(project: Path):
    write(project / "processes/broken.yaml", "valueaudit: [\n")
    assert runner.invoke(app, ["scan"]).exit_code == 1
    assert runner.invoke(app, ["scan", "--fail-on", "never"]).exit_code == 0


def test_text_lines_are_file_line_col_code_message(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    result = runner.invoke(app, ["scan", "processes/"])
    assert "processes/uneven.yaml:7:5 VA202 disparity 0.6 at 'pay'" in result.stdout
    assert "processes/uneven.yaml:2:5 VA203 process 'sample' is uneven" in result.stdout
    assert "Processes" in result.stdout
    assert "Opportunities, ranked by gain" in result.stdout


def test_quiet_leaves_out_tables(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    result = runner.invoke(app, ["scan", "-q"])
    assert "VA202" in result.stdout
    assert "Processes" not in result.stdout


def test_missing_path_is_a_usage_error(project: Path):
    result = runner.invoke(app, ["scan", "nowhere/"])
    assert result.exit_code == 2
    assert "path not found: nowhere" in result.stderr


def test_default_path_missing_is_a_usage_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 2
    assert "path not found: processes" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["scan", "--fail-on", "sometimes"], ["scan", "--bogus"], ["scan", "-f", "yaml"], ["nope"]],
)
def test_bad_options_exit_2(project: Path, args: list[str]):
    write(project / "processes/even.yaml", EVEN)
    assert runner.invoke(app, args).exit_code == 2


def test_json_shape(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    write(project / "processes/broken.yaml", "valueaudit: 1\nid: [\n")
    result = runner.invoke(app, ["scan", "--format", "json", "--select", "VA1,VA202"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document) == [
        "tool",
        "format_version",
        "summary",
        "portfolio",
        "processes",
        "findings",
    ]
    assert [p["id"] for p in document["portfolio"]["parties"]] == ["company", "customer"]
    assert document["tool"] == {"name": "valueaudit", "version": __version__}
    assert document["format_version"] == 1
    assert document["summary"] == {
        "files": 2,
        "processes": 1,
        "findings": {"error": 1, "warning": 1, "info": 0},
    }
    [process] = document["processes"]
    assert process["id"] == "sample"
    assert process["file"] == "processes/uneven.yaml"
    assert process["disparity"] == 0.6
    assert process["clarity"] == 1
    assert process["balance"] == {  # the payment costs the customer its value, 4
        "customer": {"received": 1, "share": 0.2, "net": -3},
        "company": {"received": 4, "share": 0.8, "net": 4},
    }
    assert process["unit"] == "points" and process["exchanges"] == []
    [touchpoint] = process["touchpoints"]
    assert {k: touchpoint[k] for k in ("id", "line", "disparity", "favoured", "received")} == {
        "id": "pay",
        "line": 7,
        "disparity": 0.6,
        "favoured": "company",
        "received": {"customer": 1, "company": 4},
    }
    assert touchpoint["praxis"] is None
    broken, uneven = document["findings"]
    assert list(uneven) == [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "process",
        "touchpoint",
        "exchange",
        "path",
        "suggestion",
        "gain",
        "unit",
        "evidence",
    ]
    assert (uneven["code"], uneven["severity"], uneven["line"], uneven["column"]) == (
        "VA202",
        "warning",
        7,
        5,
    )
    assert (uneven["path"], uneven["touchpoint"], uneven["gain"]) == ("touchpoints[0]", "pay", 1.5)
    assert (broken["code"], broken["file"], broken["line"]) == ("VA101", "processes/broken.yaml", 3)


def test_json_intervals_are_low_high_lists(project: Path):
    write(project / "p.yaml", UNEVEN.replace("value: 1}", "value: [1, 3]}"))
    document = json.loads(runner.invoke(app, ["scan", "p.yaml", "-f", "json"]).stdout)
    [touchpoint] = document["processes"][0]["touchpoints"]
    assert touchpoint["received"]["customer"] == [1, 3]
    # company 4 against customer [1, 3]: D_min = (4 - 3) / (3 + 4), D_max = (4 - 1) / (4 + 1)
    assert touchpoint["disparity"] == [0.1429, 0.6]
    assert document["processes"][0]["clarity"] == 0.5


def test_praxis_in_json(project: Path):
    text = EVEN.replace(
        "    flows:\n",
        "    elements: {procedures: incongruent, "
        "understandings: incongruent, engagements: congruent}\n    flows:\n",
    )
    write(project / "p.yaml", text)
    document = json.loads(runner.invoke(app, ["scan", "p.yaml", "-f", "json"]).stdout)
    assert document["processes"][0]["touchpoints"][0]["praxis"] == "reinforcing-co-destruction"


def test_several_formats_in_one_run(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    result = runner.invoke(app, ["scan", "-f", "text", "-f", "json:out/result.json"])
    assert result.exit_code == 0
    assert "VA202" in result.stdout
    document = json.loads((project / "out/result.json").read_text())
    # VA202, VA203 and VA601; the customer pays 4 for 1: VA204 and VA205
    assert document["summary"]["findings"]["warning"] == 5
    assert [p.name for p in (project / "out").iterdir()] == ["result.json"]


def _scan_in(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "valueaudit", "scan"],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=project,
    )


def test_piped_output_is_plain(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    completed = _scan_in(project)
    assert completed.returncode == 0
    assert "\x1b[" not in completed.stdout
    assert "Traceback" not in completed.stderr


def test_no_color_even_when_forced_to_a_terminal(project: Path):
    write(project / "processes/uneven.yaml", UNEVEN)
    completed = _scan_in(project, FORCE_COLOR="1", NO_COLOR="1")
    assert re.search(r"\x1b\[[0-9;]*3[0-7]m", completed.stdout) is None  # no colour codes
    assert "VA202" in completed.stdout


def test_markup_in_user_text_is_printed_as_written(project: Path):
    write(
        project / "p.yaml",
        UNEVEN.replace("gives: money", "gives: '[bold]money[/bold]'").replace(
            "value: 1}", "value: 0}"
        ),
    )
    result = runner.invoke(app, ["scan", "p.yaml"])
    assert "'[bold]money[/bold]'" in result.stdout


def test_unwritable_output_is_a_clear_error(project: Path):
    write(project / "processes/even.yaml", EVEN)
    (project / "taken").write_text("a file, not a folder")
    result = runner.invoke(app, ["scan", "-f", "json:taken/out.json"])
    assert result.exit_code == 2
    assert "cannot write taken/out.json" in result.stderr


@pytest.mark.parametrize("command", ["check", "scan"])
def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path, command: str):
    for n in range(800):  # far more output than a pipe holds
        (tmp_path / f"broken-{n:03}.yaml").write_text("valueaudit: [\n")
    reader = subprocess.Popen(
        [sys.executable, "-m", "valueaudit", command, str(tmp_path), "-j", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    stderr = reader.stderr.read().decode()
    assert reader.wait() == 141
    assert "Traceback" not in stderr and "internal error" not in stderr


def test_an_empty_output_file_name_is_a_usage_error(project: Path):
    write(project / "processes/p.yaml", EVEN)
    result = runner.invoke(app, ["scan", "-f", "json:"])
    assert result.exit_code == 2
    assert "the file name is empty" in result.output
    assert not result.stdout.startswith("{")


def test_show_of_a_folder_is_a_usage_error(project: Path):
    write(project / "processes/p.yaml", EVEN)
    result = runner.invoke(app, ["show", "processes"])
    assert result.exit_code == 2
    assert "show takes one process file; use scan for folders" in result.output


def test_new_into_an_existing_folder(project: Path):
    (project / "drafts").mkdir()
    result = runner.invoke(app, ["new", "hotel-stay", "-o", "drafts/"])
    assert result.exit_code == 0, result.output
    assert (project / "drafts" / "hotel-stay.yaml").is_file()


def test_writing_a_baseline_exits_0_whatever_it_found(project: Path):
    write(project / "processes/p.yaml", UNEVEN)
    failing = runner.invoke(app, ["scan", "--fail-on", "warning"])
    assert failing.exit_code == 1
    result = runner.invoke(
        app, ["scan", "--fail-on", "warning", "--write-baseline", "base.json", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (project / "base.json").is_file()
    after = runner.invoke(app, ["scan", "--fail-on", "warning", "--baseline", "base.json"])
    assert after.exit_code == 0, after.output


def test_a_process_id_used_twice_is_still_scored_as_the_readme_says(project: Path):
    write(project / "processes/a.yaml", UNEVEN)
    write(project / "processes/b.yaml", UNEVEN)
    result = runner.invoke(app, ["scan", "-f", "json"])
    report = json.loads(result.stdout)
    assert [p["file"] for p in report["processes"]] == ["processes/a.yaml", "processes/b.yaml"]
    by_file = [(f["file"], f["code"]) for f in report["findings"]]
    assert ("processes/b.yaml", "VA104") in by_file
    assert ("processes/b.yaml", "VA202") in by_file
    assert ("processes/a.yaml", "VA104") not in by_file


def _in_a_terminal(arguments: list[str], cwd: Path = ROOT, **environment: str) -> str:
    """What the command prints to a real (pseudo-)terminal, 100 columns wide unless
    ``COLUMNS`` says otherwise."""
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"COLUMNS": "100", "TERM": "xterm-256color", **environment})
    process = subprocess.Popen(
        [sys.executable, "-m", "valueaudit", *arguments],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_no_color_in_a_terminal_is_plain_and_none_is_no_alarm():
    styled = _in_a_terminal(["scan", "processes", "-q"])
    assert "\x1b[" in styled
    assert "0 errors, " in styled  # no colour on a count of none
    assert "\x1b[1;31m0 errors" not in styled
    plain = _in_a_terminal(["scan", "processes", "-q"], NO_COLOR="1")
    assert "\x1b" not in plain
    assert "processes/complaint.yaml:6:5 VA203" in plain


LONG_ID = "a-process-identifier-of-seventy-characters-that-goes-on-and-on-and-on-x"
# received: customer 1–3, company 4 -> D = 0.14–0.6, a range like "0.14–0.6"
RANGED = UNEVEN.replace("id: sample", f"id: {LONG_ID}").replace(
    "kind: settlement, value: 1", "kind: settlement, value: [1, 3]"
)


def test_piped_text_is_never_wrapped_cut_or_padded(project: Path):
    write(project / "processes/long.yaml", RANGED)
    shown = runner.invoke(app, ["scan", "--fail-on", "never"]).stdout
    lines = shown.splitlines()
    assert not [line for line in lines if line != line.rstrip()]  # no padding
    header = next(line for line in lines if line.lstrip().startswith("process "))
    assert header.split() == [
        "process",
        "touchpoints",
        "disparity",
        "clarity",
        "favoured",
        "findings",
    ]
    row = next(line for line in lines if line.lstrip().startswith(LONG_ID))
    # VA301, and the customer pays 4 for 1–3: VA204 at the touchpoint, VA205 for the process
    assert row.split() == [LONG_ID, "1", "0.14–0.6", "50%", "company", "3W"]
    detail = runner.invoke(app, ["show", "processes/long.yaml"]).stdout
    assert f"{LONG_ID} — " in detail  # the panel's title is whole, not cut at 80
    assert not [line for line in detail.splitlines() if line != line.rstrip()]


@pytest.mark.parametrize("columns", ["80", "120", "200"])
def test_in_a_terminal_names_fold_and_numbers_stay_whole(project: Path, columns: str):
    write(project / "processes/long.yaml", RANGED)
    shown = _in_a_terminal(["scan", "--fail-on", "never"], project, COLUMNS=columns)
    assert "\x1b" in shown
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    row = next(line for line in plain.splitlines() if line.lstrip().startswith(LONG_ID[:8]))
    assert row.split()[1:] == ["1", "0.14–0.6", "50%", "company", "3W"]
    table = plain[plain.index("Processes") : plain.index("Opportunities")].splitlines()
    assert max(len(line) for line in table) <= int(columns)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["scan", "--fail-on", "bogus"], "'bogus' is not one of 'error', 'warning'"),
        (["scan", "-j", "-1"], "'--jobs' / '-j': must be at least 0"),
        (["scan", "-j", "x"], "'--jobs' / '-j': must be a whole number"),
        (["scan", "--max-processes", "0"], "'--max-processes': must be at least 1"),
        (["explain"], "Missing argument 'code'"),
    ],
)
def test_usage_errors_are_one_style_in_plain_words(arguments: list[str], message: str):
    completed = subprocess.run(
        [sys.executable, "-m", "valueaudit", *arguments], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("valueaudit: error: ")
    assert message in completed.stderr
    assert "Input should" not in completed.stderr and "Value error" not in completed.stderr


def test_a_file_that_breaks_fixes_nothing_in_the_baseline(project: Path):
    write(project / "processes/a.yaml", UNEVEN)
    write(project / "processes/b.yaml", UNEVEN.replace("id: sample", "id: other"))
    assert runner.invoke(app, ["scan", "--write-baseline", "base.json"]).exit_code == 0
    broken = UNEVEN.replace("  - id: pay\n", "  - id: pay\n    next: [nowhere]\n")
    write(project / "processes/a.yaml", broken)
    result = runner.invoke(app, ["scan", "--baseline", "base.json", "-f", "json"])
    summary = json.loads(result.stdout)["summary"]
    assert summary["baseline"]["fixed"] == 0
    assert summary["findings"]["error"] >= 1  # the break itself is new
    text = runner.invoke(app, ["scan", "--baseline", "base.json"]).stdout
    assert "0 findings fixed since the baseline" in text


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("valueaudit scan -f s", ["sarif", "sarif:"]),
        ("valueaudit diff a b -f j", ["json", "json:"]),
        ("valueaudit explain VA20", ["VA201", "VA202", "VA203", "VA204", "VA205", "VA206"]),
        ("valueaudit scan --select VA9", ["VA9", "VA901", "VA902"]),
        ("valueaudit scan --ignore va40", ["va401", "va402", "va403", "va404"]),
    ],
)
def test_shell_completion_of_formats_and_rule_codes(words: str, expected: list[str]):
    env = dict(
        os.environ,
        _VALUEAUDIT_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - 1),
    )
    script = Path(sys.executable).parent / "valueaudit"  # completion keys on the name
    completed = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert completed.stdout.split() == expected, completed.stderr


def test_no_arguments_print_the_help():
    completed = subprocess.run([sys.executable, "-m", "valueaudit"], capture_output=True, text=True)
    assert "Usage:" in completed.stdout + completed.stderr
    assert "valueaudit: error" not in completed.stderr


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "valueaudit"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [["--version"], ["scan", "processes/invoice-payment.yaml"], ["rules"], ["explain", "VA202"]],
    ids=["version", "scan", "rules", "explain"],
)
def test_a_standard_output_that_cannot_be_written_is_one_line_and_exit_2(args: list[str]):
    """Issue 26 item 11: a full disk under `> out.txt` (here /dev/full) ended every
    command in a traceback with exit 1, the "findings" code."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(SCRIPT), *args], stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "valueaudit: cannot write to standard output: No space left on device"
    ]


@pytest.mark.parametrize("args", [["scan", "processes/"], ["rules"], ["report", "processes/"]])
def test_a_standard_output_that_is_not_utf8_gets_every_line(args: list[str]):
    """Issue 26 item 12: redirected to a cp1252 file (Windows), text and Markdown failed at
    the first '–' or '›' and `rules` ended in a traceback. Characters the encoding cannot
    hold are replaced."""
    environment = dict(os.environ, PYTHONIOENCODING="cp1252", NO_COLOR="1")
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, cwd=ROOT, env=environment, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr and b"bug in valueaudit" not in done.stderr
    text = done.stdout.decode("cp1252")
    assert text.count("\n") > 10
