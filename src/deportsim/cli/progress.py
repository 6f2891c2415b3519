"""The progress bars of the command line: on stderr, only in a terminal, gone when done."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

__all__ = ["counted", "stderr_progress", "timed"]


def stderr_progress(*columns: ProgressColumn) -> Progress:
    """A bar after each task's description, then ``columns``; silent in a pipe."""
    err = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"), BarColumn(), *columns,
        console=err, transient=True, disable=not err.is_terminal,
    )  # fmt: skip


def timed() -> Progress:
    """Percent done and time left: a run's days."""
    return stderr_progress(TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn())


def counted(unit: str = "", eta: bool = False) -> Progress:
    """Done out of total (``3/13``, then ``unit``), and the time left if ``eta``."""
    columns: list[ProgressColumn] = [MofNCompleteColumn()]
    if unit:
        columns.append(TextColumn(unit))
    if eta:
        columns.append(TimeRemainingColumn())
    return stderr_progress(*columns)
