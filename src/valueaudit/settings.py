"""Settings that steer a scan: which rules run, how severe they are, thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field

from valueaudit.findings import Severity

FAIL_ON_CHOICES = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Settings:
    """The settings of one run. Defaults are SPEC §5's."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    disparity_threshold: float = 0.5
    process_disparity_threshold: float = 0.4
    dominant_share: float = 0.75
    early_payment_window_days: int = 10
    fail_on: str = "error"

    def enabled(self, code: str) -> bool:
        """Whether a rule runs: selected (by code or prefix, all when empty), not ignored."""
        selected = not self.select or any(code.startswith(p) for p in self.select)
        return selected and not any(code.startswith(p) for p in self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        """A rule's severity after overrides."""
        return self.severity.get(code, default)

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of this severity makes the run exit 1."""
        if self.fail_on == "never":
            return False
        return severity.rank >= Severity(self.fail_on).rank
