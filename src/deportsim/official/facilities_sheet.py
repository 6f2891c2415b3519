"""Parse a workbook's facility list: one :class:`FacilityRecord` per facility and fiscal year.

Two layouts are read, both found by their header labels, never by fixed cells:

* the ``Facilities FYxx`` sheet of the fiscal-year workbooks: one row per facility, with the
  facility's ADP split by classification level, criminality, threat level and mandatory
  detention. No total is printed, so the facility's ADP is the **sum of the four criminality
  columns** (``Male Crim``, ``Male Non-Crim``, ``Female Crim``, ``Female Non-Crim``); a printed
  total column (``ADP``, ``FY24 ADP``, ``Total ADP``) is taken instead where a sheet has one, and
  the classification levels (``Level A`` … ``Level D``) are summed where a sheet has neither;
* the December 2015 list of authorized facilities (``Facility List - Main``): one row per
  facility with its capacity and one ``FYxx ADP`` column per fiscal year, giving one record per
  facility and year. Its date is read from the ``Notes`` sheet; the figure of the fiscal year
  holding that date (FY2016) is flagged as a year to date. The listing has no field office column
  (``aor`` is empty) and both ``Type`` and ``Type Detailed``: ``Type`` is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from deportsim.core.errors import Location, UserError
from deportsim.official.records import FacilityRecord, fiscal_year_of, ytd_flag
from deportsim.official.workbook import Grid, Workbook, fiscal_year_from_name, number

__all__ = ["parse"]

_NAME = r"^(facility )?name$"
_TOTAL_ADP = r"^(total )?(fy\s?\d+ )?adp( total)?$"
_CRIMINALITY = r"^(male|female) (non-?)?crim"
_LEVEL = r"^level [a-d]$"
_SKIP_NAME = re.compile(r"^(grand )?total\b|^\[\d+\]|^\(?\*", re.IGNORECASE)


@dataclass
class _Header:
    """The header row of a facility table and the columns found in it by their labels."""

    grid: Grid
    row: int

    def columns(self, pattern: str) -> list[int]:
        rx = re.compile(pattern, re.IGNORECASE)
        cells = self.grid.rows.get(self.row, {})
        return [c for c in sorted(cells) if rx.search(self.grid.text(self.row, c))]

    def column(self, pattern: str) -> int | None:
        return next(iter(self.columns(pattern)), None)

    def adp_columns(self) -> list[int]:
        """Columns summing to the facility's ADP: a printed total, else a complete split."""
        for pattern in (_TOTAL_ADP, _CRIMINALITY, _LEVEL):
            if cols := self.columns(pattern):
                return cols[:1] if pattern == _TOTAL_ADP else cols
        return []

    def year_columns(self) -> dict[int, int]:
        """``FYxx ADP`` columns and their fiscal years (the 2015 listing has one per year)."""
        cols = {c: fiscal_year_from_name(self.grid.text(self.row, c)) for c in self.columns("adp")}
        return {c: fy for c, fy in cols.items() if fy is not None}


def _find_header(grid: Grid) -> tuple[_Header, int] | None:
    """The first row with a ``Name`` cell and ADP columns, and its name column."""
    for r, c in grid.find(_NAME):
        header = _Header(grid, r)
        if header.adp_columns() or header.year_columns():
            return header, c
    return None


def parse(wb: Workbook) -> list[FacilityRecord]:
    """Every facility row of the workbook's facility sheet, as records.

    Args:
        wb: a loaded workbook (a fiscal-year detention statistics file or the 2015 listing).

    Returns:
        One record per facility (per facility and ``FYxx ADP`` column in the 2015 listing); an
        empty list when the workbook has no facility sheet. Total, blank and footnote rows are
        skipped.

    Raises:
        UserError: a facility sheet without a header row holding ``Name`` and ADP columns, or a
            fiscal-year sheet whose fiscal year cannot be told.
    """
    grid = wb.sheet(r"^facilit")
    if grid is None:
        return []
    found = _find_header(grid)
    if found is None:
        msg = "facility sheet without a header row holding 'Name' and ADP columns"
        raise UserError(msg, Location(wb.path, path=grid.name))
    header, name_col = found
    if len(header.year_columns()) > 1:
        return _listing(wb, header, name_col)
    fy = wb.fiscal_year or fiscal_year_from_name(grid.name)
    if fy is None:
        msg = "cannot tell the fiscal year of the facility sheet (no FYxx in its or the file name)"
        raise UserError(msg, Location(wb.path, path=grid.name))
    adp_cols = header.adp_columns()
    records = []
    for r in _facility_rows(header, name_col, adp_cols):
        adp = sum(number(grid.get(r, c)) or 0.0 for c in adp_cols)
        records.append(_record(wb, header, r, fy, adp, date=wb.data_date))
    return records


def _facility_rows(header: _Header, name_col: int, value_cols: list[int]) -> list[int]:
    """Rows under the header with a facility name and a number in one of ``value_cols``."""
    grid = header.grid
    rows = []
    for r in sorted(grid.rows):
        name = grid.text(r, name_col)
        if r <= header.row or not name or _SKIP_NAME.search(name):
            continue
        if any(number(grid.get(r, c)) is not None for c in value_cols):
            rows.append(r)
    return rows


def _record(
    wb: Workbook, header: _Header, row: int, fy: int, adp: float, *, date: dt.date | None
) -> FacilityRecord:
    """One facility's record for a fiscal year with data to ``date``; missing columns stay empty."""
    grid = header.grid

    def text(pattern: str) -> str:
        col = header.column(pattern)
        return grid.text(row, col) if col is not None else ""

    def figure(pattern: str) -> float | None:
        col = header.column(pattern)
        return number(grid.get(row, col)) if col is not None else None

    ftype = r"^(facility )?type$" if header.column(r"^(facility )?type$") is not None else r"^type"
    return FacilityRecord(
        fiscal_year=fy,
        name=text(_NAME),
        city=text(r"^city$"),
        state=text(r"^state$"),
        aor=text(r"^(aor|field office)\b"),
        facility_type=text(ftype),
        adp=adp,
        alos=figure(r"\balos\b|length of stay"),
        guaranteed_minimum=figure(r"guaranteed min"),
        source_file=wb.name,
        sheet=grid.name,
        row=row,
        capacity=figure(r"^capacity$"),
        data_date=date,
        flag=ytd_flag(date)
        if date is not None and fy == fiscal_year_of(date.year, date.month)
        else "",
    )


def _notes_date(wb: Workbook) -> dt.date | None:
    """The first date in the top rows of a ``Notes`` sheet (the 2015 listing's data date)."""
    notes = wb.sheet(r"^notes")
    if notes is None:
        return None
    for r in sorted(notes.rows)[:10]:
        for value in notes.rows[r].values():
            if isinstance(value, dt.datetime):
                return value.date()
    return None


def _listing(wb: Workbook, header: _Header, name_col: int) -> list[FacilityRecord]:
    """The 2015 listing: one record per facility and ``FYxx ADP`` column with a number."""
    date = _notes_date(wb) or wb.data_date
    years = header.year_columns()
    records = []
    for r in _facility_rows(header, name_col, list(years)):
        for c, fy in years.items():
            adp = number(header.grid.get(r, c))
            if adp is not None:
                records.append(_record(wb, header, r, fy, adp, date=date))
    return records
