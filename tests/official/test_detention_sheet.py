"""The Detention sheet parser on all eight ICE workbooks: tables, months, sums, hand-read cells."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.official import detention_sheet
from deportsim.official.records import FISCAL_MONTHS, Record, fiscal_month
from deportsim.official.workbook import Grid, Workbook
from ice_data import FY_FILES, workbook

FY19, FY20, FY21, FY22, FY23, FY24, FY25, FY26 = FY_FILES


@functools.cache
def _parsed(name: str) -> tuple[Workbook, tuple[Record, ...]]:
    """Each workbook is loaded (up to 2.5 s) and parsed once for the whole module."""
    wb = workbook(name)
    return wb, tuple(detention_sheet.parse(wb))


def _records(name: str) -> tuple[Record, ...]:
    return _parsed(name)[1]


def _one(
    name: str,
    table: str,
    period: str,
    agency: str = "all",
    criminality: str = "all",
    category: str = "all",
) -> Record:
    found = [
        r
        for r in _records(name)
        if (r.table, r.period, r.agency, r.criminality, r.category)
        == (table, period, agency, criminality, category)
    ]
    assert len(found) == 1, (name, table, period, agency, criminality, category, found)
    return found[0]


def _monthly(name: str, table: str, agency: str = "all") -> dict[str, float]:
    return {
        r.period: r.value
        for r in _records(name)
        if r.table == table
        and r.agency == agency
        and r.criminality == "all"
        and r.category == "all"
        and re.fullmatch(r"\d{4}-\d{2}", r.period)
    }


@pytest.mark.parametrize("name", FY_FILES)
def test_expected_tables_are_present_with_provenance(name: str) -> None:
    wb, records = _parsed(name)
    assert wb.fiscal_year is not None
    tables = {r.table for r in records}
    # "Final Releases" (to FY2023) and "Final Book Outs" (FY2024 on) are different measures
    releases = "final_releases" if wb.fiscal_year <= 2023 else "book_outs"
    expected = {"book_ins", "adp", "alos", "removals", "currently_detained", releases}
    assert tables == expected
    categories = {(r.table, r.category) for r in records}
    for table in ("book_ins", "adp", "alos", releases):
        assert (table, "facility:adult") in categories, table
    assert (releases, "bonded_out") in categories
    keys = [(r.table, r.period, r.agency, r.criminality, r.category) for r in records]
    assert len(keys) == len(set(keys))
    for r in records:
        assert r.source_file == name
        assert r.sheet.startswith("Detention")
        assert re.fullmatch(r"[A-Z]{1,3}[1-9]\d*", r.cell), r
        assert r.fiscal_year == wb.fiscal_year
        assert r.data_date == wb.data_date
        assert isinstance(r.value, float)
        assert r.agency in {"ICE", "CBP", "all"}
        assert r.criminality in {"convicted", "pending", "other", "non_criminal", "all"}


@pytest.mark.parametrize("name", FY_FILES)
def test_monthly_book_ins_run_to_the_data_date_and_no_further(name: str) -> None:
    wb, records = _parsed(name)
    assert wb.fiscal_year is not None
    assert wb.data_date is not None
    months = [fiscal_month(wb.fiscal_year, m) for m in FISCAL_MONTHS]
    expected = [m for m in months if dt.date(int(m[:4]), int(m[5:]), 1) <= wb.data_date]
    for agency in ("all", "ICE", "CBP"):
        assert sorted(_monthly(name, "book_ins", agency)) == expected, agency
    # no table keeps a month after the data date
    last = expected[-1]
    assert all(r.period <= last for r in records if re.fullmatch(r"\d{4}-\d{2}", r.period))


@pytest.mark.parametrize("name", FY_FILES)
def test_adp_totals_agree_with_their_parts(name: str) -> None:
    wb, _ = _parsed(name)
    total, ice, cbp = (_monthly(name, "adp", a) for a in ("all", "ICE", "CBP"))
    assert total
    assert total.keys() == ice.keys() == cbp.keys()
    for month, value in total.items():
        assert value == pytest.approx(ice[month] + cbp[month], rel=0.10), month
    overall = _one(name, "adp", f"FY{wb.fiscal_year}").value
    assert min(total.values()) <= overall <= max(total.values())


# (file, table, period, agency, criminality, category, value, cell), each read by hand from the
# workbook's Detention sheet at the cell given
HAND_READ = [
    (FY19, "book_ins", "2018-10", "all", "all", "all", 40_551, "J20"),
    (FY19, "book_ins", "2018-10", "ICE", "all", "all", 11_892, "J21"),
    (FY19, "book_ins", "2018-10", "CBP", "all", "all", 28_659, "J22"),
    (FY19, "adp", "FY2019", "all", "all", "all", 50_165.43836, "N59"),
    (FY19, "adp", "2018-10", "CBP", "non_criminal", "all", 18_608.548387096773, "B55"),
    (FY19, "removals", "FY2019", "all", "all", "all", 267_258, "P29"),
    (FY19, "removals", "FY2019", "all", "all", "with_frc_detention", 1_069, "P30"),
    (FY19, "final_releases", "FY2019", "all", "other", "order_of_recognizance", 172_295, "D42"),
    # FY2020 prints the CBP row above the ICE row
    (FY20, "book_ins", "2019-10", "CBP", "all", "all", 13_303, "J21"),
    (FY20, "book_ins", "2019-10", "ICE", "all", "all", 11_425, "J22"),
    (FY20, "removals", "FY2020", "all", "all", "all", 185_884, "P29"),
    (FY20, "final_releases", "FY2020", "all", "all", "all", 61_886, "E38"),
    (FY20, "alos", "FY2020", "all", "all", "all", 63.54102, "N76"),
    (FY21, "book_ins", "2021-09", "all", "all", "all", 10_616, "U20"),
    (FY21, "removals", "FY2021", "all", "all", "all", 55_590, "P29"),
    (FY21, "final_releases", "2020-10", "all", "all", "bonded_out", 1_131, "C39"),
    (FY21, "final_releases", "FY2021", "all", "other", "paroled", 29_412, "O62"),
    (FY21, "adp", "FY2021", "all", "all", "all", 19_254.3237, "N76"),
    (FY22, "book_ins", "2021-10", "CBP", "all", "all", 24_341, "J21"),
    (FY22, "removals", "FY2022", "all", "all", "all", 69_019, "P29"),
    (FY22, "removals", "FY2022", "all", "all", "with_fsc_detention", 200, "P30"),
    (FY22, "adp", "2021-10", "CBP", "all", "all", 17_961.4516129032, "B68"),
    (FY22, "final_releases", "FY2022", "all", "all", "paroled", 78_169, "O59"),
    (FY23, "book_ins", "2023-09", "ICE", "all", "all", 6_745, "U22"),
    (FY23, "removals", "FY2023", "all", "all", "all", 142_580, "P29"),
    (FY23, "alos", "FY2023", "all", "all", "all", 37.5270032482528, "N93"),
    (FY23, "currently_detained", "2023-09-30", "all", "all", "all", 36_845, "D10"),
    (FY24, "book_ins", "FY2024", "all", "all", "all", 277_913, "V20"),
    (FY24, "book_outs", "FY2024", "all", "all", "all", 268_480, "O37"),
    (FY24, "book_outs", "FY2024", "all", "all", "release_to_remove", 152_982, "O66"),
    (FY24, "removals", "FY2024", "all", "all", "all", 271_484, "P29"),
    (FY24, "removals", "FY2024", "all", "all", "with_famu_identifier", 49_435, "P30"),
    (FY24, "currently_detained", "2024-09-30", "all", "all", "other", 16_286, "C14"),
    (FY24, "currently_detained", "2024-09-30", "CBP", "convicted", "all", 1_395, "D21"),
    (FY25, "book_ins", "2025-09", "ICE", "all", "all", 21_293, "U22"),
    (FY25, "removals", "FY2025", "all", "all", "all", 319_980, "P29"),
    (FY25, "adp", "2025-09", "all", "all", "all", 60_317.35, "M100"),
    (FY25, "book_outs", "FY2025", "all", "all", "all", 284_019, "O38"),
    (FY26, "book_ins", "2025-10", "ICE", "all", "all", 36_622, "J22"),
    (FY26, "removals", "FY2026", "all", "all", "all", 234_236, "P29"),
    (FY26, "book_outs", "FY2026", "all", "all", "all", 227_695, "O38"),
    (FY26, "book_outs", "FY2026", "all", "all", "facility:fsc", 1_423, "J30"),
    (FY26, "adp", "2026-04", "all", "all", "all", 61_028.75, "H104"),
    (FY26, "currently_detained", "2026-04-09", "ICE", "all", "all", 51_428, "B20"),
    (FY26, "currently_detained", "2026-04-09", "all", "all", "facility:fsc", 141, "B10"),
]


@pytest.mark.parametrize(
    ("name", "table", "period", "agency", "criminality", "category", "value", "cell"), HAND_READ
)
def test_hand_read_values(
    name: str,
    table: str,
    period: str,
    agency: str,
    criminality: str,
    category: str,
    value: float,
    cell: str,
) -> None:
    record = _one(name, table, period, agency, criminality, category)
    assert record.value == pytest.approx(value, rel=1e-12)
    assert record.cell == cell


def test_every_file_has_at_least_three_hand_read_values() -> None:
    counts = {name: sum(row[0] == name for row in HAND_READ) for name in FY_FILES}
    assert min(counts.values()) >= 3, counts


def test_in_year_files_flag_the_partial_month_and_the_year_to_date() -> None:
    partial = "partial month: data to 2026-04-09"
    to_date = "fiscal year to date: data to 2026-04-09"
    assert _one(FY26, "book_ins", "2026-04", "ICE").flag == partial
    assert _one(FY26, "adp", "2026-04").flag == partial
    assert _one(FY26, "book_ins", "2026-03", "ICE").flag == ""
    assert _one(FY26, "book_ins", "FY2026").flag == to_date
    assert _one(FY26, "removals", "FY2026").flag == to_date
    assert _one(FY26, "book_outs", "FY2026").flag == to_date
    # ICE printed zeros (Total row) and blanks (agency rows) for May-Sep 2026: none is kept
    assert not [r for r in _records(FY26) if "2026-05" <= r.period <= "2026-09"]
    assert _one(FY26, "currently_detained", "2026-04-09").flag == ""
    assert _one(FY25, "book_ins", "2025-09").flag == "partial month: data to 2025-09-24"
    assert _one(FY25, "adp", "FY2025").flag == "fiscal year to date: data to 2025-09-24"
    # whole-year files carry no flags but the removals one
    for name in (FY19, FY20, FY23, FY24):
        assert not [r for r in _records(name) if r.flag], name


def test_removals_of_fy2021_and_fy2022_are_flagged_as_pre_lock() -> None:
    for name in (FY21, FY22):
        removals = [r for r in _records(name) if r.table == "removals"]
        assert removals
        assert all(r.flag == detention_sheet.ANNUAL_REPORT_FLAG for r in removals)
        assert not [r for r in _records(name) if r.flag and r.table != "removals"]
    assert _one(FY24, "removals", "FY2024").flag == ""


def _copy(name: str) -> tuple[Workbook, Grid]:
    """A copy of the workbook holding only its Detention sheet, and that sheet's grid."""
    wb = _parsed(name)[0]
    grid = wb.sheet(r"^Detention")
    assert grid is not None
    copy = Grid(grid.name, {r: dict(cols) for r, cols in grid.rows.items()})
    return Workbook(wb.path, {grid.name: copy}, wb.fiscal_year, wb.data_date), copy


