"""The commands: each parses its options, calls the library (or :mod:`valueaudit.cli.run`
for the commands that audit) and returns an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from valueaudit.cli.run import (
    DEFAULT_PATH,
    EXIT_FINDINGS,
    EXIT_OK,
    ScanRequest,
    default_formats,
    report_internal_errors,
    run_scan,
)
from valueaudit.errors import UsageError
from valueaudit.output import DEFAULT_MAX_PROCESSES, console
from valueaudit.sinks import output_file, parse_outputs

if TYPE_CHECKING:
    from valueaudit.config import ResolvedSettings

from valueaudit.cli.app import _command
from valueaudit.cli.options import (
    BaselineOption,
    ConfigOption,
    DebugOption,
    DiffFormatOption,
    FailOnOption,
    FormatOption,
    IgnoreOption,
    JobsOption,
    MaxProcessesOption,
    NoProgressOption,
    PathsArgument,
    PortfolioFormatOption,
    QuietOption,
    RootOption,
    SchemaOf,
    SeedOption,
    SelectOption,
    ShardOption,
    ShowSettingsOption,
    SimulateOption,
    Template,
    WriteBaselineOption,
    complete_codes,
    resolve_settings,
)


def _write(file: str, text: str) -> None:
    from valueaudit.output.files import write_atomic

    path = output_file(file)
    try:
        write_atomic(path, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _show_settings(resolved: ResolvedSettings) -> int:
    from rich.table import Table
    from rich.text import Text

    from valueaudit.config import describe
    from valueaudit.hints import escape_unsafe
    from valueaudit.output import print_whole
    from valueaudit.paths import display_path

    found = display_path(resolved.file) if resolved.file else "none found"
    title = Text(f"Settings (file: {escape_unsafe(found)})")
    table = Table(title=title, title_justify="left")
    for header in ("setting", "value", "source"):
        table.add_column(header, overflow="fold")
    for row in describe(resolved):
        table.add_row(*(Text(escape_unsafe(cell)) for cell in row))  # paths are user text
    print_whole(console(sys.stdout, stdout=True), table)
    return EXIT_OK


# --- Commands ------------------------------------------------------------------------


@_command
def scan(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    max_processes: MaxProcessesOption = DEFAULT_MAX_PROCESSES,
    debug: DebugOption = False,
) -> int:
    """Audit processes: findings by file, scores per process, ranked opportunities."""
    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    if show_settings:
        return _show_settings(resolved)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs(formats or default_formats()),
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        write_baseline=write_baseline,
        shard=shard,
        max_processes=max_processes,
        debug=debug,
    )
    return run_scan(request)


@_command
def check(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    jobs: JobsOption = 1,
    debug: DebugOption = False,
) -> int:
    """Validate process files only (VA1xx): fast, for pre-commit hooks and editors.

    Given files, it also reads the ids of the other process files under the configured
    paths (default processes/), so a file that reuses one of their ids is VA104 even
    when only it is checked (pre-commit passes only the staged files)."""
    resolved = resolve_settings(["VA1"], None, fail_on, config, root)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs(formats or default_formats()),
        settings=resolved.settings,
        jobs=jobs,
        quiet=True,
        validate_only=True,
        debug=debug,
        learn_ids=True,
    )
    return run_scan(request)


@_command
def report(
    paths: PathsArgument = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    max_processes: MaxProcessesOption = DEFAULT_MAX_PROCESSES,
    debug: DebugOption = False,
) -> int:
    """A Markdown report with tables and Mermaid diagrams (for GitHub and GitLab)."""
    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs([f"markdown:{output}" if output is not None else "markdown"]),
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        max_processes=max_processes,
        debug=debug,
    )
    return run_scan(request)


@_command
def diff(
    old: Annotated[Path, typer.Argument(help="The process file or folder before (as-is).")],
    new: Annotated[Path, typer.Argument(help="The process file or folder after (to-be).")],
    formats: DiffFormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    jobs: JobsOption = 0,
) -> int:
    """Compare two versions: change in disparity, balance, clarity and praxis per process
    and touchpoint, and the findings fixed and introduced. Exits 1 when the change
    introduces findings at or above --fail-on."""
    from valueaudit.cli.run import run_diff

    settings = resolve_settings(select, ignore, fail_on, config, root).settings
    return run_diff(old, new, parse_outputs(formats or ["text"]), settings, jobs=jobs)


@_command
def portfolio(
    paths: PathsArgument = None,
    formats: PortfolioFormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    debug: DebugOption = False,
) -> int:
    """Where the value goes across all processes: per party (and role) what it receives
    and gives, per practice, channel and stage the disparity, the flows between parties,
    and the portfolio rules' findings (VA601, VA602), which alone decide the exit code.
    With --simulate, how often each party's exchange ratio is at or below the threshold."""
    from valueaudit.output import writes_portfolio

    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    if show_settings:
        return _show_settings(resolved)
    outputs = parse_outputs(formats or ["text"])
    unsupported = [o.format for o in outputs if not writes_portfolio(o.format)]
    if unsupported:
        raise UsageError(f"portfolio writes text, json or markdown, not {unsupported[0]}")
    request = ScanRequest(
        paths=paths or [],
        outputs=outputs,
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        shard=shard,
        debug=debug,
        portfolio=True,
    )
    return run_scan(request)


