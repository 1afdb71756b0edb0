"""Hostile and broken input: each case ends as a finding at an exact position, quickly,
and the rest of the scan goes on. Files are in tests/hostile/; the huge ones are made
here."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from valueaudit.cli import app
from valueaudit.discovery import discover
from valueaudit.output import Options, render
from valueaudit.paths import display_path
from valueaudit.scan import audit_files
from valueaudit.settings import Limits, Settings

HOSTILE = Path(__file__).parents[1] / "hostile"
VALID = (HOSTILE / "crlf.yaml").read_bytes().replace(b"\r\n", b"\n")
runner = CliRunner()


def line_of(name: str, number: int) -> str:
    return (HOSTILE / name).read_bytes().decode("utf-8", "replace").splitlines()[number - 1]


def col(name: str, number: int, token: str, nth: int = 1) -> int:
    text, index = line_of(name, number), -1
    for _ in range(nth):
        index = text.index(token, index + 1)
    return index + 1


def audit(path: Path, settings: Settings | None = None) -> list[tuple[str, int, int]]:
    started = time.perf_counter()
    result = audit_files([(path, path.name)], settings or Settings(select=("VA1",)))
    assert time.perf_counter() - started < 5, "hostile input must be refused quickly"
    return [(f.code, f.line, f.column) for f in result.findings]


CASES = [
    ("invalid-utf8.yaml", ("VA109", 2, 8)),
    ("utf16-without-bom.yaml", ("VA109", 1, 2)),
    ("utf16-with-bom.yaml", ("VA109", 1, 1)),
    ("nul-byte.yaml", ("VA109", 2, 8)),
    ("python-tag.yaml", ("VA101", 2, 5)),
    ("custom-tag.yaml", ("VA101", 1, 1)),
    ("merge-key.yaml", ("VA102", 6, 5)),
    ("multi-document.yaml", ("VA102", 12, 1)),
    ("tabs.yaml", ("VA101", 3, 1)),
    ("crlf-error.yaml", ("VA102", 8, 15)),
    ("top-level-list.yaml", ("VA102", 1, 1)),
    ("top-level-scalar.yaml", ("VA102", 1, 1)),
    ("empty.yaml", ("VA102", 1, 1)),
    ("whitespace-only.yaml", ("VA102", 1, 1)),
    ("comments-only.yaml", ("VA102", 1, 1)),
    ("unclosed-quote.yaml", ("VA101", 3, 1)),
    ("duplicate-top-level.yaml", ("VA107", 12, 1)),
    ("duplicate-party.yaml", ("VA107", 6, 3)),
    ("duplicate-in-party.yaml", ("VA107", 5, col("duplicate-in-party.yaml", 5, "role", 2))),
    ("duplicate-in-touchpoint.yaml", ("VA107", 9, 5)),
    ("duplicate-in-flow.yaml", ("VA107", 10, col("duplicate-in-flow.yaml", 10, "value", 2))),
    ("duplicate-in-elements.yaml", ("VA107", 11, 7)),
    (
        "duplicate-in-timing.yaml",
        ("VA107", 10, col("duplicate-in-timing.yaml", 10, "due_days", 2)),
    ),
    ("recursive-alias.yaml", ("VA109", 2, 10)),
]


def test_not_a_number_is_refused_everywhere():
    name = "not-a-number.yaml"
    assert audit(HOSTILE / name) == [
        ("VA102", 4, 9),
        ("VA102", 9, col(name, 9, ".nan")),
        ("VA102", 9, col(name, 9, ".NaN")),
        ("VA102", 10, col(name, 10, "[1")),
    ]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_gets_the_right_finding(name: str, expected: tuple[str, int, int]):
    found = audit(HOSTILE / name)
    assert expected in found, found
    assert all(line >= 1 and column >= 1 for _, line, column in found)


@pytest.mark.parametrize("name", ["utf8-bom.yaml", "crlf.yaml", "unicode-names.yaml"])
def test_harmless_variants_are_valid(name: str):
    assert audit(HOSTILE / name) == []


def test_billion_laughs(tmp_path: Path):
    [(code, line, _)] = audit(HOSTILE / "billion-laughs.yaml")
    assert code == "VA109" and line >= 1


def test_alias_expansion_past_a_small_limit(tmp_path: Path):
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a]\n")
    settings = Settings(select=("VA1",), limits=Limits(alias_expansion=10))
    [(code, _, _)] = audit(path, settings)
    assert code == "VA109"
    assert "VA109" not in [c for c, _, _ in audit(path)]  # within the default limit


def test_fifty_megabytes_are_refused_by_size(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: the test writes nothing
    assert audit(path) == [("VA109", 1, 1)]


@pytest.mark.parametrize("depth", [20_000, 150])
def test_deep_nesting(tmp_path: Path, depth: int):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * depth + "]" * depth + "\n")
    [(code, line, column)] = audit(path)
    assert (code, line, column) == ("VA109", 1, 3 + Limits().depth)


def test_very_long_lines_and_names(tmp_path: Path):
    path = tmp_path / "long.yaml"
    name = "N" * 200_000
    path.write_bytes(VALID.replace(b"id: crlf", b"id: long\nname: " + name.encode()))
    assert audit(path) == []
    # YAML caps implicit keys at 1024 characters: the parser says where it gave up
    path.write_bytes(VALID + b"x" * 100_000 + b": 1\n")
    assert audit(path) == [("VA101", 12, 100_001)]


def test_a_directory_named_like_a_process(tmp_path: Path):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    (folder / "inner.yaml").write_bytes(VALID)
    assert [p.name for p, _ in discover([tmp_path])] == ["inner.yaml"]
    assert audit(folder) == [("VA109", 1, 1)]


def test_symlink_loops(tmp_path: Path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "ok.yaml").write_bytes(VALID)
    found = discover([tmp_path])
    assert sorted(display.rsplit("/", 1)[-1] for _, display in found) == ["loop.yaml", "ok.yaml"]
    result = audit_files(found, Settings(select=("VA1",)))
    assert [(f.code, f.line) for f in result.findings] == [("VA109", 1)]
    assert len(result.processes) == 1


def test_a_file_deleted_during_the_scan(tmp_path: Path):
    (tmp_path / "a.yaml").write_bytes(VALID)
    (tmp_path / "b.yaml").write_bytes(VALID.replace(b"id: crlf", b"id: other"))
    found = discover([tmp_path])
    (tmp_path / "a.yaml").unlink()
    result = audit_files(found, Settings(select=("VA1",)))
    assert [f.code for f in result.findings] == ["VA109"]
    assert [p.process.id for p in result.processes] == ["other"]


def test_the_scan_goes_on_past_every_hostile_file(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(HOSTILE)
    result = runner.invoke(app, ["scan", ".", "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == len(list(HOSTILE.glob("*.yaml")))
    assert {p["id"] for p in document["processes"]} >= {"crlf", "unicode", "with-bom"}


UNICODE = ["עמית 🙂 Zoë e\u0301", "قهوة ☕"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "gitlab", "github", "markdown"])
def test_unicode_names_survive_every_format(fmt: str):
    path = HOSTILE / "unicode-names.yaml"
    result = audit_files([(path, path.name)], Settings())
    assert result.findings, "the file must have findings that mention the names"
    text = render(fmt, result, Options(Settings()))
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(text)
    mentioned = [name for name in UNICODE if name in text]
    assert mentioned, f"{fmt} lost the Unicode names"


def test_no_output_file_is_left_half_written(tmp_path: Path, monkeypatch):
    from valueaudit.output import files

    target = tmp_path / "report.json"
    target.write_text("previous")

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", explode)
    with pytest.raises(OSError):
        files.write_atomic(target, "new")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_fifo_is_not_read(tmp_path: Path):
    os.mkfifo(tmp_path / "x.yaml")
    (tmp_path / "ok.yaml").write_bytes(VALID)
    [finding] = audit(tmp_path / "x.yaml")
    assert finding == ("VA109", 1, 1)
    scan = audit_files(discover([tmp_path]), Settings(select=("VA1",)))
    assert [(f.file, f.code) for f in scan.findings] == [
        (display_path(tmp_path / "x.yaml"), "VA109")
    ]
    assert "not a regular file" in scan.findings[0].message


def test_an_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch):
    (tmp_path / "ok.yaml").write_bytes(VALID)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "hidden.yaml").write_bytes(VALID)
    real_scandir = os.scandir

    def refuse(path: object = ".") -> object:  # as for a user without permission
        if Path(str(path)) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    found = discover([tmp_path])
    assert [display for _, display in found] == [
        display_path(tmp_path / "ok.yaml"),
        display_path(secret),
    ]
    monkeypatch.setattr(
        os, "open", lambda *a, **k: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
    )
    [finding] = audit(secret)
    assert finding == ("VA109", 1, 1)


def test_a_path_inside_a_folder_without_search_permission(tmp_path: Path, monkeypatch):
    target = tmp_path / "locked" / "p.yaml"

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "stat", refuse)
    assert discover([target]) == [(target, display_path(target))]


def test_a_file_inside_a_folder_without_search_permission_is_va109(tmp_path: Path, monkeypatch):
    # neither opened nor even looked at: every system call on it is refused
    target = tmp_path / "locked" / "p.yaml"
    real_open, real_stat = os.open, os.stat

    def refused(real):  # type: ignore[no-untyped-def]
        def call(name: object, *args: object, **kwargs: object) -> object:
            if Path(os.fsdecode(name)) == target:  # type: ignore[arg-type]
                raise PermissionError(13, "Permission denied", str(name))
            return real(name, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", refused(real_open))
    monkeypatch.setattr(os, "stat", refused(real_stat))
    scan = audit_files([(target, "locked/p.yaml")], Settings())
    assert scan.errors == []
    [finding] = scan.findings
    assert (finding.code, finding.line, finding.column) == ("VA109", 1, 1)
    assert finding.message == (
        "cannot reach it: Permission denied (a folder on its path cannot be searched)"
    )
