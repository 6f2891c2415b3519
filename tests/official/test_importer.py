"""deportsim data import / info / update: all nine files, refusals, and a store left unchanged."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.official import importer, store
from deportsim.official.update import find_workbook_links, update
from ice_data import ALL_FILES, FY_FILES, LISTING_2015, ice_dir


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding all nine files, imported once for this module."""
    db = tmp_path_factory.mktemp("store") / store.STORE_NAME
    importer.import_files([ice_dir() / n for n in ALL_FILES], db)
    return db


def _snapshot(db: Path) -> list[tuple[object, ...]]:
    return store.query(
        "SELECT source_file, count(*), sum(value) FROM figures GROUP BY 1 ORDER BY 1", path=db
    )


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_all_nine_files_import_with_provenance(imported: Path) -> None:
    files = {f["source_file"]: f for f in store.info(imported).files}
    assert set(files) == set(ALL_FILES)
    for name in FY_FILES:
        assert files[name]["figures"] > 100, name
        assert files[name]["facilities"] > 50, name
    assert files[LISTING_2015]["facilities"] > 100
    # every row says where it came from
    missing = store.query(
        "SELECT count(*) FROM figures WHERE source_file IS NULL OR sheet IS NULL OR cell IS NULL "
        "OR data_date IS NULL",
        path=imported,
    )
    assert missing == [(0,)]


def test_hand_read_figures_are_in_the_store(imported: Path) -> None:
    def one(table: str, period: str, agency: str = "all") -> float:
        rows = store.query(
            'SELECT value FROM figures WHERE "table" = ? AND period = ? AND agency = ? '
            "AND criminality = 'all' AND category = 'all'",
            [table, period, agency],
            path=imported,
        )
        assert len(rows) == 1, (table, period, agency, rows)
        return float(rows[0][0])

    # FY19-detentionstats.xlsx, sheet 'Detention FY19': J20, J22, P29
    assert one("book_ins", "2018-10") == 40_551
    assert one("book_ins", "2018-10", "CBP") == 28_659
    assert one("removals", "FY2019") == 267_258
    # FY26_detentionStats_04092026.xlsx, sheet 'Detention FY26': J22 (ICE, Oct 2025), P29
    assert one("book_ins", "2025-10", "ICE") == 36_622
    assert one("removals", "FY2026") == 234_236


def test_known_data_quality_problems_are_flagged(imported: Path) -> None:
    rows = store.query(
        "SELECT fiscal_year, flag FROM figures WHERE \"table\" = 'removals' AND period LIKE 'FY%' "
        "AND category = 'all' ORDER BY 1",
        path=imported,
    )
    flags = dict(rows)
    assert "annual report" in flags[2021]
    assert "annual report" in flags[2022]
    assert flags[2024] == ""
    assert "to date" in flags[2026]


def test_reimporting_a_file_replaces_its_rows(imported: Path, tmp_path: Path) -> None:
    db = tmp_path / store.STORE_NAME
    shutil.copy(imported, db)
    before = _snapshot(db)
    importer.import_files([ice_dir() / FY_FILES[0]], db)
    assert _snapshot(db) == before


def test_person_level_columns_are_refused_and_nothing_is_stored(
    imported: Path, tmp_path: Path
) -> None:
    db = tmp_path / store.STORE_NAME
    shutil.copy(imported, db)
    before = _snapshot(db)
    bad = _workbook(tmp_path / "FY24_people.xlsx", [["A-Number", "Facility"], ["x", "y"]])
    with pytest.raises(UserError, match=r"refused: column 'A-Number' identifies a person") as err:
        importer.import_files([ice_dir() / FY_FILES[1], bad], db)
    assert "Sheet1!A1" in err.value.one_line()
    assert _snapshot(db) == before


def test_a_numbers_in_values_are_refused(tmp_path: Path) -> None:
    bad = _workbook(tmp_path / "FY24_x.xlsx", [["Detainee", "Count"], ["A123-456-789", 1]])
    with pytest.raises(UserError, match="A-number"):
        importer.parse_file(bad)


def test_foreign_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    foreign = _workbook(tmp_path / "budget.xlsx", [["Item", "Cost"], ["beds", 3]])
    with pytest.raises(UserError, match="not an ICE detention statistics workbook"):
        importer.parse_file(foreign)
    text = tmp_path / "FY24_detentionStats.xlsx"
    text.write_text("name,count\n")
    with pytest.raises(UserError, match="not an Excel workbook"):
        importer.parse_file(text)
    with pytest.raises(UserError, match="no such file"):
        importer.parse_file(tmp_path / "missing.xlsx")


