"""Baselines: report only findings that are new since a recorded state.

A baseline file lists findings by file, process, YAML path, rule and a digest of the
offending content, with a count, never by line number, so moving lines does not
break it. Findings are matched as a multiset: a key recorded twice hides two findings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from valueaudit import __version__
from valueaudit.engine import ScanResult
from valueaudit.findings import Finding

BASELINE_VERSION = 1
Key = tuple[str, str, str, str, str]


class BaselineError(Exception):
    """The baseline file cannot be read."""


@dataclass(frozen=True, slots=True)
class BaselineSummary:
    """How a scan compares with its baseline."""

    known: int
    fixed: int


def render_baseline(findings: Sequence[Finding]) -> str:
    """The baseline file for these findings: stable order, one entry per identity."""
    counts = Counter(f.identity for f in findings)
    messages = {f.identity: f.message for f in reversed(findings)}
    entries = [
        {
            "file": key[0],
            "process": key[1],
            "path": key[2],
            "code": key[3],
            "content_hash": key[4],
            "count": counts[key],
            "message": messages[key],
        }
        for key in sorted(counts)
    ]
    document = {
        "valueaudit_baseline": BASELINE_VERSION,
        "version": __version__,
        "findings": entries,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def read_baseline(path: Path) -> Counter[Key]:
    """The identities a baseline file records, with their counts."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a valueaudit baseline ({error})") from None
    if not isinstance(document, dict) or document.get("valueaudit_baseline") != 1:
        raise BaselineError(f"{path}: not a valueaudit baseline (valueaudit_baseline: 1 missing)")
    counts: Counter[Key] = Counter()
    try:
        for entry in document["findings"]:
            key = tuple(str(entry[k]) for k in ("file", "process", "path", "code", "content_hash"))
            counts[key] += int(entry.get("count", 1))  # type: ignore[index]
    except (KeyError, TypeError, ValueError) as error:
        raise BaselineError(f"{path}: malformed entry ({error})") from None
    return counts


def apply_baseline(result: ScanResult, known: Counter[Key]) -> ScanResult:
    """The scan with the findings recorded in the baseline left out, and a summary."""
    remaining = Counter(known)
    new: list[Finding] = []
    matched = 0
    for finding in result.findings:
        key = finding.identity
        if remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
        else:
            new.append(finding)
    summary = BaselineSummary(known=matched, fixed=sum(known.values()) - matched)
    return replace(result, findings=tuple(new), baseline=summary)
