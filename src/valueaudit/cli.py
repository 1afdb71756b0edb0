"""The ``valueaudit`` command line: thin typer commands over the library.

Commands parse options, call the library and turn its results into output and an exit
code: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or
configuration errors. Heavy modules are imported inside the commands that use them.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from valueaudit import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from valueaudit.config import ResolvedSettings
    from valueaudit.engine import Audited, InternalError, ScanResult
    from valueaudit.output.json_format import EncodedReport
    from valueaudit.settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_PATH = Path("processes")
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")

app = typer.Typer(
    name="valueaudit",
    help="Audit the value exchanged at customer touchpoints: who gives and receives what, "
    "how uneven each exchange is, and ranked opportunities to improve it.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class FailOn(StrEnum):
    """The lowest severity that makes the run fail (exit 1)."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class Template(StrEnum):
    """Starter processes for ``valueaudit new``."""

    purchase = "purchase"
    complaint = "complaint"
    prospect_query = "prospect-query"
    payment = "payment"


class UsageError(Exception):
    """A bad option, path or configuration: reported in one line, exit 2."""


@dataclass(frozen=True)
class OutputSpec:
    """One ``--format FORMAT[:FILE]``: where a format goes (``None`` is stdout)."""

    format: str
    file: Path | None


def parse_output(spec: str) -> OutputSpec:
    """Parse ``FORMAT[:FILE]``."""
    name, _, file = spec.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
    return OutputSpec(name, Path(file) if file else None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"valueaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """valueaudit: audit the value exchanged at customer touchpoints."""


def _fail_usage(message: str) -> NoReturn:
    typer.echo(f"valueaudit: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _console(file: io.StringIO | None = None) -> Console:
    from rich.console import Console

    if file is not None:
        return Console(file=file, highlight=False, no_color=True, width=100)
    return Console(highlight=False)


if TYPE_CHECKING:
    from rich.console import Console

# --- Shared options ------------------------------------------------------------------

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
        help="Only these rule codes or prefixes (VA2, VA301); comma-separated or repeated.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", metavar="CODES", help="Skip these rule codes or prefixes; repeatable."
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
    Path | None,
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
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (it only ever shows in a terminal, for scans over 2 seconds).",
    ),
]


def _resolve(
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: FailOn | None,
    config: Path | None,
) -> ResolvedSettings:
    from valueaudit.config import ConfigError, Overrides, resolve

    overrides = Overrides(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        fail_on=fail_on.value if fail_on else None,
    )
    try:
        return resolve(overrides, config)
    except ConfigError as error:
        _fail_usage(str(error))


def _show_settings(resolved: ResolvedSettings) -> NoReturn:
    from rich.table import Table

    from valueaudit.config import describe
    from valueaudit.paths import display_path

    found = display_path(resolved.file) if resolved.file else "none found"
    table = Table(title=f"Settings (file: {found})", title_justify="left")
    for header in ("setting", "value", "source"):
        table.add_column(header, overflow="fold")
    for row in describe(resolved):
        table.add_row(*row)
    _console().print(table)
    raise typer.Exit(EXIT_OK)


# --- Commands ------------------------------------------------------------------------


def _default_formats() -> list[str]:
    return ["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"]


def _run_scan(
    paths: list[Path] | None,
    formats: list[str] | None,
    resolved: ResolvedSettings,
    *,
    jobs: int,
    quiet: bool,
    no_progress: bool = False,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    validate_only: bool = False,
    shard: str | None = None,
    debug: bool = False,
) -> NoReturn:
    """What scan, check and report share: discover, audit, compare, write every output,
    exit. JSON-only runs stream, so memory stays flat on large repositories."""
    from valueaudit import progress
    from valueaudit.baseline import BaselineError, apply_baseline, read_baseline
    from valueaudit.discovery import MissingPathError, discover
    from valueaudit.engine import ScanResult, iter_audited, iter_reports
    from valueaudit.findings import Severity

    settings = resolved.settings
    try:
        outputs = [parse_output(s) for s in formats or _default_formats()]
        known = read_baseline(baseline) if baseline is not None else None
        files = discover(paths or [DEFAULT_PATH], settings.excluded)
        if shard is not None:
            files = _shard(files, shard)
    except (UsageError, BaselineError) as error:
        _fail_usage(str(error))
    except MissingPathError as error:
        _fail_usage(f"path not found: {error}")
    jobs = jobs or os.cpu_count() or 1
    enabled = progress.wanted(quiet=quiet, disabled=no_progress)
    if known is None and write_baseline is None and all(o.format == "json" for o in outputs):
        from valueaudit.output.json_format import encode_report

        audited = iter_audited(files, settings, jobs, encode_report, validate_only=validate_only)
        errors: list[InternalError] = []
        counts = _stream_json(outputs, progress.track(audited, len(files), enabled=enabled), errors)
        _report_internal_errors(errors, debug)
        _exit(any(n and settings.fails(Severity(level)) for level, n in counts.items()))
    reports = progress.track(
        iter_reports(files, settings, jobs, validate_only=validate_only),
        len(files),
        enabled=enabled,
    )
    collected = tuple(reports)
    result = ScanResult(collected, tuple(f for r in collected for f in r.findings))
    if write_baseline is not None:
        from valueaudit.baseline import render_baseline

        _write(write_baseline, render_baseline(result.findings))
    if known is not None:
        result = apply_baseline(result, known)
    errors = result.errors
    for output in outputs:
        try:
            _emit(output, result, settings, quiet=quiet)
        except Exception as error:  # a broken formatter: say so, write the other outputs
            from valueaudit.engine import internal_error

            errors.append(
                internal_error(str(output.file or "stdout"), f"the {output.format} output", error)
            )
    _report_internal_errors(errors, debug)
    _exit(any(settings.fails(f.severity) for f in result.findings))


def _report_internal_errors(errors: list[InternalError], debug: bool) -> None:
    """One line per bug (the traceback with --debug), then exit 2."""
    if not errors:
        return
    for error in errors:
        if debug:
            typer.echo(error.traceback, err=True)
        hint = "" if debug else " (--debug shows the traceback)"
        typer.echo(f"valueaudit: {error.describe()}{hint}", err=True)
    typer.echo("valueaudit: this is a bug in valueaudit; the other files were audited", err=True)
    raise typer.Exit(EXIT_USAGE)


def _shard(files: list[tuple[Path, str]], spec: str) -> list[tuple[Path, str]]:
    """The files of part K of N: each file goes to the part its path's hash picks, so a
    file stays in its part however many other files come and go."""
    import zlib

    part, _, parts = spec.partition("/")
    if not (part.isdigit() and parts.isdigit() and 1 <= int(part) <= int(parts)):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N, got '{spec}'")
    k, n = int(part), int(parts)
    chosen = [f for f in files if zlib.crc32(f[1].encode("utf-8")) % n == k - 1]
    if n > 1:
        typer.echo(
            f"valueaudit: shard {k}/{n}: {len(chosen)} of {len(files)} files; duplicate "
            "process ids (VA104) are only checked within this shard",
            err=True,
        )
    return chosen


def _exit(failing: bool) -> NoReturn:
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


def _stream_json(
    outputs: list[OutputSpec],
    audited: Iterable[Audited[EncodedReport]],
    errors: list[InternalError],
) -> dict[str, int]:
    """Feed every JSON output file by file; the findings per severity. Internal errors
    met on the way are added to ``errors``."""
    from valueaudit.output.json_format import JsonWriter

    writers = [JsonWriter() for _ in outputs]
    for item in audited:
        errors.extend(item.errors)
        for writer in writers:
            writer.add_encoded(item.payload, item.duplicate)
    for output, writer in zip(outputs, writers, strict=True):
        if output.file is None:
            writer.finish(sys.stdout)
        else:
            buffer = io.StringIO()
            writer.finish(buffer)
            _write(output.file, buffer.getvalue())
    return writers[0].counts


def _write(path: Path, text: str) -> None:
    from valueaudit.output.files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as error:
        _fail_usage(f"cannot write {path}: {error.strerror or error}")


def _emit(output: OutputSpec, result: ScanResult, settings: Settings, *, quiet: bool) -> None:
    from valueaudit.output import render

    if output.file is not None:
        _write(output.file, render(output.format, result, settings, quiet=quiet))
    elif output.format == "text":
        from valueaudit.output import text

        text.render(result, _console(), quiet=quiet)
    else:
        sys.stdout.write(render(output.format, result, settings))


@app.command()
def scan(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    debug: DebugOption = False,
) -> None:
    """Audit processes: findings by file, scores per process, ranked opportunities."""
    resolved = _resolve(select, ignore, fail_on, config)
    if show_settings:
        _show_settings(resolved)
    _run_scan(
        paths,
        formats,
        resolved,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        write_baseline=write_baseline,
        shard=shard,
        debug=debug,
    )


@app.command()
def check(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    jobs: JobsOption = 1,
    debug: DebugOption = False,
) -> None:
    """Validate process files only (VA1xx): fast, for pre-commit hooks and editors."""
    resolved = _resolve(["VA1"], None, fail_on, config)
    _run_scan(paths, formats, resolved, jobs=jobs, quiet=True, validate_only=True, debug=debug)


@app.command()
def report(
    paths: PathsArgument = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    debug: DebugOption = False,
) -> None:
    """A Markdown report with tables and Mermaid diagrams (for GitHub and GitLab)."""
    resolved = _resolve(select, ignore, fail_on, config)
    target = f"markdown:{output}" if output is not None else "markdown"
    _run_scan(paths, [target], resolved, jobs=jobs, quiet=False, baseline=baseline, debug=debug)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The process file or folder before (as-is).")],
    new: Annotated[Path, typer.Argument(help="The process file or folder after (to-be).")],
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT[:FILE]",
            help="text (default), json or markdown, optionally to FILE; repeatable.",
        ),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Compare two versions: change in disparity, balance, clarity and praxis per process
    and touchpoint, and the findings fixed and introduced. Exits 1 when the change
    introduces findings at or above --fail-on."""
    from valueaudit.diff import compare
    from valueaudit.discovery import MissingPathError, discover
    from valueaudit.engine import audit_files
    from valueaudit.output import diff_report

    settings = _resolve(select, ignore, fail_on, config).settings
    try:
        outputs = [parse_output(s) for s in formats or ["text"]]
        unsupported = [o.format for o in outputs if o.format not in ("text", "json", "markdown")]
        if unsupported:
            raise UsageError(f"diff writes text, json or markdown, not {unsupported[0]}")
        old_files, new_files = discover([old]), discover([new])
    except UsageError as error:
        _fail_usage(str(error))
    except MissingPathError as error:
        _fail_usage(f"path not found: {error}")
    result = compare(audit_files(old_files, settings), audit_files(new_files, settings))
    for output in outputs:
        if output.format == "text" and output.file is None:
            diff_report.render_text(result, _console())
            continue
        if output.format == "text":
            buffer = io.StringIO()
            diff_report.render_text(result, _console(buffer))
            rendered = buffer.getvalue()
        elif output.format == "json":
            rendered = diff_report.render_json(result)
        else:
            rendered = diff_report.render_markdown(result)
        if output.file is None:
            sys.stdout.write(rendered)
        else:
            _write(output.file, rendered)
    failing = any(settings.fails(f.severity) for f in result.introduced)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="The process file to show.")],
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """One process in detail: the chain, each flow, scores, running balance, findings."""
    from valueaudit.engine import audit_loaded
    from valueaudit.loading import load_file
    from valueaudit.output import detail, text

    settings = _resolve(select, ignore, fail_on, config).settings
    if not file.exists():
        _fail_usage(f"path not found: {file}")
    loaded = load_file(file)
    process = loaded.process
    report = audit_loaded(loaded, settings)
    console = _console()
    if process is None or report.process is None:
        for finding in report.findings:
            console.print(text.finding_line(finding), soft_wrap=True)
        from rich.text import Text

        console.print(Text(f"{report.file}: the process is not valid; fix the errors above first."))
    else:
        detail.render(process, report, console)
    failing = report.process is None or any(settings.fails(f.severity) for f in report.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> None:
    """The JSON Schema of the process format, for editors (yaml-language-server)."""
    from valueaudit.schema import render_schema

    text = render_schema()
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)


