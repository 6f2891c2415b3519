"""Results of a run in the contract's shapes: summary metrics, long time series, manifest data.

Metric names, units and meanings are the contract (docs/reference/results.md). Every summary
metric is computed per replicate first, then summarised over replicates by its mean and the 5th,
50th and 95th percentiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from deportsim.model import SimResult
from deportsim.model.accounts import NATIONAL_SERIES, REGIONAL_SERIES, regionals
from deportsim.model.pipeline import BATCH
from deportsim.run.economy import ECONOMY_METRICS
from deportsim.run.metric import Metric, stats
from deportsim.run.metric import Over as _Over
from deportsim.run.metric import end as _end
from deportsim.run.metric import mean as _mean
from deportsim.run.metric import peak as _peak
from deportsim.run.metric import ratio as _ratio
from deportsim.run.metric import total as _total

__all__ = [
    "BLOCK", "METRICS", "REGIONAL_METRICS", "REQUIRED_METRICS", "Metric", "TimeseriesBlocks",
    "dates", "metric_stats", "metric_values", "regional_stats", "regional_values", "summarise",
    "summarise_regions", "timeseries_batches",
]  # fmt: skip

F = NDArray[np.float64]


#: The contract's required metrics first (in its order), then extensions.
METRICS: dict[str, Metric] = {
    "arrests_total": Metric(
        "persons", "interior administrative arrests, all channels", _total("arrests")
    ),
    "arrests_per_day_mean": Metric(
        "persons/day", "arrests_total / days", _Over("per_day", "arrests")
    ),
    "book_ins_total": Metric("persons", "initial book-ins into detention", _total("book_ins")),
    "detained_mean": Metric("persons", "average daily detained population", _mean("detained")),
    "detained_peak": Metric("persons", "highest daily detained population", _peak("detained")),
    "detention_capacity_peak": Metric(
        "beds", "highest bed capacity available", _peak("detention_capacity")
    ),
    "released_to_atd_total": Metric(
        "persons",
        "released to alternatives to detention or on recognizance because no bed",
        _total("released_to_atd"),
    ),
    "removals_total": Metric("persons", "removals carried out", _total("removals")),
    "removals_per_year_mean": Metric(
        "persons/year", "removals_total / years", _Over("per_year", "removals")
    ),
    "voluntary_departures_total": Metric(
        "persons", "departures without a removal", _total("voluntary_departures")
    ),
    "court_backlog_end": Metric(
        "cases", "pending immigration-court cases at the end", _end("court_backlog")
    ),
    "removed_no_conviction_total": Metric(
        "persons", "removed people with no criminal conviction", _total("removed_no_conviction")
    ),
    "us_citizen_children_affected_total": Metric(
        "persons",
        "US-citizen children whose parent was removed",
        _total("us_citizen_children_affected"),
    ),
    "workers_removed_total": Metric(
        "persons", "removed people who were employed", _total("workers_removed")
    ),
    "cost_total_usd": Metric("USD", "all enforcement costs, nominal", _total("cost_total")),
    "cost_per_removal_usd": Metric(
        "USD/person",
        "cost_total_usd / removals_total",
        lambda s: _ratio(_total("cost_total")(s), _total("removals")(s)),
    ),
    # extensions
    "arrests_custodial_total": Metric(
        "persons", "arrests through transfers from jails and prisons", _total("arrests_custodial")
    ),
    "arrests_at_large_total": Metric(
        "persons", "arrests in at-large operations, all their channels", _total("arrests_at_large")
    ),
    "arrests_targeted_total": Metric(
        "persons",
        "at-large arrests of the people an operation targeted",
        _total("arrests_targeted"),
    ),
    "arrests_collateral_total": Metric(
        "persons",
        "at-large arrests of people met during an operation",
        _total("arrests_collateral"),
    ),
    "arrests_worksite_total": Metric(
        "persons", "arrests in worksite operations", _total("arrests_worksite")
    ),
    "arrests_courthouse_total": Metric(
        "persons", "arrests at immigration courts and check-ins", _total("arrests_courthouse")
    ),
    "book_ins_ice_total": Metric(
        "persons", "book-ins of people arrested by ICE", _total("book_ins_ice")
    ),
    "book_ins_cbp_total": Metric(
        "persons",
        "book-ins of people arrested by CBP (mostly Border Patrol)",
        _total("book_ins_cbp"),
    ),
    "book_outs_removal_total": Metric(
        "persons", "book-outs to be removed (ICE's release to remove)", _total("book_outs_removal")
    ),
    "book_outs_released_total": Metric(
        "persons", "book-outs released without removal, all reasons", _total("book_outs_released")
    ),
    **{
        f"released_{reason}_total": Metric(
            "persons", f"released from detention: {meaning}", _total(f"released_{reason}")
        )
        for reason, meaning in (
            ("bond", "bonded out"),
            ("parole", "paroled"),
            ("recognizance", "on an order of recognizance or supervision"),
            ("relief", "relief granted by a judge, or proceedings terminated"),
            ("transfer", "transferred to another agency, or other reasons"),
        )
    },
    "removals_interior_total": Metric(
        "persons", "removals of people arrested by ICE in the interior", _total("removals_interior")
    ),
    "removal_flights_total": Metric(
        "flights", "charter removal flights", _total("removal_flights")
    ),
    "over_capacity_peak": Metric(
        "persons",
        "most people held beyond the beds: in hold rooms, or held when beds were cut below them",
        _peak("over_capacity"),
    ),
    "transfers_total": Metric(
        "persons",
        "book-ins held in another region's facilities than the region of arrest",
        _total("transfers"),
    ),
    "held_elsewhere_mean": Metric(
        "persons",
        "average detained population held away from the region of arrest",
        _mean("held_elsewhere"),
    ),
    "awaiting_transport_peak": Metric(
        "persons",
        "most people in custody waiting to be removed: in staging or for a seat",
        _peak("awaiting_transport"),
    ),
    "atd_enrolled_mean": Metric(
        "persons", "average daily enrolment in alternatives to detention", _mean("atd_enrolled")
    ),
    "induced_departures_total": Metric(
        "persons", "departures caused by enforcement", _total("induced_departures")
    ),
    "court_completions_total": Metric(
        "cases", "non-detained immigration-court completions", _total("court_completions")
    ),
    "on_appeal_end": Metric(
        "persons",
        "removal orders on appeal to the Board of Immigration Appeals at the end",
        _end("on_appeal"),
    ),
    "us_citizen_children_parent_detained_total": Metric(
        "persons",
        "US-citizen children whose parent was booked into detention after an ICE arrest",
        _total("us_citizen_children_parent_detained"),
    ),
    "deaths_in_custody_total": Metric(
        "persons",
        "expected deaths in ICE custody: people held a day times the death rate "
        "(impacts.deaths_per_detention_day)",
        _total("deaths_in_custody"),
    ),
    "population_at_risk_end": Metric(
        "persons", "unauthorized population at the end", _end("population_at_risk")
    ),
    "reachable_pool_end": Metric(
        "persons",
        "people at large weighted by how easily targeted operations find them, at the end",
        _end("reachable_pool"),
    ),
    "cost_officers_usd": Metric("USD", "cost of deportation officers", _total("cost_officers")),
    "cost_arrests_usd": Metric(
        "USD", "non-personnel cost of arrest operations", _total("cost_arrests")
    ),
    "cost_detention_usd": Metric(
        "USD", "cost of occupied detention beds", _total("cost_detention")
    ),
    "cost_atd_usd": Metric("USD", "cost of alternatives to detention", _total("cost_atd")),
    "cost_courts_usd": Metric(
        "USD", "cost of immigration judges and courts", _total("cost_courts")
    ),
    "cost_transport_usd": Metric("USD", "cost of removal transport", _total("cost_transport")),
    **ECONOMY_METRICS,
}

#: The metrics the interface contract requires in every summary.json.
REQUIRED_METRICS = tuple(list(METRICS)[:16])


def summarise(sim: SimResult) -> dict[str, dict[str, Any]]:
    """Every metric as ``{unit, mean, p05, p50, p95}`` over replicates (values rounded to 0.01)."""
    return metric_stats(metric_values(sim))


def metric_values(sim: SimResult) -> dict[str, F]:
    """Every metric's value in each replicate, (replicates,), each from its replicate alone."""
    return {name: m.compute(sim) for name, m in METRICS.items()}


