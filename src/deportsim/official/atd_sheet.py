"""Parse the ATD (alternatives to detention) sheet of a detention statistics workbook.

A workbook may hold ATD sheets for two years (FY2024's holds ``ATD EOFY24`` and ``ATD EOFY23``):
only the sheet named for the workbook's own fiscal year is read. Its tables are found by their
titles and labels, never by fixed cells:

* ``atd_participants`` (persons, a count on the data date): active participants by technology
  (``ATD Active Population Counts ... by Technology``, FY2022 on), category the technology as
  printed in snake case (``smartlink``, ``ankle_monitor``, ``no_tech``, ...) and ``all`` for the
  total. The FY2019–FY2021 sheets have no national technology table: only the total (``all``)
  of the table by field office is read for them;
* ``atd_participants_by_aor`` (persons): participants by field office, category the office's
  name as printed (``Atlanta``) and ``all`` for the total;
* ``atd_participants_by_status`` (persons) and ``atd_average_days`` (days, the average length in
  program): by status, category ``famu`` (family units), ``single_adult``, ``ecms_famu``,
  ``ecms_single_adult`` and ``all``;
* ``atd_court_appearance_rate`` (share of hearings attended, by fiscal year, FY2023 on): category
  ``total_hearings`` or ``final_hearings``, for participants with court tracking.

Counts carry the workbook's data date as their period (``YYYY-MM-DD``); the sheets' own "as of"
dates (the contractor's participants report) can differ by a few days. A court table that covers
part of the year ("FY25 thru August") is flagged ``fiscal year to date: data to`` the end of that
month.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from deportsim.core.errors import Location, UserError
from deportsim.official.records import FISCAL_MONTHS, Record, fiscal_month, ytd_flag
from deportsim.official.workbook import (
    Grid,
    Table,
    Workbook,
    cell_name,
    fiscal_year_from_name,
    label,
    number,
    read_table,
    snake,
)

__all__ = ["parse"]

_BY_TECHNOLOGY = r"population counts.*by technology|participants by technology"
_BY_AOR = r"participants and average length in program"
_BY_STATUS = r"population by status"
_COURT = r"court appearance: (total|final) hearings"
#: Technology rows of the table by field office (the other rows name field offices).
_TECHNOLOGY = re.compile(
    r"^(gps|smart ?link|voice ?id|tr|vtel|telephonic|ankle monitor|wrist ?worn|veri ?watch|"
    r"(no|dual) tech(nology)?)$",
    re.IGNORECASE,
)


def _snake(text: str) -> str:
    """A label in snake case; a total is ``all``.

    >>> _snake("Ankle Monitor"), _snake("ECMS-FAMU"), _snake("Total")
    ('ankle_monitor', 'ecms_famu', 'all')
    """
    name = snake(text)
    return "all" if name == "total" else name


def _atd_sheet(wb: Workbook) -> Grid | None:
    """The ATD sheet for the workbook's fiscal year (one without a year in its name if none)."""
    sheets = [g for n, g in wb.sheets.items() if re.match(r"ATD\b", label(n), re.IGNORECASE)]
    years = {g.name: fiscal_year_from_name(g.name) for g in sheets}
    own = [g for g in sheets if years[g.name] == wb.fiscal_year]
    return next(iter(own or [g for g in sheets if years[g.name] is None]), None)


def _table(grid: Grid, pattern: str) -> Table | None:
    """The table under a title, as wide as its header's run of labelled columns."""
    table = read_table(grid, pattern)
    if table is None:
        return None
    width = 1
    while table.title_col + width in table.header:
        width += 1
    return read_table(grid, pattern, width=width, after=table.title_row - 1)


def _rows(table: Table, column: int) -> list[tuple[int, str, float]]:
    """The body's ``(row, label, value)`` where the label column and ``column`` are filled."""
    found = []
    for r in table.rows:
        text, value = table.grid.text(r, table.title_col), number(table.grid.get(r, column))
        if text and value is not None:
            found.append((r, text, value))
    return found


