"""The published record as a run's inputs: what happened, month by month, as ICE printed it.

A scenario that follows the record (``record: follow`` in its file; ``directive-2025`` does) runs
on what ICE published for every month its detention statistics know, as of the run's data vintage
(:mod:`deportsim.official.vintage`, rule ``published``: nothing printed after the as-of date):

- **arrests as recorded**: ``arrests.target_per_day`` is the month's ICE book-ins a day over the
  booking share (``arrests.book_in_probability``, the month's mean), with ``arrests.as_recorded``
  = 1 so that neither officers nor beds bound them;
- **CBP book-ins as recorded**: ``detention.cbp_book_ins`` is the month's CBP book-ins a day;
- **places for the people held**: where the scenario's beds are fewer than the people ICE held on
  an average day of a month (its average daily population), ``detention.bed_capacity`` is that
  number for the month: they were held, so there were places (hold rooms and facilities over
  their rated capacity included); after the record's last month, at least that month's
  number, until the scenario's own beds are more (places do not vanish when the record ends).

A month missing between two known ones (September 2025: the FY2025 workbook stops on the 24th) is
the mean of its neighbours, and says so. These values are *exact*: parameter uncertainty does not
move them (:mod:`deportsim.run.draws`); the arrests behind the recorded book-ins are uncertain
through the booking share. After the record's last month the scenario's own values take over,
with the arrest stage fitted on the record (:mod:`deportsim.model.arrest_fit`): productivity per
officer and new officers' ramp-up, each with its bootstrap range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from deportsim.model.arrest_fit import ArrestFit, fit_arrests
from deportsim.model.stages import read_inputs
from deportsim.official.national import Figure, versions
from deportsim.official.vintage import (
    Reader,
    Rule,
    Vintage,
    add_months,
    month_end,
    month_start,
    vintage,
)
from deportsim.parameters import Override, ParameterSet, Resolved

__all__ = [
    "FIT_WINDOW_MONTHS", "LATEST", "RECORD_SERIES", "STATE_ORIGIN", "Record", "State",
    "published_record",
]  # fmt: skip

#: The monthly series a run follows: name -> (table, arresting agency, category).
RECORD_SERIES = {
    "book_ins_ice": ("book_ins", "ICE", "all"),
    "book_ins_cbp": ("book_ins", "CBP", "all"),
    "detained_adp": ("adp", "all", "all"),
    "detained_ice": ("adp", "ICE", "all"),
    "detained_cbp": ("adp", "CBP", "all"),
    "alos_cbp": ("alos", "CBP", "all"),
    "book_outs": ("book_outs", "all", "all"),
    "removals": ("book_outs", "all", "release_to_remove"),
}
#: A forecast's beds may grow at the pace of the people held over this many recorded months.
BED_TREND_MONTHS = 3
#: Months of the record over which a forecast measures how much ICE's arrests moved a month.
WALK_MONTHS = 24
#: Months of the record's end over which a rate is re-measured for a forecast (:meth:`remeasured`),
#: and the months whose lowest and highest values bound its draws.
REMEASURE_MONTHS, RANGE_MONTHS = 3, 12
#: The as-of date of "everything published" (no vintage asked for).
LATEST = dt.date(9999, 12, 31)
#: The arrest fit looks at most this many months back from the record's last month.
FIT_WINDOW_MONTHS = 24
_ORIGIN = "record"
#: The origin of the observed state a run starts from (:meth:`Record.state`).
STATE_ORIGIN = "record state"
#: The people held on a run's first day, from the record: parameter -> series (by agency).
_STATE_SERIES = {
    "detention.initial_detained_ice": "detained_ice",
    "detention.initial_detained_cbp": "detained_cbp",
}
#: ICE's count of people in alternatives to detention: (table, agency, category). ICE prints it
#: for its workbook's data date, not by month.
ATD_COUNT = ("atd_participants", "all", "all")
#: An ATD count is a run's first-day value if it was taken at most this many days from that day.
ATD_NEAR_DAYS = 92


@dataclass(frozen=True)
class State:
    """The observed state a run starts from: the people held, by arresting agency, and on ATD.

    ``month`` is the month whose average daily population it is: the month the run starts in,
    or the record's last one for a start after it (``after_data``: the run starts after the
    latest data). ``atd`` is ICE's count of people in alternatives to detention nearest the
    first day (its figure), if one was taken within :data:`ATD_NEAR_DAYS` days of it.
    """

    month: str
    source: str  # the workbook
    overrides: tuple[Override, ...]
    after_data: bool
    atd: Figure | None = None

    def describe(self) -> dict[str, Any]:
        """The manifest's ``state``: where the run's first-day stocks came from."""
        out = {
            "data": self.source,
            "month": self.month,
            "after_data": self.after_data,
            "values": {ov.path: round(float(np.asarray(ov.value)), 1) for ov in self.overrides},
        }
        if self.atd is not None:
            out["atd_count"] = {"date": self.atd.period, "data": self.atd.file,
                                "sheet": self.atd.sheet, "cell": self.atd.cell}  # fmt: skip
        return out

    def held(self, agency: str) -> float:
        """The people held on the first day who were arrested by ``agency`` (ICE or CBP)."""
        path = f"detention.initial_detained_{agency.lower()}"
        return float(next(np.asarray(ov.value) for ov in self.overrides if ov.path == path))


@dataclass(frozen=True)
class Month:
    """One month of a recorded series: its days and value a day, and where it came from."""

    month: str
    first: dt.date
    after: dt.date  # the day after its last
    per_day: float
    source: str  # the workbook, or "interpolated"

    @property
    def value(self) -> float:
        """The month's figure: its total, or its average daily population."""
        return self.per_day * (self.after - self.first).days


