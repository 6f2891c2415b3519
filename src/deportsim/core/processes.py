"""Whether a process on this machine has ended: for files and records named after their writer.

A staging folder (``.partial-PID``), a temporary file (``.NAME.PID.part``) or an ``incomplete``
catalog record belongs to a process; once that process has ended, what it left can go. A process
id taken again by a later process (another start time) or a zombie (killed, not yet reaped) counts
as ended.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["process_ended", "start_time"]


def start_time(pid: int) -> tuple[int | None, str | None]:
    """A process's start time (clock ticks since boot) and state letter, from /proc if present."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None, None
    fields = stat[stat.rfind(")") + 2 :].split()  # after the command name, which may hold spaces
    return int(fields[19]), fields[0]


def process_ended(pid: int, started: int | None = None) -> bool:
    """True when process ``pid`` of this machine has certainly ended.

    ``started``: its start time when it was seen (:func:`start_time`), if known: a process with
    that id and another start time is a later one.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    start, state = start_time(pid)
    if state == "Z":
        return True
    return started is not None and start is not None and start != started
