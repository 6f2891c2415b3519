"""Parse the "Detention FYxx" sheet of ICE's detention statistics workbooks into tidy records.

Every table is found by a title regex, its columns by their header labels (``Oct`` … ``Sep``,
``Total``, ``FY Overall``, ``Convicted Criminal``, ``ICE``, ``Adult``, ...) and its rows by their
labels (``CBP Average``, ``Pending Criminal Charges``, ``Bonded Out``, ...), never by fixed cells:
ICE moves tables between rows and columns from year to year, renames "FRC" to "FSC", and replaced
"Final Releases" (to FY2023) by "Final Book Outs" (FY2024 on), a different measure kept as a
different table (``final_releases``, ``book_outs``).

A figure printed by two tables (the national ADP in the agency and the facility-type tables, the
book-ins total in the agency and the criminality tables, ...) is kept once, from the table listed
first in ``_TABLES``. In-year workbooks drop the months after their data date, and flag the month
holding it and the fiscal-year totals (see :func:`_flag`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from deportsim.core.errors import Location, UserError
from deportsim.official.records import Record, fiscal_month, ytd_flag
from deportsim.official.workbook import Table, Workbook, cell_name, label, number, read_table, snake

__all__ = ["parse"]

#: Row or column fields of one figure: ``period``, ``agency``, ``criminality``, ``category``.
Fields = dict[str, str]
#: Maps a body row's text cells (column → text) to its fields, or None to skip the row.
RowKey = Callable[[dict[int, str]], Fields | None]

ANNUAL_REPORT_FLAG = "differs from ICE's annual report (pre-lock snapshot)"
#: Fiscal years whose workbook removals differ from ICE's annual reports (FY2021: 59,011;
#: FY2022: 72,177); FY2021's workbook is a snapshot taken before the year's data were locked.
_PRE_LOCK_REMOVALS = (2021, 2022)

_MONTH = re.compile(
    "|".join(f"{n[:3]}(?:{n[3:]})?\\.?" for n in calendar.month_name[1:]), re.IGNORECASE
)
# FY2019's removals value column is headed "Removals", later years' "Total"
_TOTAL = re.compile(r"Total|FY Overall|Removals", re.IGNORECASE)
_AGENCY_ROW = re.compile(r"(?:(ICE|CBP)\b\s*)?(?:Average|Total)?", re.IGNORECASE)
_FACILITY = re.compile(r"FRC|FSC|Adult", re.IGNORECASE)
_CRIMINALITY = (
    (re.compile(r"^convicted", re.IGNORECASE), "convicted"),
    (re.compile(r"^pending", re.IGNORECASE), "pending"),
    (re.compile(r"^other immigration", re.IGNORECASE), "other"),
    (re.compile(r"^non-?\s?criminal", re.IGNORECASE), "non_criminal"),
    (re.compile(r"^total$", re.IGNORECASE), "all"),
)


def _criminality(text: str) -> str | None:
    """The criminality a row or column label names (``Total`` → ``all``), or None."""
    return next((name for rx, name in _CRIMINALITY if rx.search(text)), None)


def _column(header: str, fiscal_year: int, total: str) -> Fields | None:
    """What a value column holds, from its header label; None for label and percent columns.

    ``total`` is the period of a column that is not a month: the fiscal year, or the data date
    for a snapshot table.

    >>> _column("Oct", 2025, "FY2025"), _column("FY Overall", 2025, "FY2025")
    ({'period': '2024-10'}, {'period': 'FY2025'})
    >>> _column("Pending Criminal Charges", 2019, "FY2019"), _column("Percent ICE", 2019, "x")
    ({'period': 'FY2019', 'criminality': 'pending'}, None)
    """
    if _MONTH.fullmatch(header):
        return {"period": fiscal_month(fiscal_year, header)}
    if header.lower().startswith("percent"):
        return None
    fields = {"period": total}
    if _TOTAL.fullmatch(header):
        return fields
    if (crim := _criminality(header)) is not None:
        fields["criminality"] = crim
    elif header.upper() in {"ICE", "CBP"}:
        fields["agency"] = header.upper()
    elif _FACILITY.fullmatch(header):
        fields["category"] = f"facility:{header.lower()}"
    else:
        return None
    return fields


# ----- row keys: one factory per kind of row labels, given the table ---------------------------


def _by_agency(t: Table) -> RowKey:
    """Agency rows (``CBP Average``, ``ICE``, ``Average``, ``Total``), each with criminality rows.

    The criminality rows (``Convicted Criminal``, ``Non-Criminal``, ...) under an agency's row
    belong to that agency.
    """
    agency = "all"

    def key(cells: dict[int, str]) -> Fields | None:
        nonlocal agency
        text = cells.get(t.title_col, "")
        if text and (m := _AGENCY_ROW.fullmatch(text)):
            agency = m.group(1).upper() if m.group(1) else "all"
            return {"agency": agency}
        crim = _criminality(text)
        return None if crim is None else {"agency": agency, "criminality": crim}

    return key


def _by_facility(t: Table) -> RowKey:
    """Rows ``Total`` and facility types (``FRC``, ``FSC``, ``Adult``)."""

    def key(cells: dict[int, str]) -> Fields | None:
        text = cells.get(t.title_col, "")
        if text.lower() == "total":
            return {}
        return {"category": f"facility:{text.lower()}"} if _FACILITY.fullmatch(text) else None

    return key


def _by_reason(t: Table) -> RowKey:
    """Release reasons; the first ``Total`` row is all reasons.

    From FY2021 each reason is a ``Total`` row then one row per criminality in a ``Criminality``
    column; before, the criminalities are columns.
    """
    crim_col = t.column(r"^Criminality$")
    reason = "all"

    def key(cells: dict[int, str]) -> Fields | None:
        nonlocal reason
        if text := cells.get(t.title_col, ""):
            reason = "all" if text.lower() == "total" else snake(text)
        crim = _criminality(cells.get(crim_col, "Total")) if crim_col is not None else "all"
        return None if crim is None else {"category": reason, "criminality": crim}

    return key


def _by_label(t: Table, prefix: str = "") -> RowKey:
    """Rows ``Total`` and one row per category named by its label, in snake case.

    ``prefix`` and articles are dropped so that names stay the same across years ("Removals with
    an FRC Detention", FY2019, and "Removals with a FRC Detention", FY2021, are both
    ``with_frc_detention``).
    """

    def key(cells: dict[int, str]) -> Fields | None:
        text = cells.get(t.title_col, "")
        if not text:
            return None
        if text.lower() == "total":
            return {}
        drop = rf"^{prefix}\s+|" if prefix else ""
        text = re.sub(rf"{drop}\b(?:a|an|the)\b", " ", text, flags=re.IGNORECASE)
        return {"category": snake(text)}

    return key


def _by_criminality(t: Table) -> RowKey:
    """Rows ``Total`` and one per criminality."""

    def key(cells: dict[int, str]) -> Fields | None:
        crim = _criminality(cells.get(t.title_col, ""))
        return None if crim is None else {"criminality": crim}

    return key


def _by_removals(t: Table) -> RowKey:
    """Rows ``Total`` and sub-rows ("Removals with a FAMU Identifier": ``with_famu_identifier``)."""
    return _by_label(t, prefix="Removals")


@dataclass(frozen=True)
class _Spec:
    """One table of the sheet: what it measures, how to find it, how to read its rows."""

    table: str
    unit: str
    title: str
    rows: Callable[[Table], RowKey]
    required: str = ""  # the table's name in the error when it is missing; "" if optional
    snapshot: bool = False  # a count on the data date, not over the fiscal year


_BY_AGENCY_MONTH_CRIM = r"by Arresting Agency,? Month,? and Criminality"
_TABLES = (
    _Spec("book_ins", "persons", r"Initial Book-?Ins by Arresting Agency and Month", _by_agency,
          required="Initial Book-Ins by Arresting Agency and Month"),
    _Spec("book_ins", "persons", r"Initial Book-?Ins by (?:Facility Type and )?Criminality",
          _by_facility),
    _Spec("final_releases", "persons", r"Final Releases by Release Reason", _by_reason),
    _Spec("final_releases", "persons", r"Final Releases(?: by Facility Type)?\s*:", _by_facility),
    _Spec("book_outs", "persons", r"Final Book ?Outs by Release Reason", _by_reason),
    _Spec("book_outs", "persons", r"Final Book ?Outs(?: by Facility Type)?\s*:", _by_facility),
    _Spec("adp", "persons/day", rf"Average Daily Population {_BY_AGENCY_MONTH_CRIM}", _by_agency,
          required="Average Daily Population by Arresting Agency, Month and Criminality"),
    _Spec("adp", "persons/day", r"Average Daily Population by (?:Facility Type and )?Month",
          _by_facility),
    _Spec("alos", "days", rf"Average Length of Stay {_BY_AGENCY_MONTH_CRIM}", _by_agency,
          required="Average Length of Stay by Arresting Agency, Month and Criminality"),
    _Spec("alos", "days", r"Average Length of Stay by (?:Facility Type and )?Month", _by_facility),
    _Spec("removals", "persons", r"^(?:ICE )?Removals\s*:", _by_removals, required="Removals"),
    _Spec("currently_detained", "persons", r"Currently Detained by Processing Disposition",
          _by_label, snapshot=True),
    _Spec("currently_detained", "persons", r"Currently Detained by Criminality and Arresting",
          _by_criminality, snapshot=True),
)  # fmt: skip


def _merge(row: Fields, col: Fields) -> Fields:
    """A figure's fields from its row's and its column's; two categories nest (column first)."""
    row = {k: v for k, v in row.items() if v != "all"}
    out = {**col, **row}
    if "category" in row and "category" in col:
        out["category"] = f"{col['category']}:{row['category']}"
    return out