@_command
def show(
    file: Annotated[Path, typer.Argument(help="The process file to show.")],
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
) -> int:
    """One process in detail: the chain, each flow, scores, running balance, findings."""
    from rich.text import Text

    from valueaudit.output import detail, text
    from valueaudit.paths import display_path
    from valueaudit.scan import audit_files

    settings = resolve_settings(select, ignore, fail_on, config, root, simulate, seed).settings
    if not file.exists():
        raise UsageError(f"path not found: {file}")
    if file.is_dir():
        raise UsageError(f"{file} is a folder: show takes one process file; use scan for folders")
    scan = audit_files([(file, display_path(file, settings.paths_root))], settings)
    if scan.errors:
        return report_internal_errors(scan.errors, debug=False)
    [result] = scan.files
    out = console(sys.stdout, stdout=True)
    if result.process is None or result.score is None:
        for finding in result.findings:
            out.print(text.finding_line(finding), soft_wrap=True)
        out.print(Text(f"{result.file}: the process is not valid; fix the errors above first."))
        return EXIT_FINDINGS
    detail.render(result, out)
    failing = any(settings.fails(f.severity) for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


@_command
def schema(
    of: Annotated[
        SchemaOf,
        typer.Argument(
            help="process: the format of process files (for editors); output: what "
            "-f json writes (scan, portfolio, diff)."
        ),
    ] = SchemaOf.process,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> int:
    """The JSON Schema of the process format (for editors: yaml-language-server), or of
    the JSON output (valueaudit schema output)."""
    from valueaudit.schema import render_schema

    text = render_schema(of.value)
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)
    return EXIT_OK


@_command
def rules() -> int:
    """The rule catalogue: codes, names, default severities and summaries."""
    from valueaudit.output.catalogue import render_rules
    from valueaudit.rules import RULES

    render_rules(list(RULES.values()), console(sys.stdout, stdout=True))
    return EXIT_OK


@_command
def explain(
    code: Annotated[
        str, typer.Argument(help="A rule code, e.g. VA202.", autocompletion=complete_codes)
    ],
) -> int:
    """One rule in full: what it finds, why it matters, an example, how to suppress it."""
    from valueaudit.hints import did_you_mean
    from valueaudit.output.catalogue import render_explain
    from valueaudit.rules import RULES

    if code is None:  # typer before 0.17 lets a missing argument through here
        raise UsageError("Missing argument 'code' (valueaudit explain VA202)")
    rule = RULES.get(code.strip().upper())
    if rule is None:
        hint = did_you_mean(code.strip().upper(), RULES)
        raise UsageError(f"unknown rule code '{code}'{hint} (valueaudit rules lists them all)")
    render_explain(rule, console(sys.stdout, stdout=True))
    return EXIT_OK


@_command
def new(
    process_id: Annotated[str, typer.Argument(metavar="ID", help="The new process's id.")],
    template: Annotated[
        Template, typer.Option("--template", "-t", help="What kind of process to start from.")
    ] = Template.purchase,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it. Default: processes/ID.yaml when processes/ exists, "
            "else ID.yaml. An existing file is never overwritten.",
        ),
    ] = None,
) -> int:
    """Write a commented starter process from a template (its first line points editors
    at valueaudit.schema.json, the nearest one above it or the current folder's)."""
    from valueaudit.new import SCHEMA_FILE, NewProcessError, find_schema, starter_text, write_new

    if output is None:
        folder = DEFAULT_PATH if DEFAULT_PATH.is_dir() else Path(".")
        target = folder / f"{process_id}.yaml"
    elif Path(output).is_dir():  # into that folder, under the process's id
        target = Path(output) / f"{process_id}.yaml"
    else:
        target = output_file(output)
    schema = find_schema(target.parent)
    try:
        text = starter_text(template.value, process_id, target, schema or Path(SCHEMA_FILE))
        write_new(target, text)
    except NewProcessError as error:
        raise UsageError(str(error)) from None
    typer.echo(
        f"wrote {target.as_posix()} (template: {template.value}); next: valueaudit show "
        f"{target.as_posix()}"
    )
    if schema is None:
        typer.echo(
            f"its first line points editors at {SCHEMA_FILE}, which is not there yet: "
            f"valueaudit schema -o {SCHEMA_FILE} (or valueaudit init) writes it"
        )
    return EXIT_OK


@_command
def init(
    folder: Annotated[
        Path, typer.Argument(help="The repository to set up. Default: the current folder.")
    ] = Path("."),
) -> int:
    """Set a repository up: the format's schema, a starter process, valueaudit.toml, a
    pre-commit hook and a GitHub workflow. Nothing that exists is overwritten."""
    from valueaudit.init import initialise

    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    try:
        done = initialise(folder)
    except OSError as error:
        raise UsageError(f"cannot write {error.filename}: {error.strerror or error}") from None
    for item in done:
        shown = item.path.relative_to(folder).as_posix()
        typer.echo(f"wrote {shown}" if item.wrote else f"kept  {shown} ({item.why})")
    typer.echo(
        "\nnext:\n"
        "  valueaudit scan                     audit processes/ (start from the example)\n"
        "  pre-commit install                  check process files on every commit\n"
        "  git add . && git commit             the workflow audits every pull request\n"
        "editors with the YAML language server check process files against "
        "valueaudit.schema.json as you type"
    )
    return EXIT_OK
