"""Named random streams: reproducible, independent, and stable when streams are added."""

from __future__ import annotations

import numpy as np
import pytest

from deportsim.engine import Streams


def test_same_seed_and_name_give_the_same_numbers() -> None:
    a = Streams(7)("arrests.count").random(5)
    b = Streams(7)("arrests.count").random(5)
    assert np.array_equal(a, b)


def test_names_seeds_and_batches_give_different_streams() -> None:
    base = Streams(7)("x").random(1000)
    for other in (Streams(7)("y"), Streams(8)("x"), Streams(7, batch=1)("x")):
        draws = other.random(1000)
        # independent uniforms: correlation within 4 standard errors (1/sqrt(1000)) of zero
        assert abs(np.corrcoef(base, draws)[0, 1]) < 4 / np.sqrt(1000)


def test_using_a_new_stream_does_not_shift_existing_ones() -> None:
    plain = Streams(3)
    first = plain("a").random(3)
    mixed = Streams(3)
    mixed("b").random(100)  # a new decision drawn in between
    assert np.array_equal(mixed("a").random(3), first)


def test_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Streams(-1)
