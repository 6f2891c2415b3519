"""Where and how a sweep runs: the options the API's sweep verbs share, and what they report.

Kept apart from the sweeps themselves so that naming the options imports nothing heavy
(Matplotlib, SALib and Dask load only when a sweep runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deportsim.store.catalog.records import CatalogChoice

__all__ = ["Execution", "SweepStart"]


@dataclass(frozen=True)
class SweepStart:
    """Told to ``on_start`` once inputs are checked: where results go and how they run."""

    run_id: str
    folder: Path
    samples: int
    batches: int
    batches_done: int
    backend: str


@dataclass(frozen=True)
class Execution:
    """Where and how a sweep runs (the options of :func:`deportsim.api.sweep`, described there)."""

    out: Path | None = None
    resume: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    batch_size: int | None = None
    progress: Callable[[int, int], None] | None = None
    on_start: Callable[[SweepStart], None] | None = None
    catalog: CatalogChoice = None
