"""Where the tests find ICE's workbooks (``../shared/data/ice`` beside the checkout).

Searched in order: ``$DEPORTSIM_ICE_DATA``; ``shared/data/ice`` beside the checkout; the
workplace's shared folder ``/work/shared/data/ice`` (for a clone made elsewhere, e.g. in a
temporary folder). The tests that read the workbooks fail, never skip, when none is found.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from deportsim.official.workbook import Workbook, load_workbook

REPO = Path(__file__).resolve().parent.parent

#: The eight fiscal-year workbooks and the 2015 facility listing (../shared/data/README.md).
FY_FILES = (
    "FY19-detentionstats.xlsx",
    "FY20-detentionstats.xlsx",
    "FY21-detentionstats.xlsx",
    "FY22-detentionStats.xlsx",
    "FY23_detentionStats.xlsx",
    "FY24_detentionStats.xlsx",
    "FY25_detentionStats09242025.xlsx",
    "FY26_detentionStats_04092026.xlsx",
)
LISTING_2015 = "2015IceDetentionFacilityListing.xlsx"
ALL_FILES = (*FY_FILES, LISTING_2015)


def _candidates() -> list[Path]:
    found = [Path(env)] if (env := os.environ.get("DEPORTSIM_ICE_DATA")) else []
    return [*found, REPO.parent / "shared" / "data" / "ice", Path("/work/shared/data/ice")]


def ice_dir() -> Path:
    """The folder holding ICE's workbooks; AssertionError naming the places searched if none."""
    for path in _candidates():
        if (path / FY_FILES[0]).is_file():
            return path
    searched = ", ".join(str(p) for p in _candidates())
    msg = f"ICE workbooks not found (searched {searched}); set DEPORTSIM_ICE_DATA"
    raise AssertionError(msg)


@functools.cache
def workbook(name: str) -> Workbook:
    """One of ICE's workbooks, loaded once per test process (the FY2025 file takes ~2.5 s)."""
    return load_workbook(ice_dir() / name)
