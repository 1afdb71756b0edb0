"""The notebook API: to_dict, DataFrames, short reprs (valueaudit.notebook)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import valueaudit
from valueaudit.cli import app
from valueaudit.findings import Severity
from valueaudit.notebook import AuditResult, MissingPandasError

ROOT = Path(__file__).resolve().parent.parent
PORTFOLIO = ROOT / "tests/data/portfolio"


@pytest.fixture
def result(monkeypatch: pytest.MonkeyPatch) -> AuditResult:
    monkeypatch.chdir(ROOT)
    return valueaudit.audit("processes")


def test_to_dict_is_the_json_document_scan_writes(result: AuditResult):
    written = CliRunner().invoke(app, ["scan", "processes", "-f", "json"]).stdout
    assert result.to_dict() == json.loads(written)
    assert list(result.to_dict()) == [
        "tool", "format_version", "summary", "portfolio", "processes", "findings"
    ]  # fmt: skip


def test_touchpoints_frame_has_a_row_per_touchpoint_and_intervals_as_two_columns(
    result: AuditResult,
):
    frame = result.touchpoints_frame()
    assert len(frame) == sum(len(r.process.touchpoints) for r in result.processes)
    row = frame[(frame.process == "broadband-complaint") & (frame.touchpoint == "remote-diagnosis")]
    # D = [2, 6] for the customer against 1 for the provider: (2-1)/3 to (6-1)/7
    assert row.disparity_low.item() == pytest.approx(1 / 3)
    assert row.disparity_high.item() == pytest.approx(5 / 7)
    assert (row.position.item(), row.practice.item(), row.volume.item()) == (1, "helping", 800)
    # judged with call-support as exchange 'complaint': its findings sit at call-support
    assert row.findings.item() == 0
    survey = frame[frame.touchpoint == "follow-up-survey"]
    assert survey.findings.item() == 3  # VA201, VA202 and VA402
    document = result.to_dict()
    assert frame.findings.sum() == sum(
        1 for f in document["findings"] if f["touchpoint"] is not None
    )


def test_findings_and_parties_frames_match_the_document(result: AuditResult):
    document = result.to_dict()
    findings = result.findings_frame()
    # missing values are pandas' (None or NaN, by dtype): compare them as None
    records = findings.astype(object).where(findings.notna(), None).to_dict("records")
    # the document rounds gains to 4 decimals; the frame keeps them whole
    gains = [
        (r.pop("gain"), f.pop("gain")) for r, f in zip(records, document["findings"], strict=True)
    ]
    assert records == document["findings"]
    assert [mine for mine, _ in gains] == pytest.approx([theirs for _, theirs in gains], abs=1e-4)
    assert list(findings.code[-4:]) == ["VA601", "VA602", "VA601", "VA602"]  # the portfolio's
    parties = result.parties_frame().set_index("party")
    for party in document["portfolio"]["parties"]:
        row = parties.loc[party["id"]]
        received = party["received"]
        low, high = received if isinstance(received, list) else (received, received)
        assert (row.received_low, row.received_high) == pytest.approx((low, high))
        assert (row.losing, row.processes) == (party["losing"], party["processes"])


def test_frames_of_an_interval_party_by_hand(monkeypatch: pytest.MonkeyPatch):
    parties = valueaudit.audit(PORTFOLIO).parties_frame().set_index("party")
    customer = parties.loc["customer"]
    assert (customer.received_low, customer.received_high) == (68, 70)
    assert (customer.given_low, customer.given_high) == (75, 95)
    assert customer.ratio_low == pytest.approx(68 / 95)
    assert customer.ratio_high == pytest.approx(70 / 75)


def test_a_frame_without_pandas_says_how_to_get_it(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an import of a missing one does
    for frame in (result.touchpoints_frame, result.findings_frame, result.parties_frame):
        with pytest.raises(MissingPandasError, match="pip install pandas"):
            frame()
    assert result.to_dict()["summary"]["processes"] == 7  # the rest needs no pandas


def test_a_notebook_shows_short_summaries(result: AuditResult):
    assert repr(result) == (
        "<AuditResult: 7 files, 7 valid processes, 0 errors, 16 warnings, 15 info>"
    )
    summary = result._repr_markdown_()
    assert summary.startswith("**valueaudit**: 7 files, 0 errors, 16 warnings, 15 info")
    assert "| broadband-complaint | 3 | 0.5–0.7 | provider | 6 |" in summary
    assert "| 78,904.11 EUR | VA401 | invoice-payment › payment |" in summary
    # one opportunity per exchange, with the codes behind it (SPEC §4.12)
    assert "| 1,200 pts | VA201 (also VA202, VA402) | broadband-complaint › follow-up-survey |" in (
        summary
    )
    process = result.processes[0].process
    assert repr(process) == (
        "Process(id='broadband-complaint', parties=['subscriber', 'provider'], touchpoints=3)"
    )
    assert "| Technician runs a line test | helping |" in process._repr_markdown_()
    assert repr(process.touchpoints[0]) == "Touchpoint(id='call-support', flows=3)"
    assert repr(result.files[0]) == (
        "FileResult('processes/complaint.yaml', process='broadband-complaint', findings=6)"
    )


def test_severity_is_a_string():
    assert Severity.WARNING == "warning" and f"{Severity.INFO}" == "info"
    assert json.dumps({"severity": Severity.ERROR}) == '{"severity": "error"}'
    assert sorted(Severity, key=lambda s: s.rank) == [
        Severity.INFO,
        Severity.WARNING,
        Severity.ERROR,
    ]


def test_the_readme_api_example_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch):
    import contextlib
    import io
    import re

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    found = re.search(
        r"```python\n(?P<code>.*?)```\n\nprints\n\n```text\n(?P<out>.*?)```", section, re.S
    )
    assert found is not None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(found["code"], "README.md", "exec"), {})
    assert printed.getvalue() == found["out"]
    assert valueaudit.Severity is Severity and valueaudit.AuditResult is AuditResult


@pytest.mark.parametrize("frame", ["touchpoints_frame", "findings_frame", "parties_frame"])
def test_frames_load_in_polars_as_in_pandas(result: AuditResult, frame: str):
    """Every value is a plain number or text (an interval as _low and _high columns),
    so polars builds the same table pandas does, without pyarrow."""
    import polars

    pandas_frame = getattr(result, frame)()
    polars_frame = getattr(result, frame)(library="polars")
    assert isinstance(polars_frame, polars.DataFrame)
    assert polars_frame.columns == list(pandas_frame.columns)
    assert polars_frame.height == len(pandas_frame)
    for column in pandas_frame.columns:
        values = pandas_frame[column].tolist()
        assert not any(isinstance(v, list | dict | tuple) for v in values), column
        plain = [None if v != v else v for v in values]  # pandas' NaN is polars' null
        assert polars_frame[column].to_list() == plain, column


def test_a_frame_library_must_be_one_valueaudit_knows(result: AuditResult):
    with pytest.raises(ValueError, match="pandas, polars"):
        result.findings_frame(library="spark")
