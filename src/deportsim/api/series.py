"""A finished run's results read back from its folder: daily bands, the metro table, a chart.

``timeseries.parquet`` holds every replicate's series or their daily bands
(:mod:`deportsim.run.bands`); either way :func:`run_series` gives each day's mean, median and
90% interval of one metric in one region, computed as the bands are (NumPy's linear
percentiles). :func:`metro_table` is ``summary.json``'s ``regions`` block as rows, and
:func:`series_chart` draws a band as PNG or SVG. The HTTP API serves all three.
"""

from __future__ import annotations

import csv
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

__all__ = ["metro_table", "rows_csv", "run_series", "series_chart", "series_index"]

_WHERE = Location("<request>")


def _file(folder: Path) -> Path:
    return folder / "timeseries.parquet"


def series_index(folder: Path) -> dict[str, Any]:
    """The metrics and regions a run's ``timeseries.parquet`` holds, and what kind of file it is."""
    table = pq.read_table(_file(folder), columns=["metric", "region"])
    schema = pq.read_schema(_file(folder))
    metrics = sorted(set(table.column("metric").to_pylist()))
    regions = sorted(set(table.column("region").to_pylist()), key=lambda r: (r != "US", r))
    kind = "quantiles" if "statistic" in schema.names else "replicates"
    return {"kind": kind, "metrics": metrics, "regions": regions}


def run_series(folder: Path, metric: str, region: str = "US") -> list[dict[str, Any]]:
    """Each day's ``date``, ``mean``, ``p05``, ``p50`` and ``p95`` of ``metric`` in ``region``.

    UserError naming ``metric`` or ``region`` if the run has no such series.
    """
    path = _file(folder)
    names = pq.read_schema(path).names
    table = pq.read_table(path, filters=[("metric", "=", metric), ("region", "=", region)])
    if table.num_rows == 0:
        index = series_index(folder)
        if metric not in index["metrics"]:
            raise UserError(f"the run has no series {metric!r}", _WHERE.with_path("metric"))
        raise UserError(f"the run has no {metric!r} series for region {region!r}; regions: "
                        f"{', '.join(index['regions'])}", _WHERE.with_path("region"))  # fmt: skip
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
    return [
        {"date": d, **{name: float(stats[name][i]) for name in STATISTICS}}
        for i, d in enumerate(day_text)
    ]


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