@dataclass(frozen=True)
class Record:
    """The record as known on the vintage's date: each series by month, gaps filled."""

    data: Vintage
    #: ICE's counts of people in alternatives to detention published by the vintage's date.
    atd_counts: tuple[Figure, ...] = ()
    _walked: dict[str, list[Month]] = field(default_factory=dict, repr=False, compare=False)

    def months(self, name: str) -> list[Month]:
        """The complete months of ``name`` from its first to its last, a gap as its neighbours'.

        Walked once per series (the list is the record's own: do not change it).
        """
        if name not in self._walked:
            self._walked[name] = self._walk(name)
        return self._walked[name]

    def _walk(self, name: str) -> list[Month]:
        s = self.data.series[name]
        if not s.months:
            return []
        out: list[Month] = []
        m = s.months[0]
        while m <= s.months[-1]:
            first, after = month_start(m), month_end(m) + dt.timedelta(days=1)
            days = (after - first).days
            value = s.value(m)
            if value is not None:
                out.append(Month(m, first, after, value / days, s.files[s.months.index(m)]))
            else:
                nxt = next(k for k in s.months if k > m)
                later = float(s.values[s.months.index(nxt)]) / month_end(nxt).day
                out.append(Month(m, first, after, (out[-1].per_day + later) / 2.0,
                                 "interpolated"))  # fmt: skip
            m = add_months(m, 1)
        return out

    def state(self, start: dt.date) -> State | None:
        """The people held on ``start``'s month (or the record's last, for a later start).

        The average daily population by arresting agency of that month, as exact start values of
        ``detention.initial_detained_ice`` and ``_cbp``, and ICE's count of people in
        alternatives to detention nearest ``start`` (within :data:`ATD_NEAR_DAYS` days; for a
        start after the data, nearest the data's end) as ``detention.atd_initial``; None when
        the record holds no month for both agencies by then (a start before it).
        """
        end = self.data_end
        if end is None:
            return None
        month = min(f"{start:%Y-%m}", f"{end:%Y-%m}")
        found = {path: next((m for m in self.months(name) if m.month == month), None)
                 for path, name in _STATE_SERIES.items()}  # fmt: skip
        after = start > end
        when = "the latest data" if after else "the month the run starts in"
        out, sources = [], []
        for path, m in found.items():
            if m is None:
                return None
            note = f"ICE's average daily population in {m.month} ({m.source}), {when}"
            people = float(round(m.value))  # whole people, as the parameter files give them
            out.append(Override(path, None, people, None, None, STATE_ORIGIN, note, exact=True))
            sources.append(m.source)
        atd = self._atd_near(min(start, end + dt.timedelta(days=1)))
        if atd is not None:
            note = (f"ICE's count of people in alternatives to detention on {atd.period} "
                    f"({atd.file}, {atd.sheet} {atd.cell})")  # fmt: skip
            out.append(Override("detention.atd_initial", None, float(round(atd.value)), None,
                                None, STATE_ORIGIN, note, exact=True))  # fmt: skip
        return State(month, sources[0], tuple(out), after, atd)

    def _atd_near(self, day: dt.date) -> Figure | None:
        """ICE's ATD count taken nearest ``day``, within :data:`ATD_NEAR_DAYS` days (else None)."""
        dated = [(abs((dt.date.fromisoformat(f.period) - day).days), f) for f in self.atd_counts]
        near = [(gap, f) for gap, f in dated if gap <= ATD_NEAR_DAYS]
        return min(near, key=lambda pair: pair[0])[1] if near else None

    @property
    def data_end(self) -> dt.date | None:
        """The last day of the latest month of the people held by agency (None: not known)."""
        series = [self.months(name) for name in _STATE_SERIES.values()]
        if not all(series):
            return None
        return min(months[-1].after for months in series) - dt.timedelta(days=1)

    @property
    def last(self) -> dt.date | None:
        """The last day of the record (ICE book-ins), or None when nothing is known."""
        months = self.months("book_ins_ice")
        return months[-1].after - dt.timedelta(days=1) if months else None

    def fit(self, params: ParameterSet, scenario: tuple[Override, ...]) -> ArrestFit | None:
        """The arrest stage fitted on the record's last :data:`FIT_WINDOW_MONTHS` months.

        Officers, targets and shares are the scenario's (``scenario``, its own overrides only:
        a user's what-if about officers is about the future, not about what happened).
        """
        months = self.months("book_ins_ice")[-FIT_WINDOW_MONTHS:]
        if not months:
            return None
        table = {m.month: (m.first, m.after, m.per_day) for m in months}
        # the same parameters, scenario and months give the same fit: kept with the parameters
        key = ("record.fit", repr(scenario), tuple(table.items()))
        if key not in params.derived:
            start = months[0].first
            days = (months[-1].after - start).days
            x = read_inputs(Resolved(params, start, days, scenario))
            params.derived[key] = fit_arrests(x, start, table, float(x.officer_ramp))
        fit: ArrestFit | None = params.derived[key]
        return fit

    def overrides(
        self, run: Resolved, fit: ArrestFit | None, *, forecast: bool = False
    ) -> tuple[Override, ...]:
        """The record's exact values for the months that overlap ``run``, then the fit's values.

        ``run`` is the run's parameters before the record (for the booking share). For a
        ``forecast`` (a run with an as-of date), two things differ after the record:

        - when the record's last month is one the fit rests on, the productivity is that month's
          own (:attr:`ArrestFit.latest`), its range moved with it, rather than the fit's over
          all its months: a forecast starts from the level the operation had reached, as
          forecasters correct a model's level at the origin; and from there it walks at random
          month by month as ICE's arrests moved (:meth:`monthly_moves`);
        - beds may grow as the people held grew over the record's last :data:`BED_TREND_MONTHS`
          months (:func:`_beds_growing`): ICE publishes no monthly count of its beds, the people
          held are a lower bound on them, and contracts signed but not yet public would
          otherwise cap a forecast at the last month's number.
        """
        out: list[Override] = []
        share = run.canonical("arrests.book_in_probability")
        for m, days in self._in_run("book_ins_ice", run):
            p = float(np.mean(share[days]))
            note = f"ICE book-ins a day in {m.month} ({m.source}) over the booking share {p:.3f}"
            out += [
                self._exact("arrests.target_per_day", m.per_day / p, m, note),
                self._exact("arrests.as_recorded", 1.0, m, f"the record of {m.month}"),
            ]
        for m, _ in self._in_run("book_ins_cbp", run):
            note = f"CBP book-ins a day in {m.month} ({m.source})"
            out.append(self._exact("detention.cbp_book_ins", m.per_day, m, note))
        beds = run.canonical("detention.bed_capacity")
        for m, days in self._in_run("detained_adp", run):
            if m.value > float(np.max(beds[days])):  # the month's average daily population
                note = f"at least the {m.value:,.0f} people ICE held on an average day of {m.month}"
                out.append(self._exact("detention.bed_capacity", m.value, m, note))
        adp = self.months("detained_adp")
        out += _beds_growing(adp, run, beds) if forecast else _beds_kept(adp, run, beds)
        if fit is not None:
            months = self.months("book_ins_ice")
            if forecast and months and fit.months[-1] == months[-1].month:
                k = fit.latest / fit.productivity
                lo, hi = fit.predictive_range
                walked = _fitted("arrests.at_large_arrests_per_officer_day", fit.latest,
                                 (lo * k, hi * k), fit, anchored=True)  # fmt: skip
                out.append(replace(walked, walk=self.monthly_moves()))
            else:
                out.append(_fitted("arrests.at_large_arrests_per_officer_day", fit.productivity,
                                   fit.predictive_range, fit))  # fmt: skip
            if fit.ramp_days is not None and fit.ramp_range is not None:
                out.append(_fitted("arrests.new_officer_ramp_days", fit.ramp_days,
                                   fit.ramp_range, fit))  # fmt: skip
        return tuple(out)

    def monthly_moves(self) -> float:
        """How much ICE's arrests moved from one month to the next: for a forecast's walk.

        The standard deviation of the log change of ICE book-ins a day from month to month over
        the record's last :data:`WALK_MONTHS` months (changes of policy and of operations
        included: they are what a forecast cannot foresee); 0 with fewer than three changes.
        """
        months = self.months("book_ins_ice")[-WALK_MONTHS - 1 :]
        changes = np.diff(np.log([m.per_day for m in months]))
        return float(np.std(changes, ddof=1)) if changes.size >= 3 else 0.0

    def remeasured(self) -> tuple[Override, ...]:
        """For a forecast: the rates the record measures, from its last months (whole run).

        A forecast starts from the state of the record's last month; three rates the record
        measures month by month start there too, rather than at a fiscal year's mean (which may
        not have been published yet, or describe a year long past): CBP book-ins a day, the
        mean stay of people arrested by CBP, and the share of book-outs that are removals. Each
        is the mean of the last :data:`REMEASURE_MONTHS` months and is drawn (triangular) between
        the lowest and the highest month of the last :data:`RANGE_MONTHS`, so that its
        uncertainty is that of the recent months, not a parameter file's range around another
        year's value.
        """
        out: list[Override] = []
        cbp, stay = self.months("book_ins_cbp"), self.months("alos_cbp")
        removed, left = self.months("removals"), self.months("book_outs")
        rates = {  # path -> (months, the rate in each)
            "detention.cbp_book_ins": (cbp, [m.per_day for m in cbp]),
            "detention.alos_cbp": (stay, [m.value for m in stay]),  # a month's mean stay
        }
        if removed and [m.month for m in removed] == [m.month for m in left]:
            shares = [r.value / b.value for r, b in zip(removed, left, strict=True)]
            rates["detention.removal_share_of_book_outs"] = (left, shares)
        for path, (months, values) in rates.items():
            if len(values) < REMEASURE_MONTHS:
                continue
            value = float(np.mean(values[-REMEASURE_MONTHS:]))
            recent = values[-RANGE_MONTHS:]
            spread = (min(float(np.min(recent)), value), max(float(np.max(recent)), value))
            used = months[-REMEASURE_MONTHS:]
            note = (
                f"a forecast: the mean of the record's months {used[0].month} to "
                f"{used[-1].month}, drawn from {spread[0]:.4g} to {spread[1]:.4g} (its lowest "
                f"and highest month of the last {RANGE_MONTHS})"
            )
            out.append(Override(path, None, value, None, None, _ORIGIN, note, spread=spread))
        return tuple(out)

    def _in_run(self, name: str, run: Resolved) -> Iterator[tuple[Month, slice]]:
        """The months of ``name`` that overlap ``run``, each with its days in the run."""
        for m in self.months(name):
            days = run.window(m.first, m.after)
            if days.start < days.stop:
                yield m, days

    @staticmethod
    def _exact(path: str, value: float, m: Month, note: str) -> Override:
        return Override(path, None, value, m.first, m.after, _ORIGIN, note, exact=True)


