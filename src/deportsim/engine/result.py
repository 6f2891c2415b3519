"""What a network run returns: series per station and sink, by day or by step, with summaries.

Series per station, each of shape (replicates, steps, regions). A step is one day by default, or
``period`` days (the last may be shorter): flows are summed over a step, stocks averaged over its
end-of-day counts.

========== ==========================================================================
arrivals   people arriving (external arrivals and routed in) during the step
admitted   people who started their stay
completed  people who finished their stay (and left by a route or to a sink)
refused    people who found no capacity and were lost or diverted
occupancy  people present at the end of the day (averaged over the step)
waiting    people queueing at the end of the day (averaged over the step)
captured   people taken out of the station by searchers (stations with a capture)
========== ==========================================================================

Sinks (``exit``, ``lost`` and any named route target) record people leaving the network.
With ``captured`` recorded, each capture also has its own series (``captures``), in the same
shape: ``station.name``, and ``station.name[class]`` for each class of a station with several
when classes are recorded; a station's ``captured`` is the sum of its captures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from deportsim.engine.snapshot import Snapshot

__all__ = ["SERIES", "EngineResult"]

F = NDArray[np.float64]
SERIES = ("arrivals", "admitted", "completed", "refused", "occupancy", "waiting", "captured")


@dataclass
class EngineResult:
    """Daily series of one run; see the module docstring for their meaning."""

    days: int
    period: int  # days per recorded step
    replicates: int
    regions: tuple[str, ...]
    store: dict[str, dict[str, F]]  # (replicates, steps, regions)
    sink_store: dict[str, F]
    initial_people: F  # (replicates,) in the network before day 0
    final_people: F  # (replicates,) in stations, queues and in transit after the last day
    external_people: F  # (replicates,) external arrivals over the run
    # (replicates, steps, regions) per capture: "station.name", and "station.name[class]"
    captures: dict[str, F] = field(default_factory=dict)
    #: the state on the day asked for with ``snapshot_at`` (:mod:`deportsim.engine.snapshot`)
    snapshot: Snapshot | None = None

    @classmethod
    def concat(cls, parts: Sequence[EngineResult]) -> EngineResult:
        """Results of batches of replicates joined along the replicate axis, in the given order."""
        first = parts[0]
        if len(parts) == 1:
            return first
        store = {
            st: {n: np.concatenate([p.store[st][n] for p in parts]) for n in series}
            for st, series in first.store.items()
        }
        return cls(
            days=first.days,
            period=first.period,
            replicates=sum(p.replicates for p in parts),
            regions=first.regions,
            store=store,
            sink_store={n: np.concatenate([p.sink_store[n] for p in parts]) for n in first.sinks},
            initial_people=np.concatenate([p.initial_people for p in parts]),
            final_people=np.concatenate([p.final_people for p in parts]),
            external_people=np.concatenate([p.external_people for p in parts]),
            captures={n: np.concatenate([p.captures[n] for p in parts]) for n in first.captures},
            snapshot=(
                None
                if any(p.snapshot is None for p in parts)
                else Snapshot.join([p.snapshot for p in parts if p.snapshot is not None])
            ),
        )

    def rows(self, r0: int, r1: int) -> EngineResult:
        """Replicates ``r0 .. r1 - 1`` only (views of this result's arrays; no snapshot)."""
        if not 0 <= r0 < r1 <= self.replicates:
            raise ValueError(f"replicates {r0}..{r1 - 1} of a result of {self.replicates}")
        return EngineResult(
            days=self.days, period=self.period, replicates=r1 - r0, regions=self.regions,
            store={k: {n: v[r0:r1] for n, v in s.items()} for k, s in self.store.items()},
            sink_store={n: v[r0:r1] for n, v in self.sink_store.items()},
            initial_people=self.initial_people[r0:r1], final_people=self.final_people[r0:r1],
            external_people=self.external_people[r0:r1],
            captures={n: v[r0:r1] for n, v in self.captures.items()},
        )  # fmt: skip

    @property
    def steps(self) -> int:
        """Recorded steps: ``days`` divided by ``period``, rounded up."""
        return -(-self.days // self.period)

    @property
    def series(self) -> dict[str, dict[str, F]]:
        """Every recorded series by station and name, shape (replicates, steps, regions)."""
        return self.store

    @property
    def sinks(self) -> dict[str, F]:
        """People leaving the network per sink, shape (replicates, steps, regions)."""
        return self.sink_store

    # ---- summaries -------------------------------------------------------------------------
    def national(self, station: str, name: str) -> F:
        """A station series summed over regions: shape (replicates, steps)."""
        return np.asarray(self.store[station][name].sum(axis=2), dtype=np.float64)

    def mean_per_day(self, station: str, name: str, start: int = 0) -> F:
        """Per replicate, the series averaged over steps ``start ..`` (replicates,)."""
        return np.asarray(self.national(station, name)[:, start:].mean(axis=1), dtype=np.float64)

    def total(self, station: str, name: str) -> F:
        """Per replicate, the series summed over all steps (replicates,)."""
        return np.asarray(self.national(station, name).sum(axis=1), dtype=np.float64)

    def quantiles(self, station: str, name: str, q: Sequence[float] = (0.05, 0.5, 0.95)) -> F:
        """Replicate quantiles of the national series for each step: shape (len(q), steps)."""
        return np.asarray(np.quantile(self.national(station, name), q, axis=0))

    def check_conservation(self) -> F:
        """People unaccounted for, per replicate: start + external arrivals − sinks − end.

        Zero (up to rounding) means nobody was created or lost.
        """
        left = sum(s.sum(axis=(1, 2)) for s in self.sink_store.values())
        return np.asarray(self.initial_people + self.external_people - left - self.final_people)

    def to_table(self, start: dt.date | None = None, national: str | None = "US") -> pa.Table:
        """The flat long schema: ``replicate, day|date, region, metric, value``.

        ``metric`` is ``station.series`` or ``sink.NAME``; a step's date (or day) is its first
        day's. With several regions, ``national`` names an extra region holding their sum (the
        contract's ``US``); ``None`` leaves it out.
        """
        parts = []
        reps = np.repeat(np.arange(self.replicates, dtype=np.int32), self.steps)
        day = np.tile(np.arange(self.steps, dtype=np.int32) * self.period, self.replicates)
        when = (
            pa.array(day + np.int32((start - dt.date(1970, 1, 1)).days)).cast(pa.date32())
            if start
            else pa.array(day)
        )
        items = [(f"{st}.{n}", v) for st, d in self.series.items() for n, v in d.items()]
        items += [(f"sink.{n}", v) for n, v in self.sinks.items()]
        regions = list(self.regions)
        if national is not None and len(regions) > 1:
            regions.append(national)
        for metric, values in items:
            for i, region in enumerate(regions):
                n = reps.size
                column = values.sum(axis=2) if i == len(self.regions) else values[:, :, i]
                parts.append(
                    pa.table(
                        {
                            "replicate": reps,
                            "date" if start else "day": when,
                            "region": pa.DictionaryArray.from_arrays(
                                np.zeros(n, np.int32), [region]
                            ),
                            "metric": pa.DictionaryArray.from_arrays(
                                np.zeros(n, np.int32), [metric]
                            ),
                            "value": column.reshape(-1),
                        }
                    )
                )
        return pa.concat_tables(parts).unify_dictionaries().combine_chunks()
