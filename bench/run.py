"""valueaudit's benchmark: the commands users run, against the floor, with memory.

    python bench/run.py [--files 10000] [--repeat 3] [--sizes 3000,10000,30000]
                        [--only NAME,...] [--corpus DIR]

Generates the corpus (bench/generate.py) unless it exists, then times, on the same
files and interleaved (each round runs every command once, in turn, so that a drift in
the machine's speed hits all alike; each keeps its best round):

- the floor: PyYAML's C loader alone loading every file in one process;
- the CI invocation ``scan -f github -f sarif:out.sarif -f junit:out.xml
  -f markdown:report.md``, with default jobs;
- every format alone (``text`` piped, ``json``, ``sarif``, ``github``, ``junit``,
  ``gitlab``, ``markdown``) and ``report -o``;
- ``diff`` of the corpus against a second one with the same process ids;
- ``scan -f json -j 1``; ``check`` of one file; ``valueaudit --version``;

and the peak memory of any one process of each command. With ``--sizes`` it also
times every format alone at each size, for the time per file (linear growth). It
prints each figure against the targets of SPEC §9 and exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
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
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")
MEMORY_LIMIT_MB = 200


def compile_package() -> None:
    """Compile valueaudit to bytecode, as ``pip install`` does: an editable install run
    with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile it anew at every start-up
    and time the compiler, not valueaudit."""
    import compileall

    import valueaudit

    compileall.compile_dir(Path(valueaudit.__file__).parent, quiet=1)


def corpus_of(files: int, seed: int = 1) -> Path:
    """The generated corpus of ``files`` files (made once, kept in the temporary folder)."""
    folder = Path(tempfile.gettempdir()) / f"valueaudit-corpus-{files}-{seed}"
    if not folder.is_dir():
        generate(folder, files, seed)
    return folder


_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - started
if done.returncode not in (0, 1):
    sys.exit(done.stderr.decode())
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(command: list[str]) -> tuple[float, float]:
    """Wall time in seconds and the largest resident set of any one process of the
    command, in MB (its exit code must be 0 or 1; output to a pipe, then dropped)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    seconds, kilobytes = done.stdout.split()
    return float(seconds), int(kilobytes) / 1024


@dataclass
class Figure:
    """One command's best time and largest memory over the rounds."""

    seconds: float = float("inf")
    memory_mb: float = 0.0

    def take(self, seconds: float, memory_mb: float) -> None:
        self.seconds = min(self.seconds, seconds)
        self.memory_mb = max(self.memory_mb, memory_mb)


#: Draws of the simulated scan (``scan -f json --simulate N``, SPEC §4.6: within 3x).
SIMULATED_DRAWS = 10_000


def commands(corpus: Path, other: Path, out: Path) -> dict[str, list[str]]:
    """The commands timed on one corpus, by name."""
    scan = [*VALUEAUDIT, "scan", str(corpus), "--no-progress", "--fail-on", "never"]
    table: dict[str, list[str]] = {
        "floor": [sys.executable, "-c", FLOOR_SCRIPT, str(corpus)],
        "ci": [
            *scan,
            "-f",
            "github",
            "-f",
            f"sarif:{out / 'out.sarif'}",
            "-f",
            f"junit:{out / 'out.xml'}",
            "-f",
            f"markdown:{out / 'report.md'}",
        ],
    }
    for name in FORMATS:
        table[name] = [*scan, "-f", name]
    table["report"] = [*VALUEAUDIT, "report", str(corpus), "-o", str(out / "r.md")]
    table["diff"] = [*VALUEAUDIT, "diff", str(other), str(corpus), "--fail-on", "never"]
    table["json -j 1"] = [*scan, "-f", "json", "-j", "1"]
    table["simulate"] = [*scan, "-f", "json", "--simulate", str(SIMULATED_DRAWS)]
    table["portfolio"] = [*VALUEAUDIT, "portfolio", str(corpus), "--no-progress", "-f", "json"]
    return table


def rounds(table: dict[str, list[str]], repeat: int) -> dict[str, Figure]:
    """Every command of ``table`` once per round, in turn; the best of each."""
    figures = {name: Figure() for name in table}
    for _ in range(repeat):
        for name, command in table.items():
            figures[name].take(*measure(command))
    return figures


def start_up(repeat: int, one_file: Path) -> dict[str, float]:
    """The quick commands: best of ``repeat`` + 4 runs each."""
    quick = {
        "--version": [*VALUEAUDIT, "--version"],
        "check (one file)": [*VALUEAUDIT, "check", str(one_file)],
    }
    return {
        name: min(measure(command)[0] for _ in range(repeat + 4)) for name, command in quick.items()
    }


