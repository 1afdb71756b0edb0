"""The ``gitlab`` format: GitLab Code Quality JSON.

Severity mapping: error -> ``critical``, warning -> ``major``, info -> ``info``.
Fingerprints are unique and do not depend on line numbers.
"""

from __future__ import annotations

import json
from typing import Any

from valueaudit.engine import ScanResult
from valueaudit.findings import Severity, fingerprints
from valueaudit.rules import RULES

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
CATEGORIES = {"1": "Bug Risk", "2": "Complexity", "3": "Clarity", "4": "Complexity"}


def render(result: ScanResult) -> str:
    """The scan as a Code Quality report (a JSON array of issues)."""
    issues: list[dict[str, Any]] = []
    for finding, fingerprint in zip(result.findings, fingerprints(result.findings), strict=True):
        rule = RULES[finding.code]
        description = f"{finding.code} {finding.message}"
        issue: dict[str, Any] = {
            "type": "issue",
            "check_name": finding.code,
            "description": description,
            "content": {"body": finding.suggestion or rule.summary},
            "categories": [CATEGORIES.get(rule.family, "Style")],
            "severity": SEVERITIES[finding.severity],
            "fingerprint": fingerprint,
            "location": {"path": finding.file, "lines": {"begin": finding.line}},
        }
        issues.append(issue)
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
