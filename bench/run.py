"""valueaudit's benchmark: speed and memory against the floor, on a generated corpus.

    python bench/run.py [--files 10000] [--corpus DIR] [--repeat 3] [--scaling]

Generates the corpus (bench/generate.py) unless it exists, then times, on the same
files and interleaved so that a noisy machine affects all alike:

- the floor: PyYAML's C loader alone loading every file in one process;
- ``valueaudit scan --format json`` with default jobs, and with ``-j 1``;
- ``valueaudit check`` of one file, and ``valueaudit --version``;
- inside one process, the share of rules plus formatters in the time of loading.

Each command's time is the best of ``--repeat`` runs; peak memory is the largest
resident set of any one process of the run. It prints the ratios against the targets
of SPEC §9 and exits 1 when one is missed. ``--scaling`` also times 1k, 5k and 10k
files to show that the time grows linearly.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

VALUEAUDIT = [sys.executable, "-m", "valueaudit"]
FLOOR_SCRIPT = """
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    with open(path, "rb") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""


def compile_package() -> None:
    """Compile valueaudit to bytecode, as ``pip install`` does: an editable install run
    with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile it anew at every start-up
    and time the compiler, not valueaudit."""
    import compileall

    import valueaudit

    compileall.compile_dir(Path(valueaudit.__file__).parent, quiet=1)


def timed(command: list[str]) -> float:
    """Wall time of a command in seconds (its exit code must be 0 or 1)."""
    started = time.perf_counter()
    completed = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(command)} failed:\n{completed.stderr.decode()}")
    return elapsed


def peak_mb(command: list[str]) -> float:
    """Largest resident set of any one process of a command, in MB."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


def best(command: list[str], repeat: int) -> float:
    return min(timed(command) for _ in range(repeat))


def in_process_shares(corpus: Path, sample: int, repeat: int) -> dict[str, float]:
    """Seconds spent, per stage, on up to ``sample`` files in one process: loading
    (read, parse, validate), auditing (structure checks, scores, rules, positioned
    findings, suppressions) and formatting JSON.

    The files go in chunks of 50, each chunk through all three stages in turn, and each
    stage of each chunk keeps its best time of ``repeat`` rounds: a drift in the
    machine's speed then hits the three stages alike instead of whichever ran during it.
    """
    from valueaudit.discovery import discover
    from valueaudit.engine import audit_loaded
    from valueaudit.output.json_format import JsonWriter
    from valueaudit.settings import Settings
    from valueaudit.validation import load_process as load_file

    files = discover([corpus])[:sample]
    chunks = [files[start : start + 50] for start in range(0, len(files), 50)]
    settings = Settings()
    best = {stage: [float("inf")] * len(chunks) for stage in ("load", "rules", "format")}
    gc.disable()
    for _ in range(repeat):
        for number, chunk in enumerate(chunks):
            started = time.perf_counter()
            loaded = [load_file(path, display) for path, display in chunk]
            loading_done = time.perf_counter()
            for item in loaded:  # as `scan --format json` audits: no digests for baselines
                item.identities = False
            auditing = time.perf_counter()
            reports = [audit_loaded(item, settings) for item in loaded]
            audit_done = time.perf_counter()
            writer = JsonWriter()
            for report in reports:
                writer.add(report)
            with open(os.devnull, "w", encoding="utf-8") as sink:
                writer.finish(sink)
            format_done = time.perf_counter()
            for stage, seconds in (
                ("load", loading_done - started),
                ("rules", audit_done - auditing),
                ("format", format_done - audit_done),
            ):
                best[stage][number] = min(best[stage][number], seconds)
            del loaded, reports
    gc.enable()
    return {stage: sum(times) for stage, times in best.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description="valueaudit benchmark")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()

    corpus = args.corpus or Path(tempfile.gettempdir()) / f"valueaudit-corpus-{args.files}"
    if not corpus.is_dir():
        generate(corpus, args.files)
    files = sorted(corpus.rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files) / 1_000_000
    cpus = os.cpu_count() or 1
    print(
        f"corpus: {len(files)} files, {size:.1f} MB in {corpus}; {cpus} cores; "
        f"Python {sys.version.split()[0]}"
    )

    compile_package()
    floor_cmd = [sys.executable, "-c", FLOOR_SCRIPT, str(corpus)]
    scan_cmd = [*VALUEAUDIT, "scan", str(corpus), "--format", "json", "--no-progress"]
    floor = scan = scan_one = float("inf")
    for _ in range(args.repeat):  # interleaved, so drifts in machine speed hit all three
        floor = min(floor, timed(floor_cmd))
        scan = min(scan, timed(scan_cmd))
        scan_one = min(scan_one, timed([*scan_cmd, "-j", "1"]))
    memory = max(peak_mb(scan_cmd), peak_mb([*scan_cmd, "-j", "1"]))
    check_one = best([*VALUEAUDIT, "check", str(files[0])], args.repeat + 2)
    version = best([*VALUEAUDIT, "--version"], args.repeat + 2)
    shares = in_process_shares(corpus, min(len(files), 1000), args.repeat)
    overhead = (shares["rules"] + shares["format"]) / shares["load"]

    rows = [
        (
            "floor: PyYAML C loader, one process",
            f"{floor:.2f} s",
            f"{len(files) / floor:,.0f} files/s",
            "",
        ),
        (
            "scan --format json (default jobs)",
            f"{scan:.2f} s",
            f"{len(files) / scan:,.0f} files/s",
            f"{scan / floor:.2f}x floor (target <= 0.8x)",
        ),
        (
            "scan --format json -j 1",
            f"{scan_one:.2f} s",
            f"{len(files) / scan_one:,.0f} files/s",
            f"{scan_one / floor:.2f}x floor (target <= 1.2x)",
        ),
        ("peak memory of any one process", f"{memory:.0f} MB", "", "target < 150 MB"),
        ("valueaudit --version", f"{version:.3f} s", "", "target < 0.1 s"),
        ("valueaudit check (one file)", f"{check_one:.3f} s", "", "target < 0.2 s"),
        (
            "audit + JSON formatting / load (in process)",
            f"{overhead:.1%}",
            f"{shares['load'] * 1000 / min(len(files), 1000):.2f} ms load/file",
            "target < 10%",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, rate, target in rows:
        print(f"  {label:<{width}}  {value:>9}  {rate:>14}  {target}")
    if args.scaling:
        print("scaling (scan --format json, default jobs):")
        for count in (1000, 5000, 10_000):
            sub = Path(tempfile.gettempdir()) / f"valueaudit-corpus-{count}"
            if not sub.is_dir():
                generate(sub, count)
            seconds = best([*VALUEAUDIT, "scan", str(sub), "-f", "json", "--no-progress"], 1)
            print(f"  {count:>6} files  {seconds:7.2f} s  {seconds / count * 1000:.2f} ms/file")
    met = [
        scan <= 0.8 * floor,
        scan_one <= 1.2 * floor,
        memory < 150,
        version < 0.1,
        check_one < 0.2,
        overhead < 0.10,
    ]
    print(f"targets met: {sum(met)} of {len(met)}")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
