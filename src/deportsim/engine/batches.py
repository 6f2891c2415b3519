"""Many replicates in fixed-size batches, on one or several processes, with identical results.

Replicates are split into batches of ``batch_size``; batch ``b`` always draws from the random
streams of ``(seed, b)``. A batch's numbers therefore depend only on the seed, the batch size and
its index, never on how many workers run the batches or in what order: the same call gives the
same result with 1 worker or 16.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from deportsim.engine.network import Key, Network, simulate
from deportsim.engine.result import SERIES, EngineResult
from deportsim.engine.sampling import MeanField, Stochastic
from deportsim.engine.streams import Streams

__all__ = ["DEFAULT_BATCH", "run_batches"]

#: Replicates per batch: large enough that NumPy's per-call cost is shared, small enough to split.
DEFAULT_BATCH = 250


@dataclass(frozen=True)
class _Batch:
    """One batch of replicates: everything a worker process needs to run it."""

    net: Network
    days: int
    size: int
    seed: int
    index: int
    mode: str
    initial: Mapping[Key, float | ArrayLike] | None
    record: Sequence[str]
    record_classes: bool = False

    def run(self) -> EngineResult:
        stochastic = self.mode == "stochastic"
        sampler = Stochastic(Streams(self.seed, self.index)) if stochastic else MeanField()
        return simulate(
            self.net,
            self.days,
            self.size,
            sampler,
            initial=self.initial,
            record=self.record,
            record_classes=self.record_classes,
        )


def _run(batch: _Batch) -> EngineResult:
    return batch.run()


def run_batches(
    net: Network,
    days: int,
    replicates: int,
    seed: int = 0,
    *,
    mode: Literal["stochastic", "mean-field"] = "stochastic",
    batch_size: int = DEFAULT_BATCH,
    workers: int | None = None,
    initial: Mapping[Key, float | ArrayLike] | None = None,
    record: Sequence[str] = SERIES,
    record_classes: bool = False,
) -> EngineResult:
    """Run ``replicates`` replicates in batches; ``workers`` processes (default: all cores).

    The mean-field mode has one deterministic path, so it runs a single replicate.
    """
    if replicates < 1 or batch_size < 1:
        raise ValueError("replicates and batch_size must be positive")
    if mode == "mean-field":
        return _Batch(net, days, 1, seed, 0, mode, initial, record, record_classes).run()
    sizes = [min(batch_size, replicates - start) for start in range(0, replicates, batch_size)]
    jobs = [
        _Batch(net, days, n, seed, b, mode, initial, record, record_classes)
        for b, n in enumerate(sizes)
    ]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers == 1:
        parts = [job.run() for job in jobs]
    else:
        # fork keeps start-up cheap on Linux; elsewhere the platform default is used
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            parts = list(pool.map(_run, jobs))
    return _concat(parts)


def _concat(parts: list[EngineResult]) -> EngineResult:
    """Join batch results along the replicate axis, in batch order."""
    first = parts[0]
    if len(parts) == 1:
        return first
    store = {
        st: {n: np.concatenate([p.store[st][n] for p in parts], axis=1) for n in series}
        for st, series in first.store.items()
    }
    sinks = {n: np.concatenate([p.sink_store[n] for p in parts], axis=1) for n in first.sink_store}
    return EngineResult(
        days=first.days,
        replicates=sum(p.replicates for p in parts),
        regions=first.regions,
        store=store,
        sink_store=sinks,
        initial_people=np.concatenate([p.initial_people for p in parts]),
        final_people=np.concatenate([p.final_people for p in parts]),
        external_people=np.concatenate([p.external_people for p in parts]),
    )
