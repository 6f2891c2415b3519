"""The national series the model needs, from the local store or from the curated table shipped.

``national(table, agency)`` gives a series of ``(period, value)``: monthly (``YYYY-MM``) or by
fiscal year (``FY2024``). It reads the local store when ICE's workbooks have been imported
(``deportsim data import``), keeping for each period the figure of the newest workbook, else the
curated table shipped with deportsim (``official/curated/national.csv``), so that everything
works on a fresh machine with no workbook at hand. ``scripts/curate_official.py`` rebuilds the
curated table from the workbooks; a test checks that it equals what the importer reads from them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from deportsim.official import store
from deportsim.official.records import Record

__all__ = [
    "CURATED_COLUMNS",
    "CURATED_TABLES",
    "Figure",
    "curated_rows",
    "national",
    "read_curated",
    "versions",
]

#: The tables kept in the curated national table (national totals, by arresting agency; ATD
#: participants are counts on each workbook's data date).
CURATED_TABLES = (
    "book_ins",
    "adp",
    "alos",
    "book_outs",
    "final_releases",
    "removals",
    "atd_participants",
)
#: Breakdowns kept besides the totals: book-outs to removal (monthly from FY2024) are the
#: removals from detention that the backtest compares with.
CURATED_CATEGORIES = {"book_outs": ("all", "release_to_remove")}
CURATED_COLUMNS = (
    "table", "agency", "category", "period", "value", "unit", "publisher", "file", "sheet", "cell",
    "data_date", "flag",
)  # fmt: skip
PUBLISHER = "U.S. Immigration and Customs Enforcement, ERO detention statistics"


@dataclass(frozen=True)
class Figure:
    """One national figure with its citation."""

    table: str
    agency: str
    category: str
    period: str
    value: float
    unit: str
    file: str
    sheet: str
    cell: str
    data_date: dt.date | None
    flag: str


def curated_rows(records: Iterable[Record]) -> list[dict[str, str]]:
    """The curated table's rows from importer records: national totals by agency, newest first."""
    best: dict[tuple[str, ...], Record] = {}
    for r in records:
        if r.table not in CURATED_TABLES or r.criminality != "all":
            continue
        if r.category not in CURATED_CATEGORIES.get(r.table, ("all",)):
            continue
        key = (r.table, r.agency, r.category, r.period)
        old = best.get(key)
        if old is None or (r.data_date or dt.date.min) > (old.data_date or dt.date.min):
            best[key] = r
    rows = [
        {
            "table": r.table,
            "agency": r.agency,
            "category": r.category,
            "period": r.period,
            "value": repr(r.value),
            "unit": r.unit,
            "publisher": PUBLISHER,
            "file": r.source_file,
            "sheet": r.sheet,
            "cell": r.cell,
            "data_date": r.data_date.isoformat() if r.data_date else "",
            "flag": r.flag,
        }
        for r in best.values()
    ]
    rows.sort(key=lambda d: (d["table"], d["agency"], d["category"], d["period"]))
    return rows


def _figure(row: dict[str, str]) -> Figure:
    date = dt.date.fromisoformat(row["data_date"]) if row["data_date"] else None
    return Figure(
        row["table"], row["agency"], row["category"], row["period"], float(row["value"]),
        row["unit"], row["file"], row["sheet"], row["cell"], date, row["flag"],
    )  # fmt: skip


@functools.cache
def read_curated() -> tuple[Figure, ...]:
    """The curated table shipped with deportsim."""
    text = resources.files("deportsim.official").joinpath("curated", "national.csv").read_text()
    return tuple(_figure(row) for row in csv.DictReader(text.splitlines()))


def _from_store(table: str, agency: str, category: str, db: Path | None) -> list[Figure]:
    rows = store.query(
        'SELECT "table", agency, category, period, value, unit, source_file, sheet, cell, '
        'data_date, flag FROM figures WHERE "table" = ? AND agency = ? '
        "AND criminality = 'all' AND category = ? QUALIFY row_number() OVER "
        "(PARTITION BY period ORDER BY data_date DESC, source_file DESC) = 1 ORDER BY period",
        [table, agency, category],
        path=db,
    )
    return [Figure(*r) for r in rows]


def national(
    table: str, agency: str = "all", db: Path | None = None, category: str = "all"
) -> list[Figure]:
    """A national series by period (months ``YYYY-MM`` sort before years ``FY....``).

    ``category`` picks a breakdown of the table, e.g. ``release_to_remove`` of ``book_outs``.
    """
    found = _from_store(table, agency, category, db)
    if not found:
        found = [
            f
            for f in read_curated()
            if f.table == table and f.agency == agency and f.category == category
        ]
    return sorted(found, key=lambda f: f.period)


def versions(
    table: str, agency: str = "all", db: Path | None = None, category: str = "all"
) -> list[Figure]:
    """Every published version of a national series: one figure per period and workbook.

    A period printed by several workbooks (a month first partial, then complete; a figure
    revised) appears once per workbook, each with its data date, so that what was known on a
    date can be rebuilt (:mod:`deportsim.official.vintage`). From the local store when
    workbooks have been imported, else the curated table (which keeps the newest version only).
    """
    rows = store.query(
        'SELECT "table", agency, category, period, value, unit, source_file, sheet, cell, '
        'data_date, flag FROM figures WHERE "table" = ? AND agency = ? '
        "AND criminality = 'all' AND category = ? ORDER BY period, data_date, source_file",
        [table, agency, category],
        path=db,
    )
    if rows:
        return [Figure(*r) for r in rows]
    return national(table, agency, db, category)
