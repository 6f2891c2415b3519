"""The daily table: each row stored once if it is the same every day, else day by day."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from deportsim.engine.table import DailyTable, by_day

F = NDArray[np.float64]


def test_rows_read_back_as_every_day_and_region_whatever_their_form() -> None:
    days, regions = 5, 3
    rng = np.random.default_rng(0)
    by_d, by_g, both, same = (
        rng.random(days), rng.random(regions), rng.random((days, regions)), rng.random(regions),
    )  # fmt: skip
    forms: dict[str, tuple[object, F]] = {  # a value as given, and as every day and region
        "number": (0.25, np.full((days, regions), 0.25)),
        "by day": (by_d, np.repeat(by_d[:, None], regions, axis=1)),
        "by region": (by_g, np.tile(by_g, (days, 1))),
        "by day and region": (both, both),
        "the same every day": (np.tile(same, (days, 1)), np.tile(same, (days, 1))),
        "a constant series": (np.full(days, 4.0), np.full((days, regions), 4.0)),
    }
    table = DailyTable(days, regions)
    rows = {name: table.add(by_day(v, days, regions, name)) for name, (v, _) in forms.items()}
    values, offset, step = table.pack()
    assert [int(step[rows[n]]) for n in forms] == [0, regions, 0, regions, 0, 0]
    assert values.size == 4 * regions + 2 * days * regions  # the constant rows stored once
    for name, (_, expected) in forms.items():
        row = rows[name]
        # as the compiled loop reads it (deportsim.engine.kernels.daily_value)
        got = [[values[offset[row] + t * step[row] + g] for g in range(regions)]
               for t in range(days)]  # fmt: skip
        assert np.array_equal(got, expected), name


def test_a_shape_that_fits_nothing_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match=r"route x -> y: shape \(4,\) fits neither"):
        by_day(np.zeros(4), 5, 3, "route x -> y")
    with pytest.raises(ValueError, match="a row of shape"):
        DailyTable(5, 3).add(np.zeros(4))
