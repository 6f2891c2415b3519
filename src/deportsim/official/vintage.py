"""What was known on a date: ICE's monthly series as published up to an as-of date.

A forecast made "as of" a date may use only the figures published by then. ICE's workbooks carry
their data date in the file name (``FY26_detentionStats_04092026.xlsx``: data to 9 April 2026); a
figure is taken as known on its workbook's data date. That is the earliest it can have been
published; ICE posts a workbook some days after its data date, so the vintage is, if anything,
a few days generous (an assumption: the workbooks do not say when they were posted).

For each month of a series the vintage keeps the value of the newest workbook dated on or before
the as-of date (a later workbook may complete a month or revise it), and drops months that
workbook printed only in part (a month still running on its data date). Figures with no data date
are never used. The as-of date and every workbook used are listed, so that a reader can check that
nothing published later went in. This is the rule ``"published"``.

ICE's site keeps one workbook per fiscal year (the latest), and the workbooks at hand are one per
year, so a vintage in the middle of a fiscal year by that rule knows nothing of the year so far.
The rule ``"cut"`` is the usual stand-in when the real-time vintages are lost: every month that
had ended by the as-of date, as printed in the newest workbook (complete months only). It uses no
month after the as-of date, but its values may include revisions ICE made later; the
rolling-origin evaluation says which rule it used.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from deportsim.official.national import Figure, versions

__all__ = [
    "SERIES", "MonthlySeries", "Reader", "Rule", "Vintage", "add_months", "month_end",
    "month_start", "vintage",
]  # fmt: skip

#: How a vintage decides what was known (module docstring).
Rule = Literal["published", "cut"]

#: The series a forecast is made of, by name: (table, arresting agency, category).
SERIES: dict[str, tuple[str, str, str]] = {
    "detained_adp": ("adp", "all", "all"),
    "book_ins_ice": ("book_ins", "ICE", "all"),
    "book_ins_cbp": ("book_ins", "CBP", "all"),
    "removals": ("book_outs", "all", "release_to_remove"),
    "book_outs": ("book_outs", "all", "all"),
}

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_MONTH_PARTS = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

_MEANS = {
    "published": "each month as printed in the newest workbook whose data date is on or before "
    "as_of; months a workbook printed only in part are left out",
    "cut": "each month that had ended by as_of, as printed in the newest workbook (later "
    "revisions included); months printed only in part are left out",
}

#: Reads every published version of one series: (table, agency, category) -> figures.
Reader = Callable[[str, str, str], Sequence[Figure]]


@dataclass(frozen=True)
class MonthlySeries:
    """One series as known on the as-of date: complete months in order, and their values."""

    name: str
    months: tuple[str, ...]
    values: NDArray[np.float64]
    files: tuple[str, ...]  # the workbook each month's value came from

    @property
    def last_month(self) -> str | None:
        """The latest complete month known, or None for an empty series."""
        return self.months[-1] if self.months else None

    def value(self, month: str) -> float | None:
        """The month's value, or None when it was not known (yet)."""
        try:
            return float(self.values[self.months.index(month)])
        except ValueError:
            return None


@dataclass(frozen=True)
class Vintage:
    """The series known on ``as_of``, and the workbooks they came from with their data dates."""

    as_of: dt.date
    series: dict[str, MonthlySeries]
    workbooks: dict[str, dt.date] = field(default_factory=dict)
    rule: Rule = "published"

    def to_json(self) -> dict[str, Any]:
        """forecast.json's ``data_vintage``: the as-of date, workbooks used, last month known."""
        return {
            "as_of": self.as_of.isoformat(),
            "rule": self.rule,
            "means": _MEANS[self.rule],
            "workbooks": {name: day.isoformat() for name, day in sorted(self.workbooks.items())},
            "last_month": {name: s.last_month for name, s in self.series.items()},
        }


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (``YYYY-MM``; ``n`` may be negative).

    >>> add_months("2025-10", 3), add_months("2025-01", -1), add_months("2024-12", 0)
    ('2026-01', '2024-12', '2024-12')
    """
    match = _MONTH_PARTS.fullmatch(month)
    if match is None:
        raise ValueError(f"a month is YYYY-MM; got {month!r}")
    index = int(match[1]) * 12 + int(match[2]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(month: str) -> dt.date:
    """The first day of a ``YYYY-MM`` month."""
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def month_end(month: str) -> dt.date:
    """The last day of a ``YYYY-MM`` month.

    >>> month_end("2024-02")
    datetime.date(2024, 2, 29)
    """
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def _usable(f: Figure, as_of: dt.date, rule: Rule) -> bool:
    if f.data_date is None or not _MONTH.fullmatch(f.period):
        return False
    if rule == "cut":
        return month_end(f.period) <= as_of
    return f.data_date <= as_of


def _known(figures: Iterable[Figure], as_of: dt.date, rule: Rule) -> dict[str, Figure]:
    """Per month, the figure of the newest workbook the rule lets in."""
    best: dict[str, Figure] = {}
    for f in figures:
        if not _usable(f, as_of, rule):
            continue
        old = best.get(f.period)
        if old is None or (f.data_date, f.file) > (old.data_date or dt.date.min, old.file):
            best[f.period] = f
    return {m: f for m, f in best.items() if not f.flag.startswith("partial")}


def _reader(table: str, agency: str, category: str) -> Sequence[Figure]:
    return versions(table, agency, category=category)


def vintage(
    as_of: dt.date,
    read: Reader | None = None,
    rule: Rule = "published",
    names: Mapping[str, tuple[str, str, str]] = SERIES,
) -> Vintage:
    """The series ``names`` (default :data:`SERIES`) as they were known on ``as_of`` (by ``rule``).

    ``read`` gives every published version of a series (default: the local store, else the
    curated table shipped with deportsim; :func:`deportsim.official.national.versions`).
    """
    read = read or _reader
    series: dict[str, MonthlySeries] = {}
    workbooks: dict[str, dt.date] = {}
    for name, (table, agency, category) in names.items():
        known = _known(read(table, agency, category), as_of, rule)
        months = tuple(sorted(known))
        figures = [known[m] for m in months]
        for f in figures:
            assert f.data_date is not None  # noqa: S101 - _known keeps dated figures only
            workbooks[f.file] = f.data_date
        series[name] = MonthlySeries(
            name,
            months,
            np.array([f.value for f in figures], dtype=np.float64),
            tuple(f.file for f in figures),
        )
    return Vintage(as_of, series, workbooks, rule)
