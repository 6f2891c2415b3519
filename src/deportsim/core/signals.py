"""Hold Ctrl-C and SIGTERM over the few steps that put a result in place and record it.

A signal between moving a run's files into place and marking its catalog record complete would
leave the two disagreeing (the files complete, the record ``interrupted``). :func:`held` makes a
signal that arrives then wait until the block ends, and delivers it after: the command still
stops, with both consistent. The steps it guards take milliseconds. An exception the delayed
signal raises carries ``after_held = True``, so that the command can say its results were kept
(``kept=False``: a block that keeps nothing, such as starting worker processes, which must not
be left half-started).

Only the main thread may change signal handlers; elsewhere (a server's worker thread, where no
command-line handler is installed) the block runs as it is.

A stop that was asked for is also noted (:func:`request_stop`, by the command line's handler), for
the rare signal whose exception Python discards: a handler runs at whatever point the main thread
has reached, and an exception raised inside a finalizer or a weak-reference callback (an import's
module lock, a garbage collection) is printed as "Exception ignored" and dropped, so the command
would go on and put its results in place after all. The places that would go on check the note
(:func:`check_stop`): every progress report of a run, the wait for worker processes, and the
step before any result is put in place; each raises :class:`Interrupted` then.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Interrupted", "check_stop", "clear_stop", "held", "request_stop", "stop_requested"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM received: raised in the main thread as Ctrl-C is, so a run cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Stop:
    """The first stop asked for in this process since :func:`clear_stop` (a signal number)."""

    lock = threading.Lock()
    signum: int | None = None


def request_stop(signum: int) -> None:
    """Note that the command was asked to stop by ``signum`` (its handler calls this first)."""
    with _Stop.lock:
        if _Stop.signum is None:
            _Stop.signum = signum


def stop_requested() -> int | None:
    """The signal that asked the command to stop, or None."""
    return _Stop.signum


def clear_stop() -> None:
    """Forget any stop asked for (a command starts or ends; tests run commands one by one)."""
    with _Stop.lock:
        _Stop.signum = None


def check_stop() -> None:
    """Raise :class:`Interrupted` if the command was asked to stop (from any thread)."""
    signum = _Stop.signum
    if signum is not None:
        raise Interrupted(signum)


@contextlib.contextmanager
def held(kept: bool = True) -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held; deliver any that came when it ends.

    ``kept``: what the block did is a result kept (the delayed signal's exception says so).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        came.append(signum)

    earlier = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    for sig, old in earlier.items():
        if old is not signal.SIG_IGN and old is not None:
            signal.signal(sig, note)
    try:
        yield
    finally:
        for sig, old in earlier.items():
            if old is not None:
                signal.signal(sig, old)
        for signum in dict.fromkeys(came):  # each signal once, in the order it came
            try:
                signal.raise_signal(signum)
                if stop_requested() is not None:  # its exception was discarded: raise it here
                    raise Interrupted(signum)
            except BaseException as exc:
                # what the held block did is done: say so to whoever reports the interruption
                exc.after_held = kept  # type: ignore[attr-defined]
                raise
