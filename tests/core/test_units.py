"""Units: conversions happen in one place and refuse to mix dimensions."""

from __future__ import annotations

import pytest

from deportsim.core.units import DAYS_PER_YEAR, UNITS, Kind, UnitMismatchError, convert, get_unit


def test_per_year_converts_with_the_mean_calendar_year() -> None:
    assert convert(365.25, "persons/year", "persons/day") == pytest.approx(1.0)
    assert convert(1.0, "persons/day", "persons/year") == pytest.approx(DAYS_PER_YEAR)


def test_money_and_counts_scale() -> None:
    assert convert(2.5, "billion USD", "USD") == pytest.approx(2.5e9)
    assert convert(14.0, "million persons", "persons") == pytest.approx(14e6)
    assert convert(50.0, "percent", "probability") == pytest.approx(0.5)
    assert convert(2.0, "weeks", "days") == pytest.approx(14.0)
    assert convert(190_000, "USD/officer/year", "USD/officer/day") == pytest.approx(
        190_000 / 365.25
    )


@pytest.mark.parametrize(
    ("a", "b"), [("days", "beds"), ("persons/day", "persons"), ("USD", "USD/person")]
)
def test_different_dimensions_do_not_convert(a: str, b: str) -> None:
    with pytest.raises(UnitMismatchError, match="measure different things"):
        convert(1.0, a, b)


def test_unknown_unit_suggests_close_names() -> None:
    with pytest.raises(UnitMismatchError, match="did you mean persons/day"):
        get_unit("person/day")


def test_every_unit_points_at_a_canonical_unit_of_the_same_kind() -> None:
    for name, unit in UNITS.items():
        canonical = UNITS[unit.canonical]
        assert canonical.factor == 1.0, f"{name}: canonical {unit.canonical} must have factor 1"
        assert canonical.kind is unit.kind, f"{name} and {unit.canonical} differ in kind"
    assert get_unit("probability").kind is Kind.PROBABILITY
