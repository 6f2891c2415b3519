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
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from deportsim.model import NATIONAL_SERIES, SimResult
from deportsim.run.results import TIMESERIES_REGIONAL, dates

__all__ = ["STATISTICS", "band_batches", "band_series", "from_sim"]

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


def band_series(regions: tuple[str, ...]) -> list[tuple[str, int]]:
    """The series a band file holds, in its order: ``(metric, region)``, region 0 for ``US``.

    Every national series, then the regional series of
    :data:`~deportsim.run.results.TIMESERIES_REGIONAL` region by region (``g + 1``).
    """
    national = [(name, 0) for name in NATIONAL_SERIES]
    by_region = [(n, g + 1) for n in TIMESERIES_REGIONAL for g in range(len(regions))]
    return national + by_region


def from_sim(sim: SimResult) -> Callable[[str, int], F]:
    """A run's series as :func:`band_batches` reads them.

    ``(metric, region) -> (replicates, days)``; each regional series is computed once, for all
    its regions.
    """
    last: dict[str, F] = {}

    def values(metric: str, region: int) -> F:
        if region == 0:
            return sim.national[metric]
        if metric not in last:
            last.clear()
            last[metric] = sim.region(metric)
        return last[metric][:, :, region - 1]

    return values


def band_batches(
    values: Callable[[str, int], F], days: int, regions: tuple[str, ...], start: dt.date
) -> Iterator[pa.RecordBatch]:
    """The long table ``statistic, date, region, metric, value``, one record batch per series.

    ``values(metric, region)``: the series' (replicates, days) values, of the series of
    :func:`band_series` in their order (:func:`from_sim` reads them from a run); within a
    series, the statistics one after the other, day by day.
    """
    first = (start - dt.date(1970, 1, 1)).days
    day = dates(np.arange(days, dtype=np.int32) + np.int32(first))
    region_names = pa.array(["US", *regions])
    metrics = pa.array(list(dict.fromkeys([*NATIONAL_SERIES, *TIMESERIES_REGIONAL])))
    number = {name: i for i, name in enumerate(metrics.to_pylist())}
    statistics = pa.array(list(STATISTICS))
    stat = np.repeat(np.arange(len(STATISTICS), dtype=np.int32), days)
    date = pa.concat_arrays([day] * len(STATISTICS))
    for metric, region in band_series(regions):
        yield pa.record_batch(
            {
                "statistic": pa.DictionaryArray.from_arrays(stat, statistics),
                "date": date,
                "region": pa.DictionaryArray.from_arrays(
                    np.full(stat.size, region, dtype=np.int32), region_names
                ),
                "metric": pa.DictionaryArray.from_arrays(
                    np.full(stat.size, number[metric], dtype=np.int32), metrics
                ),
                "value": pa.array(_band(values(metric, region)).reshape(-1)),
            }
        )
