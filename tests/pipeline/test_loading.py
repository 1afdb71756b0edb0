"""The loader: every VA1xx code at its exact line and column, and hostile input."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pydantic
import pytest
import yaml

from conftest import BASE
from valueaudit import loading
from valueaudit.loading import tree
from valueaudit.scan import audit_files
from valueaudit.settings import Limits, Settings
from valueaudit.validation import load_process

pytestmark = pytest.mark.rules("VA1")


VALID_TAIL = """\
  - id: pay
    flows:
      - {from: customer, to: company, gives: money, kind: money, value: 5}
      - {from: company, to: customer, gives: receipt, kind: settlement, value: 4}
"""


def test_valid_process_loads_into_an_immutable_model(tmp_path: Path):
    path = tmp_path / "ok.yaml"
    path.write_text(BASE + VALID_TAIL)
    loaded = load_process(path, "ok.yaml")
    assert loaded.findings == []
    assert loaded.process is not None
    flow = loaded.process.touchpoints[0].flows[0]
    assert (flow.source, flow.target, flow.value.low) == ("customer", "company", 5.0)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        flow.value = None  # type: ignore[misc]


def test_parse_error_position(positions):
    # line 3: "parties: [a, b" never closes; the parser notices at the end
    text = "valueaudit: 1\nid: x\nparties: {a: 1\n"
    [(code, line, column)] = positions(text)
    assert code == "VA101"
    assert (line, column) == (4, 1)


def test_bad_indentation_is_va101_at_the_offending_token(positions):
    text = "valueaudit: 1\nid: x\n  name: y\n"
    assert positions(text) == [("VA101", 3, 7)]


def test_unsupported_tag_is_va101_at_the_tagged_node(positions):
    text = BASE + "  - id: pay\n    name: !!python/object:os.system echo\n"
    assert ("VA101", 8, 11) in positions(text)


def test_custom_tag_on_a_mapping(positions):
    text = BASE + "  - !thing {id: pay}\n"
    assert ("VA101", 7, 5) in positions(text)


def test_duplicate_key_points_at_the_second_key(positions):
    text = BASE + VALID_TAIL + "    flows: []\n"
    assert positions(text) == [("VA107", 11, 5)]


def test_duplicate_key_inside_a_flow_mapping(positions):
    text = BASE + "  - id: pay\n    flows:\n      - {from: customer, from: company}\n"
    found = positions(text)
    assert ("VA107", 9, 26) in found


def test_duplicate_top_level_key(positions):
    text = "valueaudit: 1\nid: a\nid: b\n"
    assert ("VA107", 3, 1) in positions(text)


def test_multi_document_file(positions):
    text = BASE + VALID_TAIL + "---\nvalueaudit: 1\n"
    assert positions(text) == [("VA102", 11, 1)]


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(positions, text):
    assert positions(text) == [("VA102", 1, 1)]


@pytest.mark.parametrize(("text", "what"), [("- a\n- b\n", "a list"), ("hello\n", "text")])
def test_top_level_must_be_a_mapping(audit, text, what):
    [finding] = audit(text).findings
    assert (finding.code, finding.line, finding.column) == ("VA102", 1, 1)
    assert what in finding.message


def test_merge_keys_are_refused_with_a_hint(positions, audit):
    text = "valueaudit: 1\nbase: &b {a: 1}\nother:\n  <<: *b\n"
    assert ("VA102", 4, 3) in positions(text)
    assert any("merge keys" in f.message for f in audit(text).findings)


def test_invalid_utf8_position(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"valueaudit: 1\nname: caf\xe9 au lait\n")
    [finding] = audit_files([(path, "latin1.yaml")], Settings()).findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 2, 10)
    assert "UTF-8" in finding.message


def test_utf8_bom_is_accepted_and_positions_ignore_it(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (BASE + VALID_TAIL + "    bogus: 1\n").encode())
    [finding] = audit_files([(path, "bom.yaml")], Settings()).findings
    assert (finding.code, finding.line, finding.column) == ("VA102", 11, 5)


def test_utf16_is_refused(tmp_path: Path):
    path = tmp_path / "u16.yaml"
    path.write_bytes("valueaudit: 1\n".encode("utf-16"))
    [finding] = audit_files([(path, "u16.yaml")], Settings()).findings
    assert finding.code == "VA109" and "UTF-16" in finding.message


def test_nul_byte_position(tmp_path: Path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"valueaudit: 1\nid: a\x00b\n")
    [finding] = audit_files([(path, "nul.yaml")], Settings()).findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 2, 6)


def test_too_large_file_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    settings = Settings(limits=Limits(file_bytes=100))
    [finding] = audit_files([(path, "big.yaml")], settings).findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 1, 1)
    assert "too large" in finding.message


def test_deep_nesting_is_refused_quickly(tmp_path: Path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    started = time.perf_counter()
    [finding] = audit_files([(path, "deep.yaml")], Settings()).findings
    assert time.perf_counter() - started < 5
    assert finding.code == "VA109"
    assert (finding.line, finding.column) == (1, 3 + Limits().depth)


class _CappedLoader(tree._Loader):  # type: ignore[misc,valid-type]
    """A libyaml that refuses flow nesting early and at column 1, as PyYAML 6.0.4's does."""

    def get_event(self):
        raise yaml.scanner.ScannerError(
            "while increasing flow level", None, "exceeded maximum nesting depth", None
        )


