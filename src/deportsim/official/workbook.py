"""Read a workbook into plain grids and find tables by their labels, never by fixed cells.

ICE's layouts drift from year to year (header rows move, tables gain columns, measures are
renamed), so every parser starts from a label it can find: a table's title (matched by a regular
expression), then the header row under it, then the rows under that until a blank row.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deportsim.core.errors import Location, UserError, clip

__all__ = [
    "Grid",
    "Table",
    "Workbook",
    "cell_name",
    "data_date_from_name",
    "fiscal_year_from_name",
    "label",
    "load_workbook",
    "number",
    "read_table",
    "snake",
]

Value = str | float | int | dt.datetime | None


def cell_name(row: int, col: int) -> str:
    """Spreadsheet name of a 1-based row and 0-based column.

    >>> cell_name(21, 9), cell_name(3, 26)
    ('J21', 'AA3')
    """
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def label(value: Value) -> str:
    r"""A cell's text with runs of white space (including no-break spaces) made single spaces.

    >>> label("  ICE  Average\xa0 ")
    'ICE Average'
    """
    if value is None:
        return ""
    return " ".join(str(value).replace("\xa0", " ").split())


def number(value: object) -> float | None:
    """A numeric cell's value as float; None for text, dates, booleans and blanks.

    >>> number(3), number(2.5), number("3"), number(True)
    (3.0, 2.5, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def snake(text: str) -> str:
    """A label as lower-case words joined by ``_``, dots and apostrophes dropped.

    >>> snake("Transfer to U.S. Marshals or other agency"), snake("Expedited Removal (I-860)")
    ('transfer_to_us_marshals_or_other_agency', 'expedited_removal_i_860')
    """
    text = re.sub(r"[.'’]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass
class Grid:
    """One sheet's non-empty cells: ``rows[r]`` maps 0-based column to value (rows are 1-based)."""

    name: str
    rows: dict[int, dict[int, Value]]

    def get(self, row: int, col: int) -> Value:
        """The value at a 1-based row and 0-based column, or None."""
        return self.rows.get(row, {}).get(col)

    def text(self, row: int, col: int) -> str:
        """The cell's text, white space normalised (see :func:`label`)."""
        return label(self.get(row, col))

    def find(self, pattern: str, *, after: int = 0) -> Iterator[tuple[int, int]]:
        """Cells whose text matches ``pattern`` (case-insensitive regex), in reading order."""
        rx = re.compile(pattern, re.IGNORECASE)
        for r in sorted(self.rows):
            if r <= after:
                continue
            for c in sorted(self.rows[r]):
                v = self.rows[r][c]
                if isinstance(v, str) and rx.search(label(v)):
                    yield r, c

    def find_one(self, pattern: str, *, after: int = 0) -> tuple[int, int] | None:
        """The first cell matching ``pattern``, or None."""
        return next(self.find(pattern, after=after), None)

    def max_row(self) -> int:
        """The last row that has a value."""
        return max(self.rows, default=0)


@dataclass
class Table:
    """A table found under a title: its header labels and the rows beneath it.

    ``header`` maps column to header text; ``rows`` lists the 1-based sheet rows of the body, from
    the row under the header to the last row before a blank row (or before the next title).
    """

    grid: Grid
    title: str
    title_row: int
    title_col: int
    header_row: int
    header: dict[int, str]
    rows: list[int] = field(default_factory=list)

    def column(self, pattern: str) -> int | None:
        """The first header column (at or right of the title's) whose label matches ``pattern``."""
        rx = re.compile(pattern, re.IGNORECASE)
        for c in sorted(self.header):
            if c >= self.title_col and rx.search(self.header[c]):
                return c
        return None


#: Columns in an Excel sheet: a table with no title to its right reaches the sheet's edge.
SHEET_EDGE = 16_384


def read_table(
    grid: Grid, title_pattern: str, *, width: int | None = None, after: int = 0,
    header_anywhere: bool = False,
) -> Table | None:  # fmt: skip
    """Find the table whose title matches ``title_pattern`` and read its header and body rows.

    The header is the first row under the title with text in the title's column (with
    ``header_anywhere``, in any of the table's columns: FY2019's removals table has no label
    above its row labels); body rows follow until a row with nothing in the table's columns.
    ``width`` limits the table to that many columns from the title's (side-by-side tables share
    rows); by default it reaches the next title on the title's row, or the sheet's edge.
    """
    hit = grid.find_one(title_pattern, after=after)
    if hit is None:
        return None
    tr, tc = hit
    if width is None:
        others = [c for c in grid.rows.get(tr, {}) if c > tc and grid.text(tr, c)]
        width = (min(others) - tc) if others else SHEET_EDGE
    end = tc + width

    def texts(r: int) -> dict[int, str]:
        """The row's labelled cells within the table's columns."""
        return {c: t for c, v in grid.rows.get(r, {}).items() if tc <= c < end and (t := label(v))}

    hr = tr + 1
    last = grid.max_row()
    while hr <= last and not (texts(hr) if header_anywhere else grid.text(hr, tc)):
        hr += 1
    body: list[int] = []
    r = hr + 1
    while r <= last and texts(r):
        body.append(r)
        r += 1
    return Table(grid, label(grid.get(tr, tc)), tr, tc, hr, texts(hr), body)


@dataclass
class Workbook:
    """A workbook's sheets as grids, with its file name, fiscal year and data date."""

    path: Path
    sheets: dict[str, Grid]
    fiscal_year: int | None
    data_date: dt.date | None

    @property
    def name(self) -> str:
        """The file name (sources cite it)."""
        return self.path.name

    def sheet(self, pattern: str) -> Grid | None:
        """The first sheet whose name (white space normalised) matches ``pattern``."""
        rx = re.compile(pattern, re.IGNORECASE)
        return next((g for n, g in self.sheets.items() if rx.search(label(n))), None)


_FY = re.compile(r"FY\s?(\d{2})(?!\d)", re.IGNORECASE)
_DATE = re.compile(r"(\d{2})(\d{2})(20\d{2})(?!\d)")


def fiscal_year_from_name(name: str) -> int | None:
    """The fiscal year in a file or sheet name (``FY24_...`` → 2024), or None.

    >>> fiscal_year_from_name("FY25_detentionStats09242025.xlsx")
    2025
    """
    m = _FY.search(name)
    return 2000 + int(m.group(1)) if m else None


def data_date_from_name(name: str, fiscal_year: int | None) -> dt.date | None:
    """The data date: ``MMDDYYYY`` in the file name, else the last day of a whole fiscal year.

    >>> data_date_from_name("FY26_detentionStats_04092026.xlsx", 2026)
    datetime.date(2026, 4, 9)
    >>> data_date_from_name("FY24_detentionStats.xlsx", 2024)
    datetime.date(2024, 9, 30)
    """
    m = _DATE.search(name)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    return dt.date(fiscal_year, 9, 30) if fiscal_year else None


def _grid(ws: Any, where: Location) -> Grid:
    """One sheet's cells; a sheet openpyxl cannot read (cut off, a damaged cell) is a UserError.

    The read-only reader parses a sheet's XML only while iterating it, so damage inside a sheet
    shows here, not when the workbook is opened.
    """
    try:
        return Grid(ws.title, _cells(ws))
    except Exception as exc:  # noqa: BLE001 (openpyxl and ElementTree raise many kinds)
        detail = clip(str(exc) or type(exc).__name__, 200)
        raise UserError(
            f"cannot read sheet {ws.title!r}: {detail} (the file is damaged); nothing was stored",
            where,
        ) from None


def _cells(ws: Any) -> dict[int, dict[int, Value]]:
    rows: dict[int, dict[int, Value]] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        kept = {c: v for c, v in enumerate(row) if v is not None and v != ""}
        if kept:
            rows[r] = kept
    return rows


def load_workbook(path: Path) -> Workbook:
    """Read every sheet of an ``.xlsx`` file; a file that is not one is a :class:`UserError`."""
    import openpyxl  # noqa: PLC0415 (imported on use: `deportsim run` never needs it)

    where = Location(path)
    if path.is_dir():
        raise UserError("a folder, not a workbook file (give the .xlsx files in it)", where)
    if not path.is_file():
        raise UserError("no such file", where)
    if not zipfile.is_zipfile(path):
        raise UserError("not an Excel workbook (.xlsx): the file is not a zip archive", where)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise UserError(f"cannot read the workbook: {exc}", where) from None
    try:
        sheets = {ws.title: _grid(ws, where) for ws in wb.worksheets}
    finally:
        wb.close()
    fy = fiscal_year_from_name(path.name)
    if fy is None:
        fy = next((y for n in sheets if (y := fiscal_year_from_name(n)) is not None), None)
    return Workbook(path, sheets, fy, data_date_from_name(path.name, fy))
