"""The portfolio ledger (SPEC §4.7), checked against figures worked out by hand for the
four processes in tests/data/portfolio (the customer takes part in all four files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.interval import Interval
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

HERE = Path(__file__).parents[1] / "data" / "portfolio"
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
    # a: the payment costs the customer its value, 10 × 6 (SPEC §4.9); d: 2 × [2, 4]
    assert customer["cost"] == [64, 68]
    # nets per process: a 40 − 60, b 20, c [2, 4], d 6 − [4, 8]
    assert (customer["net"], customer["unit"]) == ([0, 6], "points")
    assert (customer["touchpoints"], customer["processes"]) == (5, 4)
    assert (customer["favoured"], customer["losing"]) == (2, 2)  # a.deliver, b; a.pay, c
    shop = parties["shop"]
    assert shop["name"] == "Corner shop"  # from its first file
    assert shop["received"] == [65, 85]  # a 60 + 5×[1, 3], b 0, c [0, 10]
    assert shop["given"] == [54, 56]  # a 20 + 20, b 4×3, c [2, 4]
    assert shop["cost"] == 12  # b: 4 × 3
    assert shop["net"] == [53, 73]  # received [65, 85] less 12
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
    report = report.replace("\u2060", "")  # what keeps each value on one line
    assert report.startswith("# valueaudit portfolio")
    assert "| customer | customer | 68–70 | 75–95 | 0.72–0.93 |" in report
    assert "| customer | 64–68 | 0–6 | – |" in report  # cost, net, effort
    assert "| customer | 2 | 2 of 5 | 4 |" in report  # favoured, losing, processes
    refused = runner.invoke(app, ["portfolio", str(HERE), "-f", "sarif"])
    assert refused.exit_code == 2
    assert "portfolio writes text, json or markdown, not sarif" in refused.stderr


# --- the portfolio rules (VA601, VA602) ---------------------------------------------

SUPPLY = """\
valueaudit: 1
id: {id}
parties:
{parties}touchpoints:
{touchpoints}"""


def process(pid: str, touchpoints: str, parties: str = "") -> str:
    parties = parties or "  supplier: {role: partner}\n  company: {role: provider}\n"
    return SUPPLY.format(id=pid, parties=parties, touchpoints=touchpoints)


def exchange(tid: str, gives: str, gets: str) -> str:
    """A touchpoint where the supplier gives ``gives`` and the company gives ``gets``."""
    return (
        f"  - id: {tid}\n    flows:\n"
        f"      - {{from: supplier, to: company, gives: goods, kind: product, value: {gives}}}\n"
        f"      - {{from: company, to: supplier, gives: pay, kind: money, value: {gets}}}\n"
    )


def portfolio_codes(root: Path, *options: str) -> list[tuple[str, str, int, int, str]]:
    result = runner.invoke(app, ["scan", str(root), "-f", "json", *options])
    assert result.exit_code in (0, 1), result.output
    return [
        (f["code"], Path(f["file"]).name, f["line"], f["column"], f["message"])
        for f in json.loads(result.stdout)["findings"]
        if f["code"].startswith("VA6")
    ]


def test_an_exchange_ratio_of_exactly_a_third_is_va601(tmp_path: Path):
    # 0.1 / 0.3 is 0.33333333333333337 in binary floating point: exactly 1/3 in decimal
    (tmp_path / "p.yaml").write_text(process("p", exchange("t", "0.3", "0.1")))
    [(_code, name, line, column, message)] = [
        c for c in portfolio_codes(tmp_path) if c[0] == "VA601"
    ]
    assert (name, line, column) == ("p.yaml", 4, 3)  # the supplier's declaration
    assert "gets back 0.33 for each unit of value it gives" in message
    assert "at or below 1/3 (thresholds.exchange-ratio)" in message
    assert "receives the least at 1 of its 1 exchanges (100%)" in message


def test_the_ratio_and_the_losing_share_decide_va601_on_their_own(tmp_path: Path):
    # 2 of 3 touchpoints lost (67%, under 75%) and a ratio of 4/8: no VA601
    kept = exchange("a", 4, 1) + exchange("b", 3, 1) + exchange("c", 1, 2)
    (tmp_path / "p.yaml").write_text(process("p", kept))
    assert [c[0] for c in portfolio_codes(tmp_path)] == []
    # a fourth touchpoint lost at a disparity of 1/3, under VA202's 0.5: not losing
    # (SPEC §4.12 rev. 3), so 2 of 4 and no VA601
    (tmp_path / "p.yaml").write_text(process("p", kept + exchange("d", 2, 1)))
    assert [c[0] for c in portfolio_codes(tmp_path)] == []
    # lost at 0.5 exactly: 3 of 4 is 75%, VA601 for the losing share only
    (tmp_path / "p.yaml").write_text(process("p", kept + exchange("d", 3, 1)))
    [(code, *_, message)] = portfolio_codes(tmp_path)
    assert code == "VA601"
    assert "receives the least at 3 of its 4 exchanges (75%), each at a disparity" in message
    assert "for each unit" not in message  # ratio (1+1+2+1)/(4+3+1+3) is above 1/3


def test_va601_needs_the_ratio_below_the_threshold_for_every_value_a_range_admits(
    tmp_path: Path,
):
    # received 1, given [2, 4]: the ratio is 0.25-0.5, possibly above 1/3: no finding
    two = exchange("a", "[2, 4]", 1) + exchange("b", 1, 2) + exchange("c", 1, 2)
    (tmp_path / "p.yaml").write_text(process("p", two))
    assert portfolio_codes(tmp_path) == []
    # given [3, 4]: at most 1/3 whatever the value: VA601; and the threshold is settable
    three = exchange("a", "[3, 4]", 1) + exchange("b", 1, 2) + exchange("c", 1, 2)
    (tmp_path / "p.yaml").write_text(process("p", three))
    assert [c[0] for c in portfolio_codes(tmp_path)] == []  # 5 received for 5-6 given
    (tmp_path / "p.yaml").write_text(process("p", exchange("a", "[3, 4]", 1)))
    [(_code, *_, message)] = portfolio_codes(tmp_path)
    assert "gets back 0.25–0.33 for each unit" in message
    (tmp_path / "valueaudit.toml").write_text('thresholds = {exchange-ratio = "1/4"}\n')
    with_file = runner.invoke(
        app, ["scan", str(tmp_path), "-f", "json", "--config", str(tmp_path / "valueaudit.toml")]
    )
    [finding] = [f for f in json.loads(with_file.stdout)["findings"] if f["code"] == "VA601"]
    assert "for each unit" not in finding["message"]  # 1/3 is above 1/4
    assert "receives the least at 1 of its 1" in finding["message"]


def test_a_party_in_three_files_is_judged_once_at_its_first_declaration(tmp_path: Path):
    # alone, each file is even for the supplier; together it gives 12 for 3
    (tmp_path / "a.yaml").write_text(process("a", exchange("t", 2, 2)))
    (tmp_path / "b.yaml").write_text(
        process("b", exchange("t", 5, 0.5), "  company: {}\n  supplier: {role: partner}\n")
    )
    (tmp_path / "c.yaml").write_text(process("c", exchange("t", 5, 0.5)))
    found = portfolio_codes(tmp_path)
    assert [(c[0], c[1], c[2], c[3]) for c in found if c[0] == "VA601"] == [
        ("VA601", "a.yaml", 4, 3)
    ]
    # b.yaml gives the company another role: added up all the same, and said (VA603)
    [redeclared] = [c for c in found if c[0] == "VA603"]
    assert redeclared[1:4] == ("b.yaml", 4, 3)
    assert "'company' is declared here with role other (there: provider)" in redeclared[4]
    message = found[0][4]
    assert message.startswith("across 3 processes, supplier gets back 0.25 for each unit")
    assert "received 3, given 12" in message
    assert "receives the least at 2 of its 3 exchanges" not in message  # 67%: not a reason


def test_va602_names_the_pair_and_is_placed_at_the_giver(tmp_path: Path):
    parties = "  company: {role: provider}\n  partner: {role: partner}\n  customer: {}\n"
    one = (
        "  - id: refer\n    flows:\n"
        "      - {from: partner, to: company, gives: leads, kind: information, value: 5}\n"
        "      - {from: company, to: customer, gives: offer, kind: information, value: 2}\n"
        "      - {from: customer, to: company, gives: order, kind: money, value: 4}\n"
        "      - {from: customer, to: partner, gives: nothing, kind: time, value: 0}\n"
    )
    (tmp_path / "p.yaml").write_text(process("p", one, parties))
    found = [c for c in portfolio_codes(tmp_path, "--select", "VA602")]
    # partner gives company leads, and nothing comes back; a flow worth 0 gives nothing
    assert [(c[0], c[2], c[3]) for c in found] == [("VA602", 5, 3)]
    assert found[0][4] == (
        "partner gives company information (worth 5, volume-weighted), and company gives "
        "partner nothing in any process"
    )
    # another file where the company pays the partner answers it
    back = (
        "  - id: fee\n    flows:\n"
        "      - {from: company, to: partner, gives: referral fee, kind: money, value: 3}\n"
    )
    (tmp_path / "q.yaml").write_text(process("q", back, parties))
    assert portfolio_codes(tmp_path, "--select", "VA602") == []


def test_portfolio_findings_obey_suppressions_baselines_and_settings(tmp_path: Path):
    lopsided = process("p", exchange("t", 9, 1))
    (tmp_path / "p.yaml").write_text(lopsided)
    assert [c[0] for c in portfolio_codes(tmp_path)] == ["VA601"]
    assert portfolio_codes(tmp_path, "--ignore", "VA6") == []
    assert [c[0] for c in portfolio_codes(tmp_path, "--ignore", "VA601")] == []
    # a process-wide suppression where the party is first declared hides it, and is used
    suppressed = lopsided + "suppress:\n  - {rule: VA601, reason: the supplier is a donor}\n"
    (tmp_path / "p.yaml").write_text(suppressed)
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json"])
    codes_found = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "VA601" not in codes_found and "VA901" not in codes_found
    # one naming a touchpoint hides nothing (the finding is about all processes): VA901
    at_touchpoint = lopsided + (
        "suppress:\n  - {rule: VA601, touchpoint: t, reason: the supplier is a donor}\n"
    )
    (tmp_path / "p.yaml").write_text(at_touchpoint)
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json"])
    codes_found = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "VA601" in codes_found and "VA901" in codes_found
    # a baseline records it by the party, not the line
    (tmp_path / "p.yaml").write_text(lopsided)
    baseline = tmp_path / "baseline.json"
    written = runner.invoke(app, ["scan", str(tmp_path), "--write-baseline", str(baseline)])
    assert written.exit_code == 0
    assert '"code": "VA601"' in baseline.read_text()
    (tmp_path / "p.yaml").write_text("# moved down\n" + lopsided)
    assert portfolio_codes(tmp_path, "--baseline", str(baseline)) == []
    # severity overrides and --fail-on apply as to any finding
    (tmp_path / "valueaudit.toml").write_text("severity = {VA601 = 'error'}\n")
    failed = runner.invoke(
        app, ["scan", str(tmp_path), "--config", str(tmp_path / "valueaudit.toml")]
    )
    assert failed.exit_code == 1
    assert "VA601" in failed.stdout and "(portfolio, across all processes)" in failed.stdout


def test_the_portfolio_command_lists_its_findings_in_every_format():
    document = runner.invoke(app, ["portfolio", str(HERE), "-f", "json"]).stdout
    [finding] = json.loads(document)["findings"]
    # the shop pays the courier in b; the courier gives the shop nothing anywhere
    assert (finding["code"], finding["file"].rsplit("/", 1)[-1], finding["line"]) == (
        "VA602",
        "a.yaml",
        7,
    )
    assert finding["message"].startswith("Corner shop gives courier money (worth 12,")
    text = runner.invoke(app, ["portfolio", str(HERE)]).stdout
    assert "Findings across all processes" in text and "a.yaml:7:3 VA602 Corner shop" in text
    report = runner.invoke(app, ["portfolio", str(HERE), "-f", "markdown"]).stdout
    assert "## Findings across all processes" in report
    assert "| 🔵 VA602 |" in report


def test_exchange_ratio_setting_is_checked(tmp_path: Path):
    for bad in ('"a third"', "0", "-1", "true", '"1/0"'):
        (tmp_path / "valueaudit.toml").write_text(f"thresholds = {{exchange-ratio = {bad}}}\n")
        result = runner.invoke(
            app, ["scan", str(HERE), "--config", str(tmp_path / "valueaudit.toml")]
        )
        assert result.exit_code == 2, bad
        assert "thresholds.exchange-ratio must be a number above 0, or a fraction" in (
            result.stderr
        )
    (tmp_path / "valueaudit.toml").write_text("thresholds = {exchange-ratio = 0.5}\n")
    shown = runner.invoke(
        app,
        ["scan", "--show-settings", "--config", str(tmp_path / "valueaudit.toml")],
    ).stdout
    assert "thresholds.exchange-ratio" in shown and "0.5" in shown


def test_portfolio_fails_on_its_own_findings_and_names_files_left_out(tmp_path: Path):
    (tmp_path / "p.yaml").write_text(process("p", exchange("t", 9, 1)))
    # VA202 and VA203 (warnings) are scan's: only VA601 decides, and only at its level
    assert runner.invoke(app, ["portfolio", str(tmp_path), "--fail-on", "warning"]).exit_code == 1
    ignored = runner.invoke(
        app, ["portfolio", str(tmp_path), "--fail-on", "info", "--ignore", "VA6"]
    )
    assert ignored.exit_code == 0
    (tmp_path / "broken.yaml").write_text("valueaudit: [\n")
    result = runner.invoke(app, ["portfolio", str(tmp_path)])
    assert result.exit_code == 0
    assert "1 of 2 files could not be audited and is not in the portfolio" in result.stderr


def test_the_report_draws_where_the_value_goes_and_the_processes_by_hand():
    report = runner.invoke(app, ["portfolio", str(HERE), "-f", "markdown"]).stdout
    sankey = report.split("```mermaid\nsankey-beta\n", 1)[1].split("```", 1)[0].splitlines()
    # customer to shop: a 10×6 + 5×[1, 3], c [0, 10] unknown: [65, 85], drawn at 75; a
    # party is a node on each side, so that value going both ways makes no cycle
    assert sankey[0] == '"customer gives","Corner shop receives",75'
    # shop to customer: a 10×2 + 5×4, c [2, 4]: [42, 44], drawn at 43
    assert '"Corner shop gives","customer receives",43' in sankey
    quadrant = report.split("```mermaid\nquadrantChart\n", 1)[1].split("```", 1)[0]
    assert "quadrant-1 Uneven and unclear" in quadrant  # the top right
    # a: 3 of its 4 flows have exact values (clarity 75%); c: none of its 2 (a range,
    # and a flow without a value). The vertical axis puts VA203's 0.4 in the middle:
    # a's disparity [(10 × 0.5 + 5/7) / 15, (10 × 0.5 + 5 × 0.6) / 15], at its middle
    # 0.457, sits at 0.5 + 0.5 × 0.057 / 0.6 = 0.55; c's [0, 1] at 0.5 + 0.5 × 0.1 / 0.6
    assert '    "a": [0.25, 0.55]' in quadrant and '    "c": [1, 0.58]' in quadrant
    assert "midline at disparity 0.4" in quadrant


def test_simulated_portfolio_says_how_often_a_ratio_is_at_most_the_threshold(tmp_path: Path):
    # the supplier gets 1 for [2, 4]: a ratio of 1/4 to 1/2, at most 1/3 when it gives
    # 3 or more, which a uniform draw does half the time; the company gets 2-4 for 1
    (tmp_path / "p.yaml").write_text(process("p", exchange("t", "[2, 4]", 1)))
    (tmp_path / "q.yaml").write_text(process("q", exchange("t", 1, 1)))
    options = ["portfolio", str(tmp_path), "-f", "json", "--simulate", "20000", "--seed", "3"]
    runs = [runner.invoke(app, [*options, "-j", jobs]).stdout for jobs in ("1", "2")]
    assert runs[0] == runs[1]  # the same draws whatever the workers
    parties = by("id", json.loads(runs[0])["portfolio"]["parties"])
    # across both files: received 1 + 1 = 2, given [2, 4] + 1: at most 1/3 when given >= 6,
    # which never happens; alone, p.yaml would be at most 1/3 half the time
    assert parties["supplier"]["p_ratio_at_most"] == 0
    assert parties["company"]["p_ratio_at_most"] == 0
    (tmp_path / "q.yaml").unlink()
    alone = json.loads(runner.invoke(app, options).stdout)["portfolio"]["parties"]
    assert by("id", alone)["supplier"]["p_ratio_at_most"] == pytest.approx(0.5, abs=0.02)
    text = runner.invoke(app, ["portfolio", str(tmp_path), "--simulate", "2000"]).stdout
    assert "P(ratio ≤ 1/3)" in text
    plain = json.loads(runner.invoke(app, ["portfolio", str(tmp_path), "-f", "json"]).stdout)
    assert "p_ratio_at_most" not in plain["portfolio"]["parties"][0]  # only when simulating


def test_praxis_counts_touchpoints_without_flows(tmp_path: Path):
    """SPEC §4.17: the practice table counts the praxis of every touchpoint with
    `elements`; its disparity is over the touchpoints with flows only."""
    (tmp_path / "p.yaml").write_text(
        "valueaudit: 1\nid: px\nparties:\n  customer: {role: customer}\n"
        "  company: {role: provider}\ntouchpoints:\n"
        "  - id: hello\n    practice: greeting\n    elements:\n"
        "      procedures: congruent\n      understandings: congruent\n"
        "      engagements: congruent\n    outcome: co-creation\n"
        "  - id: pay\n    practice: charging\n    flows:\n"
        "      - {from: customer, to: company, gives: fee, kind: money, value: 4}\n"
        "      - {from: company, to: customer, gives: goods, kind: product, value: 4}\n"
    )
    ledger = audit_files(discover([tmp_path]), Settings()).ledger
    assert ledger is not None
    greeting = ledger.practices["greeting"]
    assert (greeting.touchpoints, greeting.disparity) == (0, None)
    assert greeting.praxis == {"reinforcing-co-creation": 1}
    assert ledger.practices["charging"].touchpoints == 1


def _bystander(pid: str) -> str:
    """A process declaring the supplier (named otherwise) without a flow of its."""
    parties = (
        "  supplier: {name: Orchard Co-op, role: partner}\n"
        "  company: {role: provider}\n  customer: {role: customer}\n"
    )
    touchpoints = (
        "  - id: sale\n    flows:\n"
        "      - {from: customer, to: company, gives: fee, kind: money, value: 4}\n"
        "      - {from: company, to: customer, gives: fruit, kind: product, value: 4}\n"
    )
    return process(pid, touchpoints, parties)


def test_the_first_declaration_is_literal_even_without_flows(tmp_path: Path):
    """SPEC §4.17: the portfolio rules are placed at a party's literal first declaration
    (file order), even in a file where it has no flows, and the ledger names it so; a
    process-wide suppression there works."""
    (tmp_path / "a.yaml").write_text(_bystander("a"))
    (tmp_path / "b.yaml").write_text(process("b", exchange("t", 9, 1)))
    found = [c for c in portfolio_codes(tmp_path) if c[0] == "VA601"]
    assert [(name, line) for _, name, line, _, _ in found] == [("a.yaml", 4)]
    assert "Orchard Co-op" in found[0][4]
    scan = audit_files(discover([tmp_path]), Settings())
    assert (
        scan.ledger is not None
        and scan.ledger.parties["supplier", "points"].name == "Orchard Co-op"
    )
    suppression = "suppress:\n  - {rule: VA601, reason: the co-op is a partner by choice}\n"
    (tmp_path / "a.yaml").write_text(_bystander("a") + suppression)
    codes_found = [c[0] for c in portfolio_codes(tmp_path)]
    assert "VA601" not in codes_found


def test_a_portfolio_suppression_that_hides_nothing_is_va901(tmp_path: Path):
    """SPEC §4.17: a process-wide VA601 suppression that hides nothing (in a file that is
    not the party's first declaration, or where the rule finds nothing) is VA901, judged
    by the scan once every file is in; not while VA601 is not judged."""
    suppression = "suppress:\n  - {rule: VA601, reason: judged elsewhere}\n"
    (tmp_path / "a.yaml").write_text(process("a", exchange("t", 9, 1)))
    (tmp_path / "b.yaml").write_text(process("b", exchange("t", 9, 1)) + suppression)

    def found(*options: str) -> list[tuple[str, str, int]]:
        result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json", *options])
        return [
            (f["code"], Path(f["file"]).name, f["line"])
            for f in json.loads(result.stdout)["findings"]
            if f["code"] in ("VA601", "VA901")
        ]

    # VA601 is placed in a.yaml (the first declaration): b.yaml's suppression is unused
    assert found() == [("VA601", "a.yaml", 4), ("VA901", "b.yaml", 12)]
    assert found("--ignore", "VA601") == []
    assert runner.invoke(app, ["check", str(tmp_path), "-f", "json"]).stdout.count("VA901") == 0
    # where it hides the finding, it is used
    (tmp_path / "a.yaml").write_text(process("a", exchange("t", 9, 1)) + suppression)
    assert found() == [("VA901", "b.yaml", 12)]
    # where the rule finds nothing to hide, it is unused too
    (tmp_path / "a.yaml").write_text(process("a", exchange("t", 5, 5)) + suppression)
    (tmp_path / "b.yaml").write_text(process("b", exchange("t", 5, 5)))
    assert found() == [("VA901", "a.yaml", 12)]


def test_the_exchange_ratio_when_what_is_given_may_be_0(tmp_path: Path):
    """SPEC §4.17: over the values where something is given. Receiving exactly nothing
    is a ratio of 0 (VA601 can fire on it); receiving something while giving perhaps
    nothing leaves the ratio unbounded above."""
    (tmp_path / "p.yaml").write_text(process("p", exchange("t", "[0, 4]", 0)))
    scan = audit_files(discover([tmp_path]), Settings())
    assert scan.ledger is not None
    assert scan.ledger.parties["supplier", "points"].exchange_ratio == (0.0, 0.0)
    [va601] = [f for f in scan.findings if f.code == "VA601"]
    assert "gets back 0 for each unit of value it gives" in va601.message
    (tmp_path / "p.yaml").write_text(process("p", exchange("t", "[0, 4]", "[0, 2]")))
    scan = audit_files(discover([tmp_path]), Settings())
    assert scan.ledger is not None
    assert scan.ledger.parties["supplier", "points"].exchange_ratio == (0.0, None)
    assert not any("gets back" in f.message for f in scan.findings if f.code == "VA601")


# --- rev. 3: units, nets, exact role ratios, VA601's net clause, VA603 ------------------


def _ledger_of(root: Path):
    scan = audit_files(discover([root]), Settings())
    assert scan.ledger is not None
    return scan


def test_points_are_put_on_one_scale_and_money_is_added_per_currency(tmp_path: Path):
    """SPEC §4.10: a value of 60 on a scale of 100 counts as a 6 on a scale of 10; a party
    in processes of two units has an entry for each."""
    (tmp_path / "a.yaml").write_text(process("a", exchange("t", 6, 3)))
    (tmp_path / "b.yaml").write_text(
        process("b", exchange("t", 60, 30)).replace("id: b\n", "id: b\nscale: 100\n")
    )
    (tmp_path / "c.yaml").write_text(
        process("c", exchange("t", 500, 200)).replace("id: c\n", "id: c\nunit: EUR\n")
    )
    ledger = _ledger_of(tmp_path).ledger
    assert ledger is not None
    points = ledger.parties["supplier", "points"]
    assert (points.received, points.given) == (Interval(6, 6), Interval(12, 12))
    money = ledger.parties["supplier", "EUR"]
    assert (money.received, money.given, money.unit) == (
        Interval(200, 200),
        Interval(500, 500),
        "EUR",
    )
    # the supplier gives goods (no cost recorded) and is paid: its net is what it is paid
    assert points.net == Interval(6, 6) and money.net == Interval(200, 200)
    # the company's payments cost it their value: 3 + 30 × 10/100 = 6 points, 200 EUR
    company = ledger.parties["company", "points"]
    assert (company.cost, company.net) == (Interval(6, 6), Interval(12 - 6, 12 - 6))
    document = json.loads(runner.invoke(app, ["portfolio", str(tmp_path), "-f", "json"]).stdout)[
        "portfolio"
    ]
    entries = [(p["id"], p["unit"]) for p in document["parties"]]
    assert entries == [
        ("company", "EUR"),
        ("company", "points"),
        ("supplier", "EUR"),
        ("supplier", "points"),
    ]
    text = runner.invoke(app, ["portfolio", str(tmp_path)]).stdout
    assert "supplier (EUR)" in text


def test_a_roles_exchange_ratio_is_exact_at_the_corners(tmp_path: Path):
    """SPEC §4.17: (A + S) / (B + S) for a role, with S the value passing inside it. Two
    providers pass [0, 4] between them; customers give them 2 and get 1 back."""
    text = """\
valueaudit: 1
id: p
parties:
  customer: {role: customer}
  shop: {role: provider}
  supplier: {role: provider}
touchpoints:
  - id: t
    flows:
      - {from: customer, to: shop, gives: data, kind: information, value: 2}
      - {from: shop, to: customer, gives: advice, kind: information, value: 1}
      - {from: supplier, to: shop, gives: stock, kind: product, value: [0, 4]}
"""
    (tmp_path / "p.yaml").write_text(text)
    providers = _ledger_of(tmp_path).ledger.roles["provider", "points"]  # type: ignore[union-attr]
    assert (providers.received, providers.given) == (Interval(2, 6), Interval(1, 5))
    # exact: (2 + S) / (1 + S) for S in [0, 4] is 2 at S = 0 and 1.2 at S = 4; the outer
    # bound received.low / given.high = 0.4 and high / low = 6 would be wrong
    assert providers.exchange_ratio == pytest.approx((1.2, 2.0))


def test_va601_fires_when_the_portfolio_net_is_certainly_below_0(tmp_path: Path):
    # the company pays 3 for goods worth 3 (net 0): even; paying 3.1: net −0.1 in points
    def run(pay: str) -> list[str]:
        (tmp_path / "p.yaml").write_text(process("p", exchange("t", 3, pay)))
        return [c[4] for c in portfolio_codes(tmp_path) if c[0] == "VA601"]

    assert run("3") == []
    [message] = run("3.1")
    assert "company ends with a net of -0.1 points of 10" in message
    # a range reaching 0 is not certainly below: received 3 against [3, 3.1] paid
    assert run("[3, 3.1]") == []
    # 0.1 + 0.2 received for 0.3 paid: exactly 0, not a loss on floating-point noise
    tie = (
        "  - id: t\n    flows:\n"
        "      - {from: supplier, to: company, gives: a, kind: product, value: 0.1}\n"
        "      - {from: supplier, to: company, gives: b, kind: product, value: 0.2}\n"
        "      - {from: company, to: supplier, gives: pay, kind: money, value: 0.3}\n"
    )
    (tmp_path / "p.yaml").write_text(process("p", tie))
    assert [c for c in portfolio_codes(tmp_path) if c[0] == "VA601"] == []


def test_va603_one_party_id_declared_with_another_name_or_role(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        process(
            "a",
            exchange("t", 2, 2),
            "  supplier: {name: Orchard Co-op, role: partner}\n  company: {role: provider}\n",
        )
    )
    (tmp_path / "b.yaml").write_text(
        process(
            "b",
            exchange("t", 2, 2),
            "  supplier: {name: Dairy Ltd, role: partner}\n  company: {role: provider}\n",
        )
    )
    # no name written in c: nothing to disagree with
    (tmp_path / "c.yaml").write_text(process("c", exchange("t", 2, 2)))
    [(code, name, line, column, message)] = [
        c for c in portfolio_codes(tmp_path) if c[0] == "VA603"
    ]
    assert (code, name, line, column) == ("VA603", "b.yaml", 4, 3)
    assert "party 'supplier' is declared here with name 'Dairy Ltd' (there: 'Orchard Co-op')" in (
        message
    )
    assert "named 'Orchard Co-op'" in message  # the ledger keeps the first declaration's
    scan = _ledger_of(tmp_path)
    assert scan.ledger.parties["supplier", "points"].name == "Orchard Co-op"  # type: ignore[union-attr]
    # a process-wide suppression where it is placed hides it
    quiet = "suppress:\n  - {rule: VA603, reason: one co-op, renamed}\n"
    (tmp_path / "b.yaml").write_text((tmp_path / "b.yaml").read_text() + quiet)
    assert [c for c in portfolio_codes(tmp_path) if c[0] in ("VA603", "VA901")] == []
