"""Where outputs go: never onto an input, never over a device, never into a folder."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import BASE
from valueaudit.cli import app
from valueaudit.output import files

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "processes"

PROCESS = BASE + (
    "  - id: pay\n"
    "    flows:\n"
    "      - {from: customer, to: company, gives: money, kind: money, value: 4}\n"
    "      - {from: company, to: customer, gives: receipt, kind: settlement, value: 1}\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "p.yaml").write_text(PROCESS, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "arguments",
    [
        ["scan", "{d}", "-f", "json:{d}/p.yaml"],
        ["scan", "{d}", "-f", "text", "-f", "sarif:{d}/./p.yaml"],
        ["report", "{d}", "-o", "{d}/p.yaml"],
        ["scan", "{d}", "--write-baseline", "{d}/p.yaml"],
        ["check", "{d}/p.yaml", "-f", "json:{d}/p.yaml"],
        ["diff", "{d}/p.yaml", "{d}/p.yaml", "-f", "json:{d}/p.yaml"],
    ],
)
def test_an_output_onto_an_input_is_refused(folder: Path, arguments: list[str]):
    result = runner.invoke(app, [a.format(d=folder) for a in arguments])
    assert result.exit_code == 2
    assert "is one of the inputs" in result.output
    assert (folder / "p.yaml").read_text(encoding="utf-8") == PROCESS


def test_an_output_through_a_link_onto_an_input_is_refused(folder: Path):
    (folder / "out.json").symlink_to(folder / "p.yaml")
    result = runner.invoke(app, ["scan", str(folder / "p.yaml"), "-f", f"json:{folder}/out.json"])
    assert result.exit_code == 2
    assert "is one of the inputs" in result.output
    assert (folder / "p.yaml").read_text(encoding="utf-8") == PROCESS


def test_an_output_through_a_link_writes_where_it_points(folder: Path, tmp_path: Path):
    real = tmp_path / "real.json"
    real.write_text("old")
    (tmp_path / "link.json").symlink_to(real)
    result = runner.invoke(
        app, ["scan", str(folder / "p.yaml"), "-f", f"json:{tmp_path}/link.json"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.json").is_symlink()
    assert real.read_text().startswith("{")


def test_two_outputs_onto_one_file_are_refused(folder: Path, tmp_path: Path):
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["scan", str(folder), "-f", f"json:{out}", "-f", f"sarif:{tmp_path}/./out.json"]
    )
    assert result.exit_code == 2
    assert "two outputs would write the same file" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["scan", "{d}", "--write-baseline", "{m}/"],
        ["scan", "{d}", "-f", "json:{m}/"],
        ["report", "{d}", "-o", "{m}/"],
        ["schema", "-o", "{m}/"],
        ["scan", "{d}", "--write-baseline", "{d}"],
    ],
)
def test_a_folder_is_not_an_output_file(folder: Path, tmp_path: Path, arguments: list[str]):
    missing = tmp_path / "missing" / "dir"
    result = runner.invoke(app, [a.format(d=folder, m=missing) for a in arguments])
    assert result.exit_code == 2
    assert "it is a folder; name a file" in result.output
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_dev_null_stays_a_device(folder: Path, fmt: str):
    result = runner.invoke(app, ["scan", str(folder), "-f", f"{fmt}:/dev/null"])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in os.listdir("/dev") if p.startswith(".null.")]


def test_a_full_device_is_an_error(folder: Path):
    result = runner.invoke(app, ["scan", str(folder), "-f", "json:/dev/full"])
    assert result.exit_code == 2
    assert "cannot write /dev/full: No space left on device" in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dev_stdout_and_dash_write_to_standard_output(folder: Path, tmp_path: Path):
    out = tmp_path / "captured.md"
    for target in ("/dev/stdout", "-"):
        with out.open("w") as handle:
            completed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "valueaudit",
                    "scan",
                    str(folder),
                    "-q",
                    "-f",
                    f"markdown:{target}",
                ],
                stdout=handle,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert completed.returncode == 0, completed.stderr
        assert out.read_text().startswith("# valueaudit report")
        assert stat.S_ISCHR(os.stat("/dev/stdout").st_mode) or os.path.islink("/dev/stdout")


def test_a_fifo_output_is_written_in_place(folder: Path, tmp_path: Path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    result = runner.invoke(app, ["scan", str(folder), "-f", f"json:{fifo}"])
    text, _ = reader.communicate(timeout=30)
    assert result.exit_code == 0, result.output
    assert text.startswith('{"tool"')
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_modes_follow_the_umask_and_an_existing_file_keeps_its_own(tmp_path: Path):
    old = os.umask(0o027)
    try:
        files.write_atomic(tmp_path / "new.txt", "x")
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o644)
        files.write_atomic(kept, "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE(kept.stat().st_mode) == 0o644
    assert kept.read_text() == "new"


# out.txt twice: two outputs onto one file come up often
AWKWARD = [
    "{d}/p.yaml",
    "{d}/./p.yaml",
    "{d}/",
    "{d}",
    "{d}/sub/",
    "{d}/new/deep/out.txt",
    "/dev/null",
    "/dev/full",
    "-",
    "{d}/link-to-input",
    "{d}/out.txt",
    "{d}/out.txt",
    "{d}/dangling",
]


@given(
    targets=st.lists(
        st.tuples(
            st.sampled_from(["text", "json", "sarif", "markdown", "junit", "github", "gitlab"]),
            st.sampled_from(AWKWARD),
        ),
        min_size=1,
        max_size=3,
    ),
    baseline=st.sampled_from([None, "{d}/p.yaml", "{d}/base.json", "{d}/", "/dev/null"]),
)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_awkward_output_paths_never_lose_an_input(tmp_path: Path, targets, baseline):
    d = tmp_path / "case"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    (d / "p.yaml").write_text(PROCESS, encoding="utf-8")
    (d / "link-to-input").symlink_to(d / "p.yaml")
    (d / "dangling").symlink_to(d / "nowhere" / "x.txt")
    arguments = ["scan", str(d / "p.yaml")]
    for fmt, target in targets:
        arguments += ["-f", f"{fmt}:{target.format(d=d)}"]
    if baseline is not None:
        arguments += ["--write-baseline", baseline.format(d=d)]
    result = runner.invoke(app, arguments)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert (d / "p.yaml").read_text(encoding="utf-8") == PROCESS
    assert (d / "link-to-input").is_symlink()
    assert not [p for p in d.rglob(".*.tmp")], "a temporary file was left behind"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


class _Disk:
    """A disk with ``free`` bytes left, shared by every file valueaudit writes: the
    writes past it fail with ENOSPC, as a real full disk fails them (at a write or at
    the flush before the rename)."""

    def __init__(self, free: int) -> None:
        self.free = free
        self.real_open = os.fdopen

    def open(self, descriptor: int, mode: str = "r", **options: object):
        import io

        if "w" not in mode:  # reading (a process file, a baseline) is not ours to fail
            return self.real_open(descriptor, mode, **options)
        disk = self

        class Raw(io.RawIOBase):
            def writable(self) -> bool:
                return True

            def fileno(self) -> int:
                return descriptor

            def write(self, data) -> int:  # type: ignore[override]
                if len(data) > disk.free:
                    raise OSError(28, "No space left on device")
                disk.free -= len(data)
                return os.write(descriptor, data)

            def close(self) -> None:
                if not self.closed:
                    os.close(descriptor)
                super().close()

        return io.TextIOWrapper(
            io.BufferedWriter(Raw()), encoding="utf-8", newline=options.get("newline")
        )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "arguments",
    [
        ["scan", "{d}", "-f", "json:{o}/a.json", "-f", "markdown:{o}/b.md"],
        ["scan", "{d}", "-f", "sarif:{o}/a.json", "--write-baseline", "{o}/b.md"],
        ["report", "{d}", "-o", "{o}/a.json"],
        ["portfolio", "{d}", "-f", "json:{o}/a.json", "-f", "markdown:{o}/b.md"],
        ["diff", "{d}", "{d}", "-f", "json:{o}/a.json", "-f", "markdown:{o}/b.md"],
        ["schema", "-o", "{o}/a.json"],
        ["new", "fresh", "-o", "{o}/a.json"],
    ],
)
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str]
):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(files.os, "fdopen", _Disk(0).open)
    # the examples: outputs larger than a write buffer, so writing fails mid-stream
    argv = [a.format(d=EXAMPLES, o=out) for a in arguments]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write " in result.output and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == []


@pytest.mark.parametrize("room", [0, 200, 2_000])
def test_with_a_little_space_no_output_is_replaced_while_another_fails(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a", encoding="utf-8")
    (out / "b.md").write_text("old b", encoding="utf-8")
    json_size = len(runner.invoke(app, ["scan", str(folder), "-f", "json"]).output.encode())
    # room for the JSON (written first) and for `room` bytes of the report
    monkeypatch.setattr(files.os, "fdopen", _Disk(json_size + room).open)
    result = runner.invoke(
        app, ["scan", str(folder), "-f", f"json:{out}/a.json", "-f", f"markdown:{out}/b.md"]
    )
    assert result.exit_code == 2, result.output
    assert f"cannot write {out}/b.md: No space left on device" in result.output
    assert (out / "a.json").read_text(encoding="utf-8") == "old a"
    assert (out / "b.md").read_text(encoding="utf-8") == "old b"
    assert _leftovers(out) == []


def test_a_console_stream_outliving_its_output_closes_quietly():
    """Python 3.13 reports an exception raised while an io object is finalised ("Exception
    ignored in: TrimmedLines … I/O operation on closed file"): with nothing left to
    write, closing after the output was closed raises nothing."""
    import io

    from valueaudit.output import TrimmedLines

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")  # as a test runner's standard output
    lines = TrimmedLines(out)
    lines.write("done  \n")
    out.flush()
    assert raw.getvalue() == b"done\n"
    out.close()
    lines.close()  # what the finaliser does
    assert lines.closed
