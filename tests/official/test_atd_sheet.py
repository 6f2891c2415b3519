"""atd_sheet.parse on every ICE workbook: tables, provenance, and figures read by hand."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.official import atd_sheet
from deportsim.official.records import Record
from deportsim.official.workbook import Grid, Workbook
from ice_data import ALL_FILES, FY_FILES, LISTING_2015, workbook


@functools.cache
def _records(name: str) -> tuple[Record, ...]:
    return tuple(atd_sheet.parse(workbook(name)))


def _one(name: str, table: str, category: str = "all") -> Record:
    found = [r for r in _records(name) if r.table == table and r.category == category]
    assert len(found) == 1, (name, table, category, found)
    return found[0]


# (file, table, category, cell, value): read by hand from the ATD sheet of each file.
HAND_READ = [
    ("FY19-detentionstats.xlsx", "atd_participants", "all", "B19", 83186),  # Total, by AOR table
    ("FY19-detentionstats.xlsx", "atd_participants_by_aor", "Atlanta", "B20", 6835),
    ("FY19-detentionstats.xlsx", "atd_participants_by_status", "famu", "B7", 58608),
    ("FY20-detentionstats.xlsx", "atd_participants", "all", "B18", 85415),
    ("FY20-detentionstats.xlsx", "atd_participants_by_aor", "Washington DC", "B111", 2701),
    ("FY21-detentionstats.xlsx", "atd_participants", "all", "B18", 136026),
    ("FY21-detentionstats.xlsx", "atd_participants_by_aor", "San Antonio", "B91", 14377),
    ("FY22-detentionStats.xlsx", "atd_participants", "all", "B13", 322701),
    ("FY22-detentionStats.xlsx", "atd_participants", "smartlink", "B10", 257454),
    ("FY22-detentionStats.xlsx", "atd_participants_by_aor", "Harlingen", "B74", 58376),
    # FY23: 'ATD EOFY23 ' (the file's 'ATD FY24 YTD' sheet says GPS 13,105 in B9: not read)
    ("FY23_detentionStats.xlsx", "atd_participants", "gps", "B9", 12576),
    ("FY23_detentionStats.xlsx", "atd_participants", "all", "B15", 194427),
    ("FY23_detentionStats.xlsx", "atd_participants_by_aor", "Miami", "B96", 18321),
    ("FY23_detentionStats.xlsx", "atd_court_appearance_rate", "total_hearings", "G10", 0.991),
    # FY24: 'ATD EOFY24' (the file's 'ATD EOFY23 ' sheet says Total 194,427 in B15: not read)
    ("FY24_detentionStats.xlsx", "atd_participants", "all", "B15", 179071),
    ("FY24_detentionStats.xlsx", "atd_participants", "ankle_monitor", "B10", 17225),
    ("FY24_detentionStats.xlsx", "atd_participants_by_aor", "Chicago", "B57", 19269),
    ("FY24_detentionStats.xlsx", "atd_court_appearance_rate", "final_hearings", "G21", 0.90416),
    ("FY24_detentionStats.xlsx", "atd_average_days", "all", "C25", 589.112),
    ("FY25_detentionStats09242025.xlsx", "atd_participants", "all", "B15", 181210),
    ("FY25_detentionStats09242025.xlsx", "atd_participants", "ankle_monitor", "B10", 30249),
    ("FY25_detentionStats09242025.xlsx", "atd_participants_by_aor", "Atlanta", "B31", 5943),
    ("FY26_detentionStats_04092026.xlsx", "atd_participants", "all", "B13", 180701),
    ("FY26_detentionStats_04092026.xlsx", "atd_participants", "wristworn", "B11", 2707),
    ("FY26_detentionStats_04092026.xlsx", "atd_participants_by_aor", "Boston", "B40", 8105),
    ("FY26_detentionStats_04092026.xlsx", "atd_participants_by_status", "famu", "B19", 67299),
]


@pytest.mark.parametrize(("name", "table", "category", "cell", "value"), HAND_READ)
def test_hand_read_figures(name: str, table: str, category: str, cell: str, value: float) -> None:
    rec = _one(name, table, category)
    assert rec.cell == cell
    assert rec.value == pytest.approx(value, rel=1e-4)


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_record_says_where_it_came_from(name: str) -> None:
    wb = workbook(name)
    for r in _records(name):
        assert r.source_file == name
        assert r.sheet in wb.sheets
        assert re.fullmatch(r"[A-Z]+[1-9]\d*", r.cell), r
        assert r.fiscal_year == wb.fiscal_year
        assert r.data_date == wb.data_date
        assert r.unit in {"persons", "days", "share"}


@pytest.mark.parametrize("name", FY_FILES)
def test_tables_add_up(name: str) -> None:
    records = _records(name)
    total = _one(name, "atd_participants").value
    offices = [r for r in records if r.table == "atd_participants_by_aor" and r.category != "all"]
    assert len(offices) >= 24  # 24 field offices to FY2021, 25 with Harlingen from FY2022
    assert sum(r.value for r in offices) == total
    assert _one(name, "atd_participants_by_aor").value == total
    assert _one(name, "atd_participants_by_status").value == total
    tech = [r for r in records if r.table == "atd_participants" and r.category != "all"]
    if name[:4] in {"FY19", "FY20", "FY21"}:
        assert tech == []  # these print participants by technology only within each office
    else:
        assert len(tech) >= 4
        assert sum(r.value for r in tech) == total
    snapshot = workbook(name).data_date
    assert snapshot is not None
    assert {r.period for r in records if r.unit != "share"} == {snapshot.isoformat()}


def test_only_the_sheet_of_the_files_own_year_is_read() -> None:
    assert {r.sheet for r in _records("FY23_detentionStats.xlsx")} == {"ATD EOFY23 "}
    assert {r.sheet for r in _records("FY24_detentionStats.xlsx")} == {"ATD EOFY24"}


def test_court_rates_of_in_year_files_are_flagged() -> None:
    rates = [r for r in _records(FY_FILES[-2]) if r.table == "atd_court_appearance_rate"]
    assert {r.category for r in rates} == {"total_hearings", "final_hearings"}
    # the tables say 'FY25 thru August'
    assert {(r.period, r.flag) for r in rates} == {
        ("FY2025", "fiscal year to date: data to 2025-08-31")
    }
    full_year = [r for r in _records("FY24_detentionStats.xlsx") if r.unit == "share"]
    assert len(full_year) == 2
    assert all(r.flag == "" for r in full_year)


def test_listing_has_no_atd_sheet() -> None:
    assert _records(LISTING_2015) == ()


def _synthetic(sheets: dict[str, str]) -> Workbook:
    """A workbook whose sheets hold one text each, in A1."""
    grids = {n: Grid(n, {1: {0: text}}) for n, text in sheets.items()}
    return Workbook(Path("FY24_test.xlsx"), grids, 2024, dt.date(2024, 9, 30))


def test_atd_sheet_without_participants_table_is_a_user_error() -> None:
    wb = _synthetic({"ATD FY24": "ICE ALTERNATIVES TO DETENTION DATA, FY24"})
    with pytest.raises(UserError, match="by technology") as err:
        atd_sheet.parse(wb)
    assert "ATD FY24" in str(err.value)


def test_no_atd_sheet_for_the_year_gives_nothing() -> None:
    assert atd_sheet.parse(_synthetic({"Detention FY24": "x"})) == []
    assert atd_sheet.parse(_synthetic({"ATD FY23": "another year's sheet"})) == []
