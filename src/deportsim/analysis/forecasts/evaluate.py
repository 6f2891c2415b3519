"""Rolling-origin evaluation: forecasts from every month, scored against what happened.

For each origin month ``O`` (from October 2019 to the month before the last one known), the data
are those of the vintage on the last day of ``O`` (:mod:`.vintage`); a method forecasts the months
``O+1`` to ``O+6`` from them, and each forecast of a month ``h`` months ahead is set beside that
month's value in the latest data. Per series, method and horizon (1, 3 and 6 months), the pairs
are scored together (:mod:`.scores`: MAPE of the median, coverage of the 50% and 90% intervals,
weighted interval score), over all origins and over the origins from a given month on (the
out-of-sample window of issue 20 starts in October 2024).

This is how forecast hubs compare forecasts (Bracher et al. 2021; Cramer et al. 2022): every
method sees only what was known at its origin, and a method is worth its cost only if it beats the
naive baselines (:mod:`.baselines`) on the same targets. A method that cannot forecast from an
origin (too short a history, a missing month it needs) is left out there and counted; so is every
method at an origin whose own month is not known (September 2025, printed only in part).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from deportsim.analysis.forecasts.baselines import BASELINES, baseline
from deportsim.analysis.forecasts.scores import QuantileForecast, Scores, score_forecast
from deportsim.official.vintage import (
    SERIES,
    MonthlySeries,
    Rule,
    Vintage,
    add_months,
    month_end,
    vintage,
)

__all__ = [
    "FIRST_ORIGIN", "HORIZONS", "OUT_OF_SAMPLE", "Method", "Progress", "Row", "baseline_method",
    "evaluate", "origins",
]  # fmt: skip

#: The first origin of the evaluation (issue 20): October 2019, the first month of FY2020.
FIRST_ORIGIN = "2019-10"
#: The first origin of issue 20's out-of-sample window: October 2024, the first month of FY2025.
OUT_OF_SAMPLE = "2024-10"
#: Months ahead that are scored.
HORIZONS = (1, 3, 6)

#: A forecasting method: (series known at the origin, months ahead) -> the forecast of months
#: origin+1 .. origin+horizons; ValueError when it cannot forecast from there.
Method = Callable[[MonthlySeries, int], QuantileForecast]
#: Told (origins done, origins in all) after each origin.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    """One series, method and horizon scored over a window of origins."""

    series: str
    method: str
    horizon: int
    window: str  # "all" or "from YYYY-MM"
    scores: Scores | None  # None: no forecast to score
    skipped: int  # origins the method could not forecast from

    def to_json(self) -> dict[str, Any]:
        """The row as evaluation.json holds it (scores null when nothing was scored)."""
        s = self.scores
        return {
            "series": self.series, "method": self.method, "horizon": self.horizon,
            "window": self.window, "n": 0 if s is None else s.n,
            "mape": None if s is None else s.mape,
            "coverage50": None if s is None else s.coverage50,
            "coverage90": None if s is None else s.coverage90,
            "wis": None if s is None else s.wis,
            "skipped": self.skipped,
        }  # fmt: skip


def baseline_method(name: str) -> Method:
    """A naive baseline as a method (a missing month at the origin's end: it cannot forecast)."""

    def forecast(known: MonthlySeries, horizons: int) -> QuantileForecast:
        months, values = _consecutive(known)
        return baseline(name, months, values, horizons)

    return forecast


def _consecutive(known: MonthlySeries) -> tuple[list[str], np.ndarray]:
    """The series month by month from its first to its last, a missing month as NaN."""
    if not known.months:
        raise ValueError("no month known")
    months = [known.months[0]]
    while months[-1] != known.months[-1]:
        months.append(add_months(months[-1], 1))
    values = np.array([np.nan if (v := known.value(m)) is None else v for m in months])
    return months, values


def origins(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (both included)."""
    out = [first]
    while out[-1] < last:
        out.append(add_months(out[-1], 1))
    return out if first <= last else []


def evaluate(
    methods: dict[str, Method] | None = None,
    *,
    series: Sequence[str] = tuple(SERIES),
    first_origin: str = FIRST_ORIGIN,
    windows: Sequence[str] = ("2024-10",),
    latest: Vintage | None = None,
    rule: Rule = "cut",
    known_at: Callable[[dt.date, Rule], Vintage] | None = None,
    progress: Progress | None = None,
) -> list[Row]:
    """Score ``methods`` (default: the naive baselines) from every origin, at :data:`HORIZONS`.

    ``latest``: the data the forecasts are scored against (default: every month known today).
    ``rule``: how each origin's vintage is built (:mod:`.vintage`). ``windows``: besides all
    origins, the windows of origins from these months on. ``known_at(as_of, rule)`` builds an
    origin's vintage (default: :func:`.vintage.vintage`; tests give their own data).
    ``progress(done, total)`` is told each origin's end (a progress bar).
    """
    methods = methods if methods is not None else {n: baseline_method(n) for n in BASELINES}
    build = known_at or (lambda as_of, r: vintage(as_of, rule=r))
    latest = latest or build(dt.date.max, "cut")  # every month ended, newest values
    last_month = max((s.last_month for s in latest.series.values() if s.last_month), default=None)
    if last_month is None:
        return []
    top = max(HORIZONS)
    # per (series, method, horizon): the target months, their forecasts' quantiles, and skips
    found: dict[tuple[str, str, int], list[tuple[str, np.ndarray]]] = {}
    skipped: dict[tuple[str, str, int], list[str]] = {}
    every = origins(first_origin, add_months(last_month, -1))
    for done, origin in enumerate(every, start=1):
        known = build(month_end(origin), rule)
        for name in series:
            upto = known.series[name]  # a vintage on the origin's last day ends there
            for label, method in methods.items():
                try:
                    if upto.last_month != origin:  # the origin month itself is not known
                        raise ValueError(f"{origin} is not known")
                    fc = method(upto, top)
                except ValueError:
                    for h in HORIZONS:
                        skipped.setdefault((name, label, h), []).append(origin)
                    continue
                for h in HORIZONS:
                    q = np.array([fc.p05[h - 1], fc.p25[h - 1], fc.p50[h - 1], fc.p75[h - 1],
                                  fc.p95[h - 1]])  # fmt: skip
                    found.setdefault((name, label, h), []).append((fc.months[h - 1], q))
        if progress is not None:
            progress(done, len(every))
    return [
        _row(latest.series[name], label, h, window, found.get((name, label, h), []),
             skipped.get((name, label, h), []))
        for name in series
        for label in methods
        for h in HORIZONS
        for window in ("all", *windows)
    ]  # fmt: skip


def _row(  # noqa: PLR0917 - one row's six coordinates, in the order of Row
    latest: MonthlySeries,
    method: str,
    horizon: int,
    window: str,
    pairs: list[tuple[str, np.ndarray]],
    missed: list[str],
) -> Row:
    start = window if window != "all" else ""
    # a forecast made at origin O targets O+horizon: keep those whose origin is in the window
    kept = [(t, q) for t, q in pairs if add_months(t, -horizon) >= start]
    skips = sum(1 for o in missed if o >= start)
    label = "all" if window == "all" else f"from {window}"
    observed = [latest.value(t) for t, _ in kept]
    scored = [(t, q, y) for (t, q), y in zip(kept, observed, strict=True) if y is not None]
    if not scored:
        return Row(latest.name, method, horizon, label, None, skips)
    q = np.array([s[1] for s in scored])
    fc = QuantileForecast(
        [s[0] for s in scored], p05=q[:, 0], p25=q[:, 1], p50=q[:, 2], p75=q[:, 3], p95=q[:, 4]
    )
    return Row(
        latest.name, method, horizon, label, score_forecast(fc, [s[2] for s in scored]), skips
    )
