"""The portfolio ledger (SPEC §4.7), checked against figures worked out by hand for the
four processes in tests/data/portfolio (the customer takes part in all four files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app

HERE = Path(__file__).parent / "data" / "portfolio"
runner = CliRunner()


def ledger(*options: str) -> dict:
    result = runner.invoke(app, ["portfolio", str(HERE), "-f", "json", *options])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["kind"] == "portfolio"
    return document["portfolio"]


def by(key: str, items: list[dict]) -> dict[str, dict]:
    return {item[key]: item for item in items}


def test_parties_across_files_by_hand():
    parties = by("id", ledger()["parties"])
    customer = parties["customer"]
    # received: a 10×2 + 5×4, b 4×5, c [2, 4], d 2×3; given: a 10×6 + 5×[1, 3], b 4×1,
    # c unknown = [0, 10], d 2×3
    assert customer["received"] == [68, 70]
    assert customer["given"] == [75, 95]
    assert customer["exchange_ratio"] == [round(68 / 95, 4), round(70 / 75, 4)]
    assert customer["cost"] == [4, 8]  # d: 2 × [2, 4]
    assert (customer["touchpoints"], customer["processes"]) == (5, 4)
    assert (customer["favoured"], customer["losing"]) == (2, 2)  # a.deliver, b; a.pay, c
    shop = parties["shop"]
    assert shop["name"] == "Corner shop"  # from its first file
    assert shop["received"] == [65, 85]  # a 60 + 5×[1, 3], b 0, c [0, 10]
    assert shop["given"] == [54, 56]  # a 20 + 20, b 4×3, c [2, 4]
    assert shop["cost"] == 12
    assert (shop["touchpoints"], shop["favoured"], shop["losing"], shop["processes"]) == (
        4,
        2,
        2,
        3,
    )
    courier = parties["courier"]
    assert (courier["received"], courier["given"], courier["exchange_ratio"]) == (16, 20, 0.8)
    bank = parties["bank"]  # an even exchange: neither favoured nor losing
    assert (bank["exchange_ratio"], bank["favoured"], bank["losing"]) == (1, 0, 0)


def test_roles_roll_the_parties_up():
    roles = by("id", ledger()["roles"])
    assert roles["provider"]["received"] == [71, 91]  # shop [65, 85] + bank 6
    assert roles["provider"]["given"] == [60, 62]
    assert roles["provider"]["processes"] == 4  # shop in a, b, c; bank in d
    assert roles["customer"]["processes"] == 4
    assert roles["partner"]["received"] == 16


def test_practices_channels_and_stages_by_hand():
    portfolio = ledger()
    practices = by("practice", portfolio["practices"])
    assert practices["charging"]["disparity"] == 0.5  # (6 − 2) / 8
    # a.deliver: |4 − [1, 3]| / (4 + [1, 3]) = [1/7, 0.6] at volume 5; b: 5/9 at volume 4
    delivering = practices["delivering"]
    assert delivering["touchpoints"] == 2
    assert delivering["disparity"] == pytest.approx(
        [(5 / 7 + 4 * 5 / 9) / 9, (5 * 0.6 + 4 * 5 / 9) / 9], abs=1e-4
    )
    assert practices["informing"]["disparity"] == [0, 1]  # [2, 4] against [0, 10]
    assert practices["helping"]["disparity"] == 0
    assert practices["helping"]["praxis"] == {"reinforcing-co-creation": 1}
    channels = by("channel", portfolio["channels"])
    assert channels["web"]["touchpoints"] == 2
    assert channels["web"]["disparity"] == pytest.approx(
        [(10 * 0.5 + 5 / 7) / 15, (10 * 0.5 + 5 * 0.6) / 15], abs=1e-4
    )
    assert set(channels) == {"web", "doorstep", "phone"}  # c has no channel
    assert set(by("stage", portfolio["stages"])) == {"buy", "deliver"}


def test_flows_between_parties_by_kind():
    flows = {(f["from"], f["to"], f["kind"]): f["value"] for f in ledger()["flows"]}
    assert flows[("customer", "shop", "money")] == 60
    assert flows[("shop", "customer", "product")] == 40
    assert flows[("customer", "shop", "feedback")] == [5, 25]  # a 5×[1, 3], c [0, 10]
    assert flows[("shop", "courier", "money")] == 12
    assert len(flows) == 9


def test_a_shard_says_it_covers_only_the_shard():
    whole = ledger()
    assert whole["shard"] is None and whole["processes"] == 4
    parts = [ledger("--shard", f"{k}/2") for k in (1, 2)]
    assert [p["shard"] for p in parts] == ["1/2", "2/2"]
    assert sum(p["processes"] for p in parts) == 4
    text = runner.invoke(app, ["portfolio", str(HERE), "--shard", "1/2"]).stdout
    assert "(shard 1/2 only)" in text


def test_text_and_markdown_show_the_same_ledger():
    text = runner.invoke(app, ["portfolio", str(HERE)]).stdout
    assert text.startswith("Portfolio: 4 files, 4 processes")
    customer = next(line for line in text.splitlines() if line.lstrip().startswith("customer "))
    assert customer.split()[:5] == ["customer", "customer", "68–70", "75–95", "0.72–0.93"]
    report = runner.invoke(app, ["portfolio", str(HERE), "-f", "markdown"]).stdout
    assert report.startswith("# valueaudit portfolio")
    assert "| customer | customer | 68–70 | 75–95 | 0.72–0.93 | 4–8 | 2 | 2 of 5 | 4 |" in report
    refused = runner.invoke(app, ["portfolio", str(HERE), "-f", "sarif"])
    assert refused.exit_code == 2
    assert "portfolio writes text, json or markdown, not sarif" in refused.stderr
