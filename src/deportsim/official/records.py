"""The tidy rows the importer produces: one national figure, or one facility's year.

Every row keeps where it came from (file, sheet, cell or row, the workbook's data date) so that a
figure can be traced back to the cell a reader would look at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "FISCAL_MONTHS",
    "FacilityRecord",
    "Record",
    "fiscal_month",
    "fiscal_year_of",
    "ytd_flag",
]

#: Fiscal-year month labels in the order ICE's tables print them (October first).
FISCAL_MONTHS = ("Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep")


def fiscal_month(fiscal_year: int, label: str) -> str:
    """The calendar month ``YYYY-MM`` of a month label in a fiscal year.

    >>> fiscal_month(2025, "Oct"), fiscal_month(2025, "Sep")
    ('2024-10', '2025-09')
    """
    index = FISCAL_MONTHS.index(label.strip()[:3].title())
    year = fiscal_year - 1 if index < 3 else fiscal_year
    month = (index + 9) % 12 + 1
    return f"{year:04d}-{month:02d}"


def fiscal_year_of(year: int, month: int) -> int:
    """The federal fiscal year (October to September) of a calendar month.

    >>> fiscal_year_of(2024, 9), fiscal_year_of(2024, 10)
    (2024, 2025)
    """
    return year + 1 if month >= 10 else year


def ytd_flag(data_end: dt.date | None) -> str:
    """The flag of a fiscal-year figure whose data end before 30 September, else ``""``.

    >>> ytd_flag(dt.date(2025, 9, 24)), ytd_flag(dt.date(2024, 9, 30))
    ('fiscal year to date: data to 2025-09-24', '')
    """
    if data_end is None or (data_end.month, data_end.day) == (9, 30):
        return ""
    return f"fiscal year to date: data to {data_end.isoformat()}"


@dataclass(frozen=True)
class Record:
    """One national figure from a workbook table.

    Attributes:
        table: what the table measures, e.g. ``book_ins``, ``book_outs``, ``adp``, ``alos``,
            ``removals``, ``atd_participants`` (see docs/data.md for the list).
        period: ``YYYY-MM`` for a month, ``FY2024`` for a fiscal year, ``YYYY-MM-DD`` for a
            snapshot on a date.
        fiscal_year: the fiscal year the figure belongs to.
        value: the number as published (people, days, ...).
        unit: ``persons``, ``persons/day`` (ADP), ``days`` (ALOS), ``share``, ``rate``.
        agency: arresting agency (``ICE``, ``CBP``) or ``all``.
        criminality: ``convicted``, ``pending``, ``other``, ``non_criminal`` or ``all``.
        category: the table's own breakdown (release reason, facility type, ATD technology, field
            office, processing disposition, ...) or ``all``.
        source_file: the workbook's file name.
        sheet: the sheet's name as printed in the workbook.
        cell: the cell the value was read from, e.g. ``J21``.
        data_date: the workbook's data date (``as of``), when known.
        flag: a known data-quality problem with this figure, or empty.
    """

    table: str
    period: str
    fiscal_year: int
    value: float
    unit: str
    source_file: str
    sheet: str
    cell: str
    agency: str = "all"
    criminality: str = "all"
    category: str = "all"
    data_date: dt.date | None = None
    flag: str = ""


@dataclass(frozen=True)
class FacilityRecord:
    """One facility's figures for one fiscal year (facility sheets; aggregate, not personal).

    ``adp`` is the facility's average daily population over the fiscal year to the data date;
    ``alos`` its average length of stay in days; ``facility_type`` ICE's code (IGSA, SPC, CDF,
    USMS IGA, DIGSA, ...); ``aor`` the field office (area of responsibility) code; ``capacity``
    the beds ICE may use there where the sheet gives them (the 2015 listing); ``row`` the sheet
    row the figures were read from.
    """

    fiscal_year: int
    name: str
    city: str
    state: str
    aor: str
    facility_type: str
    adp: float
    alos: float | None
    guaranteed_minimum: float | None
    source_file: str
    sheet: str
    row: int
    capacity: float | None = None
    data_date: dt.date | None = None
    flag: str = ""
