"""Configuration: ``valueaudit.toml`` or ``[tool.valueaudit]`` in ``pyproject.toml``.

The first folder, from the current one upward, holding a ``valueaudit.toml`` (keys at
the top level) or a ``pyproject.toml`` with a ``[tool.valueaudit]`` table wins; in one
folder ``valueaudit.toml`` wins. Command-line options win over the file. Every setting
remembers where its value came from, for ``--show-settings``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from valueaudit.findings import Severity
from valueaudit.hints import did_you_mean, escape_unsafe
from valueaudit.numbers import ratio_text
from valueaudit.paths import display_path, output_root
from valueaudit.settings import DEPTH_CEILING, FAIL_ON_CHOICES, MAX_SAMPLES, Settings

SETTINGS = (
    "select",
    "ignore",
    "fail-on",
    "paths",
    "exclude",
    "respect-gitignore",
    "per-file-ignores",
    "severity",
    "thresholds",
    "early-payment-window-days",
    "early-payment-min-amount",
    "limits",
    "simulate",
    "evidence",
    "effort",
)
SIMULATE = ("samples", "seed", "likely")
#: Tables of one number each: key -> (its one setting, whether it is whole days)
_ONE_NUMBER_TABLES = {
    "evidence": ("max-age-days", True),
    "effort": ("hotspot-minutes", False),
}
THRESHOLDS = ("disparity", "process-disparity", "exchange-ratio")
LIMITS = ("file-size-mb", "nesting-depth", "alias-expansion")
DEFAULT_SOURCE = "default"
COMMAND_LINE = "command line"
#: Where the root of output paths came from (:func:`~valueaudit.paths.output_root`).
_ROOT_SOURCES = {
    "--root": COMMAND_LINE,
    "git": f"{DEFAULT_SOURCE} (top of the git work tree)",
    "cwd": DEFAULT_SOURCE,
}


class ConfigError(Exception):
    """A configuration problem, reported in one line with exit code 2."""


@dataclass(frozen=True)
class Overrides:
    """Settings given on the command line (``None``: not given)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    root: Path | None = None
    samples: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class ResolvedSettings:
    """Settings and, for each, where it came from."""

    settings: Settings
    sources: dict[str, str] = field(default_factory=dict)
    file: Path | None = None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file that applies in ``start``, and its valueaudit table."""
    for folder in (start, *start.parents):
        own = folder / "valueaudit.toml"
        if own.is_file():
            return own, _read(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _tool_table(_read(project))
            if table is not None:
                return project, _table(table, project)
    return None


def _tool_table(data: dict[str, Any]) -> object:
    """``[tool.valueaudit]`` of a pyproject.toml, if it has one (``tool`` may be
    anything in a file that is not ours)."""
    tool = data.get("tool")
    return tool.get("valueaudit") if isinstance(tool, dict) else None


def load_config(path: Path) -> tuple[Path, dict[str, Any]]:
    """An explicitly named configuration file (``--config``)."""
    if not path.is_file():
        raise ConfigError(f"configuration file not found: {path}")
    data = _read(path)
    if path.name == "pyproject.toml":
        table = _tool_table(data)
        return path, _table({} if table is None else table, path)
    return path, data


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read: it costs start-up time

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{display_path(path)}: invalid TOML: {error}") from None
    except RecursionError:  # valid TOML may nest deeper than Python's parser goes
        raise ConfigError(f"{display_path(path)}: invalid TOML: nested too deep") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{display_path(path)}: not valid UTF-8 (byte 0x{error.object[error.start]:02x} "
            f"at offset {error.start}); TOML files are UTF-8"
        ) from None
    except OSError as error:
        raise ConfigError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def _table(value: object, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [tool.valueaudit] must be a table")
    return value


def resolve(
    overrides: Overrides, config: Path | None = None, cwd: Path | None = None
) -> ResolvedSettings:
    """Defaults, then the configuration file, then the command line."""
    here = cwd or Path.cwd()
    found = load_config(config) if config is not None else find_config(here)
    settings = Settings(root=here)
    sources = dict.fromkeys(SETTINGS, DEFAULT_SOURCE)
    sources.update({f"thresholds.{k}": DEFAULT_SOURCE for k in THRESHOLDS})
    sources.update({f"limits.{k}": DEFAULT_SOURCE for k in LIMITS})
    sources.update({f"simulate.{k}": DEFAULT_SOURCE for k in SIMULATE})
    sources.update({f"{k}.{v[0]}": DEFAULT_SOURCE for k, v in _ONE_NUMBER_TABLES.items()})
    for table_key in _ONE_NUMBER_TABLES:
        sources.pop(table_key)
    sources.pop("limits")
    sources.pop("simulate")
    sources.pop("thresholds")
    file = None
    if found is not None:
        file, table = found
        settings, changed = _apply_file(settings, table, display_path(file))
        settings = replace(settings, root=file.parent)
        sources.update(dict.fromkeys(changed, display_path(file)))
    given = {
        "select": overrides.select,
        "ignore": overrides.ignore,
        "fail-on": overrides.fail_on,
    }
    for key, value in given.items():
        if value is None:
            continue
        if key == "fail-on":
            settings = replace(settings, fail_on=str(value))
        else:
            settings = _with_codes(settings, key, _codes(list(value), key, COMMAND_LINE))
        sources[key] = COMMAND_LINE
    for key, number in (("samples", overrides.samples), ("seed", overrides.seed)):
        if number is not None:
            settings = _with_simulation(settings, key, number, COMMAND_LINE)
            sources[f"simulate.{key}"] = COMMAND_LINE
    if overrides.root is not None and not overrides.root.is_dir():
        raise ConfigError(f"--root {overrides.root}: not a folder")
    paths_root, why = output_root(overrides.root, start=here)
    settings = replace(settings, paths_root=paths_root)
    sources["root"] = _ROOT_SOURCES.get(why) or f"environment ({why})"
    return ResolvedSettings(settings, sources, file)


def _apply_file(
    settings: Settings, table: Mapping[str, Any], where: str
) -> tuple[Settings, list[str]]:
    changed: list[str] = []
    for key, value in table.items():
        if key not in SETTINGS:
            raise ConfigError(f"{where}: unknown setting '{key}'{did_you_mean(key, SETTINGS)}")
        if key in ("select", "ignore"):
            settings = _with_codes(settings, key, _codes(value, key, where))
        elif key == "fail-on":
            if value not in FAIL_ON_CHOICES:
                raise ConfigError(
                    f"{where}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, got {value!r}"
                )
            settings = replace(settings, fail_on=value)
        elif key == "paths":
            paths = tuple(_strings(value, key, where))
            if not paths or any(not path.strip() or "\0" in path for path in paths):
                raise ConfigError(f"{where}: paths must name at least one folder or file")
            settings = replace(settings, paths=paths)
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: respect-gitignore must be true or false")
            settings = replace(settings, respect_gitignore=value)
        elif key == "exclude":
            patterns = tuple(_strings(value, key, where))
            for pattern in patterns:
                _check_pattern(pattern, key, where)
            settings = replace(settings, exclude=patterns)
        elif key == "per-file-ignores":
            settings = replace(settings, per_file_ignores=_per_file(value, where))
        elif key == "severity":
            settings = replace(settings, severity=_severities(value, where))
        elif key == "thresholds":
            settings, keys = _thresholds(settings, value, where)
            changed.extend(keys)
            continue
        elif key == "limits":
            settings, keys = _limits(settings, value, where)
            changed.extend(keys)
            continue
        elif key == "simulate":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: simulate must be a table ({', '.join(SIMULATE)})")
            for name, number in value.items():
                if name not in SIMULATE:
                    raise ConfigError(
                        f"{where}: unknown simulate setting '{name}'{did_you_mean(name, SIMULATE)}"
                    )
                settings = _with_simulation(settings, name, number, where)
                changed.append(f"simulate.{name}")
            continue
        elif key in _ONE_NUMBER_TABLES:
            settings, name = _one_number(settings, key, value, where)
            changed.append(name)
            continue
        elif key == "early-payment-window-days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where}: {key} must be a whole number of days >= 0")
            settings = replace(settings, early_payment_window_days=value)
        elif key == "early-payment-min-amount":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ConfigError(
                    f"{where}: {key} must be an amount >= 0 (in the process's currency)"
                )
            settings = replace(settings, early_payment_min_amount=float(value))
        changed.append(key)
    return settings, changed


def _with_codes(settings: Settings, key: str, codes: tuple[str, ...]) -> Settings:
    if key == "select":
        return replace(settings, select=codes)
    return replace(settings, ignore=codes)


def _strings(value: object, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        raise ConfigError(
            f"{where}: {key} must be a list of strings, like [{json.dumps(value)[:80]}]"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return list(value)


def _codes(value: object, key: str, where: str) -> tuple[str, ...]:
    """Rule codes or prefixes, upper-cased; each must start at least one known code."""
    from valueaudit.rules import RULES

    codes = []
    for item in _strings(value, key, where):
        for code in (c.strip().upper() for c in item.split(",")):
            if not code:
                continue
            if not any(known.startswith(code) for known in RULES) or not code.startswith("VA"):
                raise ConfigError(
                    f"{where}: {key}: unknown rule code or prefix '{code}'"
                    f"{did_you_mean(code, RULES)}"
                )
            codes.append(code)
    return tuple(codes)


def _per_file(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: per-file-ignores must be a table of pattern = [codes]")
    for pattern in value:
        _check_pattern(str(pattern), "per-file-ignores", where)
    return {
        str(pattern): _codes(codes, f"per-file-ignores '{pattern}'", where)
        for pattern, codes in value.items()
    }


def _check_pattern(pattern: str, key: str, where: str) -> None:
    """A gitignore-style pattern, compiled now: a bad one is a configuration error when
    the file is read, not an error in every file later."""
    from valueaudit.settings import matches

    try:
        matches("x", pattern)
    except Exception as error:  # pathspec raises re.error and its own errors
        raise ConfigError(
            f"{where}: {key}: bad pattern {escape_unsafe(repr(pattern))[:80]} ({error})"
        ) from None


def _severities(value: object, where: str) -> dict[str, Severity]:
    from valueaudit.rules import RULES

    if not isinstance(value, dict):
        raise ConfigError(f'{where}: severity must be a table of CODE = "error|warning|info"')
    result = {}
    for code, level in value.items():
        upper = str(code).upper()
        if upper not in RULES:
            raise ConfigError(
                f"{where}: severity: unknown rule code '{code}'{did_you_mean(upper, RULES)}"
            )
        try:
            result[upper] = Severity(level)
        except ValueError:
            raise ConfigError(
                f"{where}: severity of {upper} must be error, warning or info, got {level!r}"
            ) from None
    return result


def _one_number(settings: Settings, key: str, value: object, where: str) -> tuple[Settings, str]:
    """``evidence.max-age-days`` (whole days >= 0) or ``effort.hotspot-minutes``
    (minutes >= 0), checked; the table may hold nothing else."""
    name, whole = _ONE_NUMBER_TABLES[key]
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table ({name} = ...)")
    for given in value:
        if given != name:
            raise ConfigError(
                f"{where}: unknown {key} setting {escape_unsafe(repr(given))}"
                f"{did_you_mean(str(given), (name,))}"
            )
    if name not in value:
        return settings, f"{key}.{name}"
    number = value[name]
    kind = int if whole else int | float
    if (
        isinstance(number, bool)
        or not isinstance(number, kind)
        or not math.isfinite(number)
        or number < 0
        or number > 1e9
    ):
        what = "a whole number of days" if whole else "a number of minutes"
        raise ConfigError(f"{where}: {key}.{name} must be {what} >= 0")
    if whole:
        settings = replace(settings, evidence_max_age_days=int(number))
    else:
        settings = replace(settings, effort_hotspot_minutes=float(number))
    return settings, f"{key}.{name}"


def _thresholds(settings: Settings, value: object, where: str) -> tuple[Settings, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: thresholds must be a table ({', '.join(THRESHOLDS)})")
    changed = []
    for key, number in value.items():
        if key not in THRESHOLDS:
            raise ConfigError(f"{where}: unknown threshold '{key}'{did_you_mean(key, THRESHOLDS)}")
        if key == "exchange-ratio":
            settings = replace(settings, exchange_ratio_threshold=_ratio(number, where))
        elif not _unit_number(number):
            raise ConfigError(f"{where}: thresholds.{key} must be a number from 0 to 1")
        elif key == "disparity":
            settings = replace(settings, disparity_threshold=float(number))
        else:
            settings = replace(settings, process_disparity_threshold=float(number))
        changed.append(f"thresholds.{key}")
    return settings, changed


def _unit_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= 1


def _ratio(value: object, where: str) -> float:
    """``thresholds.exchange-ratio``: a number above 0, or a fraction written as text
    (``"1/3"``, which no decimal in TOML states exactly)."""
    from fractions import Fraction

    problem = f"{where}: thresholds.exchange-ratio must be a number above 0, or a fraction"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f'{problem} such as "1/3"')
    shown = escape_unsafe(repr(value))[:80]
    try:
        ratio = Fraction(value.strip() if isinstance(value, str) else value)
        number = float(ratio)
    except (ValueError, ZeroDivisionError, OverflowError):
        raise ConfigError(f'{problem} such as "1/3", got {shown}') from None
    if not 0 < number <= MAX_RATIO or not math.isfinite(number):
        raise ConfigError(f'{problem} such as "1/3", at most {MAX_RATIO:g}, got {shown}')
    return number


def _with_simulation(settings: Settings, key: str, number: object, where: str) -> Settings:
    """``simulate.samples`` (0 to a million), ``seed`` (a whole number >= 0) or
    ``likely`` (a probability above 0, at most 1), checked."""
    whole = isinstance(number, int) and not isinstance(number, bool)
    if key == "likely":
        if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number <= 1:
            raise ConfigError(f"{where}: simulate.likely must be a number above 0, at most 1")
        return replace(settings, simulate=replace(settings.simulate, likely=float(number)))
    if key == "samples" and not (whole and 0 <= number <= MAX_SAMPLES):  # type: ignore[operator]
        raise ConfigError(
            f"{where}: simulate.samples must be a whole number from 0 to {MAX_SAMPLES:,}"
        )
    if key == "seed" and not (whole and number >= 0):  # type: ignore[operator]
        raise ConfigError(f"{where}: simulate.seed must be a whole number, at least 0")
    assert isinstance(number, int)
    return replace(settings, simulate=replace(settings.simulate, **{key: number}))


#: The largest value of each limit: far above any real file, and within what the loader
#: can use (a byte count, a depth Python's parser reaches, a count of values).
_LIMIT_MOST = {"file-size-mb": 1024, "nesting-depth": DEPTH_CEILING, "alias-expansion": 10**9}
#: The largest exchange ratio VA601 may compare with.
MAX_RATIO = 1e6


def _limits(settings: Settings, value: object, where: str) -> tuple[Settings, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: limits must be a table ({', '.join(LIMITS)})")
    limits = settings.limits
    changed = []
    for key, number in value.items():
        if key not in LIMITS:
            raise ConfigError(f"{where}: unknown limit '{key}'{did_you_mean(key, LIMITS)}")
        most = _LIMIT_MOST[key]
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
            or not 0 < number <= most
        ):
            raise ConfigError(f"{where}: limits.{key} must be a number above 0, at most {most:,}")
        if key != "file-size-mb" and number != int(number):  # 0.5 levels or aliases: no
            raise ConfigError(
                f"{where}: limits.{key} must be a whole number from 1 to {most:,}, got {number}"
            )
        if key == "file-size-mb":  # a part of a byte is a byte
            limits = replace(limits, file_bytes=math.ceil(number * 1024 * 1024))
        elif key == "nesting-depth":
            if int(number) > DEPTH_CEILING:
                raise ConfigError(f"{where}: limits.nesting-depth can be at most {DEPTH_CEILING}")
            limits = replace(limits, depth=int(number))
        else:
            limits = replace(limits, alias_expansion=int(number))
        changed.append(f"limits.{key}")
    return replace(settings, limits=limits), changed


def describe(resolved: ResolvedSettings) -> list[tuple[str, str, str]]:
    """(setting, value, source) rows for ``--show-settings``, in a stable order."""
    s = resolved.settings
    values = {
        "select": ", ".join(s.select) or "(all rules)",
        "ignore": ", ".join(s.ignore) or "(none)",
        "fail-on": s.fail_on,
        "paths": ", ".join(s.paths) or "processes",
        "exclude": ", ".join(s.exclude) or "(none)",
        "respect-gitignore": str(s.respect_gitignore).lower(),
        "per-file-ignores": "; ".join(
            f"{pattern}: {', '.join(codes)}" for pattern, codes in s.per_file_ignores.items()
        )
        or "(none)",
        "severity": ", ".join(f"{c}={v.value}" for c, v in sorted(s.severity.items()))
        or "(rule defaults)",
        "thresholds.disparity": f"{s.disparity_threshold:g}",
        "thresholds.process-disparity": f"{s.process_disparity_threshold:g}",
        "thresholds.exchange-ratio": ratio_text(s.exchange_ratio_threshold),
        "early-payment-window-days": str(s.early_payment_window_days),
        "early-payment-min-amount": f"{s.early_payment_min_amount:,g}",
        "limits.file-size-mb": f"{s.limits.file_bytes / 1_048_576:g}",
        "limits.nesting-depth": str(s.limits.depth),
        "limits.alias-expansion": str(s.limits.alias_expansion),
        "simulate.samples": f"{s.simulate.samples}" + (" (off)" if not s.simulate.samples else ""),
        "simulate.seed": str(s.simulate.seed),
        "simulate.likely": f"{s.simulate.likely:g}",
        "evidence.max-age-days": str(s.evidence_max_age_days),
        "effort.hotspot-minutes": f"{s.effort_hotspot_minutes:g}",
        "root": (s.paths_root or Path.cwd()).as_posix(),
    }
    return [(key, value, resolved.sources[key]) for key, value in values.items()]
