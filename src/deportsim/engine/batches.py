"""Many replicates in fixed-size batches, on one or several threads, with identical results.

Replicates are split into batches of ``batch_size``. Replicate ``i`` always draws from the random
streams of ``(seed, i)`` (:mod:`deportsim.engine.rng`), so its numbers depend only on the seed and
its own number: never on the batch size, on how many workers run the batches or in what order.
The same call gives the same result with 1 worker or 16, in batches of 10 or of 1,000.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from deportsim.engine.network import Key, Network, simulate
from deportsim.engine.plan import ClassRecord, RecordSpec
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
    first: int  # the number of the batch's first replicate
    mode: str
    initial: Mapping[Key, float | ArrayLike] | None
    record: RecordSpec
    record_classes: ClassRecord = False
    period: int = 1

    def run(self) -> EngineResult:
        stochastic = self.mode == "stochastic"
        sampler = (
            Stochastic(Streams(self.seed), first_replicate=self.first)
            if stochastic
            else MeanField()
        )
        return simulate(
            self.net,
            self.days,
            self.size,
            sampler,
            initial=self.initial,
            record=self.record,
            record_classes=self.record_classes,
            period=self.period,
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
    record: RecordSpec = SERIES,
    record_classes: ClassRecord = False,
    period: int = 1,
) -> EngineResult:
    """Run ``replicates`` replicates in batches; ``workers`` threads (default: all cores).

    The mean-field mode has one deterministic path, so it runs a single replicate.
    """
    if replicates < 1 or batch_size < 1:
        raise ValueError("replicates and batch_size must be positive")
    if mode == "mean-field":
        return _Batch(net, days, 1, seed, 0, mode, initial, record, record_classes, period).run()
    jobs = [
        _Batch(net, days, min(batch_size, replicates - lo), seed, lo, mode, initial, record,
               record_classes, period)
        for lo in range(0, replicates, batch_size)
    ]  # fmt: skip
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers == 1:
        parts = [job.run() for job in jobs]
    else:  # the compiled loop releases the GIL, so threads run batches side by side
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_run, jobs))
    return _concat(parts)


def _concat(parts: list[EngineResult]) -> EngineResult:
    """Join batch results along the replicate axis, in batch order."""
    first = parts[0]
    if len(parts) == 1:
        return first
    store = {
        st: {n: np.concatenate([p.store[st][n] for p in parts]) for n in series}
        for st, series in first.store.items()
    }
    sinks = {n: np.concatenate([p.sink_store[n] for p in parts]) for n in first.sink_store}
    return EngineResult(
        days=first.days,
        period=first.period,
        replicates=sum(p.replicates for p in parts),
        regions=first.regions,
        store=store,
        sink_store=sinks,
        initial_people=np.concatenate([p.initial_people for p in parts]),
        final_people=np.concatenate([p.final_people for p in parts]),
        external_people=np.concatenate([p.external_people for p in parts]),
        captures={n: np.concatenate([p.captures[n] for p in parts]) for n in first.captures},
    )