def _cells(
    t: Table, rows: RowKey, fiscal_year: int, total: str
) -> Iterator[tuple[int, int, float, Fields]]:
    """Each numeric cell of a table's value columns: row, column, value and fields."""
    columns = {
        c: fields
        for c, head in t.header.items()
        if c > t.title_col and (fields := _column(head, fiscal_year, total)) is not None
    }
    for r in t.rows:
        cells = {c: label(v) for c, v in t.grid.rows[r].items() if isinstance(v, str)}
        key = rows(cells)
        if key is None:
            continue
        for c, col in columns.items():
            value = number(t.grid.get(r, c))
            if value is not None:
                yield r, c, value, _merge(key, col)


def _flag(table: str, period: str, fiscal_year: int, data_date: dt.date) -> str | None:
    """The figure's flag (often ""), or None for a month after the data date (no data yet)."""
    flags = []
    if re.fullmatch(r"\d{4}-\d{2}", period):
        year, month = int(period[:4]), int(period[5:])
        if dt.date(year, month, 1) > data_date:
            return None
        in_month = (year, month) == (data_date.year, data_date.month)
        if in_month and data_date.day < calendar.monthrange(year, month)[1]:
            flags.append(f"partial month: data to {data_date.isoformat()}")
    elif period.startswith("FY") and data_date < dt.date(fiscal_year, 9, 30):
        flags.append(ytd_flag(data_date))
    if table == "removals" and fiscal_year in _PRE_LOCK_REMOVALS:
        flags.append(ANNUAL_REPORT_FLAG)
    return "; ".join(flags)