def metric_stats(values: dict[str, F]) -> dict[str, dict[str, Any]]:
    """The summary's ``metrics`` block from every metric's values (:func:`metric_values`)."""
    return {name: stats(METRICS[name].unit, v) for name, v in values.items()}


#: The metrics with a regional form: those made of one series that the model keeps by region.
REGIONAL_METRICS = tuple(
    name for name, m in METRICS.items()
    if isinstance(m.compute, _Over) and m.compute.series in REGIONAL_SERIES
)  # fmt: skip


def summarise_regions(sim: SimResult) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``regions`` block: by region (area of arrest), each of :data:`REGIONAL_METRICS`.

    The same statistics as :func:`summarise`, of the same reduction of the series' regional form
    (the regions add up to the national figure for totals and means; not for peaks).
    """
    return regional_stats(regional_values(sim), sim.regions)


def regional_values(sim: SimResult) -> dict[str, F]:
    """Each of :data:`REGIONAL_METRICS` in each replicate and region, (replicates, regions)."""
    overs: dict[str, _Over] = {}
    for name in REGIONAL_METRICS:
        over = METRICS[name].compute
        assert isinstance(over, _Over)  # noqa: S101 - REGIONAL_METRICS holds these only
        overs[name] = over
    wanted = dict.fromkeys(o.series for o in overs.values())
    by_series = regionals(wanted, sim.regional, sim.factors)
    return {name: o.reduce(by_series[o.series], sim.days) for name, o in overs.items()}


def regional_stats(
    values: dict[str, F], regions: tuple[str, ...]
) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``regions`` block from :func:`regional_values`."""
    out: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in regions}
    for name, v in values.items():
        for g, region in enumerate(regions):
            out[region][name] = stats(METRICS[name].unit, v[:, g])
    return out


