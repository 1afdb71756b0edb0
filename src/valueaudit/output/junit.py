"""The ``junit`` format: JUnit XML as CI servers read it.

A ``testsuite`` per file and a ``testcase`` per process (named by the process id, or by
the file when it could not be read). A testcase fails when it has findings at or above
``--fail-on``; its ``failure`` lists them, one per line as ``file:line:col CODE
message``. Findings below that go to ``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from valueaudit.engine import ScanResult
from valueaudit.findings import Finding
from valueaudit.settings import Settings


def _lines(findings: list[Finding]) -> str:
    return "\n".join(f"{f.file}:{f.line}:{f.column} {f.code} {f.message}" for f in findings)


def render(result: ScanResult, settings: Settings) -> str:
    """The scan as JUnit XML."""
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_file.setdefault(finding.file, []).append(finding)
    suites = ET.Element("testsuites", name="valueaudit")
    total = failed = 0
    for report in result.files:
        findings = by_file.get(report.file, [])
        failing = [f for f in findings if settings.fails(f.severity)]
        passing = [f for f in findings if not settings.fails(f.severity)]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=report.file,
            tests="1",
            failures=str(int(bool(failing))),
            errors="0",
            skipped="0",
            time="0",
        )
        name = report.process.id if report.process else report.file
        case = ET.SubElement(
            suite, "testcase", classname=report.file, name=name, file=report.file, time="0"
        )
        if failing:
            counts = ", ".join(
                f"{sum(1 for f in failing if f.severity is s)} {s.value}"
                for s in sorted({f.severity for f in failing}, key=lambda s: -s.rank)
            )
            failure = ET.SubElement(
                case, "failure", type=failing[0].code, message=f"{len(failing)} findings: {counts}"
            )
            failure.text = _lines(failing)
        if passing:
            ET.SubElement(case, "system-out").text = _lines(passing)
        total += 1
        failed += int(bool(failing))
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
