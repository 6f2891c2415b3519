"""Shared test fixtures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from deportsim.model.replay import History, load_history
from deportsim.parameters import ParameterSet, load_parameters

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _runs_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runs made by the tests (and their subprocesses) are recorded in a catalog of their own."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("catalog")
    mp.setenv("DEPORTSIM_CATALOG", str(folder))
    mp.delenv("DEPORTSIM_NO_CATALOG", raising=False)
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def params() -> ParameterSet:
    """The built-in parameter set, loaded once."""
    return load_parameters()


@pytest.fixture
def start() -> dt.date:
    """The contract's default start date."""
    return dt.date(2025, 1, 20)


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """History from the curated table (no store: DEPORTSIM_DATA_DIR points at an empty folder)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DEPORTSIM_DATA_DIR", str(tmp_path_factory.mktemp("empty")))
    try:
        return load_history()
    finally:
        mp.undo()
