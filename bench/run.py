"""valueaudit's benchmark: the commands users run, against the floor, with memory.

    python bench/run.py [--files 10000] [--repeat 3] [--sizes 3000,10000,30000]
                        [--only NAME,...] [--corpus DIR]

Generates the corpus (bench/generate.py) unless it exists, then times, on the same
files and interleaved (each round runs every command once, in turn, so that a drift in
the machine's speed hits all alike), wall time and CPU time (user + system of the
command and all its workers) of:

- the floor: PyYAML's C loader alone loading every file in one process;
- the CI invocation ``scan -f github -f sarif:out.sarif -f junit:out.xml
  -f markdown:report.md``, with default jobs;
- every format alone (``text`` piped, ``json``, ``sarif``, ``github``, ``junit``,
  ``gitlab``, ``markdown``) and ``report -o``;
- ``diff`` of the corpus against a second one with the same process ids;
- ``scan -f json -j 1``; ``check`` of one file; ``valueaudit --version``;

and the peak memory of any one process of each command. Each ratio is taken within a
round (a command against the floor or the json scan of the same round) and the median
of the rounds' ratios is reported, never the best of one command against the best of
another; the load average before and after is printed with the figures. With
``--sizes`` it also times every format alone and the CI invocation at each size, for
the time per file (linear growth). It prints each figure against the targets of
SPEC §9 and exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import VERSION, generate  # noqa: E402

VALUEAUDIT = [sys.executable, "-m", "valueaudit"]
#: The installed command, as users start it (the quick commands are timed through it).
VALUEAUDIT_SCRIPT = str(Path(sys.executable).with_name("valueaudit"))
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
    # the generator's version in the name: a corpus of an older generator is not reused
    folder = Path(tempfile.gettempdir()) / f"valueaudit-corpus-{VERSION}-{files}-{seed}"
    if not folder.is_dir():
        generate(folder, files, seed)
    return folder


# The child's resource usage covers the command and every process it waited for (the
# workers): CPU time is theirs added up, ru_maxrss the largest of any one of them.
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - started
if done.returncode not in (0, 1):
    sys.exit(done.stderr.decode())
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


@dataclass(frozen=True)
class Run:
    """One run of one command: wall and CPU seconds, peak memory of any one process."""

    wall: float
    cpu: float
    memory_mb: float


def measure(command: list[str]) -> Run:
    """Run the command once (its exit code must be 0 or 1; output to a pipe, then
    dropped)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    wall, cpu, kilobytes = done.stdout.split()
    return Run(float(wall), float(cpu), int(kilobytes) / 1024)


@dataclass
class Figure:
    """One command's runs, one per round (in round order)."""

    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """The median wall time (``inf`` when not timed)."""
        return statistics.median(r.wall for r in self.runs) if self.runs else float("inf")

    @property
    def cpu(self) -> float:
        """The median CPU time."""
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("inf")

    @property
    def memory_mb(self) -> float:
        """The largest peak memory of any round."""
        return max((r.memory_mb for r in self.runs), default=0.0)

    def ratio(self, base: Figure, what: str) -> float:
        """The median over the rounds of this command's ``what`` (wall or cpu) divided by
        ``base``'s in the same round."""
        pairs = zip(self.runs, base.runs, strict=False)
        return statistics.median(getattr(a, what) / getattr(b, what) for a, b in pairs)


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
    """Every command of ``table`` once per round, in turn."""
    figures = {name: Figure() for name in table}
    for number in range(repeat):
        for name, command in table.items():
            figures[name].runs.append(measure(command))
        print(f"  round {number + 1} of {repeat} done at {time.strftime('%H:%M:%S')}", flush=True)
    return figures


def start_up(repeat: int, one_file: Path) -> dict[str, float]:
    """The quick commands: the median of ``repeat`` + 4 runs each."""
    quick = {
        "--version": [VALUEAUDIT_SCRIPT, "--version"],
        "check (one file)": [VALUEAUDIT_SCRIPT, "check", str(one_file)],
    }
    return {
        name: statistics.median(measure(command).wall for _ in range(repeat + 4))
        for name, command in quick.items()
    }


def report(
    files: int,
    figures: dict[str, Figure],
    quick: dict[str, float],
    per_file: dict[str, dict[int, float]],
    memory: dict[str, dict[int, float]],
) -> bool:
    """Print every figure with its target; whether all targets are met."""
    floor, json_scan = figures["floor"], figures["json"]
    checks: list[tuple[str, bool | None]] = []

    def row(name: str, base: Figure, base_name: str, wall: float | None, cpu: float | None) -> None:
        figure = figures[name]
        if not figure.runs:  # not timed (--only)
            return
        ratios = []
        met: bool | None = None
        for what, target in (("wall", wall), ("cpu", cpu)):
            ratio = figure.ratio(base, what)
            goal = f" (<= {target}x)" if target is not None else ""
            ratios.append(f"{what} {ratio:5.2f}x{goal}")
            if target is not None:
                met = (met is not False) and ratio <= target
        checks.append(
            (
                f"{name:<10} wall {figure.wall:7.2f} s  cpu {figure.cpu:7.2f} s  "
                f"{figure.memory_mb:5.0f} MB  vs {base_name}: {', '.join(ratios)}",
                met,
            )
        )

    row("floor", floor, "floor", None, None)
    # on 2 cores, 1.0x the floor's wall time means 2.0x its CPU time (SPEC §9 rev. 3)
    row("ci", floor, "floor", 1.0, 2.0)
    for name in (*FORMATS, "report"):
        row(name, json_scan, "json", 1.3, 1.3)
    row("diff", floor, "floor", None, None)
    row("json -j 1", floor, "floor", 1.2, 1.2)
    row("simulate", json_scan, "json", 3.0, None)
    row("portfolio", json_scan, "json", 1.2, None)
    for name, seconds, limit in (
        ("--version", quick["--version"], 0.1),
        ("check (one file)", quick["check (one file)"], 0.3),
    ):
        checks.append((f"{name:<17} {seconds:.3f} s (target < {limit} s)", seconds < limit))
    for name, figure in figures.items():
        if name != "floor" and figure.runs:
            checks.append(
                (
                    f"memory {name}: {figure.memory_mb:.0f} MB (target < {MEMORY_LIMIT_MB})",
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
                    growth <= 1.2 and max(memory[name].values()) < MEMORY_LIMIT_MB,
                )
            )
    print(f"{files} files ({len(floor.runs)} rounds; medians; ratios within each round):")
    for text, met in checks:
        mark = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"  {text}{mark}")
    results = [met for _, met in checks if met is not None]
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
        f"Python {sys.version.split()[0]}; load average {_load()} at the start"
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
            timed = rounds({name: sized[name] for name in (*FORMATS, "ci") if wanted(name)}, 1)
            for name, figure in timed.items():
                per_file.setdefault(name, {})[count] = figure.wall / count
                memory.setdefault(name, {})[count] = figure.memory_mb
            print(f"  timed {count} files at {time.strftime('%H:%M:%S')}", flush=True)
    full = {name: figures.get(name, Figure()) for name in table}
    print(f"load average {_load()} at the end")
    return 0 if report(len(files), full, quick, per_file, memory) else 1


def _load() -> str:
    """The 1, 5 and 15 minute load averages (another load on the machine shows here)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
