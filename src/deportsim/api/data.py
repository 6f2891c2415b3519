"""Official statistics: ICE's workbooks imported into the local store, shown and updated."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deportsim.api.results import DataImport
from deportsim.official import store
from deportsim.official.importer import import_files
from deportsim.official.store import ImportedFile, StoreInfo
from deportsim.official.update import ICE_PAGE, update

__all__ = ["ICE_PAGE", "data_import", "data_info", "data_update"]


def _flagged(files: list[ImportedFile]) -> int:
    """Rows that carry a data-quality flag (docs/data.md)."""
    return sum(1 for f in files for r in f.figures if r.flag) + sum(
        1 for f in files for r in f.facilities if r.flag
    )


def data_import(paths: Sequence[Path]) -> DataImport:
    """Parse ICE detention statistics workbooks (.xlsx) into the local store, all or nothing."""
    files = import_files(paths)
    return DataImport(files, store.store_path(), _flagged(files))


def data_info() -> StoreInfo:
    """Where the local store is and which files it holds."""
    return store.info()


def data_update(page: str = ICE_PAGE) -> DataImport:
    """Download and import the workbooks linked from ``page`` (ICE's) that the store lacks."""
    done = update(page)
    return DataImport(
        done.imported, store.store_path(), _flagged(done.imported), done.page,
        tuple(done.links), tuple(done.skipped),
    )  # fmt: skip
