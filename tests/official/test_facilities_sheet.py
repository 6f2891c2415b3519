"""facilities_sheet.parse on every ICE workbook: rows, provenance, sums and figures read by hand."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.official import facilities_sheet
from deportsim.official.records import FacilityRecord
from deportsim.official.workbook import Grid, Workbook
from ice_data import ALL_FILES, FY_FILES, LISTING_2015, workbook


@functools.cache
def _records(name: str) -> tuple[FacilityRecord, ...]:
    return tuple(facilities_sheet.parse(workbook(name)))


#: National ADP, FY overall, read by hand from the 'ICE Average Daily Population by Facility
#: Type and Month' table's Total row of each Detention sheet (cell in the comment).
NATIONAL_ADP = {
    "FY19-detentionstats.xlsx": 50165.44,  # N84
    "FY20-detentionstats.xlsx": 33723.98,  # N85
    "FY21-detentionstats.xlsx": 19254.32,  # N102
    "FY22-detentionStats.xlsx": 22577.82,  # N102
    "FY23_detentionStats.xlsx": 28289.21,  # N102
    "FY24_detentionStats.xlsx": 37721.80,  # N125
    "FY25_detentionStats09242025.xlsx": 48404.48,  # N126
    "FY26_detentionStats_04092026.xlsx": 66978.05,  # N130
}

FY26 = "FY26_detentionStats_04092026.xlsx"

# (file, row, name, aor, adp, guaranteed minimum): read by hand; ADP is the sum of the four
# criminality columns N..Q of the row (Male Crim, Male Non-Crim, Female Crim, Female Non-Crim).
HAND_READ = [
    ("FY19-detentionstats.xlsx", 8, "STEWART DETENTION CENTER", "ATL", 1910.542, 1600),
    ("FY19-detentionstats.xlsx", 9, "SOUTH TEXAS ICE PROCESSING CENTER", "SNA", 1787.962, 1350),
    ("FY20-detentionstats.xlsx", 8, "STEWART DETENTION CENTER", "ATL", 1351.760, 1600),
    ("FY20-detentionstats.xlsx", 9, "ADELANTO ICE PROCESSING CENTER", "LOS", 1291.415, 1455),
    ("FY21-detentionstats.xlsx", 8, "SOUTH TEXAS ICE PROCESSING CENTER", "SNA", 821.556, 1350),
    ("FY21-detentionstats.xlsx", 9, "STEWART DETENTION CENTER", "ATL", 768.808, 1600),
    ("FY22-detentionStats.xlsx", 8, "ADAMS COUNTY DET CENTER", "NOL", 830.309, 1100),
    ("FY22-detentionStats.xlsx", 9, "ADELANTO ICE PROCESSING CENTER", "LOS", 41.994, 1455),
    # FY23's header is on row 6, so its first facility is on row 7
    ("FY23_detentionStats.xlsx", 7, "SOUTH TEXAS ICE PROCESSING CENTER", "SNA", 1298.310, 1350),
    ("FY23_detentionStats.xlsx", 8, "STEWART DETENTION CENTER", "ATL", 1231.956, 1600),
    ("FY24_detentionStats.xlsx", 8, "ADAMS COUNTY DET CENTER", "NOL", 1535.544, 1100),
    ("FY24_detentionStats.xlsx", 105, "SOUTH TEXAS ICE PROCESSING CENTER", "SNA", 1587.749, 1350),
    ("FY25_detentionStats09242025.xlsx", 110, "ADAMS COUNTY DET CENTER", "NOL", 2170.794, 1100),
    ("FY25_detentionStats09242025.xlsx", 16, "STEWART DETENTION CENTER", "ATL", 1920.748, 1600),
    # FY26's header is on row 10
    (FY26, 11, "ADAMS COUNTY CORRECTIONAL CENTER", "NOL", 2123.519, 1436),
    (FY26, 71, "ERO EL PASO CAMP EAST MONTANA", "ELP", 2505.240, 5000),
]  # fmt: skip


@pytest.mark.parametrize(("name", "row", "facility", "aor", "adp", "gmin"), HAND_READ)
def test_hand_read_facilities(
    name: str, row: int, facility: str, aor: str, adp: float, gmin: float
) -> None:
    (rec,) = [r for r in _records(name) if r.row == row]
    assert (rec.name, rec.aor) == (facility, aor)
    assert rec.adp == pytest.approx(adp, abs=1e-3)
    assert rec.guaranteed_minimum == gmin


def test_hand_read_facility_details() -> None:
    (stewart,) = [r for r in _records(FY_FILES[0]) if r.row == 8]
    # Facilities FY19: C8 LUMPKIN, D8 GA, G8 DIGSA, I8 ALOS 44.84
    assert (stewart.city, stewart.state, stewart.facility_type) == ("LUMPKIN", "GA", "DIGSA")
    assert stewart.alos == pytest.approx(44.8419, abs=1e-4)
    assert stewart.capacity is None


@pytest.mark.parametrize("name", FY_FILES)
def test_fiscal_year_sheets(name: str) -> None:
    wb = workbook(name)
    records = _records(name)
    assert len(records) > 50
    assert {r.fiscal_year for r in records} == {wb.fiscal_year}
    total = sum(r.adp for r in records)
    # the facility list leaves out hold rooms, hospitals, hotels, ...: 0.5-5.5% under the total
    assert total == pytest.approx(NATIONAL_ADP[name], rel=0.15)
    assert total < NATIONAL_ADP[name]
    assert all(r.aor and r.facility_type and r.adp >= 0 for r in records)
    assert wb.fiscal_year is not None
    in_year = wb.data_date != dt.date(wb.fiscal_year, 9, 30)  # FY2025 and FY2026
    flag = f"fiscal year to date: data to {wb.data_date}" if in_year else ""
    assert {r.flag for r in records} == {flag}


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_record_says_where_it_came_from(name: str) -> None:
    wb = workbook(name)
    for r in _records(name):
        assert r.source_file == name
        assert r.sheet in wb.sheets
        assert r.row > 6
        assert r.data_date is not None
        # no total, blank or footnote rows
        assert r.name
        assert not r.name.lower().startswith(("total", "[", "(*", "*"))


def test_2015_listing_one_record_per_facility_and_year() -> None:
    records = _records(LISTING_2015)
    years = {y: [r for r in records if r.fiscal_year == y] for y in range(2010, 2017)}
    assert {r.fiscal_year for r in records} == set(years)
    assert all(len(rs) == 209 for rs in years.values())  # rows 8-216 of 'Facility List - Main'
    # the Notes sheet says 2015-12-08 (A3): FY2016 is a year to date
    assert {r.data_date for r in records} == {dt.date(2015, 12, 8)}
    assert {r.flag for r in years[2016]} == {"fiscal year to date: data to 2015-12-08"}
    assert {r.flag for y in range(2010, 2016) for r in years[y]} == {""}


@pytest.mark.parametrize(
    ("row", "year", "adp", "capacity"),
    [
        (8, 2016, 1475.545, 1940),  # ADELANTO DETENTION FACILITY: N8 (FY16 ADP), L8
        (8, 2010, 0.0, 1940),  # T8 (FY10 ADP): not yet open
        (216, 2010, 242.167, 212),  # YUBA COUNTY JAIL: T216, L216
        (10, 2016, 0.0, None),  # ALHAMBRA CITY JAIL: N10; capacity 'AS NEEDED'
    ],
)
def test_2015_listing_hand_read(row: int, year: int, adp: float, capacity: float | None) -> None:
    (rec,) = [r for r in _records(LISTING_2015) if r.row == row and r.fiscal_year == year]
    assert rec.adp == pytest.approx(adp, abs=1e-3)
    assert rec.capacity == capacity
    assert rec.aor == ""  # the listing has no field office column
    assert rec.sheet == "Facility List - Main"


def _synthetic(rows: dict[int, dict[int, str]], sheet: str = "Facilities FY24") -> Workbook:
    grids = {sheet: Grid(sheet, {r: dict(cells) for r, cells in rows.items()})}
    return Workbook(Path("FY24_test.xlsx"), grids, 2024, dt.date(2024, 9, 30))


def test_facility_sheet_without_header_is_a_user_error() -> None:
    wb = _synthetic({7: {0: "Name", 1: "City", 2: "State"}})
    with pytest.raises(UserError, match="'Name' and ADP") as err:
        facilities_sheet.parse(wb)
    assert "Facilities FY24" in str(err.value)


def test_no_facility_sheet_gives_nothing() -> None:
    assert facilities_sheet.parse(_synthetic({1: {0: "x"}}, sheet="ATD FY24")) == []
