"""Ctrl-C, SIGTERM and a closed stdout turned into clean exits (130, 143, 141), with
every temporary file removed on the way."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from valueaudit.cli.run import EXIT_BROKEN_PIPE, EXIT_USAGE


class StdoutClosed(BaseException):
    """The reader of stdout went away (``| head``); a BaseException, so that nothing on
    the way mistakes it for an error of its own."""


class StdoutFailed(BaseException):
    """Standard output could not be written (a full disk under ``> out.txt``,
    ``/dev/full``): a BaseException, so that no writer takes it for a bug of its own."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class GuardedStdout:
    """Standard output that turns a failed write into :class:`StdoutFailed` (a closed
    pipe stays a :class:`BrokenPipeError`), delegating everything else."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            written: int = self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise StdoutFailed(error) from None
        return written

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise StdoutFailed(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_stdout() -> None:
    """Make standard output safe to write: characters its encoding cannot hold are
    replaced (a Windows redirect in cp1252 still gets every line), and a failed write
    ends the run with one line and exit 2 (:func:`interruptible`)."""
    stream = sys.stdout
    if stream is None or isinstance(stream, GuardedStdout):
        return
    if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    sys.stdout = GuardedStdout(stream)


def cannot_write(error: OSError) -> int:
    """One line on stderr for a standard output that cannot be written; exit 2. What is
    left to flush goes to /dev/null, so exiting cannot fail again."""
    reason = error.strerror or str(error)
    print(f"valueaudit: cannot write to standard output: {reason}", file=sys.stderr)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_USAGE


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: unwinds like KeyboardInterrupt (so every ``finally`` removes
    its temporary file) but is not swallowed by click's own Ctrl-C handling."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


#: How long unwinding after Ctrl-C or SIGTERM may take before the process just exits.
STOP_GRACE_SECONDS = 10.0
_stopping: list[Any] = []  # the watchdog of a stop under way


def _stop(signum: int, _frame: object) -> None:
    import signal
    import threading

    code = 130 if signum == signal.SIGINT else 143
    if _stopping:  # asked again while stopping: stop now
        os._exit(code)
    # unwinding removes temporary files and ends the workers; should it ever hang (a
    # worker stuck in the kernel), the watchdog ends the process anyway
    watchdog = threading.Timer(STOP_GRACE_SECONDS, os._exit, (code,))
    watchdog.daemon = True
    watchdog.start()
    _stopping.append(watchdog)
    raise Stopped(code)


def interruptible(command: Callable[[], int]) -> int:
    """Run ``command`` with Ctrl-C and SIGTERM turned into clean exits (130 and 143), and
    a closed stdout into a quiet one (141, like a shell's SIGPIPE)."""
    import signal

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        code = command()
        sys.stdout.flush()
        return code
    except Stopped as stopped:
        print("valueaudit: interrupted; no file was left half-written", file=sys.stderr)
        return stopped.code
    except StdoutFailed as failed:
        return cannot_write(failed.error)
    except (BrokenPipeError, StdoutClosed):
        # the reader of stdout went away (``| head``): stop quietly, as the shell's own
        # tools do; stdout goes to /dev/null so that flushing at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        while _stopping:  # unwound in time
            _stopping.pop().cancel()
