"""Who handles SIGINT and SIGTERM in the command line (a module of its own: it loads nothing).

Used while the command line loads (:func:`deportsim.cli.main`) and while a command runs
(:func:`deportsim.cli.app.main`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["SIGNALS", "Handler", "handle_signals"]

#: The signals the command line handles.
SIGNALS = (signal.SIGINT, signal.SIGTERM)
Handler = Callable[[int, FrameType | None], Any]


def handle_signals(handler: Handler) -> dict[int, Any]:
    """Let ``handler`` handle SIGINT and SIGTERM; return the handlers it replaced.

    A signal ignored when the process started (a background job's SIGINT) stays ignored. Only
    the main thread may set handlers; elsewhere nothing is replaced.
    """
    earlier: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in SIGNALS:
            old = signal.getsignal(sig)
            if old is not signal.SIG_IGN and old is not None:
                earlier[sig] = old
                signal.signal(sig, handler)
    return earlier
