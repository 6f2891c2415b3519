"""Detention stays as phases: the mixture keeps the mean and the spread of the stay."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deportsim.model.stays import phases


@given(mean=st.floats(1.0, 400.0), cv=st.floats(1.001, 5.0))
def test_two_phases_keep_mean_and_coefficient_of_variation(mean: float, cv: float) -> None:
    ph = phases(mean, cv)
    assert [p.suffix for p in ph] == ["-short", "-long"]
    assert sum(p.share for p in ph) == pytest.approx(1.0)
    m1 = sum(p.share * p.stay.mean for p in ph)
    m2 = sum(p.share * 2.0 * p.stay.mean**2 for p in ph)  # E[X²] of an exponential is 2m²
    assert m1 == pytest.approx(mean, rel=1e-12)
    assert math.sqrt(m2 - m1 * m1) / m1 == pytest.approx(cv, rel=1e-9)
    # balanced means: each phase carries half of the mean
    assert ph[0].share * ph[0].stay.mean == pytest.approx(mean / 2, rel=1e-12)


@pytest.mark.parametrize("cv", [0.3, 1.0])
def test_a_stay_no_more_spread_than_exponential_is_kept_by_age(cv: float) -> None:
    (only,) = phases(60.0, cv)
    assert (only.suffix, only.share) == ("", 1.0)
    assert (only.stay.kind, only.stay.mean) == ("lognormal", 60.0)
