"""Work made ready ahead on a thread of its own: in order, bounded, errors raised where taken."""

from __future__ import annotations

import threading
import time

import pytest

from deportsim.engine.ahead import Ahead


def test_items_are_made_in_order_and_never_more_than_ahead_wait() -> None:
    made: list[int] = []
    waiting: list[int] = []
    box: list[Ahead[int, int]] = []

    def make(k: int) -> int:
        waiting.append(len(box[0]._ready))  # items made but not taken when this one starts
        made.append(k)
        return k * k

    ahead = Ahead(range(8), make, ahead=2)
    box.append(ahead)
    with ahead:
        deadline = time.monotonic() + 10.0
        while len(made) < 2 and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.05)  # time to make a third, which it must not: two wait to be taken
        assert made == [0, 1]
        assert [ahead.take(k) for k in range(8)] == [k * k for k in range(8)]
    assert made == list(range(8))
    assert max(waiting) <= 2


def test_an_error_in_the_work_is_raised_by_take() -> None:
    def make(k: int) -> int:
        if k == 2:
            raise ValueError("bad batch 2")
        return k

    with Ahead(range(5), make, ahead=1) as ahead:
        assert ahead.take(0) == 0
        assert ahead.take(1) == 1
        with pytest.raises(ValueError, match="bad batch 2"):
            ahead.take(2)


def test_closing_stops_the_thread_even_when_nothing_is_taken() -> None:
    with Ahead(range(100), lambda k: k, ahead=1) as ahead:
        pass
    assert not ahead._thread.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "deportsim-ahead"]
    with pytest.raises(RuntimeError, match="closed"):
        ahead.take(5)
    with pytest.raises(KeyError):
        ahead.take(500)


def test_no_thread_is_started_when_there_is_nothing_to_make() -> None:
    with Ahead(range(0), lambda k: k, ahead=1) as ahead:
        assert ahead._thread.ident is None  # never started