def test_depth_guard_does_not_depend_on_libyamls_own_cap(tmp_path: Path, monkeypatch):
    # whatever libyaml the installed PyYAML bundles, the position is our limit's
    monkeypatch.setattr(tree, "_Loader", _CappedLoader)
    loaded = loading.load_text("a: " + "[" * 5_000 + "]" * 5_000 + "\n", loading.LoadedFile("x"))
    [finding] = loaded.findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 1, 3 + Limits().depth)


def test_deep_block_nesting_is_refused(tmp_path: Path):
    path = tmp_path / "deep-block.yaml"
    path.write_text("".join(" " * i + "a:\n" for i in range(300)) + " " * 300 + "b\n")
    [finding] = audit_files([(path, "deep-block.yaml")], Settings()).findings
    assert finding.code == "VA109"
    assert "deeper" in finding.message


def test_billion_laughs_is_refused_quickly(tmp_path: Path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    [finding] = audit_files([(path, "bomb.yaml")], Settings()).findings
    assert time.perf_counter() - started < 5
    assert finding.code == "VA109"
    assert "alias" in finding.message


def test_recursive_alias_is_refused(positions):
    assert positions("a: &x [1, *x]\n") == [("VA109", 1, 4)]


def test_plain_aliases_are_fine(audit):
    text = BASE + (
        "  - id: pay\n"
        "    flows:\n"
        "      - &f {from: customer, to: company, gives: money, kind: money, value: 5}\n"
        "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 5}\n"
        "  - id: again\n"
        "    flows: [*f, {from: company, to: customer, gives: x, kind: other, value: 5}]\n"
    )
    assert audit(text).findings == ()


def test_directory_named_like_a_file(tmp_path: Path):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    [finding] = audit_files([(folder, "x.yaml")], Settings()).findings
    assert (finding.code, finding.line) == ("VA109", 1)


def test_unreadable_file(tmp_path: Path, monkeypatch):
    path = tmp_path / "secret.yaml"
    path.write_text("valueaudit: 1\n")

    real_open = os.open

    def refuse(name: object, *args: object, **kwargs: object) -> int:
        if Path(str(name)) == path:  # as for a user without read permission
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    [finding] = audit_files([(path, "secret.yaml")], Settings()).findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 1, 1)
    assert "Permission denied" in finding.message


def test_file_deleted_before_reading(tmp_path: Path):
    path = tmp_path / "gone.yaml"
    [finding] = audit_files([(path, "gone.yaml")], Settings()).findings
    assert finding.code == "VA109"


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(BASE + VALID_TAIL)
    bad = tmp_path / "bad.yaml"
    bad.write_text("valueaudit: [\n")
    result = audit_files([(bad, "bad.yaml"), (good, "good.yaml")], Settings(select=("VA1",)))
    assert [p.process.id for p in result.processes] == ["sample"]
    assert [f.code for f in result.findings] == ["VA101"]


