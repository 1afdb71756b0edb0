"""The ``sarif`` format: SARIF 2.1.0, as GitHub code scanning reads it.

Every rule of the catalogue is listed with its descriptions and help (plain and
Markdown) and a ``helpUri``; results point at repository-relative URIs under
``%SRCROOT%`` (described in ``originalUriBaseIds``) and carry a fingerprint under
valueaudit's own key, ``valueaudit/v1``, content-keyed like the baseline, so it does not
change when lines move. GitHub's reserved ``primaryLocationLineHash`` is left to GitHub,
which computes it itself and complains when a tool's value differs from its own.

GitHub takes at most 25,000 results per run, so the writer keeps only the first 25,000
in SARIF's order (errors first, then warnings, then notes, each by gain) in a bounded
top list as results arrive, and says in ``invocations[0].toolExecutionNotifications``
how many it left out (SPEC §7). The log is indented; each result stands on one line,
encoded in the worker by the standard encoder's C code (which indenting would turn
off: measured, it tripled the cost of a result).
"""

from __future__ import annotations

import json
import operator
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from valueaudit.findings import SORT_KEY, Finding, Severity, TopN, fingerprints
from valueaudit.output import Options
from valueaudit.output.catalogue import how_to_suppress
from valueaudit.output.encoding import dumps
from valueaudit.rules import RULES, Rule
from valueaudit.version import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/valueaudit/valueaudit"
#: Where the rules are documented: the README's rule section.
HELP_URI = f"{INFORMATION_URI}#rules"
FINGERPRINT_KEY = "valueaudit/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"
#: GitHub code scanning rejects a run with more results than this.
MAX_RESULTS = 25_000

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.scan import Summary

#: A kept result: its place in SARIF's order, the finding and its fingerprint (encoded
#: only if it is among the results kept).
_Kept = tuple[tuple[int, float, tuple[str, int, int, str, str]], Finding, str]

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2)


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
        "helpUri": HELP_URI,
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


def _order(finding: Finding) -> tuple[int, float, tuple[str, int, int, str, str]]:
    """SARIF's order: errors first, then warnings, then notes; each by gain, then place."""
    return (-finding.severity.rank, -(finding.gain or 0.0), SORT_KEY(finding))


def _result(finding: Finding, fingerprint: str, codes: dict[str, int]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": codes[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    properties: dict[str, str | float] = {}
    if finding.suggestion:
        properties["suggestion"] = finding.suggestion
    if finding.gain is not None:
        properties["gain"] = round(finding.gain, 4)
        properties["unit"] = finding.unit or "points"
        properties["evidence"] = finding.evidence or "assumed"
    if finding.exchange is not None:
        properties["exchange"] = finding.exchange
    if properties:
        entry["properties"] = properties
    return entry


#: Results sit four levels deep in the log: ``{"runs": [{"results": [...]}]}``.
_RESULT_INDENT = " " * 8
_CODES = {code: index for index, code in enumerate(RULES)}


def prepare(result: FileResult, options: Options) -> tuple[_Kept, ...]:
    """One file's findings with their place in SARIF's order and their fingerprints (a
    fingerprint counts within its file)."""
    return _placed(result.findings)


def _placed(findings: tuple[Finding, ...]) -> tuple[_Kept, ...]:
    return tuple(
        (_order(finding), finding, fingerprint)
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    )


class ScanWriter:
    """The scan as one SARIF log: at most :data:`MAX_RESULTS` results, kept as they
    arrive, written at the end."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.kept: TopN[_Kept] = TopN(MAX_RESULTS, operator.itemgetter(0))

    def add(self, piece: tuple[_Kept, ...]) -> None:
        """Take one file's results."""
        for kept in piece:
            self.kept.push(kept)

    def finish(self, totals: Summary) -> None:
        """Write the log, the scan-level findings kept as every file's are."""
        for _, findings in totals.placed():
            self.add(_placed(findings))
        results = [
            _RESULT_INDENT + dumps(_result(finding, fingerprint, _CODES))
            for _, finding, fingerprint in self.kept.best()
        ]
        left_out = self.kept.seen - len(results)
        invocation: dict[str, Any] = {"executionSuccessful": True}
        if left_out:
            invocation["toolExecutionNotifications"] = [
                {
                    "level": "warning",
                    "message": {
                        "text": f"{left_out} of {self.kept.seen} results are left out: GitHub "
                        f"code scanning takes at most {MAX_RESULTS} per run (errors are kept "
                        "first, then warnings, then notes, each by gain); --format json has "
                        "them all"
                    },
                }
            ]
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
                    "originalUriBaseIds": {
                        SRCROOT: {
                            "description": {
                                "text": "The folder the paths are relative to: --root, "
                                "else GITHUB_WORKSPACE or CI_PROJECT_DIR, else the top of the "
                                "git work tree, else where valueaudit ran."
                            }
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "invocations": [invocation],
                    "results": [],
                }
            ],
        }
        # the results were encoded in the workers: the log goes around them
        head, empty, tail = _ENCODER.encode(log).rpartition('"results": []')
        assert empty, "the log's results go last"
        self.out.write(head + '"results": [')
        for index, text in enumerate(results):
            self.out.write(",\n" if index else "\n")
            self.out.write(text)
        self.out.write(f"\n{_RESULT_INDENT[2:]}]" if results else "]")
        self.out.write(tail + "\n")
