"""Impossible figures in a workbook are refused, naming file, sheet and cell (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.official.checks import MAX_DAYS, MAX_PERSONS, check_values
from deportsim.official.records import FacilityRecord, Record

PATH = Path("FY19-detentionstats.xlsx")


def _figure(value: float, unit: str = "persons") -> Record:
    return Record("book_ins", "FY2019", 2019, value, unit, PATH.name, "Detention FY19", "C7")


def _facility(**values: float | None) -> FacilityRecord:
    fields: dict[str, float | None] = {"adp": 10.0, "alos": 20.0, "guaranteed_minimum": None}
    fields.update(values)
    return FacilityRecord(
        2019, "Somewhere", "Town", "TX", "HOU", "IGSA", source_file=PATH.name,
        sheet="Facilities FY19", row=12, **fields,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "unit", "says"),
    [
        (-5.0, "persons", "the value -5 persons is negative"),
        (float("nan"), "persons", "the value nan is not a finite number"),
        (float("inf"), "days", "the value inf is not a finite number"),
        (MAX_PERSONS + 1, "persons/day", "is more than could exist (at most 340,000,000)"),
        (MAX_DAYS * 2, "days", "is more than could exist (at most 36,525)"),
        (1.5, "share", "is more than could exist (at most 1)"),
    ],
)
def test_an_impossible_figure_is_refused_naming_the_cell(
    value: float, unit: str, says: str
) -> None:
    with pytest.raises(UserError) as err:
        check_values(PATH, [_figure(value, unit)], [])
    line = err.value.one_line()
    assert line.startswith("FY19-detentionstats.xlsx: Detention FY19!C7: the value"), line
    assert says in line
    assert line.endswith("nothing was stored")


@pytest.mark.parametrize("field", ["adp", "alos", "guaranteed_minimum", "capacity"])
def test_an_impossible_facility_figure_is_refused_naming_the_row(field: str) -> None:
    with pytest.raises(UserError, match=r"Facilities FY19 row 12 \(.*\): the value -1"):
        check_values(PATH, [], [_facility(**{field: -1.0})])


def test_possible_figures_pass() -> None:
    check_values(
        PATH,
        [_figure(0.0), _figure(510_854.0), _figure(1602.75, "days"), _figure(0.99, "share")],
        [_facility(alos=None, capacity=2001.0)],
    )
