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
from deportsim.core.privacy import find_person_level, is_person_level_field, refusal_message
from deportsim.official import atd_sheet, detention_sheet, facilities_sheet, store
from deportsim.official.workbook import Workbook, cell_name, label, load_workbook

__all__ = ["import_files", "parse_file", "screen"]

# field names are short; long cells are notes and footnotes, screened for A-numbers only
_FIELD_NAME_MAX = 40


def screen(wb: Workbook) -> None:
    """Refuse a workbook with a person-level column name or an A-number anywhere in it."""
    for grid in wb.sheets.values():
        for r, row in grid.rows.items():
            for c, value in row.items():
                if not isinstance(value, str):
                    continue
                text = label(value)
                reason = None
                if len(text) <= _FIELD_NAME_MAX and is_person_level_field(text):
                    reason = f"column {text!r} identifies a person"
                elif (hit := find_person_level(text)) is not None:
                    reason = hit[1]
                if reason is not None:
                    where = Location(wb.path, path=f"{grid.name}!{cell_name(r, c)}")
                    raise UserError(refusal_message(reason) + "; nothing was stored", where)


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
