"""Evidence, effort and waiting, and the cost to serve (SPEC §4.14–§4.16), checked
against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.interval import Interval
from valueaudit.journey import minutes_per_occurrence
from valueaudit.settings import Settings

runner = CliRunner()

CLINIC = """\
valueaudit: 1
id: clinic
volume: 100
parties:
  patient: {role: customer}
  clinic: {role: provider}
touchpoints:
  - id: booking
    stage: booking
    channel: phone
    wait_days: 40
    next: [triage, consultation]
    flows:
      - {from: patient, to: clinic, gives: symptoms, kind: information, value: 2,
         minutes: [10, 20], evidence: {source: measured}}
      - {from: clinic, to: patient, gives: a slot, kind: access, value: 4, cost: 3,
         evidence: {source: assumed}}
  - id: triage
    stage: visit
    channel: phone
    volume: 20
    wait_days: 2
    flows:
      - {from: patient, to: clinic, gives: answers, kind: information, value: 1, minutes: 15,
         evidence: {source: estimated}}
  - id: consultation
    stage: visit
    channel: in person
    wait_days: 0.5
    flows:
      - {from: patient, to: clinic, gives: time in the waiting room, kind: time, value: 0,
         minutes: 30}
      - {from: clinic, to: patient, gives: treatment, kind: service, value: [5, 7], cost: 6,
         evidence: {source: published, ref: "tariff", as_of: 2026-01-01}}
"""


def score_of(audit, text: str = CLINIC):
    [file] = audit(text).files
    assert file.score is not None, file.findings
    return file.score


def test_evidence_shares_of_the_value_received(audit):
    shares = score_of(audit).evidence
    # value received, volume-weighted: measured 100 × 2 = 200; assumed 100 × 4 = 400;
    # estimated 20 × 1 = 20; published 100 × [5, 7]; the waiting room's 0 is unstated.
    # Total [1120, 1320]; backed (measured or published) = [700, 900]
    assert shares["backed"] == pytest.approx(Interval(700 / 1120, 900 / 1320))
    assert shares["assumed"] == pytest.approx(Interval(400 / 1320, 400 / 1120))
    assert shares["estimated"] == pytest.approx(Interval(20 / 1320, 20 / 1120))
    assert shares["unstated"] == Interval(0, 0)


def test_effort_in_hours_per_period_minutes_per_occurrence_and_by_stage(audit):
    journey = score_of(audit).journey
    assert journey is not None
    # booking 100 × [10, 20] min, triage 20 × 15, consultation 100 × 30, in hours
    low, high = (1000 + 300 + 3000) / 60, (2000 + 300 + 3000) / 60
    assert journey.effort == {"patient": pytest.approx(Interval(low, high))}
    # per occurrence of the process (volume 100): [43, 53] minutes
    each = minutes_per_occurrence(journey.effort["patient"], 100)
    assert each is not None and tuple(each) == pytest.approx((43, 53))
    assert journey.effort_by_stage[("patient", "booking")] == pytest.approx(
        Interval(1000 / 60, 2000 / 60)
    )
    assert journey.effort_by_stage[("patient", "visit")] == pytest.approx(Interval(55, 55))


def test_waiting_along_the_chain_in_the_default_order(audit):
    # 'booking' branches to 'triage' and 'consultation' (next): the chain in its default
    # (file) order waits 40 + 2 + 0.5 days
    journey = score_of(audit).journey
    assert journey is not None
    assert journey.waiting == 42.5
    assert journey.waiting_by_stage == {"booking": 40, "visit": 2.5}
    document = audit(CLINIC).document()
    [process] = document["processes"]
    assert process["waiting"] == {"days": 42.5, "by_stage": {"booking": 40, "visit": 2.5}}
    each = process["effort"]["patient"]["minutes_per_occurrence"]
    assert tuple(each) == pytest.approx((43, 53))


def _hotspot(audit, text: str, minutes: float):
    settings = Settings(select=("VA206",), effort_hotspot_minutes=minutes)
    return [f for f in audit(text, settings=settings).findings if f.code == "VA206"]


def test_va206_at_its_threshold(audit):
    # the consultation's 30 minutes beat booking's [10, 20] (by the middle of the range)
    [finding] = _hotspot(audit, CLINIC, 30)
    assert (finding.touchpoint, finding.unit) == ("consultation", "hours")
    assert finding.gain == pytest.approx(100 * 30 / 60)
    assert "spends 30 minutes there each time (50 hours per period" in finding.message
    assert _hotspot(audit, CLINIC, 30.5) == []
    # a range counts only when certainly at the threshold: booking alone, [10, 20]
    booking_only = CLINIC.replace("minutes: 30}", "minutes: 5}")
    [finding] = _hotspot(audit, booking_only, 10)
    assert finding.touchpoint == "booking"
    assert _hotspot(audit, booking_only, 10.5) == []


def _stale(audit, today: dt.date, days: int = 365):
    settings = Settings(select=("VA305",), today=today, evidence_max_age_days=days)
    return [f for f in audit(CLINIC, settings=settings).findings if f.code == "VA305"]


def test_va305_on_both_sides_of_its_boundary(audit):
    # as of 2026-01-01: 365 days later is still fresh, 366 days is stale
    assert _stale(audit, dt.date(2027, 1, 1)) == []
    [finding] = _stale(audit, dt.date(2027, 1, 2))
    assert finding.path == "touchpoints[2].flows[1].evidence.as_of"
    assert "published (tariff) as of 2026-01-01, more than 365 days before the run" in (
        finding.message
    )
    assert _stale(audit, dt.date(2026, 2, 1), days=31) == []
    assert len(_stale(audit, dt.date(2026, 2, 2), days=31)) == 1


def test_each_opportunity_says_what_it_rests_on(audit):
    result = audit(CLINIC, settings=Settings())
    labels = {o.finding.code: o.evidence for o in result.opportunities()}
    # the process's value rests on measured, assumed, estimated and published flows
    assert labels["VA206"] == "mixed"
    everything_measured = CLINIC.replace("source: assumed", "source: measured").replace(
        "source: estimated", "source: measured"
    )
    waiting = everything_measured.replace(
        "value: 0,\n         minutes: 30}",
        "value: 0,\n         minutes: 30, evidence: {source: measured}}",
    )
    result = audit(waiting, settings=Settings())
    assert {o.evidence for o in result.opportunities()} == {"backed"}


def test_cost_to_serve_per_channel_and_per_occurrence(tmp_path: Path):
    (tmp_path / "clinic.yaml").write_text(CLINIC)
    document = json.loads(runner.invoke(app, ["portfolio", str(tmp_path), "-f", "json"]).stdout)
    channels = {c["channel"]: c for c in document["portfolio"]["channels"]}
    # phone: the slot costs the clinic 3 at 100 bookings (triage gives nothing) over
    # 100 + 20 occurrences; in person: the treatment costs 6 at 100
    phone = channels["phone"]
    assert phone["cost"] == {"points": 300} and phone["cost_per_occurrence"] == {"points": 2.5}
    assert channels["in person"]["cost_per_occurrence"] == {"points": 6}
    # effort there: booking [1000, 2000] + triage 300 minutes; 3,000 in person
    assert phone["effort"] == [round(1300 / 60, 4), round(2300 / 60, 4)]
    assert channels["in person"]["effort"] == 50
    stages = {s["stage"]: s for s in document["portfolio"]["stages"]}
    assert stages["visit"]["cost"] == {"points": 600}
    text = runner.invoke(app, ["portfolio", str(tmp_path)]).stdout
    assert "2.5 pts" in text and "cost to serve" in text