def parse(wb: Workbook) -> list[Record]:
    """All figures of a workbook's Detention sheet, one record per figure.

    Args:
        wb: a loaded workbook (:func:`deportsim.official.workbook.load_workbook`).

    Returns:
        The records in table order, or ``[]`` when the workbook has no sheet named
        ``Detention...``.

    Raises:
        UserError: the sheet lacks one of the tables the model needs (book-ins by agency and
            month, ADP and ALOS by agency, month and criminality, removals), or the workbook's
            fiscal year or data date cannot be told from its name.
    """
    grid = wb.sheet(r"^Detention")
    if grid is None:
        return []
    where = Location(wb.path, path=grid.name)
    fy, data_date = wb.fiscal_year, wb.data_date
    if fy is None or data_date is None:
        raise UserError("cannot tell the workbook's fiscal year and data date from its name", where)
    found: dict[tuple[str, str, str, str, str], Record] = {}
    for spec in _TABLES:
        t = read_table(grid, spec.title, header_anywhere=True)
        if t is None:
            if spec.required:
                raise UserError(f"no table {spec.required!r} found in the sheet", where)
            continue
        total = data_date.isoformat() if spec.snapshot else f"FY{fy}"
        cells = list(_cells(t, spec.rows(t), fy, total))
        if spec.required and not cells:
            raise UserError(f"no figures read from the table {spec.required!r}", where)
        for r, c, value, fields in cells:
            flag = _flag(spec.table, fields["period"], fy, data_date)
            if flag is None:
                continue
            rec = Record(
                table=spec.table,
                period=fields["period"],
                fiscal_year=fy,
                value=value,
                unit=spec.unit,
                source_file=wb.name,
                sheet=grid.name,
                cell=cell_name(r, c),
                agency=fields.get("agency", "all"),
                criminality=fields.get("criminality", "all"),
                category=fields.get("category", "all"),
                data_date=data_date,
                flag=flag,
            )
            key = (rec.table, rec.period, rec.agency, rec.criminality, rec.category)
            found.setdefault(key, rec)
    return list(found.values())
