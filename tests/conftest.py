"""Shared test fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from deportsim.parameters import ParameterSet, load_parameters

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def params() -> ParameterSet:
    """The built-in parameter set, loaded once."""
    return load_parameters()


@pytest.fixture
def start() -> dt.date:
    """The contract's default start date."""
    return dt.date(2025, 1, 20)
