"""Execute a prepared run: the model over every replicate, and the run's summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.engine import Streams
from deportsim.model import SimResult, simulate
from deportsim.run.prepare import Prepared
from deportsim.run.results import summarise, summarise_regions

__all__ = ["RunOutput", "execute"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class RunOutput:
    """A finished run: daily series, the summary and the manifest (as written to disk)."""

    prepared: Prepared
    sim: SimResult
    summary: dict[str, Any]
    streams: tuple[str, ...] = ()  # names of the random streams the run drew from
    manifest: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None  # its id in the catalog (deportsim runs), when recorded
    folder: Path | None = None  # where its files were written, when they were


def execute(
    prep: Prepared,
    on_day: Callable[[int], None] | None = None,
    on_batch: Callable[[int, dict[str, F], dict[str, F]], None] | None = None,
) -> RunOutput:
    """Run the model for a prepared run and summarise it.

    ``on_day`` reports progress; ``on_batch`` receives each batch of replicates' series as it
    ends (:func:`deportsim.model.pipeline.simulate`).
    """
    cfg = prep.config
    streams = Streams(cfg.seed)
    draws = prep.draws
    sim = simulate(
        prep.inputs, cfg.replicates, streams, on_day=on_day, on_batch=on_batch,
        inputs_for=draws.inputs if draws is not None else None, skip=prep.bridge,
    )  # fmt: skip
    sources = ["process noise", *(["parameter uncertainty"] if draws is not None else [])]
    summary = {
        "scenario": prep.scenario.name,
        "model_version": __version__,
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "start": prep.start.isoformat(),
        "days": prep.days,
        "scenario_hash": prep.scenario.content_hash,
        "sets": list(cfg.sets),
        "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": sources},
        "metrics": summarise(sim),
        # the same statistics by region of arrest, for the metrics the model keeps by region
        "regions": summarise_regions(sim),
    }
    names = streams.names + (draws.streams if draws is not None else ())
    return RunOutput(prep, sim, summary, names)
