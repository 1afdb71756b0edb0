"""Ctrl-C, SIGTERM and a closed stdout turned into clean exits (130, 143, 141), with
every temporary file removed on the way."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from valueaudit.cli.run import EXIT_BROKEN_PIPE


class StdoutClosed(BaseException):
    """The reader of stdout went away (``| head``); a BaseException, so that nothing on
    the way mistakes it for an error of its own."""


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
    except (BrokenPipeError, StdoutClosed):
        # the reader of stdout went away (``| head``): stop quietly, as the shell's own
        # tools do; stdout goes to /dev/null so that flushing at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        while _stopping:  # unwound in time
            _stopping.pop().cancel()
