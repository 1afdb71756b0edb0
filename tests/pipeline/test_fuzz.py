"""Fuzzing: no input makes valueaudit raise, hang or emit an invalid output.

Random bytes, random YAML documents, structured mutations of the shipped processes and
text mutations (explicit tags, control characters and bidi overrides, huge numbers,
odd line breaks) go through load -> audit -> every formatter, and every output is
checked: positions on the line as editors count it, JSON without NaN or Infinity,
well-formed JUnit XML, no raw control character in a human-facing output. The default
profile keeps this within a minute or two; ``VALUEAUDIT_FUZZ_EXAMPLES=100000 python -m
pytest tests/pipeline/test_fuzz.py`` is the long run (see ``conftest.py``).
"""

from __future__ import annotations

import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valueaudit.hints import has_unsafe
from valueaudit.output import FORMATS, Options, render
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "data/sarif-schema-2.1.0.json").read_text())
EXAMPLES = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "processes").glob("*.yaml"))]
SETTINGS = Settings()


HUMAN_FORMATS = ("text", "github", "markdown", "junit")
LINE_BREAK = re.compile(r"\r\n?|\n")


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} in a JSON output")


def through_everything(data: bytes, *, validate_sarif: bool = False) -> None:
    """Audit ``data`` as a file and render every format; check what must hold."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        result = audit_files([(path, "fuzz.yaml")], SETTINGS)
    assert not result.errors, result.errors
    lines = LINE_BREAK.split(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.line <= len(lines), finding
        assert finding.column <= len(lines[finding.line - 1]) + 1, finding
        assert finding.message
    for name in FORMATS:
        text = render(name, result, Options(SETTINGS))
        assert isinstance(text, str)
        if name in ("json", "gitlab", "sarif"):
            log = json.loads(text, parse_constant=_no_constants)
            if name == "sarif" and validate_sarif:
                jsonschema.validate(log, SARIF_SCHEMA)
        if name in HUMAN_FORMATS:
            assert not has_unsafe(text), f"raw control character in {name}"
        if name == "junit":
            ET.fromstring(text)


FUZZ = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    through_everything(data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("-: \n\t[]{}&*!|>'\"#%@,?abcxyz019")), max_size=300))
def test_yaml_punctuation_soup(text: str) -> None:
    through_everything(text.encode("utf-8"))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


@FUZZ
@given(documents)
def test_random_yaml_documents(document: Any) -> None:
    through_everything(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


KEYS = [
    "valueaudit",
    "id",
    "parties",
    "touchpoints",
    "flows",
    "value",
    "from",
    "to",
    "kind",
    "gives",
    "practice",
    "next",
    "elements",
    "suppress",
    "scale",
    "volume",
    "timing",
    "exchange",
    "unit",
    "fixed_cost",
]
REPLACEMENTS = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.just({"x": 1}),
    st.sampled_from(["customer", "company", "VA202", "[1, 2]", "no", "not-valued", "EUR", "order"]),
)


def _mutate(node: Any, draw: Any, depth: int = 0) -> Any:
    """Change one thing somewhere in a document: delete, retype or swap a value, or add
    a stray key."""
    if isinstance(node, dict) and node:
        keys = sorted(node, key=str)
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["delete", "retype", "descend", "swap", "add"]))
        copy = dict(node)
        if action == "delete":
            del copy[key]
        elif action == "retype":
            copy[key] = draw(REPLACEMENTS)
        elif action == "swap" and len(keys) > 1:
            other = draw(st.sampled_from(keys))
            copy[key], copy[other] = copy[other], copy[key]
        elif action == "add":
            copy[draw(st.sampled_from(KEYS)) + draw(st.sampled_from(["", "s", "_"]))] = draw(
                REPLACEMENTS
            )
        else:
            copy[key] = _mutate(node[key], draw, depth + 1)
        return copy
    if isinstance(node, list) and node:
        index = draw(st.integers(0, len(node) - 1))
        copy = list(node)
        action = draw(st.sampled_from(["delete", "duplicate", "descend", "retype"]))
        if action == "delete":
            del copy[index]
        elif action == "duplicate":
            copy.insert(index, copy[index])
        elif action == "retype":
            copy[index] = draw(REPLACEMENTS)
        else:
            copy[index] = _mutate(node[index], draw, depth + 1)
        return copy
    return draw(REPLACEMENTS)


@st.composite
def mutated_processes(draw: Any) -> str:
    document = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(1, 3))):
        document = _mutate(document, draw)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):  # a duplicate key, which no dumper writes
        lines = text.splitlines()
        where = draw(st.integers(0, len(lines) - 1))
        lines.insert(where, lines[where])
        text = "\n".join(lines) + "\n"
    return text


@FUZZ
@given(mutated_processes())
def test_mutated_processes(text: str) -> None:
    through_everything(text.encode("utf-8"), validate_sarif=True)


EXAMPLE_TEXTS = [p.read_text() for p in sorted((ROOT / "processes").glob("*.yaml"))]
INSERTIONS = st.one_of(
    # explicit tags, fitting the value or not
    st.sampled_from(
        [
            "!!bool ",
            "!!int ",
            "!!float ",
            "!!timestamp ",
            "!!str ",
            "!!null ",
            "!!binary ",
            "!!set ",
            "!!omap ",
            "!foo ",
            "! ",
            "!!python/object:os.system ",
        ]
    ),
    # control characters and bidi overrides, raw and as double-quoted escapes
    st.sampled_from(
        [
            '"\\e[2J\\e]0;x\\a"',
            '"\\u202e"',
            '"\\0"',
            '"\\x85"',
            "\x1b",
            "\u202e",
            "\x07",
            "\x00",
            "\x7f",
            "\x9b",
        ]
    ),
    # huge and awkward numbers
    st.sampled_from(
        [
            "9" * 400 + " ",
            "-" + "9" * 60 + " ",
            "1.0e+308 ",
            "1.0e+309 ",
            ".nan ",
            "-.inf ",
            "0x" + "f" * 80 + " ",
            "1e400 ",
        ]
    ),
    # line breaks editors and YAML count differently
    st.sampled_from(["\x85", "\u2028", "\u2029", "\r", "\r\n", "\x85  - "]),
)


@st.composite
def text_mutations(draw: Any) -> str:
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        # mostly after ': ', where a value starts, else anywhere
        starts = [m.end() for m in re.finditer(": ", text)]
        anywhere = draw(st.booleans())
        where = (
            draw(st.integers(0, len(text)))
            if anywhere or not starts
            else draw(st.sampled_from(starts))
        )
        text = text[:where] + draw(INSERTIONS) + text[where:]
    return text


@FUZZ
@given(text_mutations())
def test_text_mutations(text: str) -> None:
    through_everything(text.encode("utf-8"))


# --- hostile file names, configurations, baselines and encodings (issue 26) ----------

#: Pieces of text that meant something to a terminal, a CI log, Markdown or rich.
HOSTILE_PIECES = st.sampled_from(
    [
        "\n",
        "\r",
        "::",
        "::error file=README.md,line=1::x",
        "::add-mask::",
        "|",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "[/]",
        "[link=https://evil.example]x[/link]",
        "[bold red]",
        "\x1b[2J",
        "\x1b]8;;http://e.example\x07",
        "\u202e",
        "https://evil.example/login",
        "www.evil.example",
        "a@b.example",
        "`",
        "*",
        "_",
        "%0A",
        "\t",
        " ",
        "é",
        "🙂",
        "# ",
        "- ",
        "1. ",
        "> ",
        "&amp;",
        "$x$",
    ]
)
HOSTILE_TEXT = st.lists(
    st.one_of(HOSTILE_PIECES, st.text(alphabet="abXY09.-_ ", max_size=4)), min_size=1, max_size=6
).map("".join)
#: Where a GitHub log line may start with ``::``: valueaudit's own commands, with every
#: property escaped (no ``:`` or ``,`` of a file name left raw).
OWN_COMMAND = re.compile(r"::(error|warning|notice)(?: [^:\r\n]*)?::[^\r\n]*")
RAW_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto)://|(?<!\\)\bwww\.|(?<![\\\w])@\w")
#: A fenced block (the diagrams): GitHub makes no links in one.
FENCED = re.compile(r"^```.*?^```$", re.MULTILINE | re.DOTALL)


def _file_name(text: str) -> str | None:
    """``text`` as a file name this system can hold, or ``None``."""
    name = text.replace("/", "_").replace("\0", "_") + ".yaml"
    return name if len(name.encode()) <= 250 else None


def _process_named(name: str) -> str:
    """A valid process whose names are all ``name`` (quoted for YAML)."""
    quoted = json.dumps(name, ensure_ascii=False)
    return (
        f"valueaudit: 1\nid: hostile\nname: {quoted}\n"
        f"parties:\n  customer: {{role: customer, name: {quoted}}}\n"
        f"  company: {{role: provider, name: {quoted}}}\n"
        f"touchpoints:\n  - id: pay\n    channel: {quoted}\n    stage: {quoted}\n"
        "    flows:\n"
        f"      - {{from: customer, to: company, gives: {quoted}, kind: money, value: 9}}\n"
        "      - {from: company, to: customer, gives: x, kind: product, value: [0, 2]}\n"
    )


def _check_log_lines(name: str, text: str) -> None:
    for line in LINE_BREAK.split(text):
        if line.startswith("::"):
            assert name == "github" and OWN_COMMAND.fullmatch(line), (name, line)


@FUZZ
@given(HOSTILE_TEXT, st.booleans())
def test_hostile_file_names_and_names_inject_nothing(text: str, broken: bool) -> None:
    """A file name (and every name in the file) made of what means something to GitHub
    Actions, Markdown, HTML, rich or a terminal: no output line starts a workflow command
    valueaudit did not mean, the report holds no HTML and no live link, and the rich
    outputs of the CLI do not break."""
    from typer.testing import CliRunner

    from valueaudit.cli import app
    from valueaudit.discovery import discover

    name = _file_name(text)
    if name is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        try:
            path.write_text("id: [\n" if broken else _process_named(text), encoding="utf-8")
        except OSError:  # a name this file system refuses
            return
        files = discover([Path(folder)], root=Path(folder))
        assert len(files) == 1
        result = audit_files(files, SETTINGS)
        assert not result.errors, result.errors
        for fmt in FORMATS:
            out = render(fmt, result, Options(SETTINGS))
            _check_log_lines(fmt, out)
            if fmt in HUMAN_FORMATS:
                assert not has_unsafe(out), fmt
            if fmt == "markdown":
                assert "<" not in out
                prose = FENCED.sub("", out)
                assert not RAW_AUTOLINK.search(prose), RAW_AUTOLINK.search(prose)
            if fmt == "junit":
                ET.fromstring(out)
            if fmt in ("json", "gitlab", "sarif"):
                json.loads(out, parse_constant=_no_constants)
        runner = CliRunner()
        for command in (["scan", folder, "--fail-on", "never"], ["portfolio", folder]):
            shown = runner.invoke(app, [*command, "--root", folder])
            assert shown.exit_code in (0, 2), shown.output
            assert shown.exception is None or isinstance(shown.exception, SystemExit)
            assert "Traceback" not in shown.output and "internal error" not in shown.output
            _check_log_lines("text", shown.stdout)
            assert not has_unsafe(shown.output)


def _runs_or_refuses_in_one_line(result: Any) -> None:
    """A CLI run on hostile input: it works (0, 1), or stops with exit 2 and one escaped
    line; never a traceback or an internal error."""
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not has_unsafe(result.output)
    if result.exit_code == 2:
        [line] = result.stderr.splitlines()
        assert line.startswith("valueaudit: error: ")


#: Values a configuration may hold, valid TOML all (a key's own type or not).
CONFIG_VALUES = st.recursive(
    st.one_of(
        HOSTILE_TEXT,
        st.sampled_from(["VA2", "VA201", "va1", "E", "", "[z-a]", "**/x/", "1e400", "1/0", "inf"]),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(HOSTILE_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)
CONFIG_KEYS = st.sampled_from(
    [
        "select",
        "ignore",
        "fail-on",
        "exclude",
        "per-file-ignores",
        "severity",
        "early-payment-window-days",
        "early-payment-min-amount",
        "thresholds.disparity",
        "thresholds.process-disparity",
        "thresholds.exchange-ratio",
        "limits.file-size-mb",
        "limits.nesting-depth",
        "limits.alias-expansion",
        "simulate.samples",
        "simulate.seed",
        "simulate.likely",
        "evidence.max-age-days",
        "effort.hotspot-minutes",
        "report.max-processes",
        "unknown-key",
    ]
)


def _toml(value: Any) -> str:
    """A value as TOML (strings as basic strings, tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@FUZZ
@given(st.dictionaries(CONFIG_KEYS, CONFIG_VALUES, max_size=4), st.booleans())
def test_hostile_configuration_values_are_one_line_errors(
    entries: dict[str, Any], pyproject: bool
) -> None:
    """Any value under any key, in valueaudit.toml or pyproject.toml: the run works, or
    stops with exit 2 and one escaped line; never a traceback or an internal error."""
    from typer.testing import CliRunner

    from valueaudit.cli import app

    prefix = "tool.valueaudit." if pyproject else ""
    lines = []
    for key, value in entries.items():
        table, _, leaf = key.rpartition(".")
        lines.append(f"[{prefix}{table}]" if table else f"[{prefix.rstrip('.')}]" if prefix else "")
        lines.append(f"{json.dumps(leaf)} = {_toml(value)}")
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / ("pyproject.toml" if pyproject else "valueaudit.toml")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        process = Path(folder) / "p.yaml"
        process.write_text(_process_named("shop"), encoding="utf-8")
        result = CliRunner().invoke(app, ["scan", str(process), "--config", str(config)])
    _runs_or_refuses_in_one_line(result)


BASELINE_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "file": CONFIG_VALUES,
        "process": CONFIG_VALUES,
        "path": CONFIG_VALUES,
        "code": st.one_of(st.sampled_from(["VA203", "VA999", ""]), CONFIG_VALUES),
        "content_hash": CONFIG_VALUES,
        "count": st.one_of(st.integers(-5, 10**30), CONFIG_VALUES),
        "message": CONFIG_VALUES,
    },
)
BASELINES = st.one_of(
    st.binary(max_size=300),
    st.fixed_dictionaries(
        {"valueaudit_baseline": st.one_of(st.just(1), CONFIG_VALUES)},
        optional={"version": CONFIG_VALUES, "findings": st.lists(BASELINE_ENTRY, max_size=4)},
    ).map(lambda document: json.dumps(document).encode()),
    CONFIG_VALUES.map(lambda value: json.dumps(value).encode()),
)