def test_cli_import_info_and_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(SystemExit) as code:
        main(["data", "info"])
    assert code.value.code == 0
    assert "No workbooks imported" in capsys.readouterr().out
    with pytest.raises(SystemExit) as code:
        main(["data", "import", str(ice_dir() / FY_FILES[5])])
    out = capsys.readouterr().out
    assert code.value.code == 0
    assert "FY24_detentionStats.xlsx" in out
    assert str(tmp_path / "data" / store.STORE_NAME) in out
    bad = _workbook(tmp_path / "x.xlsx", [["Date of Birth"], [1]])
    with pytest.raises(SystemExit) as code:
        main(["data", "import", str(bad)])
    captured = capsys.readouterr()
    assert code.value.code == 2
    assert captured.err.count("\n") == 1
    assert "x.xlsx" in captured.err
    assert "Traceback" not in captured.err
    with pytest.raises(SystemExit) as code:
        main(["data", "info"])
    out = capsys.readouterr().out
    assert "FY24_detentionStats.xlsx" in out
    assert "x.xlsx" not in out


def test_update_from_a_local_page_imports_only_new_files(tmp_path: Path) -> None:
    db = tmp_path / store.STORE_NAME
    importer.import_files([ice_dir() / FY_FILES[6]], db)
    page = tmp_path / "detention-management.html"
    links = "".join(f'<a href="{(ice_dir() / n).as_uri()}">{n}</a>' for n in FY_FILES[6:])
    page.write_text(f"<html><body>{links}<a href='/x/report.pdf'>pdf</a></body></html>")
    done = update(page.as_uri(), db)
    assert len(done.links) == 2
    assert done.skipped == [FY_FILES[6]]
    assert [f.source_file for f in done.imported] == [FY_FILES[7]]
    assert {f["source_file"] for f in store.info(db).files} == set(FY_FILES[6:])
    assert (tmp_path / "downloads" / FY_FILES[7]).is_file()


def test_update_knows_a_file_it_holds_under_an_escaped_link(tmp_path: Path) -> None:
    db = tmp_path / store.STORE_NAME
    spaced = tmp_path / "site" / "FY26 detentionStats 04092026.xlsx"
    spaced.parent.mkdir()
    shutil.copy2(ice_dir() / FY_FILES[7], spaced)
    page = tmp_path / "detention-management.html"
    page.write_text(f'<a href="{spaced.as_uri()}">FY26</a>')  # as_uri escapes the spaces
    assert "%20" in page.read_text()
    first = update(page.as_uri(), db)
    assert [f.source_file for f in first.imported] == [spaced.name]
    again = update(page.as_uri(), db)
    assert again.imported == []
    assert again.skipped == [spaced.name]


def test_update_offline_gives_one_clear_error(tmp_path: Path) -> None:
    db = tmp_path / store.STORE_NAME
    with pytest.raises(UserError, match=r"cannot reach .*nothing was downloaded"):
        update("http://127.0.0.1:9/detention-management", db)
    with pytest.raises(UserError, match="cannot reach"):
        update((tmp_path / "nowhere.html").as_uri(), db)
    assert not db.exists()


def test_workbook_links_are_found_relative_and_deduplicated() -> None:
    html = (
        '<a href="/doclib/detention/FY25_detentionStats09242025.xlsx">a</a>'
        '<a href="https://www.ice.gov/doclib/detention/FY25_detentionStats09242025.xlsx">b</a>'
        '<a href="/doclib/other/budget.xlsx">c</a>'
    )
    assert find_workbook_links(html, "https://www.ice.gov/detain/detention-management") == [
        "https://www.ice.gov/doclib/detention/FY25_detentionStats09242025.xlsx"
    ]


@pytest.mark.parametrize("kind", ["folder", "empty", "zip-not-workbook", "truncated", "missing"])
def test_unreadable_paths_give_one_line_and_leave_the_store_unchanged(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path / "data"))
    importer.import_files([ice_dir() / FY_FILES[0]], store.store_path())
    before = store.info().files
    path = tmp_path / "FY24_bad.xlsx"
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "zip-not-workbook":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("notes.txt", "not a workbook")
    elif kind == "truncated":
        path.write_bytes((ice_dir() / FY_FILES[5]).read_bytes()[:5000])
    with pytest.raises(SystemExit) as code:
        main(["data", "import", str(ice_dir() / FY_FILES[1]), str(path)])
    err = capsys.readouterr().err
    assert code.value.code == 2
    assert err.count("\n") == 1
    assert "FY24_bad.xlsx" in err
    assert "Traceback" not in err
    assert store.info().files == before
