"""Long files cost work in proportion to their length: counted, not timed.

Each shape is audited at two lengths; the function calls made (generator steps
included) and the peak memory traced must grow about as the file does. Work that is
quadratic in parties, touchpoints or flows grows 16-fold here, and fails.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from valueaudit.output import Options, render
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

SMALL, LARGE = 150, 600  # 4x longer
# the long files of bench/long_files.py, at lengths a test can afford
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from long_files import bare, linked_chain, long_chain, many_parties  # noqa: E402


def _cost(tmp_path: Path, text: str, formats: tuple[str, ...]) -> tuple[int, int]:
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    profile = cProfile.Profile()
    tracemalloc.start()
    profile.enable()
    result = audit_files([(path, "long.yaml")], Settings(), jobs=1)
    for name in formats:
        render(name, result, Options(Settings()))
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


# --- issue 26 items 22-24: rules and suppressions linear in what they look at ----------

HEAD = """\
valueaudit: 1
id: wide
parties:
  customer: {role: customer}
  shop: {role: provider}
"""


def many_purchases(n: int) -> str:
    """One touchpoint of n purchases: VA404 looked at every flow for each payment."""
    flows = "".join(
        f"      - {{from: customer, to: shop, gives: pay {k}, kind: money, value: 1}}\n"
        f"      - {{from: shop, to: customer, gives: good {k}, kind: product, value: 1}}\n"
        for k in range(n)
    )
    return f"{HEAD}touchpoints:\n  - id: till\n    flows:\n{flows}"


def many_givers(n: int) -> str:
    """n parties giving at one touchpoint and receiving nothing: VA201 looked at every
    flow for each of them."""
    parties = "".join(f"  p{k}: {{role: customer}}\n" for k in range(n))
    flows = "".join(
        f"      - {{from: p{k}, to: shop, gives: help {k}, kind: effort, value: 1}}\n"
        for k in range(n)
    )
    return f"{HEAD}{parties}touchpoints:\n  - id: t\n    flows:\n{flows}"


def many_suppressions(n: int) -> str:
    """n touchpoints, each uneven (VA202), and n suppressions: each entry looked at every
    finding."""
    touchpoints = "".join(
        f"  - id: t{k}\n    flows:\n"
        "      - {from: customer, to: shop, gives: data, kind: information, value: 9}\n"
        for k in range(n)
    )
    entries = "".join(f"  - {{rule: VA202, touchpoint: t{k}, reason: known}}\n" for k in range(n))
    return f"{HEAD}touchpoints:\n{touchpoints}suppress:\n{entries}"


def _steps(tmp_path: Path, text: str) -> int:
    """Lines the interpreter runs (loop iterations included) to audit the file: a
    quadratic loop inside one comprehension is one call but n² lines."""
    path = tmp_path / "wide.yaml"
    path.write_text(text, encoding="utf-8")
    steps = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal steps
        if event == "line":
            steps += 1
        return trace

    sys.settrace(trace)
    try:
        audit_files([(path, "wide.yaml")], Settings(), jobs=1)
    finally:
        sys.settrace(None)
    return steps


@pytest.mark.parametrize("shape", [many_purchases, many_givers, many_suppressions])
def test_rules_and_suppressions_are_linear(tmp_path: Path, shape: Callable[[int], str]):
    small, large = _steps(tmp_path, shape(100)), _steps(tmp_path, shape(400))
    assert large / small < 4 * 1.4, (small, large)
