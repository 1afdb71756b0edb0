"""Settings that steer a scan: which rules run, how severe they are, thresholds."""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from valueaudit.findings import Severity

if TYPE_CHECKING:
    import pathspec

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
#: The deepest nesting a limit may allow: libyaml's composer recurses per level, and its
#: scanner (PyYAML 6.0.4 and later) refuses 1000 levels of flow nesting outright.
DEPTH_CEILING = 500


class SettingsError(ValueError):
    """Settings out of the range the configuration file allows (the API checks what the
    file's reader would)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SettingsError(message)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may make valueaudit do (VA109 beyond them)."""

    #: Files larger than this are refused before they are read.
    file_bytes: int = 4 * 1024 * 1024
    #: Deepest nesting of mappings and lists; real processes need about 7.
    depth: int = 100
    #: Values aliases may add beyond the file's own size (a "billion laughs" stops here).
    alias_expansion: int = 100_000

    def __post_init__(self) -> None:
        _check(
            isinstance(self.file_bytes, int) and 0 < self.file_bytes <= 1024 * 1024 * 1024,
            "limits.file-size-mb must be a number above 0, at most 1,024",
        )
        _check(
            isinstance(self.depth, int) and 0 < self.depth <= DEPTH_CEILING,
            f"limits.nesting-depth must be a number above 0, at most {DEPTH_CEILING}",
        )
        _check(
            isinstance(self.alias_expansion, int) and 0 < self.alias_expansion <= 10**9,
            "limits.alias-expansion must be a number above 0, at most 1,000,000,000",
        )


#: The most draws ``--simulate`` takes: a touchpoint of 100 uncertain flows then holds
#: 80 MB of draws; ±0.003 on a probability is more than the ranges are worth.
MAX_SAMPLES = 100_000


@dataclass(frozen=True)
class Simulation:
    """``--simulate`` (SPEC §4.6): how many draws (0 is off), the seed, and the
    probability at which a touchpoint that may be uneven is "probably uneven" (VA304)."""

    samples: int = 0
    seed: int = 0
    likely: float = 0.8

    def __post_init__(self) -> None:
        # the configuration's own words (valueaudit.config checks the file the same way)
        whole = isinstance(self.samples, int) and not isinstance(self.samples, bool)
        _check(
            whole and 0 <= self.samples <= MAX_SAMPLES,
            f"simulate.samples must be a whole number from 0 to {MAX_SAMPLES:,}",
        )
        _check(
            isinstance(self.seed, int) and not isinstance(self.seed, bool) and self.seed >= 0,
            "simulate.seed must be a whole number, at least 0",
        )
        _check(
            _number(self.likely) and 0 < self.likely <= 1,
            "simulate.likely must be a number above 0, at most 1",
        )


