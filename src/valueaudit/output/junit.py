"""The ``junit`` format: JUnit XML as CI servers read it.

A ``testsuite`` per file and a ``testcase`` per process (named by the process id, or by
the file when it could not be read; its ``classname`` the file's path without dots, as
Jenkins shows it, and its ``file`` the path, which GitLab links); the scan-level
findings (VA104 across files, VA6xx) make one more testsuite, ``FILE (portfolio)``, for
each file they are placed in. A testcase
fails when it has error or warning findings, whatever ``--fail-on`` says (SPEC §7, as
ruff and Trivy do: the report shows the problems, the exit code decides the job); its
``failure`` lists them, one per line as ``file:line:col CODE message``. Info findings
go to ``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, TextIO

from valueaudit.findings import Finding, Severity
from valueaudit.output import Options, shown_file
from valueaudit.output.files import Spool

if TYPE_CHECKING:
    from valueaudit.engine import FileResult
    from valueaudit.scan import Summary


def _lines(findings: list[Finding]) -> str:
    return "\n".join(
        f"{shown_file(f.file)}:{f.line}:{f.column} {f.code} {f.message}" for f in findings
    )


def class_name(file: str) -> str:
    """A testcase's ``classname`` as Jenkins shows it well: Jenkins splits a classname
    at its last dot into a package and a class (``processes/x.yaml`` would be class
    ``yaml`` of package ``processes/x``), so the file's suffix is left out and any
    other dot becomes ``_`` (``processes/x``). The ``file`` attribute keeps the path."""
    stem = file.removesuffix(".yaml").removesuffix(".yml")
    return stem.replace(".", "_")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _suite(file: str, name: str, findings: tuple[Finding, ...], *, across: bool) -> ET.Element:
    """The testsuite of one file (or of the scan-level findings placed in it, ``across``):
    one testcase, failing on error and warning findings."""
    failing = [f for f in findings if f.severity is not Severity.INFO]
    passing = [f for f in findings if f.severity is Severity.INFO]
    suite = ET.Element(
        "testsuite",
        name=f"{file} (portfolio)" if across else file,
        tests="1",
        failures=str(int(bool(failing))),
        errors="0",
        skipped="0",
        time="0",
    )
    case = ET.SubElement(
        suite, "testcase", classname=class_name(file), name=name, file=file, time="0"
    )
    if failing:
        counts = ", ".join(
            _count(sum(1 for f in failing if f.severity is s), s.value)
            for s in sorted({f.severity for f in failing}, key=lambda s: -s.rank)
        )
        failure = ET.SubElement(
            case,
            "failure",
            type=failing[0].code,
            message=f"{_count(len(failing), 'finding')}: {counts}",
        )
        failure.text = _lines(failing)
    if passing:
        ET.SubElement(case, "system-out").text = _lines(passing)
    return suite


def prepare(result: FileResult, options: Options) -> tuple[str, bool]:
    """One file's testsuite as text, and whether it fails (in the worker)."""
    name = result.process.id if result.process is not None else result.file
    return _encoded(result.file, name, result.findings)


def _encoded(
    file: str, name: str, findings: tuple[Finding, ...], *, across: bool = False
) -> tuple[str, bool]:
    suite = _suite(file, name, findings, across=across)
    ET.indent(suite, level=1)
    return "  " + ET.tostring(suite, "unicode").rstrip() + "\n", suite.get("failures") == "1"


class ScanWriter:
    """JUnit XML: a testsuite per file as it arrives; the totals, which the root element
    carries, at the end."""

    def __init__(self, out: TextIO, options: Options) -> None:
        self.out = out
        self.suites = Spool()
        self.total = self.failed = 0

    def add(self, piece: tuple[str, bool]) -> None:
        """Keep one file's testsuite."""
        text, failed = piece
        self.suites.write(text)
        self.total += 1
        self.failed += failed

    def finish(self, totals: Summary) -> None:
        """Write the document, with a testsuite for the scan-level findings placed in
        each file."""
        for file, findings in totals.placed():
            self.add(_encoded(file, "portfolio", findings, across=True))
        root = ET.Element(
            "testsuites",
            name="valueaudit",
            tests=str(self.total),
            failures=str(self.failed),
            errors="0",
        )
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not self.total:
            self.out.write(ET.tostring(root, "unicode") + "\n")
            return
        opening = ET.tostring(root, "unicode").removesuffix(" />") + ">\n"
        self.out.write(opening)
        self.suites.copy_to(self.out)
        self.out.write("</testsuites>\n")