class _Sheet:
    """The ATD sheet being read, and how its records cite it."""

    def __init__(self, wb: Workbook, grid: Grid, fiscal_year: int) -> None:
        self.wb, self.grid, self.fiscal_year = wb, grid, fiscal_year
        date = wb.data_date
        #: the period of a count on the data date
        self.snapshot = date.isoformat() if date else f"FY{fiscal_year}"

    def record(
        self,
        table: str,
        unit: str,
        cell: tuple[int, int],
        value: float,
        *,
        category: str = "all",
        period: str | None = None,
        flag: str = "",
    ) -> Record:
        """A record read from ``cell`` (row, column), by default a count on the data date."""
        return Record(
            table=table, period=period or self.snapshot, fiscal_year=self.fiscal_year,
            value=value, unit=unit, source_file=self.wb.name, sheet=self.grid.name,
            cell=cell_name(*cell), category=category, data_date=self.wb.data_date, flag=flag,
        )  # fmt: skip

    def column(
        self, table: Table, header: str, name: str, unit: str, *,
        category: Callable[[str], str] = _snake, keep: Callable[[str], bool] = bool,
    ) -> list[Record]:  # fmt: skip
        """One record per labelled row of the table's column headed ``header`` (a regex).

        Rows whose label ``keep`` refuses are left out; the label gives the category (by
        default in snake case, ``Total`` being ``all``).
        """
        col = table.column(header)
        if col is None:
            return []
        return [
            self.record(name, unit, (r, col), v, category=category(t))
            for r, t, v in _rows(table, col)
            if keep(t)
        ]

    def counts(self, table: Table, name: str) -> list[Record]:
        """The table's ``Count`` column, by label."""
        return self.column(table, r"^count$", name, "persons")


def parse(wb: Workbook) -> list[Record]:
    """The figures of the ATD sheet for the workbook's fiscal year.

    Args:
        wb: a loaded detention statistics workbook.

    Returns:
        The records of the tables listed in the module's docstring; an empty list when the
        workbook has no ATD sheet for its fiscal year.

    Raises:
        UserError: an ATD sheet with no table of participants by technology (neither the
            national one nor the one by field office and technology).
    """
    grid = _atd_sheet(wb)
    if grid is None or wb.fiscal_year is None:
        return []
    sheet = _Sheet(wb, grid, wb.fiscal_year)
    tech, aor = _table(grid, _BY_TECHNOLOGY), _table(grid, _BY_AOR)
    if tech is None and aor is None:
        msg = "ATD sheet without a table of participants by technology"
        raise UserError(msg, Location(wb.path, path=grid.name))
    records = sheet.counts(tech, "atd_participants") if tech is not None else []
    if aor is not None:
        by_aor = _by_aor(sheet, aor)
        records += by_aor
        if tech is None:  # FY2019-FY2021: no national table by technology, only the total
            total = [r for r in by_aor if r.category == "all"]
            records += [dataclasses.replace(r, table="atd_participants") for r in total]
    status = _table(grid, _BY_STATUS)
    if status is not None:
        records += sheet.counts(status, "atd_participants_by_status")
        records += _average_days(sheet, status)
    return records + _court(sheet)


def _by_aor(sheet: _Sheet, table: Table) -> list[Record]:
    """Participants by field office: the office rows, not the technology rows under each."""
    return sheet.column(table, r"^count$", "atd_participants_by_aor", "persons",
                        category=_office, keep=lambda t: not _TECHNOLOGY.match(t))  # fmt: skip


def _office(text: str) -> str:
    """A field office's name as printed (white space normalised); the total is ``all``."""
    return "all" if _snake(text) == "all" else text


def _average_days(sheet: _Sheet, table: Table) -> list[Record]:
    """Average length in program (ALIP) by status, in days."""
    return sheet.column(table, r"^alip$|average length", "atd_average_days", "days")


def _court(sheet: _Sheet) -> list[Record]:
    """The share of hearings attended, from each court appearance table (FY2023 on)."""
    name, records = "atd_court_appearance_rate", []
    for title_row, title_col in sheet.grid.find(_COURT):
        pattern = re.escape(sheet.grid.text(title_row, title_col))
        table = _table(sheet.grid, f"^{pattern}$")
        col = table.column(r"^%$|percent|rate") if table else None
        if table is None or col is None:
            continue
        title = table.title
        fy = fiscal_year_from_name(title) or sheet.fiscal_year
        if fy != sheet.fiscal_year:
            continue  # another year's table
        kind = "final_hearings" if re.search(r"final hearings", title, re.I) else "total_hearings"
        end = _data_end(title, fy, sheet.wb.data_date)
        flag = ytd_flag(end)
        records += [
            sheet.record(name, "share", (r, col), v, period=f"FY{fy}", category=kind, flag=flag)
            for r, t, v in _rows(table, col)
            if re.match(r"attended", t, re.IGNORECASE)
        ]
    return records


def _data_end(title: str, fy: int, data_date: dt.date | None) -> dt.date | None:
    """The last day a court table covers: ``thru <Month>``, a year end, else the data date.

    >>> _data_end("FY25 thru August Court Appearance: Total Hearings*", 2025, None)
    datetime.date(2025, 8, 31)
    """
    month = re.search(r"thr(?:u|ough) (\w+)", title, re.IGNORECASE)
    if month and month.group(1)[:3].title() in FISCAL_MONTHS:
        year, mm = map(int, fiscal_month(fy, month.group(1)).split("-"))
        return dt.date(year, mm, calendar.monthrange(year, mm)[1])
    if re.search(r"year end|\bEOFY", title, re.IGNORECASE):
        return dt.date(fy, 9, 30)
    return data_date