#: Regional series written to timeseries.parquet (all regional series stay in the library's
#: :class:`~deportsim.model.SimResult`): the stocks and flows a regional reader asks for first.
TIMESERIES_REGIONAL = (
    "arrests", "arrests_custodial", "arrests_at_large", "detained", "held_in_region", "removals",
    "population_at_risk", "us_citizen_children_affected", "workers_removed",
    "employment_change_immigrant", "gdp_loss",
)  # fmt: skip


#: Replicates per block of timeseries.parquet: the file holds, block after block, every series of
#: these replicates (the model's batch, so that a run can write each batch as it ends).
BLOCK = BATCH


def timeseries_batches(sim: SimResult, start: dt.date) -> Iterator[pa.RecordBatch]:
    """The long table ``replicate, date, region, metric, value`` of a whole run, in blocks.

    The same rows, in the same order, as a run that writes each batch as it ends
    (:class:`TimeseriesBlocks`): blocks of :data:`BLOCK` replicates.
    """
    rows = TimeseriesBlocks(start, sim.days, sim.regions, sim.factors)
    for r0 in range(0, sim.replicates, BLOCK):
        r1 = min(r0 + BLOCK, sim.replicates)
        national = {n: v[r0:r1] for n, v in sim.national.items()}
        stored = {n: v[r0:r1] for n, v in sim.regional.items()}
        yield from rows.block(r0, national, stored)


def dates(days: NDArray[np.int32]) -> pa.Array:
    """Days since 1970-01-01 as an Arrow ``date32`` array.

    Built on the same buffer: ``cast`` would load ``pyarrow.compute``, and with it pandas (half
    a second of a run's start-up).
    """
    days = np.ascontiguousarray(days, dtype=np.int32)
    return pa.Array.from_buffers(pa.date32(), days.size, [None, pa.py_buffer(days)])


class TimeseriesBlocks:
    """Rows of timeseries.parquet for one block of replicates at a time.

    A block holds every national series (region ``US``), then the regional series of
    :data:`TIMESERIES_REGIONAL`, each one row per replicate and day, replicate after replicate.
    Region and metric are dictionary-encoded with the same dictionaries in every batch (int32
    indices, the schema of docs/reference/results.md).
    """

    def __init__(
        self,
        start: dt.date,
        days: int,
        regions: tuple[str, ...],
        factors: dict[str, F] | Callable[[int, int], dict[str, F]],
    ) -> None:
        first = (start - dt.date(1970, 1, 1)).days
        self.days = np.arange(days, dtype=np.int32) + np.int32(first)
        self.regions = pa.array(["US", *regions])
        self.factors = factors
        names = [*NATIONAL_SERIES, *TIMESERIES_REGIONAL]
        self.metrics = pa.array(list(dict.fromkeys(names)))
        self.number = {name: i for i, name in enumerate(self.metrics.to_pylist())}

    def block(
        self, r0: int, national: dict[str, F], stored: dict[str, F]
    ) -> Iterator[pa.RecordBatch]:
        """Record batches of the block whose first replicate is ``r0``.

        ``national``: (replicates, days) arrays by name; ``stored``: the block's stored
        regional series (:data:`~deportsim.model.accounts.REGIONAL_STORED`).
        """
        series: list[tuple[str, int, F]] = [(n, 0, national[n]) for n in NATIONAL_SERIES]
        rows = len(next(iter(national.values())))
        # drawn parameters: factors per replicate, (replicates, days), for this block's replicates
        if callable(self.factors):
            block_factors = self.factors(r0, r0 + rows)
        else:
            block_factors = {
                n: f[r0 : r0 + rows] if f.ndim == 2 else f for n, f in self.factors.items()
            }
        for name, values in regionals(TIMESERIES_REGIONAL, stored, block_factors).items():
            series += [(name, g + 1, values[:, :, g]) for g in range(values.shape[2])]
        size, days = series[0][2].shape
        block = size * days  # rows per series
        replicate = np.repeat(np.arange(r0, r0 + size, dtype=np.int32), days)
        date = dates(np.tile(self.days, size))
        for lo in range(0, len(series), SERIES_PER_GROUP):
            group = series[lo : lo + SERIES_PER_GROUP]
            k = len(group)
            region = np.repeat(np.array([g for _, g, _ in group], np.int32), block)
            metric = np.repeat(np.array([self.number[n] for n, _, _ in group], np.int32), block)
            yield pa.record_batch(
                {
                    "replicate": pa.array(np.tile(replicate, k)),
                    "date": pa.concat_arrays([date] * k),
                    "region": pa.DictionaryArray.from_arrays(region, self.regions),
                    "metric": pa.DictionaryArray.from_arrays(metric, self.metrics),
                    "value": pa.array(np.concatenate([v.reshape(-1) for _, _, v in group])),
                }
            )


#: Series written together as one record batch (each series is replicates × days rows).
SERIES_PER_GROUP = 8
