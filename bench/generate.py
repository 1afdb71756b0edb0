"""Generate a deterministic corpus of realistic process files for the benchmark.

    python bench/generate.py OUT_DIR [--files N] [--seed S]

Each file is one process of 2-4 parties and 10-30 touchpoints with 1-4 flows each,
written the way analysts write them (block style, comments, flow mappings for flows),
with point values, ranges and unknown values, costs, money flows with terms, and
practice elements on some touchpoints: about 10 KB a file. The rev. 3 keys come in the
proportions analysts' files showed: a quarter of the touchpoints name an exchange
(a pay-here, delivered-there pair or trio), one process in ten is valued in EUR and one
in ten on a scale of 100, one in five gives its provider a fixed cost, and one flow in
thirty is not valued; a third of the flows say what they rest on (`evidence`, a third
of those with a date), a quarter of the customers' flows take `minutes`, one touchpoint
in seven has `wait_days`. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from valueaudit.model import KINDS as MODEL_KINDS
from valueaudit.model import PRACTICES

KINDS = [kind for kind in MODEL_KINDS if kind != "other"]
CHANNELS = ["email", "web", "phone", "branch", "app", "letter", "in person", "chat"]
STAGES = ["discover", "buy", "deliver", "use", "support", "renew", "billing"]
OBJECTS = [
    "order confirmation",
    "product details",
    "payment",
    "delivery slot",
    "invoice",
    "complaint details",
    "support ticket",
    "loyalty points",
    "usage data",
    "refund",
    "contract",
    "onboarding call",
    "survey answers",
    "renewal offer",
    "receipt",
]
STATES = ["congruent"] * 6 + ["incongruent", "unknown"]
EXCHANGES = ["order", "service", "claim", "renewal"]

#: Changes whenever the corpus does, so that a corpus made by an older generator is not
#: measured as if it were this one's (bench/run.py keeps corpora by it).
VERSION = 4
SOURCES = ["measured", "published", "estimated", "assumed"]
DATES = ["2023-05-01", "2025-11-30", "2026-06-30"]


def _value(rng: random.Random, around: int, factor: int) -> str:
    """Mostly a number near ``around``; sometimes a range, rarely unknown or not valued;
    on the process's scale (``factor`` times a scale of 10)."""
    roll = rng.random()
    if roll < 0.05:
        return ""
    if roll < 0.083:
        return ", value: not-valued"
    center = max(0, min(10, around + rng.randint(-2, 2)))
    if roll < 0.20:
        low = max(0, center - rng.randint(1, 2))
        return f", value: [{low * factor}, {min(10, center + rng.randint(0, 2)) * factor}]"
    return f", value: {center * factor}"


def _flow(rng: random.Random, source: str, target: str, around: int, factor: int) -> str:
    kind = rng.choice(KINDS)
    extra = _value(rng, around, factor)
    if rng.random() < 0.3:
        extra += f", cost: {max(0, min(10, around + rng.randint(-3, 1))) * factor}"
    if kind == "money":
        extra += (
            f",\n         amount: {rng.randint(10, 20000)}, "
            f"timing: {{due_days: {rng.choice([0, 14, 30, 60])}}}"
        )
    if rng.random() < 0.15:
        extra += f", confidence: {rng.choice(['low', 'medium', 'high'])}"
    if source == "customer" and rng.random() < 0.25:
        extra += f", minutes: {rng.choice(['5', '15', '[10, 30]', '45', '70'])}"
    if rng.random() < 0.33:
        dated = f", as_of: {rng.choice(DATES)}" if rng.random() < 0.33 else ""
        extra += f",\n         evidence: {{source: {rng.choice(SOURCES)}{dated}}}"
    return (
        f"      - {{from: {source}, to: {target}, gives: {rng.choice(OBJECTS)}, "
        f"kind: {kind}{extra}}}"
    )


def process_text(index: int, rng: random.Random) -> str:
    """One process file's text."""
    party_count = rng.randint(2, 4)
    parties = ["customer", "company", "partner", "agency"][:party_count]
    roles = ["customer", "provider", "partner", "other"]
    roll = rng.random()
    unit, factor = ("EUR", 25) if roll < 0.1 else ("points", 10 if roll < 0.2 else 1)
    lines = [
        "# yaml-language-server: $schema=../valueaudit.schema.json",
        f"# Generated process {index} for the valueaudit benchmark.",
        "valueaudit: 1",
        f"id: process-{index:05d}",
        f"name: Benchmark process {index}",
        "description: >-",
        "  A generated chain of customer touchpoints with the mix of certain, ranged and",
        "  unknown values that real process files have.",
        f"owner: team-{rng.randint(1, 40)}",
        f"tags: [{rng.choice(STAGES)}, generated]",
        f"volume: {rng.randint(10, 5000)}",
        *([f"unit: {unit}"] if unit != "points" else []),
        *(["scale: 100"] if factor == 10 else []),
        "assumptions:",
        f"  cost_of_capital: {rng.choice(['0.08', '0.1', '0.12'])}",
        "  currency: EUR",
        "parties:",
    ]
    fixed = rng.random() < 0.2
    for party, role in zip(parties, roles, strict=False):
        cost = (
            f", fixed_cost: {rng.randint(1, 50) * 100 * factor}"
            if fixed and role == "provider"
            else ""
        )
        lines.append(f"  {party}: {{name: {party.title()} of process {index}, role: {role}{cost}}}")
    lines.append("touchpoints:")
    for t in range(rng.randint(10, 30)):
        lines += [
            f"  - id: step-{t:02d}",
            f"    name: Step {t} of the chain",
            *([f"    exchange: {rng.choice(EXCHANGES)}"] if rng.random() < 0.25 else []),
            f"    stage: {rng.choice(STAGES)}",
            f"    practice: {rng.choice(PRACTICES)}",
            f"    channel: {rng.choice(CHANNELS)}",
            f"    initiator: {rng.choice(parties)}",
        ]
        if rng.random() < 0.2:
            lines.append(f"    volume: {rng.randint(1, 5000)}")
        if rng.random() < 0.14:
            lines.append(f"    wait_days: {rng.choice([1, 3, 14, 42])}")
        lines.append("    flows:")
        # analysts write exchanges: a flow and its return, mostly of similar worth
        for _ in range(rng.choice([1, 1, 1, 2])):
            giver, taker = rng.sample(parties, 2)
            worth = rng.randint(1, 9)
            lines.append(_flow(rng, giver, taker, worth, factor))
            if rng.random() < 0.85:
                back = worth if rng.random() < 0.7 else rng.randint(0, 10)
                lines.append(_flow(rng, taker, giver, back, factor))
        if rng.random() < 0.4:
            lines += [
                "    elements:",
                f"      procedures: {rng.choice(STATES)}",
                f"      understandings: {rng.choice(STATES)}",
                f"      engagements: {rng.choice(STATES)}",
            ]
            if rng.random() < 0.5:
                lines.append(f"    outcome: {rng.choice(['co-creation', 'co-destruction'])}")
    return "\n".join(lines) + "\n"


def generate(out: Path, files: int, seed: int = 1) -> list[Path]:
    """Write ``files`` process files into ``out`` (sharded into folders of 1,000)."""
    rng = random.Random(seed)
    paths = []
    for index in range(files):
        folder = out / f"part-{index // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"process-{index:05d}.yaml"
        path.write_text(process_text(index, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the benchmark corpus.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = generate(args.out, args.files, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size / 1_000_000:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
