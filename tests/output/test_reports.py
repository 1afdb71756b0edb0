"""The Markdown report, its escaping, and diff."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.output import Options, markdown, render
from valueaudit.output.diagrams import mermaid
from valueaudit.output.markdown import md
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests/e2e/hostile.yaml"
runner = CliRunner()


def readable(markdown_text: str) -> str:
    """The report as it reads: without the word joiners and no-break spaces that keep
    each table value on one line (tested in test_table_values_stay_on_one_line)."""
    return markdown_text.replace("\u2060", "").replace("\u00a0", " ")


def report_for(*paths: Path, options: Options | None = None) -> str:
    scan = audit_files(discover(list(paths)), Settings())
    return readable(render("markdown", scan, options or Options(Settings())))


def test_report_structure():
    text = report_for(ROOT / "processes")
    assert text.startswith("# valueaudit report\n")
    # Decisions first, then the portfolio, then the processes (SPEC §7 rev. 3)
    order = [text.index(h) for h in ("## Decisions", "## Portfolio", "## Summary", "## broadband")]
    assert order == sorted(order) and text.index("## Decisions") == text.index("\n## ") + 1
    assert "### Top opportunities" not in text  # the Decisions say it once
    assert text.count("```mermaid\nsequenceDiagram") == 7
    assert text.count("```mermaid\npie") == 7
    assert "## invoice-payment: Invoice payment" in text
    # paid for goods delivered at 'delivery' (one exchange, even): only the early payment
    row = "| 3 | payment | billing | charging | bank transfer | 0.6 | unclassified |"
    assert f"{row} VA401 |" in text
    assert "| 3 | payment | 2 | 8 |" in text  # what customer and company receive there
    assert "p0->>p1: payment #40;8#41;" in text
    assert "## Rules that fired" in text and "| VA401 | early-payment |" in text
    # the first decision in money is the early payment: 1,200 × 65.75, for both parties
    decisions = text.split("## Decisions")[1].split("\n## ")[0]
    money = decisions.split("**In EUR**")[1].strip().splitlines()[0]
    assert money.startswith("1. **invoice-payment › payment**: Offer Business customer")
    assert "Helps Acme Ltd and Business customer. 78,904.11 EUR a period (VA401)" in money
    assert "rests on assumptions" in money  # no evidence is given in the examples
    assert "1. **mortgage-application › application**" in decisions  # the points' first
    row = "| 1 | 78,904.11 EUR | VA401 early-payment | payment | assumed |"
    assert row in text  # its process's section
    # each finding once in a process's section: behind an opportunity, or among the rest
    complaint = text.split("## broadband-complaint")[1].split("\n## ")[0]
    assert complaint.count("one-sided exchange at 'follow-up-survey'") == 1


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_hostile_names_cannot_break_tables_html_or_diagrams():
    text = report_for(HOSTILE)
    # every table row keeps its column count: no unescaped pipe
    for block in re.split(r"\n\n", text):
        rows = _table_rows(block)
        if rows:
            widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(widths) == 1, block
    # no raw HTML tag survives outside code
    outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    assert not re.search(r"<\s*(script|img|b|iframe)", outside_code, re.IGNORECASE)
    assert "&lt;script&gt;" in outside_code
    # diagrams: only safe characters, no bare keyword, one statement per line
    blocks = re.findall(r"```mermaid\n(.*?)```", text, flags=re.DOTALL)
    kinds = {block.split("\n", 1)[0] for block in blocks}
    assert {"sequenceDiagram", "pie", "sankey-beta", "quadrantChart"} <= kinds
    for block in blocks:
        kind, *lines = block.splitlines()
        for line in lines:
            if kind == "sankey-beta":  # CSV: two quoted names and a number
                assert re.fullmatch(r'"[A-Za-z0-9 .\'&/()-]+","[A-Za-z0-9 .\'&/()-]+",[\d.]+', line)
                continue
            if kind == "quadrantChart" and line.endswith("]"):  # a point: name: [x, y]
                assert re.fullmatch(r'    "[A-Za-z0-9 .\'&/()-]+": \[[\d.]+, [\d.]+\]', line), line
                continue
            if kind == "quadrantChart" and "-->" in line:
                continue  # an axis, which the report writes itself
            if kind == "sequenceDiagram" and (
                line == "    end" or line.startswith("    rect rgba(")
            ):
                continue  # a touchpoint's band opens and closes
            label = line.split(":", 1)[1] if ":" in line else line.split(" as ", 1)[-1]
            label = re.sub(r"#\d+;", "", label)  # Mermaid entity codes are the escapes
            assert not re.search(r"[\"`<>;|\[\]{}%]", label.replace('"', "", 2)), line
            assert not re.search(r"\bend\b", label, re.IGNORECASE), line


def test_escaping_helpers():
    assert md("a | b") == "a \\| b"
    assert md("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert md("line\nbreak") == "line break"
    assert md("*bold* `code` [x](y) $x$") == "\\*bold\\* \\`code\\` \\[x\\](y) \\$x\\$"
    # only what would change the rendering: readable source for ids, ranges and sums
    assert md("follow_up (−0.35) 400–480 #2 a+b") == "follow_up (−0.35) 400–480 #2 a+b"
    assert md("_x_ ~~y~~") == "\\_x\\_ \\~\\~y\\~\\~"
    assert [md(t) for t in ("# h", "- i", "+ i", "1. i", "12) i")] == [
        "\\# h", "\\- i", "\\+ i", "1\\. i", "12\\) i"
    ]  # fmt: skip
    assert [md(t) for t in ("0.6", "#2", "-5", "1.5–2")] == ["0.6", "#2", "-5", "1.5–2"]
    assert mermaid("a;b") == "a#59;b"
    assert mermaid('say "hi"') == "say #34;hi#34;"
    assert mermaid("the end") == "the #101;nd"
    assert mermaid("Ünï 🙂") == "#220;n#239; #128578;"


def test_unicode_names_survive_into_the_report():
    text = report_for(HOSTILE)
    assert "Ünïcødé 🙂 שלום e\u0301" in text


def test_report_is_truncated_gracefully(monkeypatch):
    monkeypatch.setattr(markdown, "MAX_BYTES", 16_000)
    text = report_for(ROOT / "processes")
    assert len(text.encode()) <= 16_000
    assert "**Report truncated:**" in text
    assert "## Rules that fired" in text


def test_report_command_writes_a_file(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    target = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "processes/", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("# valueaudit report")
    result = runner.invoke(app, ["scan", "processes/", "-q", "-f", f"markdown:{target}"])
    assert target.read_text().startswith("# valueaudit report")


def test_unreadable_files_are_listed(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("valueaudit: [\n")
    scan = audit_files([(tmp_path / "bad.yaml", "bad.yaml")], Settings())
    text = render("markdown", scan, Options(Settings()))
    assert "## Files that could not be audited" in text
    assert "| bad.yaml | 2:1 | VA101 |" in text


# --- diff ------------------------------------------------------------------------

AS_IS = ROOT / "processes/restaurant-dinner.yaml"
TO_BE = ROOT / "examples/restaurant-to-be.yaml"


def test_diff_as_is_to_be_json():
    result = runner.invoke(app, ["diff", str(AS_IS), str(TO_BE), "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["kind"] == "diff"
    assert document["summary"]["processes"]["changed"] == 1
    [process] = document["processes"]
    # as-is, by exchange (equal volumes): welcome 0; ordering (2 − 1) / 3; the meal
    # (courses and bill): guests [5, 7] + 1 against 8, so [0, 2/14]
    assert process["disparity"]["old"] == [
        round((0 + 1 / 3 + 0) / 3, 4),
        round((0 + 1 / 3 + 2 / 14) / 3, 4),
    ]
    ordering = next(t for t in process["touchpoints"] if t["id"] == "ordering")
    assert ordering["praxis"] == {
        "old": "reinforcing-co-destruction",
        "new": "reinforcing-co-creation",
    }
    assert ordering["received"]["guests"] == {"old": 1, "new": 5}
    fixed = {(f["code"], f["touchpoint"]) for f in document["fixed"]}
    assert ("VA502", "ordering") in fixed and ("VA204", "ordering") in fixed
    # guests: net −80 to 0 (40 × ([5, 7] + 1 + 3 + 1 − 8 − 4)) → 40 × ([6, 8] + 4 + 5 + 4 − 8)
    assert process["net"]["guests"] == {"old": [-80, 0], "new": [440, 520]}
    assert document["worse_off"] == []
    assert all(f["code"] != "VA502" for f in document["introduced"])


def test_diff_text_and_markdown():
    result = runner.invoke(app, ["diff", str(AS_IS), str(TO_BE)])
    assert "ordering: disparity 0.33 → 0.25 (−0.08, more even)" in result.stdout
    assert "praxis reinforcing-co-destruction → reinforcing-co-creation" in result.stdout
    assert "net: guests -80 to 0 → 440–520 (+520) ✅; restaurant 520 → 720 (+200) ✅" in (
        result.stdout
    )
    assert "3 findings fixed, 1 introduced" in " ".join(result.stdout.split())
    result = runner.invoke(app, ["diff", str(AS_IS), str(TO_BE), "-f", "markdown"])
    assert result.stdout.startswith("# valueaudit diff")
    assert "## findings fixed" in result.stdout


def test_diff_folders_added_removed_and_regressions(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "processes", old)
    shutil.copytree(ROOT / "processes", new)
    (new / "complaint.yaml").unlink()
    shutil.copy(ROOT / "tests/e2e/hostile.yaml", new / "hostile.yaml")
    payment = new / "invoice-payment.yaml"
    payment.write_text(
        payment.read_text()
        .replace("to: custmer", "to: customer")
        .replace("kind: settlement,\n         value: 2}", "kind: settlement}")
    )
    result = runner.invoke(app, ["diff", str(old), str(new), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["processes_added"] == ["hostile-names"]
    assert document["processes_removed"] == ["broadband-complaint"]
    introduced = {(f["code"], f["process"]) for f in document["introduced"]}
    assert ("VA301", "invoice-payment") in introduced
    assert result.exit_code == 0  # warnings only
    assert runner.invoke(app, ["diff", str(old), str(new), "--fail-on", "warning"]).exit_code == 1


def test_diff_identical_inputs_changes_nothing():
    result = runner.invoke(app, ["diff", str(AS_IS), str(AS_IS), "-f", "json"])
    document = json.loads(result.stdout)
    summary = document["summary"]
    assert summary["processes"] == {
        "changed": 0,
        "unchanged": 1,
        "added": 0,
        "removed": 0,
        "invalid": 0,
    }
    assert summary["findings"] == {"fixed": 0, "introduced": 0, "unchecked": 0, "worse_off": 0}
    for party in summary["parties"]:  # the same before and after
        assert party["received"]["old"] == party["received"]["new"]
        assert party["net"]["old"] == party["net"]["new"]


@pytest.mark.parametrize(
    ("breakage", "error"),
    [
        (lambda text: text.replace("    practice: ", "    practise: ", 1), "VA102"),
        (lambda text: "valueaudit: 1\nid: [restaurant\n", "VA101"),  # no id to match by
    ],
    ids=["misspelled-key", "unreadable"],
)
def test_diff_against_a_broken_file_fixes_nothing(tmp_path: Path, breakage, error):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        shutil.copy(AS_IS, folder / AS_IS.name)
    broken = new / AS_IS.name
    broken.write_text(breakage(broken.read_text()))
    before = runner.invoke(app, ["scan", str(old), "-f", "json"])
    recorded = len(json.loads(before.stdout)["findings"])
    result = runner.invoke(app, ["diff", str(old), str(new), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["fixed"] == [] and document["processes_removed"] == []
    [invalid] = document["processes_invalid"]
    assert invalid["id"] == "restaurant-dinner"
    assert invalid["error"]["code"] == error
    assert invalid["unchecked"] == recorded
    assert [f["code"] for f in document["introduced"]] == [error] * len(document["introduced"])
    assert document["summary"]["processes"]["invalid"] == 1
    assert result.exit_code == 1  # the break is an error, introduced
    text = runner.invoke(app, ["diff", str(old), str(new)]).stdout
    line = invalid["error"]
    assert f"restaurant-dinner now invalid ({error} at {line['file']}:{line['line']}:" in text
    assert "0 findings fixed" in text and f"{recorded} not checked (invalid now)" in text


@pytest.mark.parametrize("args", [["nope", str(TO_BE)], [str(AS_IS), str(TO_BE), "-f", "sarif"]])
def test_diff_usage_errors(args):
    assert runner.invoke(app, ["diff", *args]).exit_code == 2


def test_opportunities_move_something():
    """A finding whose gain is 0 (a flow without a value at an even touchpoint) stays a
    finding, but is not ranked among the opportunities."""
    prospect = str(ROOT / "processes/prospect-query.yaml")
    findings = json.loads(runner.invoke(app, ["scan", prospect, "-f", "json"]).stdout)["findings"]
    assert any(f["gain"] == 0 for f in findings)
    text = runner.invoke(app, ["scan", prospect]).stdout
    ranked = text[text.index("Opportunities") :]
    assert " 0.00 " not in ranked and "VA302" in ranked
    report = runner.invoke(app, ["report", prospect]).stdout
    rows = [line for line in report.splitlines() if line.startswith("| ") and " VA3" in line]
    assert rows and not [row for row in rows if row.split(" | ")[1] == "0"]


def test_sequence_diagrams_mark_the_touchpoints_with_problems():
    text = report_for(ROOT / "processes/complaint.yaml")
    diagram = text.split("```mermaid\nsequenceDiagram\n", 1)[1].split("```", 1)[0]
    legend = text.split("```mermaid\nsequenceDiagram", 1)[0].rsplit("\n\n", 2)[-2]
    assert legend == (
        "Numbers on the arrows are the value to the receiver, on this process's scale of "
        "0–10; shaded touchpoints have warnings."
    )
    # call-support has VA202 (a warning): a band, its note with D and the favoured party
    band = diagram.split("    rect rgba(255, 99, 71, 0.15)\n", 1)[1].split("    end\n", 1)[0]
    assert band.startswith(
        "    Note over p0,p1: call-support #40;exchange complaint#41;#58; D 0.71, "
        "favours Telecom provider"
    )
    assert "p0->>p1: description of the outages #40;6#41;" in band
    assert diagram.count("    rect ") == 2  # call-support (VA502) and follow-up-survey


def test_diff_markdown_is_a_before_after_table_per_process():
    report = readable(runner.invoke(app, ["diff", str(AS_IS), str(TO_BE), "-f", "markdown"]).stdout)
    section = report.split("## process restaurant-dinner", 1)[1].split("## findings fixed")[0]
    assert "- disparity 0.11–0.16 → 0.13–0.16 (+0.01, less even); clarity 86% → 88%" in section
    # only a party's net is marked better or worse (SPEC §4.13)
    assert "- net: guests -80 to 0 → 440–520 (+520) ✅; restaurant 520 → 720 (+200) ✅" in section
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows[0] == "| touchpoint | as-is | to-be | change | praxis |"
    assert (
        "| ordering | 0.33 | 0.25 | −0.08 (more even) | reinforcing-co-destruction → "
        "reinforcing-co-creation |" in rows
    )
    assert "| welcome | 0 | 0.14 | +0.14 (less even) | reinforcing-co-creation |" in rows
    assert (
        "| courses | 1 | 0.2–0.33 | −0.73 (more even) | unclassified → reinforcing-co-creation |"
        in rows
    )
    assert "✅" not in "\n".join(rows) and "⚠️" not in "\n".join(rows)


def test_diff_markdown_lists_touchpoints_added_and_removed(tmp_path: Path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    source = AS_IS.read_text(encoding="utf-8")
    old.write_text(source, encoding="utf-8")
    new.write_text(source.replace("id: bill", "id: pay-at-table"), encoding="utf-8")
    report = readable(runner.invoke(app, ["diff", str(old), str(new), "-f", "markdown"]).stdout)
    assert "| pay-at-table | – | 0.78 | added | – |" in report
    assert "| bill | 0.78 | – | removed | – |" in report
    assert "3 more touchpoints unchanged." in report


def test_table_values_stay_on_one_line():
    from valueaudit.output.markdown import unbroken

    joiner = "\u2060"
    assert unbroken("2,750–3,500") == f"2,750–{joiner}3,500"
    assert unbroken("follow-up-survey") == f"follow-{joiner}up-{joiner}survey"
    assert unbroken("🟠 warning") == "🟠\u00a0warning"
    assert unbroken("a sentence, with - dashes") == "a sentence, with - dashes"
    text = render(
        "markdown",
        audit_files(discover([ROOT / "processes"]), Settings()),
        Options(Settings()),
    )
    assert f"| applicants | customer | 2,750–{joiner}3,500 |" in text
    assert "| --- | --- |" in text  # the alignment rows are left alone


def test_the_whole_report_stays_under_the_limit_whatever_the_names(tmp_path: Path):
    """Every part of the report repeats user text (the decisions, the portfolio's tables
    and diagrams, the summary, the sections, the files that could not be audited): with
    names of 40,000 characters, of ampersands that escape to five bytes each, and more
    processes and unreadable files than fit, it stays under 1 MiB, and each long name is
    shown by its start and its end."""
    long = "&" * 40_000
    for k in range(30):
        text = f"""\
