"""A finished run's results read back from its folder: daily bands, the metro table, a chart.

``timeseries.parquet`` holds every replicate's series or their daily bands
(:mod:`deportsim.run.bands`); either way :func:`run_series` gives each day's mean, median and
90% interval of one metric in one region, computed as the bands are (NumPy's linear
percentiles). :func:`metro_table` is ``summary.json``'s ``regions`` block as rows, and
:func:`series_chart` draws a band as PNG or SVG. The HTTP API serves all three.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from deportsim.core.errors import Location, UserError
from deportsim.report.band_chart import band_chart
from deportsim.run.bands import STATISTICS

__all__ = [
    "credit", "metro_table", "rows_csv", "run_series", "series_chart", "series_index",
    "with_credit",
]  # fmt: skip

_WHERE = Location("<request>")


def _file(folder: Path) -> Path:
    return folder / "timeseries.parquet"


def _key(folder: Path) -> tuple[str, int, int]:
    """What identifies a run's series file: its path, size and time.

    A complete run's files never change; a folder written again is another file.
    """
    st = _file(folder).stat()
    return str(_file(folder)), st.st_size, st.st_mtime_ns


def series_index(folder: Path) -> dict[str, Any]:
    """The metrics and regions a run's ``timeseries.parquet`` holds, and what kind of file it is."""
    return dict(_index(_key(folder)))


@functools.lru_cache(maxsize=64)
def _index(key: tuple[str, int, int]) -> dict[str, Any]:
    path = Path(key[0])
    # the metric and region columns are dictionary-encoded: their dictionaries are the index,
    # read without decoding a row (a run of 100 replicates has tens of millions)
    table = pq.read_table(path, columns=["metric", "region"], read_dictionary=["metric", "region"])
    found: dict[str, set[str]] = {"metric": set(), "region": set()}
    for name, values in found.items():
        for chunk in table.column(name).chunks:
            values.update(chunk.dictionary.to_pylist())
    kind = "quantiles" if "statistic" in pq.read_schema(path).names else "replicates"
    regions = sorted(found["region"], key=lambda r: (r != "US", r))
    return {"kind": kind, "metrics": sorted(found["metric"]), "regions": regions}


def credit(folder: Path) -> str:
    """Where a run's figures come from, in one line: the model, its version, the run's request.

    The ``source`` column of a run's CSV downloads (a series, the metros).
    """
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    sets = "; ".join(summary.get("sets") or ()) or "none"
    return (f"deportsim {summary.get('model_version')} simulation: scenario "
            f"{summary.get('scenario')}, changes: {sets}, {summary.get('replicates')} replicates, "
            f"seed {summary.get('seed')}, from {summary.get('start')} for {summary.get('days')} "
            "days (median and 90% interval of the replicates)")  # fmt: skip


def with_credit(rows: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """``rows`` with a last column ``source``: the run's :func:`credit`."""
    source = credit(folder)
    return [{**row, "source": source} for row in rows]


def run_series(folder: Path, metric: str, region: str = "US") -> list[dict[str, Any]]:
    """Each day's ``date``, ``mean``, ``p05``, ``p50`` and ``p95`` of ``metric`` in ``region``.

    UserError naming ``metric`` or ``region`` if the run has no such series. Kept in memory for
    the 256 series last asked for: a complete run's files never change.
    """
    key = _key(folder)
    index = _index(key)
    if metric not in index["metrics"]:
        raise UserError(f"the run has no series {metric!r}", _WHERE.with_path("metric"))
    if region not in index["regions"]:
        raise UserError(f"the run has no {metric!r} series for region {region!r}; regions: "
                        f"{', '.join(index['regions'])}", _WHERE.with_path("region"))  # fmt: skip
    return [dict(row) for row in _series(key, metric, region)]


@functools.lru_cache(maxsize=256)
def _series(key: tuple[str, int, int], metric: str, region: str) -> tuple[dict[str, Any], ...]:
    path = Path(key[0])
    names = pq.read_schema(path).names
    table = pq.read_table(path, filters=[("metric", "=", metric), ("region", "=", region)])
    if table.num_rows == 0:  # a national series only
        raise UserError(f"the run has no {metric!r} series for region {region!r} (try US)",
                        _WHERE.with_path("region"))  # fmt: skip
    dates = np.asarray(table.column("date").to_numpy())
    values = table.column("value").to_numpy()
    days = np.unique(dates)
    stats: dict[str, np.ndarray[Any, Any]] = {}
    if "statistic" in names:
        kinds = np.asarray(table.column("statistic").to_pylist())
        for name in STATISTICS:
            sel = kinds == name
            order = np.argsort(dates[sel], kind="stable")
            stats[name] = values[sel][order]
    else:
        reps = table.column("replicate").to_numpy()
        grid = np.empty((int(reps.max()) + 1, days.size))
        grid[reps, np.searchsorted(days, dates)] = values
        stats = {"mean": grid.mean(axis=0)}
        for name, q in zip(STATISTICS[1:], (0.05, 0.5, 0.95), strict=True):
            stats[name] = np.quantile(grid, q, axis=0)
    day_text = [str(d)[:10] for d in days]
    return tuple(
        {"date": d, **{name: float(stats[name][i]) for name in STATISTICS}}
        for i, d in enumerate(day_text)
    )


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """Rows of one shape as CSV text with a header."""
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


def rows_parquet(rows: list[dict[str, Any]]) -> bytes:
    """Rows of one shape as a Parquet file's bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return bytes(sink.getvalue().to_pybytes())


def metro_table(folder: Path) -> list[dict[str, Any]]:
    """``summary.json``'s statistics by metro area: a row per region and metric."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = []
    for region, metrics in (summary.get("regions") or {}).items():
        for metric, s in metrics.items():
            rows.append({"region": region, "metric": metric, "unit": s["unit"],
                         **{k: s[k] for k in ("mean", "p05", "p50", "p95")}})  # fmt: skip
    return rows


def series_chart(
    folder: Path, metric: str, region: str = "US", fmt: Literal["png", "svg"] = "png"
) -> bytes:
    """A chart of one series' median and 90% interval, day by day, with its source credit."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = run_series(folder, metric, region)
    where = "United States" if region == "US" else region
    title = f"{metric.replace('_', ' ')}, {where}: {summary['scenario']}"
    credit = (f"deportsim {summary['model_version']}, {summary['replicates']} replicates, seed "
              f"{summary['seed']}; median and 90% interval")  # fmt: skip
    return band_chart(rows, title, credit, fmt)
