"""The curated national table: what the importer reads, cited row by row, used offline."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from deportsim.official import atd_sheet, detention_sheet, importer, store
from deportsim.official import national as official
from ice_data import FY_FILES, ice_dir, workbook


def _shipped() -> list[dict[str, str]]:
    text = resources.files("deportsim.official").joinpath("curated", "national.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


def test_curated_table_equals_what_the_workbooks_say() -> None:
    records = []
    for name in FY_FILES:
        wb = workbook(name)
        records += [*detention_sheet.parse(wb), *atd_sheet.parse(wb)]
    assert official.curated_rows(records) == _shipped()


def test_every_curated_row_cites_its_source() -> None:
    rows = _shipped()
    assert len(rows) > 500
    for row in rows:
        assert row["publisher"].startswith("U.S. Immigration and Customs Enforcement")
        assert row["file"] in FY_FILES
        assert row["sheet"]
        assert row["cell"][0].isalpha()
        assert row["cell"][-1].isdigit()
        assert row["data_date"]


def test_national_series_run_from_october_2018_without_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path))
    adp = [f for f in official.national("adp") if not f.period.startswith("FY")]
    assert adp[0].period == "2018-10"
    assert adp[-1].period >= "2026-03"
    months = [f.period for f in adp]
    assert len(months) == len(set(months))
    # FY19-detentionstats.xlsx, 'Detention FY19', B59: ADP in October 2018
    assert adp[0].value == pytest.approx(45_584.032258064515)
    assert adp[0].file == "FY19-detentionstats.xlsx"


def test_the_store_takes_over_from_the_curated_table(tmp_path: Path) -> None:
    db = tmp_path / store.STORE_NAME
    importer.import_files([ice_dir() / FY_FILES[5]], db)
    fy24 = official.national("book_ins", "ICE", db=db)
    assert {f.file for f in fy24} == {FY_FILES[5]}
    assert fy24 == [
        f
        for f in official.national("book_ins", "ICE", db=tmp_path / "none.duckdb")
        if f.file == FY_FILES[5]
    ]


def test_book_outs_to_removal_are_kept_as_their_own_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path))
    removed = {f.period: f for f in official.national("book_outs", category="release_to_remove")}
    # FY25_detentionStats09242025.xlsx, 'Detention FY25', M67 = M68 + M69 + M70
    # (10,166 + 7,870 + 11,410): released to remove in August 2025.
    assert removed["2025-08"].value == 29_446
    assert removed["2025-08"].cell == "M67"
    assert "2023-10" in removed
    assert "2023-09" not in removed  # the reason is published from FY2024 on
    assert removed["2025-09"].flag.startswith("partial month")
    total = {f.period: f.value for f in official.national("book_outs")}
    assert all(removed[p].value < total[p] for p in removed)