@FUZZ
@given(BASELINES)
def test_hostile_baselines_are_one_line_errors(baseline: bytes) -> None:
    """A baseline of any bytes or any JSON: used, or refused with exit 2 and one line."""
    from typer.testing import CliRunner

    from valueaudit.cli import app

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "baseline.json").write_bytes(baseline)
        process = Path(folder) / "p.yaml"
        process.write_text(_process_named("shop"), encoding="utf-8")
        result = CliRunner().invoke(
            app, ["scan", str(process), "--baseline", str(Path(folder) / "baseline.json")]
        )
    _runs_or_refuses_in_one_line(result)


ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]
)


@FUZZ
@given(st.sampled_from(EXAMPLE_TEXTS), ENCODINGS, st.integers(0, 2), HOSTILE_TEXT)
def test_files_in_any_encoding(text: str, encoding: str, boms: int, name: str) -> None:
    """A process written in another encoding, with zero to two UTF-8 byte order marks
    before it and a hostile name inside: VA109 naming the encoding, or audited, with
    every position on its line."""
    text = text.replace("name:", f"name: {json.dumps(name, ensure_ascii=False)} #", 1)
    try:
        data = b"\xef\xbb\xbf" * boms + text.encode(encoding)
    except UnicodeEncodeError:
        return
    through_everything(data)
