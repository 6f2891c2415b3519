"""Expected stocks of a stay with two exponential phases whose exit rates change by day.

A mean-field companion to the stations (docs/engine.md, "Two-part stays"): each day, a share
``split`` of the day's admissions enter a short phase (mean ``mean_short`` days) and the rest a
long phase (mean ``mean_long`` days); each phase's daily exit hazard is ``multiplier[t] / mean``,
so a multiplier above 1 shortens every stay that day. With ``d = exp(-hazard)``::

    n[t] = n[t-1] * d[t] + admissions[t] * share * exp(-hazard[t] / 2)

(admissions arrive through the day, so on average half a day's hazard applies to them before the
end-of-day count). Departures on day ``t`` are ``n[t-1] + admissions[t] - n[t]``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from deportsim.engine.kernels import jit

__all__ = ["two_phase_stock"]

F = NDArray[np.float64]


@jit
def _run(
    admissions: F, split: float, mean_short: float, mean_long: float, multiplier: F,
    start_short: float, start_long: float, stock: F,
) -> None:  # fmt: skip
    n1 = start_short
    n2 = start_long
    for t in range(admissions.size):
        h1 = multiplier[t] / mean_short
        h2 = multiplier[t] / mean_long
        a = admissions[t]
        n1 = n1 * np.exp(-h1) + a * split * np.exp(-0.5 * h1)
        n2 = n2 * np.exp(-h2) + a * (1.0 - split) * np.exp(-0.5 * h2)
        stock[t] = n1 + n2


def two_phase_stock(
    admissions: F,
    *,
    split: float,
    mean_short: float,
    mean_long: float,
    multiplier: F,
    start: float,
) -> tuple[F, F]:
    """End-of-day stock and daily departures, from a stock ``start`` on the day before day 0.

    The starting stock is split between the phases as in a steady state with day 0's rates
    (``split · mean_short : (1 - split) · mean_long``).

    >>> import numpy as np
    >>> stock, out = two_phase_stock(np.full(2000, 100.0), split=0.5, mean_short=10.0,
    ...                              mean_long=50.0, multiplier=np.ones(2000), start=0.0)
    >>> round(float(stock[-1]) / 100, 1)  # Little's law: mean stay 0.5·10 + 0.5·50 = 30 days
    30.0
    >>> round(float(out[-1]), 1)
    100.0
    """
    if not (0.0 <= split <= 1.0) or mean_short <= 0 or mean_long <= 0:
        raise ValueError("split must lie in [0, 1] and phase means must be positive")
    adm = np.ascontiguousarray(admissions, dtype=np.float64)
    mult = np.ascontiguousarray(multiplier, dtype=np.float64)
    if mult.shape != adm.shape:
        raise ValueError(f"multiplier has shape {mult.shape}, admissions {adm.shape}")
    w = split * mean_short / (split * mean_short + (1.0 - split) * mean_long)
    stock = np.empty_like(adm)
    _run(adm, split, mean_short, mean_long, mult, start * w, start * (1.0 - w), stock)
    before = np.concatenate(([start], stock[:-1]))
    return stock, before + adm - stock