@dataclass(frozen=True)
class Settings:
    """The settings of one run. Defaults are SPEC §5's."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    disparity_threshold: float = 0.5
    process_disparity_threshold: float = 0.4
    #: VA601: a party receiving at most this much per unit it gives, across all processes.
    exchange_ratio_threshold: float = 1 / 3
    dominant_share: float = 0.75
    early_payment_window_days: int = 10
    #: VA401 fires only for a payment of at least this amount (SPEC §4.12).
    early_payment_min_amount: float = 1000.0
    #: VA305: evidence older than this many days on the day of the run is stale.
    evidence_max_age_days: int = 365
    #: VA206: a customer's minutes at one touchpoint from which it is an effort hotspot.
    effort_hotspot_minutes: float = 30.0
    fail_on: str = "error"
    #: Where the process files are (``paths``): what a run searches when it is given no
    #: path, and where ``check`` learns the process ids it is not asked to check,
    #: relative to :attr:`root`. Empty: ``processes/`` in the current folder.
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Leave out of folder scans what the repository's ``.gitignore`` files ignore
    #: (``respect-gitignore``; as ruff does).
    respect_gitignore: bool = True
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Folder that ``exclude`` and ``per-file-ignores`` patterns are relative to.
    root: Path | None = None
    #: Folder that file paths in outputs are relative to (SPEC §7); ``None`` is the
    #: current folder.
    paths_root: Path | None = None
    #: The date suppressions expire against; ``None`` is today.
    today: dt.date | None = None
    limits: Limits = field(default_factory=Limits)
    simulate: Simulation = field(default_factory=Simulation)
    # Answers of enabled(), asked for every rule of every file.
    _enabled: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """The checks the configuration file's reader makes, for settings made in code
        (``valueaudit.audit(..., settings=...)``)."""
        for name, value in (
            ("thresholds.disparity", self.disparity_threshold),
            ("thresholds.process-disparity", self.process_disparity_threshold),
        ):
            _check(_number(value) and 0 <= value <= 1, f"{name} must be a number from 0 to 1")
        _check(
            _number(self.exchange_ratio_threshold) and 0 < self.exchange_ratio_threshold <= 1e6,
            "thresholds.exchange-ratio must be a number above 0, at most 1e+06",
        )
        _check(
            isinstance(self.early_payment_window_days, int) and self.early_payment_window_days >= 0,
            "early-payment-window-days must be a whole number of days >= 0",
        )
        _check(
            _number(self.early_payment_min_amount) and self.early_payment_min_amount >= 0,
            "early-payment-min-amount must be an amount >= 0",
        )
        _check(
            isinstance(self.evidence_max_age_days, int) and 0 <= self.evidence_max_age_days <= 1e9,
            "evidence.max-age-days must be a whole number of days >= 0",
        )
        _check(
            _number(self.effort_hotspot_minutes) and 0 <= self.effort_hotspot_minutes <= 1e9,
            "effort.hotspot-minutes must be a number of minutes >= 0",
        )
        _check(
            self.fail_on in FAIL_ON_CHOICES, f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}"
        )

    def enabled(self, code: str) -> bool:
        """Whether a rule runs: selected (by code or prefix, all when empty), not ignored."""
        known = self._enabled.get(code)
        if known is None:
            selected = not self.select or any(code.startswith(p) for p in self.select)
            known = selected and not any(code.startswith(p) for p in self.ignore)
            self._enabled[code] = known
        return known

    def enabled_in(self, code: str, file: str) -> bool:
        """Whether a rule's findings are reported in a file (``per-file-ignores``)."""
        if not self.enabled(code):
            return False
        if not self.per_file_ignores:
            return True
        relative = self.relative(file)
        return not any(
            code.startswith(prefix)
            for pattern, prefixes in self.per_file_ignores.items()
            if matches(relative, pattern)
            for prefix in prefixes
        )

    def search_paths(self) -> list[Path]:
        """The folders (or files) :attr:`paths` names, or ``processes/``."""
        if not self.paths:
            return [Path("processes")]
        return [(self.root or Path.cwd()) / path for path in self.paths]

    def excluded(self, file: str) -> bool:
        """Whether a discovered file is left out of the scan (``exclude``)."""
        relative = self.relative(file)
        return any(matches(relative, pattern) for pattern in self.exclude)

    def relative(self, file: str) -> str:
        """A file's path as outputs show it (relative to :attr:`paths_root`), made
        relative to :attr:`root`, with ``/``."""
        if self.root is None or self.root == self.paths_root:
            return file
        from valueaudit.paths import absolute

        try:
            shown = (self.paths_root or Path.cwd()) / file
            return absolute(shown).relative_to(absolute(self.root)).as_posix()
        except ValueError:
            return file

    def severity_of(self, code: str, default: Severity) -> Severity:
        """A rule's severity after overrides."""
        return self.severity.get(code, default)

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of this severity makes the run exit 1."""
        if self.fail_on == "never":
            return False
        return severity.rank >= Severity(self.fail_on).rank


def matches(path: str, pattern: str) -> bool:
    """Whether a ``/`` path matches a gitignore-style pattern (``pathspec``'s Git
    semantics): a name without ``/`` matches a file or folder at any depth, a folder
    matches everything below it, ``*`` stays within a folder and ``**`` crosses them."""
    return _spec(pattern).match_file(path)


@functools.lru_cache(maxsize=256)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    # compiled once per pattern and process: settings hold a handful of patterns
    import pathspec  # only when there are patterns: it costs start-up time

    return pathspec.GitIgnoreSpec.from_lines([pattern])
