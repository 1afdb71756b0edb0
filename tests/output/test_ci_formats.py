"""CI outputs: SARIF, GitHub commands, JUnit, GitLab Code Quality; determinism."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.output import Options, github, render
from valueaudit.rules import RULES
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "data/sarif-schema-2.1.0.json").read_text())
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    (tmp_path / "processes/broken.yaml").write_text("valueaudit: 1\nid: Broken, Id\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str) -> str:
    result = runner.invoke(app, ["scan", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_sarif_is_valid_and_complete(project: Path):
    log = json.loads(scan("-f", "sarif"))
    jsonschema.validate(log, SARIF_SCHEMA)
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("valueaudit", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for descriptor in driver["rules"]:
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"] and "```yaml" in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert descriptor["helpUri"].endswith("#rules")
    assert run["automationDetails"]["id"] == "valueaudit/"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]
    results = run["results"]
    assert results
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("processes/")
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["valueaudit/v1"]
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
    regions = [
        r["locations"][0]["physicalLocation"]["region"] for r in results if r["ruleId"] == "VA102"
    ]
    assert {"startLine": 2, "startColumn": 5} in regions  # the bad id
    assert {r["level"] for r in results if r["ruleId"] == "VA102"} == {"error"}


def test_sarif_fingerprints_survive_moved_lines(project: Path):
    before = json.loads(scan("-f", "sarif"))["runs"][0]["results"]
    path = project / "processes/invoice-payment.yaml"
    path.write_text("# a new comment\n# and another\n" + path.read_text())
    after = json.loads(scan("-f", "sarif"))["runs"][0]["results"]

    def prints(results: list[dict]) -> dict[str, int]:
        return {
            r["partialFingerprints"]["valueaudit/v1"]: r["locations"][0]["physicalLocation"][
                "region"
            ]["startLine"]
            for r in results
        }

    old, new = prints(before), prints(after)
    assert old.keys() == new.keys()
    moved = [fp for fp in old if old[fp] != new[fp]]
    assert moved and all(new[fp] == old[fp] + 2 for fp in moved)
    assert len(old) == len(before)  # unique


def test_github_commands_and_escaping(project: Path):
    out = scan("-f", "github")
    lines = out.splitlines()
    assert any(
        line.startswith("::error file=processes/broken.yaml,line=2,col=5,title=VA102 ")
        for line in lines
    )
    assert any(line.startswith("::warning file=processes/complaint.yaml,") for line in lines)
    assert any(line.startswith("::notice ") for line in lines)
    assert github.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_is_the_default_on_github_actions(project: Path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert scan().startswith("::")
    assert scan("-f", "text").startswith("processes/")


def test_junit_suites_cases_and_failures(project: Path):
    root = ET.fromstring(scan("-f", "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    # a suite per file, and one for the portfolio's findings placed in mortgage-application
    assert len(suites) == int(root.get("tests")) == 10
    names = {s.get("name"): s for s in suites}
    across = names["processes/mortgage-application.yaml (portfolio)"].find("testcase")
    assert across.get("name") == "portfolio"
    # VA601 is a warning (the applicants' net across the portfolio is below 0; the
    # valuer receives least in its one, uneven exchange): a failure; VA602 is info: no
    # failure of its own, the finding in system-out
    failure = across.find("failure")
    assert failure.get("type") == "VA601"
    assert failure.get("message") == "2 findings: 2 warnings"
    assert "VA602" in across.find("system-out").text
    broken = names["processes/broken.yaml"].find("testcase")
    assert broken.get("name") == "processes/broken.yaml"
    failure = broken.find("failure")
    assert failure.get("type") == "VA102"
    assert "processes/broken.yaml:2:5 VA102" in failure.text
    case = names["processes/complaint.yaml"].find("testcase")
    assert case.get("name") == "broadband-complaint"
    # a warning is a failure in the report whatever --fail-on says (SPEC §7)
    assert "VA201" in case.find("failure").text
    failures = case.find("failure").text.splitlines()
    noun = "finding" if len(failures) == 1 else "findings"
    assert case.find("failure").get("message").startswith(f"{len(failures)} {noun}: ")
    for fail_on in ("never", "error", "warning"):
        root = ET.fromstring(scan("-f", "junit", "--fail-on", fail_on))
        # complaint, gp-appointment, mortgage, prospect, restaurant, broken and the two
        # portfolio suites (VA601); invoice-payment and online-purchase have info only
        assert int(root.get("failures")) == 8


def test_junit_reads_in_a_well_kept_parser(project: Path, tmp_path: Path):
    """junitparser reads JUnit as GitLab's and Jenkins' parsers do: suites, cases,
    failures with their type and message, and the info findings in system-out."""
    from junitparser import Failure, JUnitXml

    report = tmp_path / "report.xml"
    scan("-f", f"junit:{report}", "--fail-on", "never")
    findings = json.loads(scan("-f", "json"))["findings"]
    suites = list(JUnitXml.fromfile(str(report)))

    def suite_of(finding: dict[str, str]) -> str:  # the portfolio's findings come last
        across = finding["code"] in ("VA601", "VA602")
        return f"{finding['file']} (portfolio)" if across else finding["file"]

    names = {suite_of(f) for f in findings}
    across = sorted(n for n in names if n.endswith(" (portfolio)"))
    assert [suite.name for suite in suites] == sorted(names - set(across)) + across
    for suite in suites:
        (case,) = list(suite)
        mine = [f for f in findings if suite_of(f) == suite.name]
        failing = [f for f in mine if f["severity"] in ("error", "warning")]
        results = [r for r in case.result if isinstance(r, Failure)]
        assert len(results) == (1 if failing else 0) == suite.failures
        if failing:
            assert results[0].type == failing[0]["code"]
            assert results[0].text.count("\n") + 1 == len(failing)
        infos = [f for f in mine if f["severity"] == "info"]
        assert (case.system_out or "").count(" VA") == len(infos)
        # Jenkins splits a classname at its last dot: none is left; GitLab reads `file`
        file = suite.name.removesuffix(" (portfolio)")
        assert case.classname == file.removesuffix(".yaml") and "." not in case.classname
        assert case._elem.get("file") == file


def test_gitlab_code_quality(project: Path):
    issues = json.loads(scan("-f", "gitlab"))
    assert issues
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    for issue in issues:
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["check_name"] in RULES
        assert issue["location"]["path"].startswith("processes/")
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["description"]
    by_code = {i["check_name"]: i["severity"] for i in issues}
    assert (by_code["VA102"], by_code["VA202"], by_code["VA302"]) == ("critical", "major", "info")


def test_several_formats_in_one_run(project: Path):
    result = runner.invoke(
        app,
        [
            "scan",
            "-f",
            "text",
            "-f",
            "sarif:out/a.sarif",
            "-f",
            "junit:out/j.xml",
            "-f",
            "gitlab:out/g.json",
            "-f",
            "github:out/gh.txt",
            "-f",
            "json:out/r.json",
        ],
    )
    assert result.exit_code == 1
    assert "Processes" in result.stdout
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        "a.sarif",
        "g.json",
        "gh.txt",
        "j.xml",
        "r.json",
    ]


def test_output_replaces_a_file_atomically(project: Path):
    target = project / "r.json"
    target.write_text("old")
    scan("-f", "json:r.json")
    assert json.loads(target.read_text())["format_version"] == 1
    assert [p.name for p in project.iterdir() if p.name.startswith(".r.json")] == []


def test_render_covers_every_format():
    result = audit_files(discover([ROOT / "processes"]), Settings())
    for name in ("text", "json", "sarif", "github", "junit", "gitlab"):
        assert render(name, result, Options(Settings()))


def test_junit_counts_agree_in_number(tmp_path: Path):
    process = BASE + (
        "  - id: pay\n    practice: charging\n    flows:\n"
        "      - {from: customer, to: company, gives: fee, kind: money, value: 4}\n"
    )
    (tmp_path / "p.yaml").write_text(process)

    def message(*options: str) -> str:
        result = runner.invoke(app, ["scan", str(tmp_path), "-f", "junit", *options])
        failure = ET.fromstring(result.stdout).find("testsuite/testcase/failure")
        assert failure is not None, result.stdout
        return failure.get("message")

    # VA201, VA202 and VA203, and the fee costs the customer 4 for nothing: VA204, VA205
    assert message() == "5 findings: 5 warnings"
    assert message("--select", "VA201") == "1 finding: 1 warning"


def test_github_shows_the_best_of_each_level_and_says_where_the_rest_are(project: Path):
    lines = scan("-f", "github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    levels = [line.split(" ", 1)[0] for line in commands]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index)
    assert levels.count("::warning") == 10
    assert levels.count("::notice") == 10  # nine findings and the closing notice
    counts = json.loads(scan("-f", "json"))["summary"]["findings"]
    assert commands[-1].startswith(
        f"::notice title=valueaudit::valueaudit: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} info in 8 files"
    )
    # the log and SARIF have every finding; the job summary may be cut to its size limit
    assert "the log above lists every one" in commands[-1]
    assert "job summary (-f markdown) has" not in commands[-1]
    report = json.loads(scan("-f", "json"))
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    best = sorted(warnings, key=lambda f: -(f.get("gain") or 0))[:10]
    shown = [line for line in commands if line.startswith("::warning")]
    assert all(
        f"file={f['file']},line={f['line']}," in line for f, line in zip(best, shown, strict=True)
    )
    plain = lines[lines.index("All findings:") + 1 : -1]
    assert len(plain) == len(report["findings"])


def test_github_without_crowding_has_no_closing_notice(tmp_path: Path):
    (tmp_path / "p.yaml").write_text((ROOT / "processes" / "invoice-payment.yaml").read_text())
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "github"])
    assert all(line.startswith("::") for line in result.stdout.splitlines())
    assert "title=valueaudit::" not in result.stdout


@pytest.mark.parametrize(
    ("file", "classname"),
    [
        ("processes/x.yaml", "processes/x"),
        ("processes/x.yml", "processes/x"),
        ("v1.2/team.b/x.yaml", "v1_2/team_b/x"),
        ("noext", "noext"),
    ],
)
def test_a_junit_classname_has_no_dot_for_jenkins_to_split(file: str, classname: str):
    from valueaudit.output.junit import class_name

    assert class_name(file) == classname
