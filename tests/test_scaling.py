"""Long files cost work in proportion to their length: counted, not timed.

Each shape is audited at two lengths; the function calls made (generator steps
included) and the peak memory traced must grow about as the file does. Work that is
quadratic in parties, touchpoints or flows grows 16-fold here, and fails.
"""

from __future__ import annotations

import cProfile
import pstats
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from valueaudit.engine import audit_files
from valueaudit.output import Options, render
from valueaudit.settings import Settings

SMALL, LARGE = 150, 600  # 4x longer
HEAD = "valueaudit: 1\nid: long\nassumptions: {cost_of_capital: 0.08}\n"


def many_parties(n: int) -> str:
    parties = "".join(f"  p{k}: {{role: customer}}\n" for k in range(n))
    touchpoints = "".join(
        f"  - {{id: t{k}, flows: [{{from: p{k}, to: p{k + 1}, gives: x, kind: money, "
        "value: 5}]}\n"
        for k in range(n - 1)
    )
    return f"{HEAD}parties:\n{parties}touchpoints:\n{touchpoints}"


def long_chain(n: int) -> str:
    touchpoints = "".join(
        f"  - id: t{k}\n    practice: charging\n    flows:\n"
        "      - {from: customer, to: company, gives: money, kind: money, value: 5, "
        "amount: 10, timing: {due_days: 30}}\n"
        "      - {from: company, to: customer, gives: product, kind: product, value: 5}\n"
        "      - {from: customer, to: company, gives: rating, kind: feedback, value: 3}\n"
        "      - {from: prospect, to: company, gives: question, kind: information}\n"
        "      - {from: company, to: prospect, gives: brochure, kind: information}\n"
        for k in range(n)
    )
    parties = (
        "  customer: {role: customer}\n  company: {role: provider}\n  prospect: {role: prospect}\n"
    )
    return f"{HEAD}parties:\n{parties}touchpoints:\n{touchpoints}"


def linked_chain(n: int) -> str:
    """The same chain with explicit ``next`` links (a graph, not a list)."""
    touchpoints = "".join(
        f"  - id: t{k}\n    next: [t{min(k + 1, n - 1)}]\n    flows:\n"
        "      - {from: customer, to: company, gives: rating, kind: feedback, value: 3}\n"
        "      - {from: customer, to: company, gives: money, kind: money, value: 5}\n"
        "      - {from: company, to: customer, gives: product, kind: product, value: 5}\n"
        for k in range(n)
    )
    parties = "  customer: {role: customer}\n  company: {role: provider}\n"
    return f"{HEAD}parties:\n{parties}touchpoints:\n{touchpoints}"


def bare(n: int) -> str:
    parties = "  customer: {role: customer}\n  company: {role: provider}\n"
    return f"{HEAD}parties:\n{parties}touchpoints:\n" + "".join(
        f"  - {{id: t{k}}}\n" for k in range(n)
    )


def _cost(tmp_path: Path, text: str, formats: tuple[str, ...]) -> tuple[int, int]:
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    profile = cProfile.Profile()
    tracemalloc.start()
    profile.enable()
    result = audit_files([(path, "long.yaml")], Settings(), jobs=1)
    for name in formats:
        render(name, result.files, Options(Settings()))
    profile.disable()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return calls, peak


@pytest.mark.parametrize("shape", [many_parties, long_chain, linked_chain, bare])
@pytest.mark.parametrize("formats", [("json",), ("text", "markdown", "sarif")])
def test_work_grows_linearly(tmp_path: Path, shape: Callable[[int], str], formats):
    small_calls, small_peak = _cost(tmp_path, shape(SMALL), formats)
    large_calls, large_peak = _cost(tmp_path, shape(LARGE), formats)
    growth = LARGE / SMALL
    assert large_calls / small_calls < growth * 1.25, (small_calls, large_calls)
    assert large_peak / small_peak < growth * 1.25, (small_peak, large_peak)
