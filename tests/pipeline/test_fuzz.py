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