def _without(name: str, pattern: str) -> Workbook:
    """The workbook with its Detention sheet's cells matching ``pattern`` blanked."""
    wb, grid = _copy(name)
    hits = list(grid.find(pattern))
    assert hits
    for r, c in hits:
        del grid.rows[r][c]
    return wb


@pytest.mark.parametrize(
    ("pattern", "named"),
    [
        (r"Initial Book-Ins by Arresting Agency", "Initial Book-Ins by Arresting Agency and Month"),
        (r"Average Daily Population by Arresting Agency", "Average Daily Population by"),
        (r"Average Length of Stay by Arresting Agency", "Average Length of Stay by"),
        (r"^ICE Removals:", "Removals"),
    ],
)
def test_a_missing_required_table_is_named(pattern: str, named: str) -> None:
    with pytest.raises(UserError, match=re.escape(named)) as err:
        detention_sheet.parse(_without(FY19, pattern))
    assert err.value.location is not None
    assert err.value.location.path == "Detention FY19"
    assert err.value.location.file is not None
    assert err.value.location.file.endswith(FY19)


def test_an_optional_table_may_be_missing() -> None:
    records = detention_sheet.parse(_without(FY19, r"Currently Detained by"))
    assert {r.table for r in records} == {"book_ins", "final_releases", "adp", "alos", "removals"}


def test_text_cells_are_skipped_never_read_as_numbers() -> None:
    wb, grid = _copy(FY19)
    grid.rows[21][9] = "n/a"  # J21: ICE book-ins, October 2018
    records = detention_sheet.parse(wb)
    ice = {r.period for r in records if (r.table, r.agency) == ("book_ins", "ICE")}
    assert "2018-10" not in ice
    assert "2018-11" in ice


def test_a_workbook_without_a_detention_sheet_gives_no_records() -> None:
    wb = Workbook(Path("FY19_atd.xlsx"), {"ATD FY19": Grid("ATD FY19", {})}, 2019, None)
    assert detention_sheet.parse(wb) == []
