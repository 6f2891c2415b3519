"""The ``deportsim`` command line: a thin layer over :mod:`deportsim.api`.

:func:`main` is the ``deportsim`` command; the Typer application is :data:`deportsim.cli.app.app`.
Loading the command line and the model behind it takes about a second, so :func:`main` first
makes SIGINT and SIGTERM end the process with the contract's exit codes (130, 143) and one line,
and only then loads it (:func:`deportsim.cli.app.main` handles the signals while a command runs).
Once the command has ended, a signal no longer changes its outcome: the process ends at once with
the command's own exit code, and while Python itself shuts down (after the ``atexit`` functions),
SIGINT and SIGTERM are ignored.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from types import FrameType

from deportsim.cli.signals import SIGNALS, Handler, handle_signals

__all__ = ["main"]


def _loading(signum: int, _frame: FrameType | None) -> None:
    """A signal while the command line loads: nothing is written yet; exit at once, one line."""
    name = signal.Signals(signum).name
    os.write(2, f"deportsim: interrupted ({name}); unfinished results were not kept\n".encode())
    os._exit(128 + signum)


def _ended(code: int) -> Handler:
    """A signal once the command has ended with ``code``: exit at once with that code."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a stream being written keeps what it has
                stream.flush()
        os._exit(code)

    return handler


def _ignore_signals() -> None:
    """At the very end (the last ``atexit`` function): ignore SIGINT and SIGTERM.

    Python then restores the default handlers, which end a process killed by the signal rather
    than with its exit code, while it frees its modules (tens of milliseconds); a handler it
    ignores stays ignored. The command's outcome is decided by then.
    """
    if threading.current_thread() is threading.main_thread():
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)


def _code(status: object) -> int:
    """The exit code of ``sys.exit(status)``."""
    if status is None:
        return 0
    return status if isinstance(status, int) else 1


def main(argv: list[str] | None = None) -> None:
    """The ``deportsim`` command: :func:`deportsim.cli.app.main`, with SIGINT and SIGTERM handled.

    ``argv``: the arguments (default: the process's own, and the process is then the command:
    once the command has ended, a signal makes it exit with the command's code at once, and
    Python's own shutdown ignores signals). With ``argv`` given (the command line called in a
    process that goes on), the earlier handlers are restored.
    """
    if argv is None:
        atexit.register(_ignore_signals)  # registered first, so called last
    earlier = handle_signals(_loading)
    try:
        from deportsim.cli.app import main as command  # noqa: PLC0415 - once signals are handled

        command(argv)
    except SystemExit as exc:
        if argv is None:
            handle_signals(_ended(_code(exc.code)))
            earlier = {}
        raise
    finally:
        for sig, old in earlier.items():
            signal.signal(sig, old)