valueaudit: 1
id: p{k}
name: "{long} title {k}"
parties:
  customer: {{role: customer, name: "{long} customer {k}"}}
  company: {{role: provider, name: "{long} company {k}"}}
touchpoints:
  - id: pay
    name: "{long} touchpoint"
    channel: "{long} channel {k}"
    stage: "{long} stage {k}"
    flows:
      - {{from: customer, to: company, gives: "{long} money", kind: money, value: 9}}
      - {{from: company, to: customer, gives: "{long} goods", kind: product, value: 1}}
"""
        (tmp_path / f"p{k:02}.yaml").write_text(text, encoding="utf-8")
    deep = tmp_path / ("d" * 200) / ("e" * 200) / ("f" * 200)
    deep.mkdir(parents=True)
    for k in range(400):
        (deep / f"{'&' * 200}{k:03}.yaml").write_text(f"id: [{long}\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "report",
            str(tmp_path),
            "--max-processes",
            "10000",
            "--fail-on",
            "never",
            "-o",
            str(tmp_path / "r.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert len(report.encode()) <= markdown.MAX_BYTES
    for part in ("## Portfolio", "## Summary", "## Files that could not be audited"):
        assert part in report, part
    assert re.search(r'"&{58} … &{47} customer 0 gives"', report)  # the Sankey's node
