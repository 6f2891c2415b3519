"""A station whose places are shared with another: both together fill the capacity."""

from __future__ import annotations

import numpy as np
import pytest

from deportsim.engine import (
    Delay,
    MeanField,
    Network,
    Route,
    Station,
    Stochastic,
    Streams,
    simulate,
)


def _beds_and_staging(capacity: float) -> Network:
    """Beds (100 a day arriving, 10-day stays) whose leavers wait 5 days in staging, in beds."""
    return Network(
        [
            Station("beds", Delay.exponential(10.0), capacity=capacity, overflow="lose",
                    shares_places_with=("staging",)),
            Station("staging", Delay.exponential(5.0)),
        ],
        arrivals={("beds", "all"): 100.0},
        routes={("beds", "all"): [Route("staging", 1.0)], ("staging", "all"): [Route("out", 1.0)]},
    )  # fmt: skip


def test_unlimited_beds_hold_both_stays() -> None:
    r = simulate(_beds_and_staging(1e9), 600, 1, MeanField(), record=("occupancy",))
    # Little's law: 100 a day for 10 days in beds and 5 in staging
    assert r.national("beds", "occupancy")[0, -1] == pytest.approx(1000.0, rel=1e-3)
    assert r.national("staging", "occupancy")[0, -1] == pytest.approx(500.0, rel=1e-3)


@pytest.mark.parametrize("sampler", [MeanField(), Stochastic(Streams(3))], ids=["mean", "draws"])
def test_beds_and_staging_together_stay_within_the_capacity(sampler: object) -> None:
    r = simulate(_beds_and_staging(900.0), 400, 4, sampler, record=("occupancy", "refused"))  # type: ignore[arg-type]
    held = r.national("beds", "occupancy") + r.national("staging", "occupancy")
    late = held[:, 200:]
    # staging is counted when beds admit, so a day's end exceeds 900 by at most that day's change
    # in staging (a few percent here); on average the places are full, not more
    assert np.all(late <= 900.0 * 1.05)
    assert late.mean() == pytest.approx(900.0, rel=0.01)
    assert r.national("beds", "refused")[:, 200:].sum() > 0, "the rest are turned away"
    # 60 a day get a bed: 10 days in beds and 5 in staging fill the 900 places (600 + 300)
    assert r.national("beds", "occupancy")[:, 200:].mean() == pytest.approx(600.0, rel=0.02)
    # without the sharing, beds alone would fill to 900
    alone = simulate(
        Network(
            [Station("beds", Delay.exponential(10.0), capacity=900.0, overflow="lose")],
            arrivals={("beds", "all"): 100.0},
        ),
        400, 1, MeanField(), record=("occupancy",),
    )  # fmt: skip
    assert alone.national("beds", "occupancy")[0, -1] == pytest.approx(900.0)


def test_sharing_needs_places_and_another_station() -> None:
    with pytest.raises(ValueError, match="needs a capacity in places"):
        Station("beds", Delay.exponential(1.0), shares_places_with=("x",))
    with pytest.raises(ValueError, match="not another station"):
        Network([Station("beds", Delay.exponential(1.0), capacity=5, shares_places_with=("x",))])
