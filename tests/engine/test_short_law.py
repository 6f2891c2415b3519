"""A stay's daily form is the same whether its law is first computed over a few days or not.

:meth:`Delay.daily` computes a stay's law over :data:`~deportsim.engine.delays.SHORT_LAW` days
first, and over the whole horizon only when those do not settle it (issue 22: 36 stays a
replicate with drawn parameters). The figures must be the very same numbers either way.
"""

from __future__ import annotations

import numpy as np
import pytest

from deportsim.engine import delays
from deportsim.engine.delays import DailyStay, Delay


def _stays() -> list[Delay]:
    rng = np.random.default_rng(1)
    means = [*rng.uniform(0.05, 5, 60), *rng.uniform(5, 5000, 60), 1e5, 1e6, 0.01]
    out = [Delay.exponential(m) for m in means]
    for kind, top, spread, n in [
        ("hyperexponential", 400, (1.01, 4), 30),
        ("gamma", 100, (0.2, 2), 10),
        ("lognormal", 100, (0.2, 2), 10),
    ]:
        cvs = rng.uniform(*spread, n)
        out += [Delay(kind, m, cv) for m, cv in zip(rng.uniform(1, top, n), cvs, strict=True)]
    return out + [Delay.deterministic(d) for d in (0.5, 1.0, 3.2, 30.0)]


def _same(a: DailyStay, b: DailyStay) -> bool:
    return (
        a.first == b.first
        and np.array_equal(a.hazard, b.hazard)
        and np.array_equal(a.advance, b.advance)
    )


def test_the_short_law_gives_the_very_same_daily_form(monkeypatch: pytest.MonkeyPatch) -> None:
    stays = _stays()
    days = delays.SHORT_LAW
    short = [d.daily() for d in stays]
    monkeypatch.setattr(delays, "SHORT_LAW", 10**9)  # the whole horizon at once, as before
    delays._daily_form.cache_clear()  # computed again, not the forms kept from above
    whole = [d.daily() for d in stays]
    delays._daily_form.cache_clear()
    assert all(_same(a, b) for a, b in zip(short, whole, strict=True))
    # the short law settles the exponential stays, and a long gamma stay needs the whole one
    assert delays._settled(*Delay.exponential(40.0).day_law(days), 3650, 1e-4, False)
    assert delays._settled(*Delay("gamma", 90.0, 0.5).day_law(days), 3650, 1e-4,
                           False) is None  # fmt: skip


def test_a_stays_daily_form_is_computed_once_and_cannot_be_changed() -> None:
    stay = Delay.exponential(41.5)
    form = stay.daily()
    assert stay.daily() is form
    assert Delay.exponential(41.5).daily() is form  # an equal stay: the same form
    assert stay.daily(max_bins=8) is not form
    with pytest.raises(ValueError, match="read-only"):
        form.hazard[0] = 0.5
