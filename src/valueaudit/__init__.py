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
    """Load one process file into an immutable, validated model, checked as
    ``valueaudit check`` checks a file on its own: YAML (VA101, VA107, VA109), the format
    (VA102) and the process's structure (VA103 party references, VA104 duplicate
    touchpoint ids, VA105 ``next``); only an id used by another file (VA104 across
    files) needs ``check`` of them all.

    Raises :class:`InvalidProcessError` listing the problems when any is an error.
    """
    from pathlib import Path

    from valueaudit.engine import audit_loaded
    from valueaudit.settings import Settings
    from valueaudit.validation import load_process

    loaded = load_process(Path(path))
    checked = audit_loaded(loaded, Settings(select=("VA1",)), validate_only=True)
    if loaded.process is None or any(f.severity.value == "error" for f in checked.findings):
        lines = [f"{f.file}:{f.line}:{f.column} {f.code} {f.message}" for f in checked.findings]
        raise InvalidProcessError(list(checked.findings), "\n".join(lines))
    return loaded.process


def audit(
    *paths: str | PathLike[str],
    settings: Settings | None = None,
    config: str | PathLike[str] | None = None,
) -> AuditResult:
    """Audit files and folders as ``valueaudit scan`` does, with the same settings: the
    configuration file it would use (``valueaudit.toml`` or ``[tool.valueaudit]`` in
    ``pyproject.toml``, the nearest from the current folder upward; or ``config``),
    unless ``settings`` are given; by default the configured ``paths`` (``processes/``),
    leaving out what ``exclude`` and ``.gitignore`` do. Returns the files, the findings
    (the portfolio's last), the ledger, ``to_dict()`` and DataFrames
    (:class:`valueaudit.notebook.AuditResult`).

    Raises :class:`ConfigError` for a configuration file valueaudit would refuse.
    """
    from pathlib import Path

    from valueaudit.config import Overrides, resolve
    from valueaudit.discovery import discover
    from valueaudit.notebook import audit_result
    from valueaudit.scan import audit_files

    if settings is None:
        settings = resolve(Overrides(), None if config is None else Path(config)).settings
    searched = [Path(p) for p in paths] or settings.search_paths()
    files = discover(
        searched, settings.excluded, settings.paths_root, gitignore=settings.respect_gitignore
    )
    return audit_result(audit_files(files, settings), settings)


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
    if name == "ConfigError":
        from valueaudit.config import ConfigError

        return ConfigError
    raise AttributeError(f"module 'valueaudit' has no attribute {name!r}")


__all__ = [
    "AuditResult",
    "ConfigError",
    "InvalidProcessError",
    "Severity",
    "__version__",
    "audit",
    "load",
    "version_line",
    *_MODELS,
]
