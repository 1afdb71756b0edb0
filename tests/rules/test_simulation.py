"""Simulation and "measure first" (SPEC §4.6): the figures, the ranking, VA304, and
determinism across jobs, shards and seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app
from valueaudit.scan import audit_files
from valueaudit.settings import Settings, Simulation

runner = CliRunner()


def simulated(samples: int = 10_000, seed: int = 0, **settings: object) -> Settings:
    return Settings(simulate=Simulation(samples=samples, seed=seed), **settings)  # type: ignore[arg-type]


def simulation_of(audit, text: str, settings: Settings):
    """The simulated verdicts of one process file."""
    [result] = audit(text, settings=settings).files
    assert result.simulation is not None
    return result.simulation


def touchpoint(name: str, *flows: str) -> str:
    return f"  - id: {name}\n    flows:\n" + "".join(f"      - {f}\n" for f in flows)


FLOW = "{from: %s, to: %s, gives: %s, kind: other, value: %s}"
# customer receives U[0, 10], company a fixed 5: D >= 0.5 exactly when the draw is
# <= 5/3 (|x - 5| / (x + 5) >= 0.5 and x < 5), so P = (5/3) / 10 = 1/6
ONE_SIXTH = BASE + touchpoint(
    "t",
    FLOW % ("company", "customer", "advice", "[0, 10]"),
    FLOW % ("customer", "company", "fee", 5),
)


def test_p_above_is_the_share_of_draws_at_or_above_the_threshold(audit):
    simulation = simulation_of(audit, ONE_SIXTH, simulated())
    verdict = simulation.exchanges[0]
    assert verdict is not None
    assert verdict.p_above == pytest.approx(1 / 6, abs=0.01)
    # the process has one touchpoint: its disparity is the touchpoint's, threshold 0.4
    whole = simulation.process
    assert whole is not None and whole.threshold == 0.4
    # D >= 0.4 when x <= 15/7 or x >= 35/3: P = (15/7 + (10 - 35/3)) / 10, x in [0, 10]
    assert whole.p_above == pytest.approx((15 / 7) / 10, abs=0.01)
    assert verdict.d_p05 <= verdict.d_mean <= verdict.d_p95
    # customer receives most when the draw is above 5: half the draws
    assert verdict.favoured["customer"] == pytest.approx(0.5, abs=0.01)
    assert verdict.favoured["customer"] + verdict.favoured["company"] == pytest.approx(1)


def test_the_wide_range_is_the_one_to_measure_first(audit):
    text = BASE + touchpoint(
        "t",
        FLOW % ("company", "customer", "advice", "[0, 10]"),
        FLOW % ("company", "customer", "call", "[0, 0.5]"),
        FLOW % ("customer", "company", "fee", "[4, 4.5]"),
        FLOW % ("customer", "company", "form", "[1, 1.5]"),
    )
    verdict = simulation_of(audit, text, simulated()).exchanges[0]
    ranked = [m.gives for m in verdict.measure_first]
    assert ranked[0] == "advice"
    assert sorted(ranked) == ["advice", "call", "fee", "form"]
    assert verdict.measure_first[0].share > 0.5 > verdict.measure_first[1].share
    assert all(0 <= m.share <= 1 for m in verdict.measure_first)


def test_a_certain_verdict_has_no_doubt_to_explain(audit):
    text = BASE + touchpoint(
        "t",
        FLOW % ("company", "customer", "advice", "[0, 1]"),
        FLOW % ("customer", "company", "fee", 9),
    )
    verdict = simulation_of(audit, text, simulated(1000)).exchanges[0]
    assert verdict.p_above == 1.0
    assert [m.share for m in verdict.measure_first] == [0.0]
    assert verdict.first is None


def test_likely_makes_the_draws_triangular(audit):
    text = ONE_SIXTH.replace("value: [0, 10]}", "value: [0, 10], likely: 0}")
    verdict = simulation_of(audit, text, simulated()).exchanges[0]
    # triangular(0, 0, 10): P(x <= 5/3) = 1 - (1 - 1/6)^2 = 11/36
    assert verdict.p_above == pytest.approx(11 / 36, abs=0.01)


def test_points_and_unknown_values(audit):
    unknown = BASE + touchpoint(
        "t",
        "{from: company, to: customer, gives: advice, kind: other}",
        FLOW % ("customer", "company", "fee", 5),
    )
    # an omitted value is uniform on [0, scale]: the same 1/6 as [0, 10]
    verdict = simulation_of(audit, unknown, simulated()).exchanges[0]
    assert verdict.p_above == pytest.approx(1 / 6, abs=0.01)
    points = BASE + touchpoint(
        "t", FLOW % ("company", "customer", "a", "[3, 3]"), FLOW % ("customer", "company", "b", 5)
    )
    simulation = simulation_of(audit, points, simulated())
    assert simulation.exchanges == (None,) and simulation.process is None


def test_va304_replaces_va301_when_probably_uneven_and_names_the_flow(audit):
    # customer receives [0, 6], company a fixed 9: D >= 0.5 unless x >= 3, P = 0.5;
    # with [0, 3.5] it is 3/3.5 = 86% >= 80%
    text = BASE + touchpoint(
        "t",
        FLOW % ("company", "customer", "advice", "[0, 3.5]"),
        FLOW % ("customer", "company", "fee", 9),
    )
    plain = audit(text, settings=Settings(select=("VA301", "VA304")))
    assert [f.code for f in plain.findings] == ["VA301"]
    assert "measure" not in plain.findings[0].message
    result = audit(text, settings=simulated(select=("VA301", "VA304")))
    [finding] = result.findings
    assert finding.code == "VA304"
    assert "in 86% of 10,000 draws" in finding.message
    verdict = result.files[0].simulation.exchanges[0]
    # one uncertain flow: binned in ten, it explains most of the doubt, not quite all
    explained = f"{verdict.measure_first[0].share:.0%}"
    assert finding.suggestion.startswith(
        f"Measure 'advice' at 't' first: it explains {explained} of the doubt."
    )
    assert 0.7 < verdict.measure_first[0].share < 1
    assert finding.gain == pytest.approx(verdict.p_above * plain.findings[0].gain)
    less_sure = text.replace("[0, 3.5]", "[0, 6]")
    [finding] = audit(less_sure, settings=simulated(select=("VA301", "VA304"))).findings
    assert finding.code == "VA301"
    assert "; measure 'advice' at 't' first: it explains" in finding.message


def test_numpy_is_imported_only_when_simulating(tmp_path: Path):
    (tmp_path / "p.yaml").write_text(ONE_SIXTH)
    probe = (
        "import sys\n"
        "from valueaudit.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('numpy' in sys.modules, file=sys.stderr)\n"
    )
    for options, imported in (([], "False"), (["--simulate", "10"], "True")):
        done = subprocess.run(
            [sys.executable, "-c", probe, "scan", str(tmp_path), "-f", "json", "-j", "1", *options],
            capture_output=True,
            text=True,
        )
        assert done.stderr.strip().splitlines()[-1] == imported, done.stderr


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for k in range(6):
        text = ONE_SIXTH.replace("id: sample", f"id: sample-{k}").replace(
            "value: 5}", f"value: {k + 2}}}"
        )
        (folder / f"p{k}.yaml").write_text(text)
    return folder


def _json(*arguments: str) -> dict:
    result = runner.invoke(app, ["scan", *arguments, "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_same_seed_same_bytes_whatever_the_jobs_and_shards(tmp_path: Path):
    corpus = str(_corpus(tmp_path / "c"))
    one = runner.invoke(app, ["scan", corpus, "-f", "json", "--simulate", "2000", "-j", "1"])
    two = runner.invoke(app, ["scan", corpus, "-f", "json", "--simulate", "2000", "-j", "2"])
    assert one.stdout == two.stdout
    whole = json.loads(one.stdout)
    parts = [_json(corpus, "--simulate", "2000", "--shard", f"{k}/3") for k in (1, 2, 3)]
    merged = sorted((p for part in parts for p in part["processes"]), key=lambda p: p["file"])
    assert merged == whole["processes"]


def test_another_seed_changes_only_the_simulated_figures(tmp_path: Path):
    corpus = str(_corpus(tmp_path / "c"))

    def without_simulation(document: dict) -> dict:
        for process in document["processes"]:
            process.pop("simulation", None)
            for tp in process["touchpoints"]:
                tp.pop("simulation", None)
        for finding in document["findings"]:
            finding.pop("message"), finding.pop("suggestion"), finding.pop("gain")
        for party in document["portfolio"]["parties"]:
            party.pop("p_ratio_at_most")
        return document

    first = _json(corpus, "--simulate", "2000", "--seed", "1")
    second = _json(corpus, "--simulate", "2000", "--seed", "2")
    assert first != second
    assert without_simulation(first) == without_simulation(second)
    plain = _json(corpus)
    assert "simulation" not in json.dumps(plain)


def test_every_human_format_says_how_sure(tmp_path: Path):
    corpus = str(_corpus(tmp_path / "c"))
    table = runner.invoke(app, ["scan", corpus, "--simulate", "2000"]).stdout
    header = next(line for line in table.splitlines() if line.lstrip().startswith("process "))
    assert header.split()[-2:] == ["P(uneven)", "findings"]
    row = next(line for line in table.splitlines() if line.lstrip().startswith("sample-0 "))
    assert row.split()[-3].endswith("%")
    plain = runner.invoke(app, ["scan", corpus]).stdout
    assert "P(uneven)" not in plain
    shown = runner.invoke(app, ["show", f"{corpus}/p0.yaml", "--simulate", "2000"]).stdout
    assert "How sure (2,000 draws, seed 0)" in shown
    assert "1. 'advice' at t: " in shown
    report = runner.invoke(app, ["report", corpus, "--simulate", "2000"]).stdout
    assert report.count("### How sure, and what to measure first") == 6
    assert report.count("xychart-beta") == 6
    assert '    x-axis ["advice"]' in report
    assert "How sure" not in runner.invoke(app, ["report", corpus]).stdout


_VALUES = st.one_of(
    st.integers(0, 10).map(str),
    st.tuples(st.integers(0, 10), st.integers(0, 10)).map(
        lambda pair: f"[{min(pair)}, {max(pair)}]"
    ),
    st.just(None),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), _VALUES), min_size=1, max_size=5))
def test_draws_stay_within_the_exact_bounds(tmp_path_factory, flows):
    """Every draw lies in the ranges, so the simulated disparities lie in the exact
    interval, and a verdict the interval already decides has probability 0 or 1."""
    parties = {"a": "customer", "b": "company", "c": "partner"}
    lines = [
        "valueaudit: 1",
        "id: p",
        "parties: {customer: {}, company: {}, partner: {}}",
        "touchpoints:",
        "  - id: t",
        "    flows:",
    ]
    for k, (target, value) in enumerate(flows):
        source = "company" if parties[target] != "company" else "customer"
        shown = "" if value is None else f", value: {value}"
        lines.append(
            f"      - {{from: {source}, to: {parties[target]}, gives: g{k}, kind: other{shown}}}"
        )
    path = tmp_path_factory.mktemp("p") / "p.yaml"
    path.write_text("\n".join(lines) + "\n")
    [result] = audit_files([(path, "p.yaml")], simulated(500), jobs=1).files
    assert result.score is not None and result.simulation is not None
    exact = result.score.exchanges[0].disparity
    verdict = result.simulation.exchanges[0]
    if verdict is None:  # every value a point
        assert exact is not None and exact.is_point
        return
    assert exact.low - 1e-9 <= verdict.d_p05 <= verdict.d_mean <= verdict.d_p95 <= exact.high + 1e-9
    if exact.low >= 0.5:
        assert verdict.p_above == 1
    if exact.high < 0.5 - 1e-9:
        assert verdict.p_above == 0
    assert sum(verdict.favoured.values()) <= 1 + 1e-9
    assert all(0 <= m.share <= 1 for m in verdict.measure_first)


def test_an_exchange_is_simulated_from_draws_of_its_parties_totals(audit):
    """SPEC §4.8: p_above per exchange, from the draws of T_p(E). The company gives
    U[0, 10] at 'advice' (100 a period) and is paid 5 at 'fee' (50 a period), one
    exchange: T = 100·X against 250, so D ≥ 0.5 when X ≤ 2.5/3 or X ≥ 7.5:
    P = (5/6 + 2.5) / 10 = 1/3. Judged one at a time, each touchpoint would be one-sided."""
    text = (
        BASE
        + "  - id: advice\n    exchange: deal\n    volume: 100\n    flows:\n"
        + "      - "
        + FLOW % ("company", "customer", "advice", "[0, 10]")
        + "\n"
        + "  - id: fee\n    exchange: deal\n    volume: 50\n    flows:\n"
        + "      - "
        + FLOW % ("customer", "company", "fee", 5)
        + "\n"
    )
    simulation = simulation_of(audit, text, simulated(20_000))
    [verdict] = simulation.exchanges
    assert verdict is not None
    assert verdict.p_above == pytest.approx(1 / 3, abs=0.01)
    [first] = verdict.measure_first
    assert (first.touchpoint, first.gives) == ("advice", "advice")
    # JSON carries it on the exchange, with its touchpoints
    document = audit(text, settings=simulated(2000)).document()
    [exchange] = document["processes"][0]["exchanges"]
    assert exchange["touchpoints"] == ["advice", "fee"]
    assert exchange["simulation"]["p_above"] == pytest.approx(1 / 3, abs=0.03)
    assert all("simulation" not in t for t in document["processes"][0]["touchpoints"])


def _wide(flows: int, parties: int = 2) -> str:
    """One exchange of ``flows`` ranged flows among ``parties`` parties (and a customer)."""
    declared = "".join(f"  p{k}: {{role: partner}}\n" for k in range(parties))
    lines = [
        FLOW % ("customer", f"p{k % parties}", f"g{k}", "[1, 3]") for k in range(flows // 2)
    ] + [FLOW % (f"p{k % parties}", "customer", f"h{k}", "[1, 4]") for k in range(flows // 2)]
    head = BASE.replace("  company: {role: provider}\n", "  company: {role: provider}\n" + declared)
    return (
        head
        + touchpoint("pay", *lines)
        + touchpoint("fee", FLOW % ("customer", "company", "fee", "[0, 2]"))
    )


def test_draws_in_blocks_are_the_draws_made_at_once(audit, monkeypatch: pytest.MonkeyPatch):
    """Blocks change memory, never a figure: the same verdicts, to the last bit, with
    blocks of a few draws as with one block."""
    import numpy as np

    from valueaudit import simulation

    text = _wide(12, parties=3)
    whole = simulation_of(audit, text, simulated(999, seed=4))
    monkeypatch.setattr(simulation, "BLOCK_BYTES", 8 * 40)  # blocks of a draw or a few
    blocked = simulation_of(audit, text, simulated(999, seed=4))
    assert (blocked.exchanges, blocked.process) == (whole.exchanges, whole.process)
    for party, draws in whole.received.items():
        assert np.array_equal(blocked.received[party], draws), party
        assert np.array_equal(blocked.given[party], whole.given[party]), party
    assert blocked.process is not None and blocked.process.measure_first


def test_memory_stays_bounded_however_many_flows_are_drawn(audit, monkeypatch):
    """800 ranged flows at 20,000 draws: all kept, their draws would take 128 MB; made in
    blocks and drawn again one flow at a time for "measure first", a few MB."""
    import tracemalloc

    from valueaudit import simulation

    monkeypatch.setattr(simulation, "BLOCK_BYTES", 1024 * 1024)
    text = _wide(800)
    tracemalloc.start()
    try:
        result = simulation_of(audit, text, simulated(20_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.process.measure_first) == 801
    assert peak < 16 * 1024 * 1024, peak


def test_a_process_keeps_the_draws_of_as_many_parties_as_memory_allows(audit, monkeypatch):
    """Beyond PARTY_DRAWS_BYTES a process's parties are not kept, and are said to be: the
    portfolio then gives them no simulated ratio rather than one from part of the draws."""
    from valueaudit import simulation

    samples = 1000
    monkeypatch.setattr(simulation, "PARTY_DRAWS_BYTES", 16 * samples * 3)  # three parties
    text = _wide(12, parties=4)
    result = simulation_of(audit, text, simulated(samples))
    # declaration order: customer, company, p0, p1, p2, p3
    assert set(result.received) == {"customer", "company", "p0"}
    assert result.unkept == {"p1", "p2", "p3"}
    document = audit(text, settings=simulated(samples)).document()
    ratios = {p["id"]: "p_ratio_at_most" in p for p in document["portfolio"]["parties"]}
    assert ratios == {
        "customer": True,
        "company": True,
        "p0": True,
        "p1": False,
        "p2": False,
        "p3": False,
    }


def test_the_ledger_spills_draws_and_gives_the_same_ratios(tmp_path: Path, monkeypatch):
    """Files whose parties are their own: the ledger keeps two arrays of draws per
    party. Held to two arrays in memory, the rest in its temporary file, it gives the
    same figures as with room for all (SPEC §4.7: memory independent of the files)."""
    from valueaudit import draws

    for k in range(12):
        parties = BASE.replace("  customer:", f"  c{k}:").replace("  company:", f"  s{k}:")
        text = parties.replace("id: sample", f"id: p{k}") + touchpoint(
            "pay",
            FLOW % (f"c{k}", f"s{k}", "money", "[1, 3]"),
            FLOW % (f"s{k}", f"c{k}", "goods", "[0, 4]"),
        )
        (tmp_path / f"p{k:02}.yaml").write_text(text, encoding="utf-8")

    def portfolio() -> dict:
        arguments = ["portfolio", str(tmp_path), "--simulate", "500", "-f", "json", "-j", "1"]
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    roomy = portfolio()
    monkeypatch.setattr(draws, "LEDGER_DRAWS_BYTES", 2 * 8 * 500)
    assert portfolio() == roomy
    shares = [p["p_ratio_at_most"] for p in roomy["portfolio"]["parties"]]
    assert len(shares) == 24 and 0 < sum(shares) < 24
