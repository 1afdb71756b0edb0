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
