"""The line that says what a run's timeseries.parquet holds (its manifest's ``series`` block)."""

from __future__ import annotations

from typing import Any

__all__ = ["series_line"]


def series_line(manifest: dict[str, Any]) -> str:
    """E.g. ``timeseries.parquet: every replicate's daily series``, or which bands, and why."""
    series = manifest.get("series") or {}
    replicates = manifest.get("replicates")
    if series.get("kind") != "quantiles":
        return "timeseries.parquet: every replicate's daily series"
    why = (
        f", as runs of more than {series['bands_above']} replicates do (--series replicates "
        "writes every one)"
        if series.get("asked") == "auto"
        else ""
    )
    return (
        f"timeseries.parquet: each day's mean and 5th, 50th and 95th percentiles over the "
        f"{replicates} replicates{why}"
    )