def report(
    files: int,
    figures: dict[str, Figure],
    quick: dict[str, float],
    per_file: dict[str, dict[int, float]],
    memory: dict[str, dict[int, float]],
) -> bool:
    """Print every figure with its target; whether all targets are met."""
    floor, json_scan = figures["floor"].seconds, figures["json"].seconds
    checks: list[tuple[str, str, bool | None]] = []

    def row(name: str, ratio_to: float, base: str, target: float | None) -> None:
        figure = figures[name]
        if figure.seconds == float("inf"):  # not timed (--only)
            return
        ratio = figure.seconds / ratio_to
        met = None if target is None else ratio <= target
        goal = f" (target <= {target}x)" if target is not None else ""
        checks.append(
            (
                f"{name:<12} {figure.seconds:7.2f} s  {figure.memory_mb:6.0f} MB  "
                f"{ratio:5.2f}x {base}{goal}",
                "",
                met,
            )
        )

    row("floor", floor, "floor", None)
    row("ci", floor, "floor", 1.0)
    for name in (*FORMATS, "report"):
        row(name, json_scan, "json", 1.3)
    row("diff", floor, "floor", None)
    row("json -j 1", floor, "floor", 1.2)
    row("simulate", json_scan, "json", 3.0)
    row("portfolio", json_scan, "json", 1.2)
    for name, seconds, limit in (
        ("--version", quick["--version"], 0.1),
        ("check (one file)", quick["check (one file)"], 0.3),
    ):
        checks.append((f"{name:<17} {seconds:.3f} s (target < {limit} s)", "", seconds < limit))
    for name, figure in figures.items():
        if name != "floor" and figure.seconds != float("inf"):
            checks.append(
                (
                    f"memory {name}: {figure.memory_mb:.0f} MB (target < {MEMORY_LIMIT_MB})",
                    "",
                    figure.memory_mb < MEMORY_LIMIT_MB,
                )
            )
    for name, by_size in per_file.items():
        sizes = sorted(by_size)
        if len(sizes) > 1:
            growth = by_size[sizes[-1]] / by_size[sizes[0]]
            text = ", ".join(f"{n}: {by_size[n] * 1000:.2f} ms" for n in sizes)
            mem = ", ".join(f"{memory[name][n]:.0f}" for n in sizes)
            checks.append(
                (
                    f"per file {name}: {text}; {growth:.2f}x (target <= 1.2x); peak MB {mem}",
                    "",
                    growth <= 1.2 and max(memory[name].values()) < MEMORY_LIMIT_MB,
                )
            )
    print(f"{files} files:")
    for text, _, met in checks:
        mark = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"  {text}{mark}")
    results = [met for _, _, met in checks if met is not None]
    print(f"targets met: {sum(results)} of {len(results)}")
    return all(results)


def main() -> int:
    parser = argparse.ArgumentParser(description="valueaudit benchmark")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="", help="comma-separated corpus sizes, e.g. 3000,30000")
    parser.add_argument("--only", default="", help="comma-separated command names to time")
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()

    compile_package()
    corpus = args.corpus or corpus_of(args.files)
    other = corpus_of(args.files, seed=2) if args.corpus is None else corpus
    files = sorted(corpus.rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files) / 1_000_000
    print(
        f"corpus: {len(files)} files, {size:.1f} MB in {corpus}; {os.cpu_count()} cores; "
        f"Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        table = commands(corpus, other, Path(scratch))
        wanted: Callable[[str], bool] = lambda name: (  # noqa: E731
            not args.only or name in args.only.split(",") or name in ("floor", "json")
        )
        figures = rounds({k: v for k, v in table.items() if wanted(k)}, args.repeat)
        quick = start_up(args.repeat, files[0])
        per_file: dict[str, dict[int, float]] = {}
        memory: dict[str, dict[int, float]] = {}
        for count in [int(n) for n in args.sizes.split(",") if n]:
            sized = commands(corpus_of(count), corpus_of(count), Path(scratch))  # no diff here
            timed = rounds({name: sized[name] for name in FORMATS if wanted(name)}, 1)
            for name, figure in timed.items():
                per_file.setdefault(name, {})[count] = figure.seconds / count
                memory.setdefault(name, {})[count] = figure.memory_mb
            print(f"  timed {count} files at {time.strftime('%H:%M:%S')}", flush=True)
    full = {name: figures.get(name, Figure()) for name in table}
    return 0 if report(len(files), full, quick, per_file, memory) else 1


if __name__ == "__main__":
    sys.exit(main())
