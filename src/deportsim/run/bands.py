"""A run's series as bands: each day's mean, median and 90% interval over the replicates.

``timeseries.parquet`` holds every replicate's series (``--series replicates``): about 110,000
rows per replicate-year, 70 MB for 200 replicates over four years. A large run may write bands
instead (``--series quantiles``): for each metric, region and day, the mean and the 5th, 50th
and 95th percentiles over the replicates, the statistics of ``summary.json`` day by day. The
file then has the same size whatever the number of replicates. ``--series auto`` (the default)
writes every replicate up to :data:`~deportsim.run.config.BANDS_ABOVE` replicates and bands
above (:attr:`~deportsim.run.config.RunConfig.series_kind`), and the run says which it wrote.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from deportsim.model import NATIONAL_SERIES, SimResult
from deportsim.run.results import TIMESERIES_REGIONAL, dates

__all__ = ["STATISTICS", "band_batches"]

F = NDArray[np.float64]

#: The statistics of a band, named as in summary.json; percentiles by linear interpolation
#: (NumPy's default), as there.
STATISTICS = ("mean", "p05", "p50", "p95")
_LEVELS = (0.05, 0.5, 0.95)


def _band(values: F) -> F:
    """(statistics, days) of (replicates, days) values.

    The percentiles are NumPy's ``quantile`` (method ``linear``), computed the same way from
    each day's values sorted once: the very same numbers, several times faster for a run's
    134 series.
    """
    out = np.empty((len(STATISTICS), values.shape[1]))
    out[0] = values.mean(axis=0)
    ranked = np.sort(values.T, axis=1)  # each day's values in order, a day per row
    n = ranked.shape[1]
    for i, q in enumerate(_LEVELS, start=1):
        virtual = (n - 1) * q  # NumPy's place of the percentile among the sorted values
        if virtual >= n - 1:
            out[i] = ranked[:, -1]
            continue
        if virtual < 0:
            out[i] = ranked[:, 0]
            continue
        below = math.floor(virtual)
        gamma = virtual - below
        a, b = ranked[:, below], ranked[:, below + 1]
        diff = b - a
        out[i] = b - diff * (1.0 - gamma) if gamma >= 0.5 else a + diff * gamma
    return out


def band_batches(sim: SimResult, start: dt.date) -> Iterator[pa.RecordBatch]:
    """The long table ``statistic, date, region, metric, value``, one record batch per metric.

    Every national series (region ``US``), then the regional series of
    :data:`~deportsim.run.results.TIMESERIES_REGIONAL` region by region, as in the file of every
    replicate; within a metric and region, the statistics one after the other, day by day.
    """
    first = (start - dt.date(1970, 1, 1)).days
    days = dates(np.arange(sim.days, dtype=np.int32) + np.int32(first))
    regions = pa.array(["US", *sim.regions])
    metrics = pa.array(list(dict.fromkeys([*NATIONAL_SERIES, *TIMESERIES_REGIONAL])))
    number = {name: i for i, name in enumerate(metrics.to_pylist())}
    statistics = pa.array(list(STATISTICS))
    stat = np.repeat(np.arange(len(STATISTICS), dtype=np.int32), sim.days)
    date = pa.concat_arrays([days] * len(STATISTICS))

    def batch(metric: str, region: int, values: list[F]) -> pa.RecordBatch:
        n = len(values) * stat.size
        return pa.record_batch(
            {
                "statistic": pa.DictionaryArray.from_arrays(np.tile(stat, len(values)), statistics),
                "date": pa.concat_arrays([date] * len(values)),
                "region": pa.DictionaryArray.from_arrays(
                    np.repeat(np.arange(region, region + len(values), dtype=np.int32), stat.size),
                    regions,
                ),
                "metric": pa.DictionaryArray.from_arrays(
                    np.full(n, number[metric], dtype=np.int32), metrics
                ),
                "value": pa.array(np.concatenate([_band(v).reshape(-1) for v in values])),
            }
        )

    for name in NATIONAL_SERIES:
        yield batch(name, 0, [sim.national[name]])
    for name in TIMESERIES_REGIONAL:
        by_region = sim.region(name)  # (replicates, days, regions)
        yield batch(name, 1, [by_region[:, :, g] for g in range(len(sim.regions))])
