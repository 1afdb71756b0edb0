"""The ``sarif`` format: SARIF 2.1.0, as GitHub code scanning reads it.

Every rule of the catalogue is listed with its descriptions and help (plain and
Markdown); results point at repository-relative URIs under ``%SRCROOT%`` and carry a
``primaryLocationLineHash`` fingerprint that does not change when lines move.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from valueaudit import __version__
from valueaudit.engine import ScanResult
from valueaudit.findings import Finding, Severity, fingerprints
from valueaudit.output.catalogue import how_to_suppress
from valueaudit.rules import RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/valueaudit/valueaudit"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("``", "").replace("`", "")


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """One entry of ``tool.driver.rules``."""
    help_markdown = (
        f"{rule.doc}\n\n**Example**\n\n```yaml\n{rule.bad}\n```\n\n**Better**\n\n"
        f"```yaml\n{rule.good}\n```\n\n**How to suppress**\n\n{how_to_suppress(rule)}"
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _plain(rule.summary)},
        "fullDescription": {"text": _plain(rule.doc)},
        "help": {"text": _plain(help_markdown), "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["valueaudit", f"VA{rule.family}xx"]},
    }


def _location(finding: Finding) -> dict[str, Any]:
    artifact: dict[str, Any]
    if finding.file.startswith("/"):
        artifact = {"uri": "file://" + quote(finding.file)}
    else:
        artifact = {"uri": quote(finding.file), "uriBaseId": SRCROOT}
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }
    }
    if finding.process:
        name = finding.process + (f"/{finding.touchpoint}" if finding.touchpoint else "")
        location["logicalLocations"] = [
            {"fullyQualifiedName": name, "kind": "module" if not finding.touchpoint else "member"}
        ]
    return location


def render(result: ScanResult) -> str:
    """The scan as a SARIF 2.1.0 log."""
    codes = list(RULES)
    results = []
    for finding, fingerprint in zip(result.findings, fingerprints(result.findings), strict=True):
        entry: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [_location(finding)],
            "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        }
        properties: dict[str, str | float] = {}
        if finding.suggestion:
            properties["suggestion"] = finding.suggestion
        if finding.gain is not None:
            properties["gain"] = round(finding.gain, 4)
        if properties:
            entry["properties"] = properties
        results.append(entry)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "valueaudit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in RULES.values()],
                    }
                },
                "automationDetails": {"id": "valueaudit/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
