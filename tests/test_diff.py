"""``diff``: who is better or worse off (SPEC §4.13), on e3value's fraud scenario in
miniature: the money flows become more even while the trusted provider's net falls."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from valueaudit.cli import app

runner = CliRunner()

AS_IS = """\
valueaudit: 1
id: identity-check
volume: 10
parties:
  bank: {name: Retail bank, role: customer}
  provider: {name: Trusted provider, role: provider}
touchpoints:
  - id: check
    flows:
      - {from: bank, to: provider, gives: fee, kind: money, value: 5}
      - {from: provider, to: bank, gives: identity check, kind: service, value: 9, cost: 6.5}
"""
#: to-be: the bank pays less and the flows are more even, but the provider's work costs
#: it more than the fee: its net falls from 10 × (5 − 6.5) = −15 to 10 × (4 − 7.5) = −35
TO_BE = AS_IS.replace("value: 5}", "value: 4}").replace(
    "value: 9, cost: 6.5}", "value: 5, cost: 7.5}"
)


def _diff(tmp_path: Path, old: str, new: str, *options: str):
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    return runner.invoke(
        app, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), *options]
    )


def test_more_even_yet_a_party_worse_off_fails_under_fail_on_warning(tmp_path: Path):
    result = _diff(tmp_path, AS_IS, TO_BE, "-f", "json")
    document = json.loads(result.stdout)
    [change] = document["processes"]
    # D: (9 − 5) / 14 = 0.29 → (5 − 4) / 9 = 0.11: more even
    assert change["disparity"] == {"old": 0.2857, "new": 0.1111}
    assert change["net"]["provider"] == {"old": -15, "new": -35}
    assert change["net"]["bank"] == {"old": 40, "new": 10}  # 10 × (9 − 5), 10 × (5 − 4)
    [worse_bank, worse_provider] = document["worse_off"]  # in the order they are declared
    assert worse_provider["code"] == "VA701" and worse_provider["severity"] == "warning"
    assert (Path(worse_provider["file"]).name, worse_provider["line"]) == ("new.yaml", 6)
    assert worse_provider["path"] == "parties.provider"
    assert "Trusted provider is worse off" in worse_provider["message"]
    assert "falls from -15 to -35 points of 10 per period" in worse_provider["message"]
    assert "Retail bank is worse off" in worse_bank["message"]
    assert document["summary"]["findings"]["worse_off"] == 2
    assert document["summary"]["findings"]["introduced"] == 2  # counted as introduced
    assert result.exit_code == 0  # warnings do not fail by default
    assert _diff(tmp_path, AS_IS, TO_BE, "--fail-on", "warning").exit_code == 1


def test_the_party_worse_off_is_named_first_in_text_and_markdown(tmp_path: Path):
    text = _diff(tmp_path, AS_IS, TO_BE).stdout
    lines = text.splitlines()
    # the summary line leads with it, the list of parties worse off comes first
    assert lines[-1].startswith("2 parties worse off (VA701); 1 changed")
    lists = [line for line in lines if line and not line.startswith(" ")]
    assert lists[1] == "parties worse off"  # after the process's block, before the rest
    assert "disparity 0.29 → 0.11 (−0.17, more even)" in text
    assert "net: bank 40 → 10 (−30) ⚠️; provider -15 → -35 (−20) ⚠️" in text
    report = _diff(tmp_path, AS_IS, TO_BE, "-f", "markdown").stdout
    body = report.split("\n## ", 2)
    assert body[1].startswith("Parties worse off\n\n- ⚠️ Retail bank is worse off")
    assert "Trusted provider is worse off" in body[1]


def test_a_net_that_only_may_fall_is_not_worse_off(tmp_path: Path):
    # a new cost of [5, 7.5] gives a net of 10 × (5 − [5, 7.5]),
    # −25 to 0, which may be higher than −15: not VA701
    may = AS_IS.replace("value: 9, cost: 6.5}", "value: 9, cost: [5, 7.5]}")
    document = json.loads(_diff(tmp_path, AS_IS, may, "-f", "json").stdout)
    assert document["worse_off"] == []
    certain = AS_IS.replace("value: 9, cost: 6.5}", "value: 9, cost: [6.6, 7.5]}")
    document = json.loads(_diff(tmp_path, AS_IS, certain, "-f", "json").stdout)
    [worse] = document["worse_off"]
    # [6.6, 7.5] gives −25 to −16: certainly below −15
    assert "falls from -15 to -25 to -16 points of 10" in worse["message"]
    # the same figures written differently (0.1 + 0.2 against 0.3) are no change
    same = AS_IS.replace(
        "cost: 6.5}",
        "cost: 6.5}\n      - {from: bank, to: provider, gives: a, kind: information, value: 0.3}",
    )
    split = AS_IS.replace(
        "cost: 6.5}",
        "cost: 6.5}\n      - {from: bank, to: provider, "
        "gives: a, kind: information, value: 0.1}\n      - {from: bank, "
        "to: provider, gives: b, kind: information, value: 0.2}",
    )
    document = json.loads(_diff(tmp_path, same, split, "-f", "json").stdout)
    assert document["worse_off"] == []


def test_va701_can_be_ignored_and_every_party_is_totalled(tmp_path: Path):
    result = _diff(tmp_path, AS_IS, TO_BE, "-f", "json", "--ignore", "VA701")
    document = json.loads(result.stdout)
    assert document["worse_off"] == [] and document["summary"]["findings"]["worse_off"] == 0
    parties = {p["id"]: p for p in document["summary"]["parties"]}
    assert parties["provider"]["net"] == {"old": -15, "new": -35}
    assert parties["bank"]["received"] == {"old": 90, "new": 50}


def test_a_process_wide_suppression_in_the_new_file_accepts_the_loss(tmp_path: Path):
    accepted = TO_BE + "suppress:\n  - {rule: VA701, reason: the provider is paid elsewhere}\n"
    document = json.loads(_diff(tmp_path, AS_IS, accepted, "-f", "json").stdout)
    assert document["worse_off"] == []
    # the scan does not call it unused: diff applies it
    (tmp_path / "new.yaml").write_text(accepted)
    scanned = runner.invoke(app, ["scan", str(tmp_path / "new.yaml"), "-f", "json"])
    assert "VA901" not in [f["code"] for f in json.loads(scanned.stdout)["findings"]]
    # one naming a touchpoint hides nothing: VA701 is about the whole process
    at_check = TO_BE + (
        "suppress:\n  - {rule: VA701, touchpoint: check, reason: the provider is paid elsewhere}\n"
    )
    document = json.loads(_diff(tmp_path, AS_IS, at_check, "-f", "json").stdout)
    assert len(document["worse_off"]) == 2