def _beds_kept(held: list[Month], run: Resolved, beds: np.ndarray) -> list[Override]:
    """After the record: at least the beds of its last month, until the scenario's are more.

    The places that held ICE's average of the record's last month do not vanish when the record
    ends; a scenario's plan with fewer beds (or none known yet, in a forecast) would otherwise
    release people for lack of a bed on the record's last day.
    """
    if not held:
        return []
    last = held[-1]
    days = run.window(last.after, None)
    if days.start >= days.stop:
        return []
    enough = np.flatnonzero(beds[days] >= last.value)
    until = None if enough.size == 0 else run.start + dt.timedelta(days=days.start + int(enough[0]))
    if until == last.after:
        return []
    note = (
        f"at least the {last.value:,.0f} people ICE held on an average day of {last.month}, the "
        "record's last month, until the scenario's beds are more"
    )
    return [Override("detention.bed_capacity", None, last.value, last.after, until, _ORIGIN, note)]


def _beds_growing(held: list[Month], run: Resolved, beds: np.ndarray) -> list[Override]:
    """A forecast's beds after the record, month by month: the trend of the people held.

    ASSUMPTION (docs/model.md, "Forecasts"): beds in the ``k``-th month after the record are at
    least the record's last month's average daily population times ``g ** k``, where ``g`` is
    that population's monthly growth over the last :data:`BED_TREND_MONTHS` months (1 if it
    fell): places grow as fast as they were seen to, and do not vanish. The scenario's own beds
    stand where they are more.
    """
    if len(held) <= BED_TREND_MONTHS:
        return _beds_kept(held, run, beds)
    last, base = held[-1], held[-1 - BED_TREND_MONTHS]
    growth = max(1.0, (last.value / base.value) ** (1.0 / BED_TREND_MONTHS))
    out: list[Override] = []
    month, k = add_months(last.month, 1), 1
    end = run.start + dt.timedelta(days=run.days)
    while month_start(month) < end:
        first, after = month_start(month), month_end(month) + dt.timedelta(days=1)
        days = run.window(first, after)
        value = last.value * growth**k
        if days.start < days.stop and value > float(np.min(beds[days])):
            note = (
                f"a forecast: the {last.value:,.0f} people held in {last.month} grown "
                f"{growth - 1:.1%} a month (their pace since {base.month}), {k} month(s) on"
            )
            out.append(Override("detention.bed_capacity", None, max(value, float(np.max(
                beds[days]))), first, after, _ORIGIN, note))  # fmt: skip
        month, k = add_months(month, 1), k + 1
    return out


