"""valueaudit: audit the value exchanged at customer touchpoints.

A small API for notebooks and scripts::

    import valueaudit
    process = valueaudit.load("processes/invoice-payment.yaml")   # a validated model
    result = valueaudit.audit("processes/")                        # scores and findings
    for opportunity in result.opportunities():                     # ranked by gain
        print(opportunity.gain, opportunity.unit, opportunity.finding.suggestion)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from os import PathLike

    from valueaudit.model import Process
    from valueaudit.notebook import AuditResult
    from valueaudit.settings import Settings

from valueaudit.version import __version__, version_line


class InvalidProcessError(ValueError):
    """A process file that cannot be loaded; ``findings`` says why and where."""

    def __init__(self, findings: list[object], message: str) -> None:
        super().__init__(message)
        self.findings = findings


def load(path: str | PathLike[str]) -> Process:
    """Load and validate one process file into an immutable model.

    Raises :class:`InvalidProcessError` listing the VA1xx problems when it is invalid.
    """
    from pathlib import Path

    from valueaudit.validation import load_process

    loaded = load_process(Path(path))
    if loaded.process is None or any(f.severity.value == "error" for f in loaded.findings):
        lines = [f"{f.file}:{f.line}:{f.column} {f.code} {f.message}" for f in loaded.findings]
        raise InvalidProcessError(list(loaded.findings), "\n".join(lines))
    return loaded.process


def audit(*paths: str | PathLike[str], settings: Settings | None = None) -> AuditResult:
    """Audit files and folders (default ``processes/``) as ``valueaudit scan`` does: the
    files, the findings (the portfolio's last), the ledger, ``to_dict()`` and DataFrames
    (:class:`valueaudit.notebook.AuditResult`)."""
    from pathlib import Path

    from valueaudit.discovery import discover
    from valueaudit.notebook import audit_result
    from valueaudit.scan import audit_files
    from valueaudit.settings import Settings

    chosen = settings or Settings()
    files = discover(
        [Path(p) for p in paths] or [Path("processes")], chosen.excluded, chosen.paths_root
    )
    return audit_result(audit_files(files, chosen), chosen)


#: The format's models (:mod:`valueaudit.model`), exported lazily so that ``valueaudit
#: --version`` does not import pydantic.
_MODELS = (
    "Assumptions",
    "Elements",
    "Flow",
    "Party",
    "Process",
    "Suppression",
    "Timing",
    "Touchpoint",
)


def __getattr__(name: str) -> object:
    if name in _MODELS:
        from valueaudit import model

        return getattr(model, name)
    if name == "Severity":
        from valueaudit.findings import Severity

        return Severity
    if name == "AuditResult":
        from valueaudit.notebook import AuditResult

        return AuditResult
    raise AttributeError(f"module 'valueaudit' has no attribute {name!r}")


__all__ = [
    "AuditResult",
    "InvalidProcessError",
    "Severity",
    "__version__",
    "audit",
    "load",
    "version_line",
    *_MODELS,
]