@pytest.mark.parametrize("odd_break", ["\x85", "\u2028", "\u2029"])
def test_lines_are_counted_as_editors_count_them(tmp_path: Path, odd_break: str):
    # YAML 1.1 counts NEL, LS and PS as line breaks; editors, grep -n and GitHub do not
    text = (
        f'valueaudit: 1\nid: sample\ndescription: "one{odd_break}two"\n'
        "parties:\n  customer: {role: customer}\n  company: {role: provider}\n"
        "touchpoints:\n  - id: pay\n    practice: nonsense\n"
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    findings = audit_files([(path, "p.yaml")], Settings(select=("VA1",))).findings
    [finding] = [f for f in findings if f.code == "VA102"]  # and VA108: no flows
    assert (finding.line, finding.column) == (9, 15)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_newline_convention_gives_the_same_positions(tmp_path: Path, newline: str):
    lines = [
        "valueaudit: 1",
        "id: sample",
        "parties:",
        "  customer: {role: customer}",
        "  company: {role: provider}",
        "touchpoints:",
        "  - id: pay",
        "    practice: nonsense",
    ]
    path = tmp_path / "p.yaml"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    findings = audit_files([(path, "p.yaml")], Settings(select=("VA1",))).findings
    [finding] = [f for f in findings if f.code == "VA102"]  # and VA108: no flows
    assert (finding.line, finding.column) == (8, 15)
    path.write_bytes(newline.join([*lines[:7], "    practice: caf\xe9"]).encode("latin-1"))
    [finding] = audit_files([(path, "p.yaml")], Settings(select=("VA1",))).findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 8, 18)


def test_a_forbidden_character_after_wide_ones_is_placed_by_characters():
    # libyaml reports this error at a byte offset: U+202E is 3 bytes, 1 character
    loaded = loading.load_text("a: \u202e\u202e\n  b\x1b\n", loading.LoadedFile("x"))
    [finding] = loaded.findings
    assert (finding.code, finding.line, finding.column) == ("VA101", 2, 4)
    assert finding.message == "character '\\x1b' is not allowed in YAML"


@pytest.mark.parametrize(
    ("text", "place", "hint"),
    [
        ("valueaudit: 1\nparties:\n\tcustomer: {role: customer}\n", (3, 1), "use spaces, not tabs"),
        (
            "valueaudit: 1\nparties:\n  customer:\n    role: customer\n   name: x\n",
            (5, 4),
            "check the indentation",
        ),
        ("valueaudit: 1\nid: x\n  title: y\n", (3, 8), "check the indentation"),
        ("valueaudit: 1\ntitle: time: 20 minutes\n", (2, 12), "a value that contains ': '"),
        ("valueaudit: 1\nx: {a: b: c}\n", (2, 9), "inside {...} quote text"),
        ("valueaudit: 1\nx: [a, {b: c]\n", None, "quote text"),
    ],
)
@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
def test_parser_messages_get_a_hint_in_plain_words(audit, monkeypatch, text, place, hint, pure):
    if pure:  # the hints do not depend on which parser PyYAML uses
        monkeypatch.setattr(tree, "_Loader", yaml.SafeLoader)
    (finding,) = audit(text).findings
    assert finding.code == "VA101"
    assert hint in finding.message
    if place is not None:
        assert (finding.line, finding.column) == place


def test_an_unquoted_comma_inside_braces_gets_the_quoting_hint(audit):
    result = audit(BASE.replace("{role: customer}", "{role: customer, name: Smith, John}"))
    (unknown,) = [f for f in result.findings if "unknown key" in f.message]
    assert "unknown key 'John'" in unknown.message
    assert "quote text that has commas" in unknown.message