def _fitted(
    path: str,
    value: float,
    spread: tuple[float, float],
    fit: ArrestFit,
    *,
    anchored: bool = False,
) -> Override:
    level = f", at the level of {fit.months[-1]}" if anchored else ""
    note = (
        f"fitted on the record's capacity-bound months {fit.months[0]} to {fit.months[-1]} "
        f"(deportsim.model.arrest_fit){level}; drawn from {spread[0]:.4g} to {spread[1]:.4g} "
        "(5-95%)"
    )
    return Override(path, None, value, None, None, "record fit", note, spread=spread)


def published_record(
    as_of: dt.date | None = None, read: Reader | None = None, rule: Rule = "published"
) -> Record:
    """The record as known on ``as_of`` by ``rule`` (default: everything published)."""
    day = as_of or LATEST
    known = vintage(day, read, rule, names=RECORD_SERIES)
    figures = (read or _versions)(*ATD_COUNT)
    counts = [f for f in figures if f.data_date is not None and f.data_date <= day]
    return Record(known, tuple(f for f in counts if _is_day(f.period)))


def _versions(table: str, agency: str, category: str) -> list[Figure]:
    return versions(table, agency, category=category)


def _is_day(period: str) -> bool:
    try:
        dt.date.fromisoformat(period)
    except ValueError:
        return False
    return True
