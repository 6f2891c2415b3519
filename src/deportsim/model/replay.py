"""The detention stage replayed on history: observed book-ins in, detained population out.

``load_history`` gathers ICE's monthly national series (book-ins and average daily population by
arresting agency, book-outs, book-outs to removal) from the local store or the curated table.
``replay`` runs the detention stage for one arresting agency over those months: each day's
admissions are the month's book-ins spread evenly over its days. They follow one or more case
paths (:class:`StayPath`), each with a stay of two exponential phases
(:func:`deportsim.engine.flows.two_phase_stock`) and, for those removed, a wait in staging. The
stays' exit rates are scaled by ``exp(level)`` in each fiscal year, because ICE's stays changed
between years (COVID-19 releases in FY2020-21, the detention-first policy of 2025, seen in ICE's
workbooks as a fall in releases). docs/validation.md explains the model, its fit and its errors.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Delay
from deportsim.engine.flows import two_phase_stock
from deportsim.official import national as official
from deportsim.official.records import fiscal_year_of

__all__ = ["AGENCIES", "History", "StayFit", "StayPath", "covered_days", "load_history", "replay"]

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741

#: Arresting agencies whose book-ins drive the replay.
AGENCIES = ("ICE", "CBP")
#: First month of the replay (the first month of ICE's FY2019 workbook).
FIRST_MONTH = "2018-10"


def covered_days(adp: list[float], days: int) -> int:
    """Days of a month that its ADP figures cover.

    The fewest days ``d`` (all the month's days first) for which ``ADP · d`` is a whole number of
    person-days for every figure given. ICE computes ADP as midnight person-days over the days
    with data, so a month that a workbook covers only in part shows it in its ADP.

    >>> covered_days([1000.0 / 11], 30)
    11
    """

    def whole(d: int) -> bool:
        return all(abs(x * d - round(x * d)) < 2e-4 * d for x in adp)

    if whole(days):
        return days
    return next((d for d in range(1, days) if whole(d)), days)


@dataclass(frozen=True)
class History:
    """ICE's monthly national series, October 2018 on, with their sources.

    Arrays are per month; ``book_outs`` and ``removals`` are NaN where ICE published no monthly
    figure (book-outs by month start in FY2024: earlier workbooks give "final releases", which
    leave out removals). ``removals`` are the book-outs whose reason is "Release to Remove": the
    removals of people held in ICE detention. ``covered`` is the days of each month the figures
    cover. ``releases`` holds those final releases (book-outs other than removals) of the
    workbooks before FY2024, by month (``YYYY-MM``) and by fiscal year (``FY2019``).
    """

    months: tuple[str, ...]
    days: I
    covered: I
    book_ins: Mapping[str, F]
    adp: Mapping[str, F]
    book_outs: F
    removals: F
    sources: Mapping[str, str] = field(default_factory=dict)
    releases: Mapping[str, float] = field(default_factory=dict)

    @property
    def fiscal_years(self) -> I:
        """Fiscal year of each month."""
        return np.array([fiscal_year_of(int(m[:4]), int(m[5:7])) for m in self.months],
                        dtype=np.int64)  # fmt: skip

    def day_month(self) -> I:
        """For each day from the first month's first day, the index of its month."""
        return np.repeat(np.arange(len(self.months)), self.days)


def _series(
    table: str, agency: str, db: Path | None, category: str = "all"
) -> dict[str, official.Figure]:
    """A national series by month (fiscal-year totals left out)."""
    found = official.national(table, agency, db, category=category)
    return {f.period: f for f in found if f.period[0] != "F"}


def load_history(db: Path | None = None) -> History:
    """Monthly national series from the store (or the curated table), to the last month with ADP.

    Months that a workbook covers only in part because its data date falls in them (the last
    month of an in-year workbook) are left out: their figures are a few days' worth.
    """
    adp = {a: _series("adp", a, db) for a in (*AGENCIES, "all")}
    bins = {a: _series("book_ins", a, db) for a in AGENCIES}
    outs = _series("book_outs", "all", db)
    rem = _series("book_outs", "all", db, category="release_to_remove")
    released = {f.period: f.value for f in official.national("final_releases", "all", db)}
    months = sorted(
        m for m, f in adp["all"].items()
        if m >= FIRST_MONTH and f.value > 0 and not f.flag.startswith("partial")
        and all(m in bins[a] for a in AGENCIES) and all(m in adp[a] for a in AGENCIES)
    )  # fmt: skip
    days = np.array([calendar.monthrange(int(m[:4]), int(m[5:7]))[1] for m in months])
    cover = np.array(
        [covered_days([adp[a][m].value for a in (*AGENCIES, "all")], int(d))
         for m, d in zip(months, days, strict=True)]
    )  # fmt: skip

    def arr(src: Mapping[str, official.Figure]) -> F:
        return np.array([src[m].value if m in src else np.nan for m in months])

    files = sorted({f.file for s in (*adp.values(), *bins.values()) for f in s.values()})
    return History(
        tuple(months), days.astype(np.int64), cover.astype(np.int64),
        {a: arr(bins[a]) for a in AGENCIES}, {a: arr(adp[a]) for a in (*AGENCIES, "all")},
        arr(outs), arr(rem), {"files": ", ".join(files), "as_of": months[-1] if months else ""},
        released,
    )  # fmt: skip


@dataclass(frozen=True)
class StayPath:
    """One case path of an agency's book-ins.

    A ``share`` of the agency's book-ins take it. Their stay until the decision has two
    exponential phases at level 0: a ``split`` share short (mean ``mean_short`` days), the rest
    long (``mean_long``). The ``removed`` share of them then wait in staging before they leave.
    """

    share: float
    split: float
    mean_short: float
    mean_long: float
    removed: float = 0.0

    @classmethod
    def hyperexponential(
        cls, share: float, mean: float, cv: float, removed: float = 0.0
    ) -> StayPath:
        """A path with the model's stay (:meth:`~deportsim.engine.Delay.hyperexponential`)."""
        (split, short), (_, long) = Delay.hyperexponential(mean, cv).parts()
        return cls(share, split, short.mean, long.mean, removed)

    @property
    def mean(self) -> float:
        """Mean stay until the decision, in days, at level 0."""
        return self.split * self.mean_short + (1.0 - self.split) * self.mean_long


@dataclass(frozen=True)
class StayFit:
    """Stays of one arresting agency's book-ins: its paths and each fiscal year's level.

    ``levels`` maps a fiscal year to the log of its exit-rate multiplier for the stays until the
    decision (the first year is 0: the paths' means are that year's); years after the last one
    keep the last level. The ``removed`` share of each path (by fiscal year in
    ``removed_by_year`` where given, as path shares in order; a later year keeps the last one)
    wait ``staging`` days on average (exponential,
    not scaled by the level). A day's book-ins above ``surge`` (0: none) leave after
    ``surge_stay`` days on average: when more people arrive than the system can hold, the excess
    is let go within days.
    """

    agency: str
    paths: tuple[StayPath, ...]
    levels: Mapping[int, float]
    staging: float = 0.0
    surge: float = 0.0
    surge_stay: float = 1.0
    removed_by_year: Mapping[int, Sequence[float]] = field(default_factory=dict)

    def removed(self, fiscal_year: int) -> tuple[float, ...]:
        """Each path's share removed in a fiscal year (``removed_by_year``, else the paths')."""
        known = [y for y in self.removed_by_year if y <= fiscal_year]
        if not known:
            return tuple(p.removed for p in self.paths)
        return tuple(float(v) for v in self.removed_by_year[max(known)])

    def level(self, fiscal_year: int) -> float:
        """The level of a fiscal year (the latest earlier year's if it has none)."""
        known = [y for y in self.levels if y <= fiscal_year]
        return self.levels[max(known)] if known else 0.0

    def mean_stay(self, fiscal_year: int | None = None) -> float:
        """Mean time in detention, staging included, in days, at a year's level (else level 0)."""
        scale = np.exp(-self.level(fiscal_year)) if fiscal_year is not None else 1.0
        return float(sum(p.share * (p.mean * scale + p.removed * self.staging) for p in self.paths))


def _stock(admissions: F, path: StayPath, mult: F, start: float) -> tuple[F, F]:
    return two_phase_stock(
        admissions, split=path.split, mean_short=path.mean_short, mean_long=path.mean_long,
        multiplier=mult, start=start,
    )  # fmt: skip


def replay(history: History, fit: StayFit, drift: Mapping[int, float] | None = None) -> tuple[F, F]:
    """Simulated monthly ADP and departures of one agency's book-ins, over the days covered.

    ``drift`` adds to the level of the given fiscal years (the intervals' random walk for years
    after the fit). The stock starts from the first month's observed ADP, shared between the
    paths and staging as in a steady state; the surge path starts empty (its people leave within
    days, so this moves the first weeks only).
    """
    month = history.day_month()
    fy = history.fiscal_years
    level = np.array([fit.level(int(y)) + (drift or {}).get(int(y), 0.0) for y in fy])
    mult = np.exp(level)[month]
    admissions = (history.book_ins[fit.agency] / history.covered)[month]
    stock, out = np.zeros(month.size), np.zeros(month.size)
    if fit.surge > 0.0:
        excess = np.maximum(admissions - fit.surge, 0.0)
        admissions = admissions - excess
        quick = StayPath(1.0, 1.0, fit.surge_stay, fit.surge_stay)
        held, left = _stock(excess, quick, np.ones_like(mult), 0.0)
        stock += held
        out += left
    staging = StayPath(1.0, 1.0, fit.staging, fit.staging) if fit.staging > 0.0 else None
    removed = np.array([fit.removed(int(y)) for y in fy])  # (months, paths)
    weight = [p.share * p.mean * np.exp(-level[0]) for p in fit.paths]
    weight += [p.share * r * fit.staging for p, r in zip(fit.paths, removed[0], strict=True)]
    start = [float(history.adp[fit.agency][0]) * w / sum(weight) for w in weight]
    for k, path in enumerate(fit.paths):
        held, left = _stock(admissions * path.share, path, mult, start[k])
        stock += held
        share = removed[:, k][month]
        if staging is not None and np.any(share > 0.0):
            staged, left_staging = _stock(
                left * share, staging, np.ones_like(mult), start[len(fit.paths) + k]
            )
            stock += staged
            out += left * (1.0 - share) + left_staging
        else:
            out += left
    # both over the days each month's figures cover
    first = np.concatenate(([0], np.cumsum(history.days)[:-1]))
    spans = list(zip(first, history.covered, strict=True))
    adp = np.array([stock[s : s + c].mean() for s, c in spans])
    departures = np.array([out[s : s + c].sum() for s, c in spans])
    return adp, departures