def test_two_byte_order_marks_and_utf32_are_named(tmp_path):
    """Issue 26 item 17: a file with two BOMs shifted every column by one; a UTF-32 file
    was called UTF-16."""
    from valueaudit.scan import audit_files
    from valueaudit.settings import Settings

    two = tmp_path / "two.yaml"
    two.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfvalueaudit: 1\nid: [\n")
    wide = tmp_path / "wide.yaml"
    wide.write_bytes("valueaudit: 1\n".encode("utf-32"))
    result = audit_files([(two, "two.yaml"), (wide, "wide.yaml")], Settings(), jobs=1)
    messages = [(f.file, f.code, f.message) for f in result.findings]
    assert messages == [
        (
            "two.yaml",
            "VA109",
            "file starts with two byte order marks; save it as UTF-8 with at most one",
        ),
        ("wide.yaml", "VA109", "file is UTF-32 encoded; save it as UTF-8"),
    ]


def test_the_alias_budget_counts_text_not_only_values(tmp_path):
    """Issue 26 item 27: one anchored 100 KB name used by 300 parties passed every limit
    in a 135 KB file and wrote 331 MB of JSON. An alias costs the text it copies too."""
    from valueaudit.scan import audit_files
    from valueaudit.settings import Settings

    parties = "".join(f"  p{k}: {{name: *n, role: customer}}\n" for k in range(300))
    big = tmp_path / "big.yaml"
    big.write_text(
        f"valueaudit: 1\nid: big\ndescription: &n {'x' * 100_000}\nparties:\n{parties}"
        "touchpoints:\n  - id: t\n"
    )
    [finding] = audit_files([(big, "big.yaml")], Settings(), jobs=1).findings
    assert finding.code == "VA109"
    assert "aliases expand to too many values or too much text" in finding.message
    # a few short aliases, as analysts write them, are fine
    small = tmp_path / "small.yaml"
    small.write_text(
        "valueaudit: 1\nid: small\nparties:\n  a: &p {role: customer}\n  b: *p\n"
        "touchpoints:\n  - id: t\n"
    )
    assert all(f.code != "VA109" for f in audit_files([(small, "s.yaml")], Settings()).findings)


ROUNDS = """\
valueaudit: 1
id: rounds
parties:
  customer: {role: customer}
  company: {role: provider}
touchpoints:
  - id: a
    flows:
      - {from: customer, to: company, gives: m, kind: mony, value: 1, colour: red}
      - {from: customer, to: compnay, gives: m, kind: money, value: 1}
    next: [zz]
  - id: a
    name: one
    name: two
    practice: billing
    flows: []
"""


def test_every_independent_error_shows_in_one_pass(tmp_path: Path):
    """Issue 27 item 11: a wrong kind, an unknown key and a wrong practice (VA102) no
    longer hide a misspelt party (VA103), a duplicate touchpoint id (VA104) and a bad
    `next` (VA105): the structure is checked with the shape problems set aside, and
    fixing the shape problems brings no new finding."""
    path = tmp_path / "rounds.yaml"
    path.write_text(ROUNDS)

    def found() -> list[tuple[str, int]]:
        findings = audit_files([(path, "rounds.yaml")], Settings()).findings
        return sorted((f.code, f.line) for f in findings)

    first = found()
    assert first == [
        ("VA102", 9),  # kind
        ("VA102", 9),  # colour
        ("VA102", 15),  # practice
        ("VA103", 10),
        ("VA104", 12),
        ("VA105", 11),
        ("VA107", 14),
        ("VA108", 16),
    ]
    path.write_text(
        ROUNDS.replace("mony", "money").replace(", colour: red", "").replace("billing", "greeting")
    )
    assert found() == [f for f in first if f[0] != "VA102"]


@pytest.mark.parametrize(
    ("flow", "hint"),
    [
        (
            "{from: customer, to: company, gives: m, kind: money, value: 1, amount: 5, "
            "due_days: 30}",
            "unknown key 'due_days' in touchpoints[0].flows[0]; it belongs inside 'timing' "
            "(timing: {due_days: ...})",
        ),
        (
            "{from: customer, to: company, gives: m, kind: money, value: 1, channel: web}",
            "unknown key 'channel' in touchpoints[0].flows[0]; it belongs one level out, "
            "beside 'flows'",
        ),
    ],
)
def test_a_key_one_level_off_says_where_it_belongs(tmp_path: Path, flow: str, hint: str):
    path = tmp_path / "p.yaml"
    path.write_text(
        "valueaudit: 1\nid: p\nparties:\n  customer: {role: customer}\n"
        f"  company: {{role: provider}}\ntouchpoints:\n  - id: a\n    flows:\n      - {flow}\n"
    )
    messages = [f.message for f in audit_files([(path, "p.yaml")], Settings()).findings]
    assert hint in messages


def test_a_list_item_out_of_line_gets_a_hint(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "valueaudit: 1\nid: p\ntouchpoints:\n  - id: a\n    flows: []\n  - id: b\n   flows: []\n"
    )
    [finding] = audit_files([(path, "p.yaml")], Settings()).findings
    assert finding.code == "VA101"
    assert "did not find expected '-' indicator" in finding.message
    assert "the items of a list each start with '- ' in the same column" in finding.message
