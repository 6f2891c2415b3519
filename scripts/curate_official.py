"""Rebuild the curated national table shipped with deportsim from ICE's workbooks.

    python scripts/curate_official.py [ICE_DIR]

ICE_DIR defaults to ``../shared/data/ice`` beside the checkout. Writes
``src/deportsim/official/curated/national.csv``: national monthly and fiscal-year book-ins,
average daily population, average length of stay, book-outs (final releases to FY2023), and
removals, in total and by arresting agency, each row citing its file, sheet, cell and data date.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from deportsim.official import atd_sheet, detention_sheet
from deportsim.official.national import CURATED_COLUMNS, curated_rows
from deportsim.official.workbook import load_workbook

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "src" / "deportsim" / "official" / "curated" / "national.csv"


def main() -> None:
    """Parse every FY workbook in the folder and write the curated table."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "ice"
    records = []
    for path in sorted(folder.glob("FY*.xlsx")):
        wb = load_workbook(path)
        records += [*detention_sheet.parse(wb), *atd_sheet.parse(wb)]
    rows = curated_rows(records)
    with TARGET.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CURATED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {TARGET.relative_to(REPO)}")  # noqa: T201


if __name__ == "__main__":
    main()