@app.command()
def rules() -> None:
    """The rule catalogue: codes, names, default severities and summaries."""
    from valueaudit.output.catalogue import render_rules
    from valueaudit.rules import RULES

    render_rules(list(RULES.values()), _console())


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. VA202.")]) -> None:
    """One rule in full: what it finds, why it matters, an example, how to suppress it."""
    from valueaudit.hints import did_you_mean
    from valueaudit.output.catalogue import render_explain
    from valueaudit.rules import RULES

    rule = RULES.get(code.strip().upper())
    if rule is None:
        hint = did_you_mean(code.strip().upper(), RULES)
        _fail_usage(f"unknown rule code '{code}'{hint} (valueaudit rules lists them all)")
    render_explain(rule, _console())


@app.command()
def new(
    process_id: Annotated[str, typer.Argument(metavar="ID", help="The new process's id.")],
    template: Annotated[
        Template, typer.Option("--template", "-t", help="What kind of process to start from.")
    ] = Template.purchase,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it. Default: processes/ID.yaml when processes/ exists, "
            "else ID.yaml. An existing file is never overwritten.",
        ),
    ] = None,
) -> None:
    """Write a commented starter process from a template."""
    from valueaudit.new import NewProcessError, render_template, write_new

    if output is None:
        folder = DEFAULT_PATH if DEFAULT_PATH.is_dir() else Path(".")
        output = folder / f"{process_id}.yaml"
    try:
        write_new(output, render_template(template.value, process_id))
    except NewProcessError as error:
        _fail_usage(str(error))
    typer.echo(
        f"wrote {output.as_posix()} (template: {template.value}); next: valueaudit show "
        f"{output.as_posix()}"
    )


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: unwinds like KeyboardInterrupt (so every ``finally`` removes
    its temporary file) but is not swallowed by click's own Ctrl-C handling."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _stop(signum: int, _frame: object) -> None:
    import signal

    raise Stopped(130 if signum == signal.SIGINT else 143)


def main() -> None:
    """Run the command line with Ctrl-C and SIGTERM turned into clean exits."""
    import signal

    # valueaudit uses no pydantic plugins; finding them scans every installed package
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app()
    except Stopped as stopped:
        print("valueaudit: interrupted; no file was left half-written", file=sys.stderr)
        sys.exit(stopped.code)
