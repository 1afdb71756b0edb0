"""The worker pool ends, always (issue 26 item 30): an oracle saw `portfolio` and `scan`
never finish on a 2-file folder in 3 of 600 runs, stuck in the pool's shutdown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOOP = """
import signal, sys
from pathlib import Path
from valueaudit.cli import signals
from valueaudit.scan import audit_files
from valueaudit.settings import Settings

# the command line's own handlers, as every command installs them
signal.signal(signal.SIGINT, signals._stop)
signal.signal(signal.SIGTERM, signals._stop)
files = [
    (Path("processes/complaint.yaml"), "complaint.yaml"),
    (Path("processes/invoice-payment.yaml"), "invoice-payment.yaml"),
]
for run in range(int(sys.argv[1])):
    assert len(audit_files(files, Settings(), jobs=2).files) == 2
print("done")
"""


def test_hundreds_of_short_runs_with_workers_all_end():
    """Each run starts two workers and ends them: every one of 300 must end (the whole
    loop takes about 8 s; a run stuck in the pool's shutdown would never end)."""
    done = subprocess.run(
        [sys.executable, "-c", LOOP, "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"


def test_without_posix_semaphores_one_process_does_the_work(monkeypatch, caplog):
    """Issue 26 item 16: without /dev/shm (some containers) a run with workers ended in
    a traceback; it falls back to one process and says so."""
    import multiprocessing.context

    from valueaudit.scan import audit_files
    from valueaudit.settings import Settings

    def no_semaphores(self, *args, **kwargs):  # what SemLock raises without /dev/shm
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Lock", no_semaphores)
    files = [
        (ROOT / "processes/complaint.yaml", "complaint.yaml"),
        (ROOT / "processes/invoice-payment.yaml", "invoice-payment.yaml"),
    ]
    with caplog.at_level("WARNING", logger="valueaudit"):
        result = audit_files(files, Settings(), jobs=2)
    assert [f.file for f in result.files] == ["complaint.yaml", "invoice-payment.yaml"]
    assert "worker processes are not available here" in caplog.text
