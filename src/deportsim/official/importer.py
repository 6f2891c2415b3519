"""Import ICE detention statistics workbooks: screen, parse every sheet, store all or nothing.

``import_files`` reads every file first; a file that is not an ``.xlsx`` workbook, is not one of
ICE's detention statistics workbooks or facility listings, or holds person-level columns or
values stops the import with a :class:`~deportsim.core.errors.UserError` before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deportsim.core.checksums import file_sha256
from deportsim.core.errors import Location, UserError
from deportsim.core.privacy import (
    is_person_level_field,
    person_level_row,
    person_level_text,
    refusal_message,
)
from deportsim.official import atd_sheet, detention_sheet, facilities_sheet, store
from deportsim.official.checks import check_values
from deportsim.official.workbook import Grid, Workbook, cell_name, label, load_workbook

__all__ = ["import_files", "parse_file", "screen"]

# field names are short; long cells are notes and footnotes, screened as free text only
_FIELD_NAME_MAX = 40


def _refuse(wb: Workbook, grid: Grid, reason: str, cell: str | None = None) -> UserError:
    shown = f"sheet {grid.name!r}" if cell is None else f"{grid.name}!{cell}"
    where = Location(wb.path, path=shown)
    return UserError(refusal_message(reason) + "; nothing was stored", where)


def screen(wb: Workbook) -> None:
    """Refuse a workbook holding data about identifiable people, anywhere in any sheet.

    Every sheet is screened, hidden ones too: its name; each row's short text cells as column
    names (one that identifies a person, like ``A-Number``, ``Date of Birth`` or ``Birth Year``,
    or a person beside an attribute, like ``Detainee`` beside ``Address``); and every text cell
    as free text (A-numbers, dates of birth, booking numbers). The error names the file, the
    sheet and the cell.
    """
    for grid in wb.sheets.values():
        title = label(grid.name)
        if is_person_level_field(title):
            raise _refuse(wb, grid, f"sheet name {title!r} identifies a person")
        if (reason := person_level_text(title)) is not None:
            raise _refuse(wb, grid, reason.replace("a value", "the sheet name"))
        for r in sorted(grid.rows):
            texts = [(c, label(v)) for c, v in sorted(grid.rows[r].items()) if isinstance(v, str)]
            names = [(c, t) for c, t in texts if t and len(t) <= _FIELD_NAME_MAX]
            if (hit := person_level_row([t for _, t in names])) is not None:
                raise _refuse(wb, grid, hit[1], cell_name(r, names[hit[0]][0]))
            for c, text in texts:
                if (reason := person_level_text(text)) is not None:
                    raise _refuse(wb, grid, reason, cell_name(r, c))


def parse_file(path: Path) -> store.ImportedFile:
    """Screen and parse one workbook into the rows the store keeps."""
    wb = load_workbook(path)
    screen(wb)
    figures = [*detention_sheet.parse(wb), *atd_sheet.parse(wb)]
    facilities = facilities_sheet.parse(wb)
    if not figures and not facilities:
        sheets = ", ".join(repr(n) for n in wb.sheets) or "none"
        raise UserError(
            "not an ICE detention statistics workbook or facility listing: no Detention, ATD or "
            f"Facilities table found (sheets: {sheets}); nothing was stored",
            Location(path),
        )
    check_values(path, figures, facilities)
    fiscal_year = wb.fiscal_year
    data_date = wb.data_date
    if fiscal_year is None and facilities:
        fiscal_year = max(f.fiscal_year for f in facilities)
        data_date = facilities[0].data_date
    digest = file_sha256(path)
    return store.ImportedFile(path.name, digest, fiscal_year, data_date, figures, facilities)


def import_files(paths: Sequence[Path], db: Path | None = None) -> list[store.ImportedFile]:
    """Parse every file, then store them in one transaction; any error stores nothing."""
    if not paths:
        raise UserError(
            "no files given: deportsim data import PATH ...", Location("<command line>")
        )
    names = [p.name for p in paths]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UserError(
            f"two files share the name {dupes[0]!r}; rows are keyed by file name, import one",
            Location("<command line>"),
        )
    parsed = [parse_file(Path(p)) for p in paths]
    store.write(parsed, db)
    return parsed
