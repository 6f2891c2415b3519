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
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["held"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
            except BaseException as exc:
                # what the held block did is done: say so to whoever reports the interruption
                exc.after_held = kept  # type: ignore[attr-defined]
                raise
