"""Sentences about parties: names, and verbs that agree with them (valueaudit.wording)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.wording import is_plural, it_or_them, pronoun, says, verb


def test_plural_names_are_guessed_from_the_last_word():
    plural = ["Applicants", "Two business partners", "Guests", "parents"]
    singular = ["Applicant couple", "Acme Ltd", "Business", "Campus", "Home customer", "bus"]
    assert [is_plural(n) for n in plural] == [True] * len(plural)
    assert [is_plural(n) for n in singular] == [False] * len(singular)


def test_verbs_and_pronouns_agree():
    assert says("Applicants", "gives") == "Applicants give"
    assert says("Acme Ltd", "gives") == "Acme Ltd gives"
    assert [verb("Guests", v) for v in ("receives", "has", "is", "does")] == [
        "receive", "have", "are", "do"
    ]  # fmt: skip
    assert (pronoun("Guests", "its"), pronoun("Guest", "its")) == ("their", "its")
    assert (it_or_them("Guests"), it_or_them("Guest")) == ("them", "it")


def test_rule_messages_use_names_that_agree(tmp_path: Path):
    (tmp_path / "p.yaml").write_text(
        "valueaudit: 1\nid: p\nparties:\n"
        "  applicants: {name: Applicants, role: customer}\n"
        "  bank: {name: Retail bank, role: provider}\n"
        "touchpoints:\n  - id: upload\n    flows:\n"
        "      - {from: applicants, to: bank, gives: documents, kind: information, value: 7}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "-f", "json"])
    by_code = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    assert by_code["VA201"]["message"] == (
        "one-sided exchange at 'upload': Applicants give 'documents' but receive nothing"
    )
    assert (
        "favours Retail bank (received: Applicants 0, Retail bank 7;"
        in (by_code["VA202"]["message"])
    )
    assert by_code["VA202"]["suggestion"].startswith("Give Applicants about 3.5 more value")
    assert "or ask less of them" in by_code["VA202"]["suggestion"]
    portfolio = by_code["VA601"]["message"]
    assert "Applicants get back 0 for each unit of value they give" in portfolio
    assert "and receive the least at 1 of their 1 exchanges (100%)" in portfolio
    assert "`" not in "".join(f["suggestion"] or "" for f in by_code.values())
