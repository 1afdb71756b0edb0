"""The options the commands share: their help, their shell completion, and the
settings they resolve together (configuration file, command line, environment)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from valueaudit.errors import UsageError
from valueaudit.output import FORMATS

if TYPE_CHECKING:
    from valueaudit.config import ResolvedSettings


class FailOn(StrEnum):
    """The lowest severity that makes the run fail (exit 1)."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class SchemaOf(StrEnum):
    """The schemas ``valueaudit schema`` writes."""

    process = "process"
    output = "output"


class Template(StrEnum):
    """Starter processes for ``valueaudit new``."""

    purchase = "purchase"
    complaint = "complaint"
    prospect_query = "prospect-query"
    payment = "payment"


# --- Shell completion ------------------------------------------------------------------


def complete_formats(incomplete: str) -> list[str]:
    """``-f <TAB>``: the formats, and ``FORMAT:`` to name a file after."""
    names = [*FORMATS, *(f"{name}:" for name in FORMATS)]
    return [name for name in names if name.startswith(incomplete.lower())]


def complete_codes(incomplete: str) -> list[str]:
    """Rule codes and their family prefixes (``VA2``), for ``explain``, ``--select`` and
    ``--ignore``."""
    from valueaudit.rules import RULES

    wanted = incomplete.upper()
    families = sorted({code[:3] for code in RULES})
    found = [code for code in (*families, *RULES) if code.startswith(wanted)]
    # codes are read in any case; the shell keeps only what starts as typed
    return [code.lower() for code in found] if incomplete.islower() else found


def complete_diff_formats(incomplete: str) -> list[str]:
    """``diff -f <TAB>``: the formats ``diff`` writes."""
    from valueaudit.output import writes_diff

    return [name for name in complete_formats(incomplete) if writes_diff(name.split(":")[0])]


def complete_portfolio_formats(incomplete: str) -> list[str]:
    """``portfolio -f <TAB>``: the formats ``portfolio`` writes."""
    from valueaudit.output import writes_portfolio

    return [name for name in complete_formats(incomplete) if writes_portfolio(name.split(":")[0])]


def _readable_formats(completion: Callable[[str], list[str]]) -> Any:
    """``-f`` for the commands that write text, json or markdown (diff, portfolio)."""
    return typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[:FILE]",
        autocompletion=completion,
        help="text (default), json or markdown, optionally to FILE; repeatable.",
    )


# --- Shared options ------------------------------------------------------------------

DiffFormatOption = Annotated[list[str] | None, _readable_formats(complete_diff_formats)]
PortfolioFormatOption = Annotated[list[str] | None, _readable_formats(complete_portfolio_formats)]

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Process files or folders (searched recursively). Default: processes/",
        show_default=False,
    ),
]
FormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[:FILE]",
        autocompletion=complete_formats,
        help=f"Output format, optionally written to FILE; repeatable. Formats: "
        f"{', '.join(FORMATS)}. Default: text on stdout (github when GITHUB_ACTIONS=true).",
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding is at or above this severity. Default: error.",
        show_default=False,
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="CODES",
        autocompletion=complete_codes,
        help="Only these rule codes or prefixes (VA2, VA301); comma-separated or repeated.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODES",
        autocompletion=complete_codes,
        help="Skip these rule codes or prefixes; repeatable.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (valueaudit.toml or pyproject.toml). Default: the nearest "
        "one from the current folder upward.",
    ),
]
ShowSettingsOption = Annotated[
    bool,
    typer.Option("--show-settings", help="Print each setting and where it came from, and exit."),
]
JobsOption = Annotated[
    int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 means one per CPU core.")
]
BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        metavar="FILE",
        help="Report only findings not recorded in this baseline, and count those fixed.",
    ),
]
WriteBaselineOption = Annotated[
    str | None,
    typer.Option(
        "--write-baseline", metavar="FILE", help="Record the current findings as a baseline."
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Text output: findings and the summary only; no progress bar."
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an internal error.")
]
ShardOption = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="K/N",
        help="Scan only part K of N (1-based) of the discovered files, a stable split by "
        "path, for a CI matrix. Cross-file checks (VA104) then see only this part.",
    ),
]
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        metavar="DIR",
        help="Show file paths relative to DIR. Default: GITHUB_WORKSPACE or CI_PROJECT_DIR "
        "when set, else the top of the git work tree, else the current folder.",
        show_default=False,
    ),
]
SimulateOption = Annotated[
    int | None,
    typer.Option(
        "--simulate",
        metavar="N",
        min=0,  # the most is checked with the configuration's (simulate.samples)
        help="Draw every uncertain value N times: how likely each uneven verdict is, and "
        "which estimate to measure first (0: off). Default: simulate.samples, else off.",
        show_default=False,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="S",
        min=0,
        help="Seed of the draws: the same seed gives the same figures. Default: 0.",
        show_default=False,
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (it only ever shows in a terminal, for scans over 2 seconds).",
    ),
]


def resolve_settings(
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    config: Path | None,
    root: Path | None = None,
    samples: int | None = None,
    seed: int | None = None,
) -> ResolvedSettings:
    """The settings of a run: command-line overrides over the configuration file."""
    from valueaudit.config import ConfigError, Overrides, resolve

    overrides = Overrides(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        fail_on=fail_on,
        root=root,
        samples=samples,
        seed=seed,
    )
    try:
        return resolve(overrides, config)
    except ConfigError as error:
        raise UsageError(str(error)) from None


MaxProcessesOption = Annotated[
    int,
    typer.Option(
        "--max-processes",
        min=1,
        metavar="N",
        help="At most N processes in the text table and the Markdown report's sections "
        "(each says how many it leaves out).",
    ),
]
