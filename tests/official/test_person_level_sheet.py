"""A real ICE workbook with an added sheet of person-level columns is refused (issue 19).

The test workbooks are copies of ICE's FY2019 workbook with one sheet added by openpyxl. The
refusal names the file, the sheet and the cell; the import is all or nothing, so the store is left
exactly as it was, and the command line says so in one stderr line with exit code 2.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.official import importer, store
from ice_data import FY_FILES, ice_dir

BASE = FY_FILES[0]  # FY19-detentionstats.xlsx, the smallest
ROSTER = [
    "Detainee", "Address", "Birth Year", "A-Number", "Name", "Date of Birth", "Booking Number",
]  # fmt: skip


def _with_sheet(
    tmp_path: Path, rows: Sequence[Sequence[object]], *, title: str = "Roster", hidden: bool = False
) -> Path:
    path = tmp_path / "FY19-detentionstats.xlsx"
    shutil.copyfile(ice_dir() / BASE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    if hidden:
        ws.sheet_state = "hidden"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ICE's FY2019 workbook plus a sheet of the issue's person-level columns and one person."""
    row = ["J. Doe", "1 Main St", 1990, "A-123-456-789", "Juan Perez", "1990-04-12", "24-0012345"]
    return _with_sheet(tmp_path_factory.mktemp("roster"), [ROSTER, row])


def _snapshot(db: Path) -> list[tuple[object, ...]]:
    return store.query(
        "SELECT source_file, count(*), sum(value) FROM figures GROUP BY 1 ORDER BY 1", path=db
    )


def test_the_copy_without_the_sheet_imports(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path, [["Facility", "ADP"], ["Adelanto", 1700]], title="Extra")
    assert importer.parse_file(path).figures


def test_a_person_level_sheet_is_refused_naming_file_sheet_and_cell(roster: Path) -> None:
    with pytest.raises(UserError) as err:
        importer.parse_file(roster)
    line = err.value.one_line()
    assert line.startswith(f"{roster}: Roster!C1: refused: column 'Birth Year' identifies a person")
    assert "nothing was stored" in line


@pytest.mark.parametrize(
    ("header", "cell", "reason"),
    [
        (["Facility", "A-Number"], "B1", "column 'A-Number'"),
        (["Facility", "\u0391-Number"], "B1", "column '\u0391-Number'"),
        (["Date of Birth"], "A1", "column 'Date of Birth'"),
        (["Booking Number", "Count"], "A1", "column 'Booking Number'"),
        (["Birth Year", "Count"], "A1", "column 'Birth Year'"),
        (["Count", "Detainee", "Address"], "B1", "columns 'Detainee' and 'Address'"),
        (["Name", "Gender", "Age"], "A1", "columns 'Name' and 'Gender'"),
    ],
)
def test_each_kind_of_person_level_header_is_refused(
    tmp_path: Path, header: list[object], cell: str, reason: str
) -> None:
    path = _with_sheet(tmp_path, [header, [1] * len(header)])
    with pytest.raises(UserError) as err:
        importer.parse_file(path)
    assert f": Roster!{cell}: refused: {reason}" in err.value.one_line()


def test_a_hidden_sheet_is_screened_too(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path, [["Count"], ["DOB 1990-04-12"]], title="Notes", hidden=True)
    with pytest.raises(UserError, match="date of birth") as err:
        importer.parse_file(path)
    assert ": Notes!A2: refused: " in err.value.one_line()


def test_the_import_is_all_or_nothing_and_the_cli_exits_2(
    roster: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path / "data"))
    db = store.store_path()
    # nothing stored yet: the refusal creates no store at all
    with pytest.raises(SystemExit) as exc:
        main(["data", "import", str(roster)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1
    assert f"{roster.name}: Roster!C1: refused: " in err
    assert not db.exists()
    # a store holding one file: a good file beside the bad one is not stored either
    with pytest.raises(SystemExit) as exc:
        main(["data", "import", str(ice_dir() / FY_FILES[1])])
    assert exc.value.code == 0
    before = _snapshot(db)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["data", "import", str(ice_dir() / FY_FILES[2]), str(roster)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1
    assert "Roster!C1" in err
    assert _snapshot(db) == before
    assert FY_FILES[2] not in {row[0] for row in before}
