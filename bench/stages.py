"""Instructions per stage of valueaudit's work, counted with valgrind (deterministic).

    python bench/stages.py [--files 60] [--corpus DIR]

The runner (``bench/run.py``) times the real commands, but a virtual machine's speed
drifts by a third within minutes, which hides a change of 10% in one stage. Counting the
instructions each stage executes does not drift: this script runs itself under
``valgrind --tool=callgrind`` once per stage, each stage doing all the work of the ones
before it, and prints the differences per file:

- ``start``: imports only;
- ``load``: read, parse and validate the files;
- ``audit``: structure checks, scores, rules, positioned findings, suppressions;
- ``json``: the results prepared for the JSON document (what the workers do for it).

Instructions are not time (loading waits on memory more than the rules do), so the
ratio here is a yardstick for comparing changes, not the SPEC's measure; ``run.py``
gives that. Needs ``valgrind``; 60 files take about two minutes.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

STAGES = ("start", "load", "audit", "json")


def run_stage(corpus: Path, files: int, stage: str) -> None:
    """Do the work of ``stage`` and of every stage before it (what valgrind counts)."""
    from valueaudit.discovery import discover
    from valueaudit.engine import audit_loaded
    from valueaudit.output import Options
    from valueaudit.output.json_format import prepare
    from valueaudit.settings import Settings
    from valueaudit.validation import load_process

    chosen = discover([corpus])[:files]
    settings = Settings()
    if stage == "start":
        return
    loaded = [load_process(path, display) for path, display in chosen]
    if stage == "load":
        return
    results = [audit_loaded(item, settings) for item in loaded]
    if stage == "audit":
        return
    options = Options(settings)
    for result in results:
        prepare(result, options)


def count(corpus: Path, files: int, stage: str) -> int:
    """Instructions valgrind counts for one stage (start-up included)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--corpus",
        str(corpus),
        "--files",
        str(files),
        "--stage",
        stage,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        sys.exit(f"stages: valgrind failed on stage {stage}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description="valueaudit instructions per stage")
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus or Path(tempfile.gettempdir()) / "valueaudit-corpus-1000"
    if args.stage is not None:
        run_stage(corpus, args.files, args.stage)
        return 0
    if shutil.which("valgrind") is None:
        sys.exit("stages: needs valgrind (apt install valgrind)")
    if not corpus.is_dir():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate import generate

        generate(corpus, 1000)
    totals = {stage: count(corpus, args.files, stage) for stage in STAGES}
    per_file = {
        stage: (totals[stage] - totals[before]) / args.files
        for before, stage in itertools.pairwise(STAGES)
    }
    print(f"{args.files} files of {corpus}, instructions per file:")
    for stage, instructions in per_file.items():
        print(f"  {stage:<6} {instructions / 1e6:6.2f} M")
    share = (per_file["audit"] + per_file["json"]) / per_file["load"]
    print(f"  audit + json / load: {share:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
