"""VA103-VA106 and VA108, at their exact positions, and where they must not fire."""

from __future__ import annotations

import pytest

from conftest import BASE, codes

pytestmark = pytest.mark.rules("VA1")


PAY = """\
  - id: pay
    flows:
      - {from: customer, to: company, gives: money, kind: money, value: 5}
      - {from: company, to: customer, gives: receipt, kind: settlement, value: 5}
"""


def tp(name: str, extra: str = "") -> str:
    return PAY.replace("id: pay", f"id: {name}").replace("    flows:\n", extra + "    flows:\n")


def test_clean_chain_has_no_structure_findings(audit):
    assert audit(BASE + tp("a") + tp("b")).findings == ()


def test_unknown_party_in_from_to_and_initiator(audit):
    text = BASE + (
        "  - id: pay\n"
        "    initiator: client\n"
        "    flows:\n"
        "      - {from: custmer, to: company, gives: money, kind: money, value: 5}\n"
        "      - {from: company, to: customr, gives: receipt, kind: settlement, value: 5}\n"
    )
    result = audit(text)
    assert [(f.code, f.line, f.column) for f in result.findings] == [
        ("VA103", 8, 16),
        ("VA103", 10, 16),
        ("VA103", 11, 29),
    ]
    assert "did you mean 'customer'?" in result.findings[1].message
    assert result.findings[1].path == "touchpoints[0].flows[0].from"
    assert result.processes == []  # a broken chain is not scored


def test_duplicate_touchpoint_id_at_the_second_id(audit):
    result = audit(BASE + tp("pay") + tp("pay"))
    [finding] = result.findings
    assert (finding.code, finding.line, finding.column) == ("VA104", 11, 9)
    assert "touchpoints[0]" in finding.message


def test_duplicate_process_id_across_files(tmp_path):
    from valueaudit.scan import audit_files
    from valueaudit.settings import Settings

    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(BASE + tp("pay"))
    files = [(tmp_path / "b.yaml", "b.yaml"), (tmp_path / "a.yaml", "a.yaml")]
    [finding] = audit_files(files, Settings(select=("VA1",))).findings
    assert (finding.code, finding.file, finding.line, finding.column) == ("VA104", "b.yaml", 2, 5)
    assert "a.yaml" in finding.message


def test_next_must_name_a_touchpoint(audit):
    result = audit(BASE + tp("a", "    next: [b, paymnet]\n") + tp("b"))
    [finding] = result.findings
    assert (finding.code, finding.line, finding.column) == ("VA105", 8, 15)
    assert finding.path == "touchpoints[0].next[1]"


def test_next_as_a_single_unknown_id(audit):
    [finding] = audit(BASE + tp("a", "    next: zzz\n") + tp("b")).findings
    assert (finding.code, finding.line, finding.column) == ("VA105", 8, 11)


def test_unreachable_touchpoint(audit):
    text = BASE + tp("a", "    next: [c]\n") + tp("b") + tp("c")
    [finding] = audit(text).findings
    assert (finding.code, finding.line, finding.column) == ("VA106", 12, 5)
    assert finding.touchpoint == "b"


def test_last_touchpoint_ends_the_chain_and_loops_are_fine(audit):
    text = BASE + tp("a") + tp("b", "    next: [a]\n")
    assert audit(text).findings == ()
    text = BASE + tp("a", "    next: []\n") + tp("b")
    assert codes(audit(text).findings) == ["VA106"]


def test_touchpoint_without_flows(audit):
    text = BASE + "  - id: hello\n    practice: greeting\n  - id: empty\n    flows: []\n"
    findings = audit(text).findings
    assert [(f.code, f.line, f.column) for f in findings] == [("VA108", 7, 5), ("VA108", 10, 12)]


def test_warnings_keep_the_process_scored(audit):
    result = audit(BASE + tp("a", "    next: [a]\n") + tp("b"))
    assert codes(result.findings) == ["VA106"]
    assert [p.process.id for p in result.processes] == ["sample"]
