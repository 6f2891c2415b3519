"""What a network run returns: daily series per station and sink, with summaries.

Series per station, each of shape (replicates, days, regions):

========== ==========================================================================
arrivals   people arriving (external arrivals and routed in) during the day
admitted   people who started their stay
completed  people who finished their stay (and left by a route or to a sink)
refused    people who found no capacity and were lost or diverted
occupancy  people present at the end of the day
waiting    people queueing at the end of the day
========== ==========================================================================

Sinks (``exit``, ``lost`` and any named route target) record people leaving the network per day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

if TYPE_CHECKING:
    pass

__all__ = ["SERIES", "EngineResult"]

F = NDArray[np.float64]
SERIES = ("arrivals", "admitted", "completed", "refused", "occupancy", "waiting")


@dataclass
class EngineResult:
    """Daily series of one run; see the module docstring for their meaning."""

    days: int
    replicates: int
    regions: tuple[str, ...]
    store: dict[str, dict[str, F]]  # day-major: (days, replicates, regions), written day by day
    sink_store: dict[str, F]
    initial_people: F  # (replicates,) in the network before day 0
    final_people: F  # (replicates,) in stations, queues and in transit after the last day
    external_people: F  # (replicates,) external arrivals over the run

    @property
    def series(self) -> dict[str, dict[str, F]]:
        """Every recorded series by station and name, shape (replicates, days, regions)."""
        return {st: {n: v.transpose(1, 0, 2) for n, v in d.items()} for st, d in self.store.items()}

    @property
    def sinks(self) -> dict[str, F]:
        """People leaving the network per sink, shape (replicates, days, regions)."""
        return {n: v.transpose(1, 0, 2) for n, v in self.sink_store.items()}

    # ---- summaries -------------------------------------------------------------------------
    def national(self, station: str, name: str) -> F:
        """A station series summed over regions: shape (replicates, days)."""
        return np.asarray(self.store[station][name].sum(axis=2).T, dtype=np.float64)

    def mean_per_day(self, station: str, name: str, start: int = 0) -> F:
        """Per replicate, the series averaged over days ``start ..`` (replicates,)."""
        return np.asarray(self.national(station, name)[:, start:].mean(axis=1), dtype=np.float64)

    def total(self, station: str, name: str) -> F:
        """Per replicate, the series summed over all days (replicates,)."""
        return np.asarray(self.national(station, name).sum(axis=1), dtype=np.float64)

    def quantiles(self, station: str, name: str, q: Sequence[float] = (0.05, 0.5, 0.95)) -> F:
        """Replicate quantiles of the national series for each day: shape (len(q), days)."""
        return np.asarray(np.quantile(self.national(station, name), q, axis=0))

    def check_conservation(self) -> F:
        """People unaccounted for, per replicate: start + external arrivals − sinks − end.

        Zero (up to rounding) means nobody was created or lost.
        """
        left = sum(s.sum(axis=(0, 2)) for s in self.sink_store.values())
        return np.asarray(self.initial_people + self.external_people - left - self.final_people)

    def to_table(self, start: dt.date | None = None) -> pa.Table:
        """The flat long schema: ``replicate, day|date, region, metric, value``.

        ``metric`` is ``station.series`` or ``sink.NAME``.
        """
        parts = []
        reps = np.repeat(np.arange(self.replicates, dtype=np.int32), self.days)
        day = np.tile(np.arange(self.days, dtype=np.int32), self.replicates)
        when = (
            pa.array(day + np.int32((start - dt.date(1970, 1, 1)).days)).cast(pa.date32())
            if start
            else pa.array(day)
        )
        items = [(f"{st}.{n}", v) for st, d in self.series.items() for n, v in d.items()]
        items += [(f"sink.{n}", v) for n, v in self.sinks.items()]
        for metric, values in items:
            for i, region in enumerate(self.regions):
                n = reps.size
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
                            "value": values[:, :, i].reshape(-1),
                        }
                    )
                )
        return pa.concat_tables(parts).unify_dictionaries().combine_chunks()
