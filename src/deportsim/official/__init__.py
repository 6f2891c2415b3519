"""ICE's detention statistics workbooks as tidy, sourced records in a local store.

Layers: :mod:`.workbook` reads a workbook into plain grids and finds tables by their labels;
the sheet parsers (:mod:`.detention_sheet`, :mod:`.atd_sheet`, :mod:`.facilities_sheet`) turn
each table into :class:`~deportsim.official.records.Record` rows that keep their source file, sheet,
cell and data date; :mod:`.importer` screens and parses whole files; :mod:`.store` keeps the rows
in DuckDB in the user data directory.
"""

from deportsim.official.records import FacilityRecord, Record

__all__ = ["FacilityRecord", "Record"]
