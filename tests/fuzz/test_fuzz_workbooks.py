"""Damaged workbooks keep the contract: imported with possible figures, or refused in one line
naming the place with the store exactly as it was (issue 19). Never an internal error.

``make test`` runs a small fixed set; ``make fuzz`` runs a tenth of ``DEPORTSIM_FUZZ_EXAMPLES``
(reading a workbook takes about half a second).
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deportsim.official import store
from deportsim.official.checks import MAX_DAYS, MAX_PERSONS
from fuzz.contract import record, run_cli
from fuzz.workbooks import damaged_workbook
from ice_data import FY_FILES, ice_dir

EXAMPLES = max(10, int(os.environ.get("DEPORTSIM_FUZZ_EXAMPLES", "100")) // 10)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="DEPORTSIM_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding an earlier import (ICE's FY2020 workbook)."""
    folder = tmp_path_factory.mktemp("earlier-store")
    mp = pytest.MonkeyPatch()
    mp.setenv("DEPORTSIM_DATA_DIR", str(folder))
    try:
        done = run_cli(["data", "import", str(ice_dir() / FY_FILES[1])])
    finally:
        mp.undo()
    assert done.code == 0, done.err
    return folder


def _impossible(db: Path) -> list[tuple[object, ...]]:
    """Stored figures that no workbook could truly hold."""
    # the bounds are the checks module's own constants: nothing from outside enters the query
    return store.query(
        "SELECT sheet, cell, value, unit FROM figures WHERE NOT isfinite(value) OR value < 0 "  # noqa: S608
        f"OR (unit IN ('persons', 'persons/day') AND value > {MAX_PERSONS}) "
        f"OR (unit = 'days' AND value > {MAX_DAYS}) OR (unit = 'share' AND value > 1)",
        path=db,
    )


@FUZZ
@given(data=st.data())
def test_fuzzed_workbook_cells(
    data: st.DataObject,
    earlier: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path_factory.mktemp("workbook")
    path = data.draw(damaged_workbook(root))
    folder = root / "data"
    shutil.copytree(earlier, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(folder))
    outcome = run_cli(["data", "import", str(path)])
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    db = store.store_path()
    bad = _impossible(db) if outcome.code == 0 else []
    record("workbook cells", outcome, touched=outcome.code != 0 and after != before,
           impossible=len(bad))  # fmt: skip
    assert outcome.code in (0, 2), f"exit {outcome.code}:\n{outcome.err[-3000:]}"
    assert "Traceback" not in outcome.err, outcome.err[-3000:]
    if outcome.code == 2:
        lines = outcome.err.strip().splitlines()
        assert len(lines) == 1, outcome.err
        assert lines[0].startswith(f"deportsim: error: {path}"), lines[0]
        assert after == before, "a refused import changed the store"
    else:
        assert bad == [], f"impossible figures stored: {bad[:5]}"
        assert all(math.isfinite(float(v)) for (v,) in store.query("SELECT value FROM figures",
                                                                      path=db))  # fmt: skip
