"""Long single files: time and peak memory grow with the file, not faster.

    python bench/long_files.py

Writes the long files of issue 14 (N parties in a chain of N-1 touchpoints; a chain of
N charging touchpoints with amounts, due dates, feedback and a prospect; N touchpoints
without flows), at N and 2N, and times ``scan -f json`` and the CI invocation (four
formats at once) on each, with peak memory. Linear work shows as about twice the time
and at most twice the memory at 2N; SPEC §9 asks under 200 MB. Prints a table; exits 1
when a file takes more than 2.6x the time at half its length, or more than 200 MB.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from run import MEMORY_LIMIT_MB, VALUEAUDIT, compile_package, measure

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


SHAPES: list[tuple[str, Callable[[int], str], int]] = [
    ("parties", many_parties, 4_000),
    ("charging chain", long_chain, 10_000),
    ("bare touchpoints", bare, 20_000),
]


def main() -> int:
    compile_package()
    ok = True
    print(f"{'file':<30} {'size':>8} {'json':>16} {'ci (4 formats)':>18}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, shape, full in SHAPES:
            times: dict[str, list[float]] = {"json": [], "ci": []}
            for n in (full // 2, full):
                path = folder / f"long-{n}.yaml"
                path.write_text(shape(n), encoding="utf-8")
                scan = [*VALUEAUDIT, "scan", str(path), "-q"]
                json_s, json_mb = measure([*scan, "-f", f"json:{folder / 'out.json'}"])
                ci_s, ci_mb = measure(
                    [
                        *scan,
                        "-f",
                        "github",
                        "-f",
                        f"sarif:{folder / 'out.sarif'}",
                        "-f",
                        f"junit:{folder / 'out.xml'}",
                        "-f",
                        f"markdown:{folder / 'r.md'}",
                    ]
                )
                times["json"].append(json_s)
                times["ci"].append(ci_s)
                ok = ok and max(json_mb, ci_mb) < MEMORY_LIMIT_MB
                size = path.stat().st_size / 1_048_576
                print(
                    f"{name + f' N={n}':<30} {size:6.2f} MB {json_s:6.2f} s {json_mb:4.0f} MB"
                    f" {ci_s:8.2f} s {ci_mb:4.0f} MB",
                    flush=True,
                )
            for command, (half, whole) in times.items():
                growth = whole / half
                ok = ok and growth <= 2.6
                print(f"  {command}: {growth:.2f}x the time at half the length")
    print("within targets" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
