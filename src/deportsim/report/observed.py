"""ICE's monthly figures for the report's charts, from the published record the model follows.

The figures are read as a run reads them (:func:`deportsim.model.record.published_record`: the
local store of ICE's workbooks when imported, else the curated table shipped), as known on the
run's data vintage. Three series are drawn beside the model: ICE's book-ins a day, the average
daily population held (all agencies) and book-outs to removal ("Release to Remove", monthly from
FY2024). A month the record fills in from its neighbours (September 2025: the FY2025 workbook
stops on the 24th) is not drawn as an observed point, but counts in a 12-month total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from deportsim.core.units import DAYS_PER_YEAR
from deportsim.model.record import Month, Record

__all__ = ["DATA_CREDIT", "OBSERVED_LABEL", "SERIES", "Observed", "Points"]

#: The record's series the charts draw.
SERIES = ("book_ins_ice", "detained_adp", "removals")
#: The legend entry of observed points.
OBSERVED_LABEL = "observed (ICE)"
#: What a chart with observed points credits.
DATA_CREDIT = "ICE detention statistics"
#: A record month's source when the record filled it in from its neighbours.
_FILLED = "interpolated"


@dataclass(frozen=True)
class Points:
    """Observed values at dates, and the day after the series' last month (None: no months)."""

    x: NDArray[np.datetime64]
    y: NDArray[np.float64]
    latest: dt.date | None

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class Observed:
    """ICE's monthly series by the record's name; empty for a report without them."""

    months: Mapping[str, Sequence[Month]] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: Record) -> Observed:
        """The series the charts draw, from a published record (its months as it walked them)."""
        return cls({name: tuple(record.months(name)) for name in SERIES})

    def _series(self, name: str) -> Sequence[Month]:
        return self.months.get(name, ())

    def monthly(
        self, name: str, lo: dt.date, hi: dt.date, how: Literal["per_day", "value", "per_year"]
    ) -> Points:
        """Each observed month whose middle (the 15th) falls in ``lo`` .. ``hi``.

        ``how``: its figure a day (book-ins a day), its figure as published (an average daily
        population), or its figure a day times :data:`DAYS_PER_YEAR` (a yearly pace). Months the
        record filled in from their neighbours are left out.
        """
        months = self._series(name)
        kept = [m for m in months if m.source != _FILLED and lo <= _mid(m) <= hi]
        values = [
            m.value if how == "value" else m.per_day * (DAYS_PER_YEAR if how == "per_year" else 1)
            for m in kept
        ]
        return Points(_dates([_mid(m) for m in kept]), np.array(values, float), _latest(months))

    def yearly(self, name: str, lo: dt.date, hi: dt.date) -> Points:
        """Totals over the 12 months up to each month, drawn on its last day, in ``lo`` .. ``hi``.

        Only where the record holds all 12 months one after another (a month it filled in from
        its neighbours counts, at that value).
        """
        months = self._series(name)
        x, y = [], []
        for i in range(11, len(months)):
            window = months[i - 11 : i + 1]
            if (window[-1].after - window[0].first).days > 366:  # a month missing in between
                continue
            last = window[-1].after - dt.timedelta(days=1)
            if lo <= last <= hi:
                x.append(last)
                y.append(sum(m.value for m in window))
        return Points(_dates(x), np.array(y, float), _latest(months))

    def filled(self, name: str, lo: dt.date, hi: dt.date) -> list[str]:
        """Months of ``name`` in ``lo`` .. ``hi`` that the record filled in from neighbours."""
        return [
            m.month
            for m in self._series(name)
            if m.source == _FILLED and m.first <= hi and m.after > lo
        ]


def _mid(m: Month) -> dt.date:
    return m.first + dt.timedelta(days=14)


def _dates(days: Sequence[dt.date]) -> NDArray[np.datetime64]:
    return np.array([np.datetime64(d, "D") for d in days], dtype="datetime64[D]")


def _latest(months: Sequence[Month]) -> dt.date | None:
    return months[-1].after if months else None
