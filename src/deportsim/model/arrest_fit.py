"""The arrest stage fitted on the published record: what officers achieved, how new ones ramp up.

The arrest stage (:mod:`deportsim.model.stages.arrests`) bounds at-large arrests by the officers'
capacity: ``effective officers × productivity − custodial arrests × custodial effort``. In the
months when the policy target was far above what ICE achieved (the White House's 3,000 a day from
June 2025), arrests *were* that capacity, so the record measures it. The fit, month by month:

- ICE arrests ``a_m`` = ICE book-ins a day (the record) over the booking share that month
  (``arrests.book_in_probability``);
- custodial arrests ``c_m``: the jail transfers the model expects from the people at large on the
  window's first day (:func:`~deportsim.model.stages.arrests.expected_transfers`), a month's mean;
- at-large arrests ``a_m − c_m``, plus the officer time the jail transfers took (``c_m`` ×
  ``arrests.custodial_effort_ratio``), are the capacity used: ``y_m``;
- the model: ``y_m = p × E_m(R)``, with ``E_m(R)`` the month's mean of the effective officers
  when a new officer ramps up over ``R`` days
  (:func:`~deportsim.model.stages.arrests.effective_officers`), officers as the scenario states.

Least squares on ``log y_m``: for each ``R`` on a grid of whole days (0 to 730) ``log p`` is the
mean of ``log y_m − log E_m(R)``; the ``R`` with the smallest sum of squares wins (the smallest
such ``R`` if several tie, as when no officers were added in the window: then ``R`` is not
identified and is left at the parameter's own value). The range comes from a residual bootstrap
(:data:`BOOTSTRAP` refits on the fitted values times resampled monthly residuals, seed
:data:`SEED`): the 5th and 95th percentiles. A run draws the productivity from a wider range,
the *predictive* one: each refit's value times a month's misfit drawn from the residuals, so that
a replicate's arrests after the record can stray from the fit as the recorded months did (the
misfit is persistent: February and March 2026 were both low).

Months qualify when the scenario's target that month is at least :data:`BOUND_MARGIN` times the
arrests recorded (capacity, not the target, set them) and the month is complete in the record.
Nothing here reads anything but the record handed to it, so a fit on a vintage uses only what was
published by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.model.inputs import Inputs
from deportsim.model.stages.arrests import effective_officers, expected_transfers, headcount
from deportsim.model.stages.population import initial_pools

__all__ = ["BOOTSTRAP", "BOUND_MARGIN", "MIN_MONTHS", "SEED", "ArrestFit", "fit_arrests"]

F = NDArray[np.float64]

#: A month is capacity-bound when the target is at least this many times the arrests recorded.
BOUND_MARGIN = 1.25
#: Fewest capacity-bound months for a fit (fewer: no fit, the parameters' own values stand).
MIN_MONTHS = 3
#: Bootstrap refits, and their seed.
BOOTSTRAP, SEED = 200, 20250601
_RAMPS = np.arange(0.0, 731.0, 5.0)


@dataclass(frozen=True)
class ArrestFit:
    """The fitted productivity and ramp-up, their bootstrap ranges, and what they rest on."""

    productivity: float  # at-large arrests per effective officer-day
    productivity_range: tuple[float, float]  # the fit's 5-95% bootstrap range
    #: 5-95% of a month's productivity: bootstrap fits times the months' own misfit (drawn)
    predictive_range: tuple[float, float]
    ramp_days: float | None  # None: not identified (no officers added in the window)
    ramp_range: tuple[float, float] | None
    months: tuple[str, ...]  # the capacity-bound months fitted on
    used: F  # y_m: capacity used, arrests a day
    fitted: F  # p × E_m(R)
    officers: F  # E_m(R) at the fit

    @property
    def latest(self) -> float:
        """The productivity of the last month fitted on: the fit times that month's misfit."""
        return float(self.productivity * self.used[-1] / self.fitted[-1])

    @property
    def mape(self) -> float:
        """Mean absolute percentage error of the fitted capacity used, over the months."""
        return float(np.mean(np.abs(self.fitted / self.used - 1.0)))

    def to_json(self) -> dict[str, Any]:
        """The fit as a manifest and the docs show it."""
        return {
            "productivity": round(self.productivity, 5),
            "productivity_range": [round(v, 5) for v in self.productivity_range],
            "productivity_predictive_range": [round(v, 5) for v in self.predictive_range],
            "ramp_days": None if self.ramp_days is None else round(self.ramp_days, 1),
            "ramp_range": None if self.ramp_range is None else [round(v, 1) for v in
                                                                 self.ramp_range],
            "months": list(self.months),
            "mape": round(self.mape, 4),
            "method": "least squares on log capacity used, capacity-bound months; residual "
                      f"bootstrap ({BOOTSTRAP} refits)",
        }  # fmt: skip


def _month_means(daily: F, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> F:
    return np.array([daily[a:b].mean() for a, b in zip(starts, ends, strict=True)])


def _best(y: F, grid: F) -> tuple[NDArray[np.int64], F]:
    """For each row of ``y`` (fits, months), the best ramp's grid index and log productivity.

    ``grid`` is (ramps, months) of effective officers. Of ramps whose sums of squares tie (to
    1e-12), the first: the smallest ramp.
    """
    r = np.log(y)[:, None, :] - np.log(grid)[None, :, :]  # (fits, ramps, months)
    lp = r.mean(axis=2)
    ss = ((r - lp[:, :, None]) ** 2).sum(axis=2)
    best = np.argmax(ss <= ss.min(axis=1, keepdims=True) + 1e-12, axis=1)
    return best, lp[np.arange(y.shape[0]), best]


def fit_arrests(
    x: Inputs, start: dt.date, months: dict[str, tuple[dt.date, dt.date, float]], ramp: float
) -> ArrestFit | None:
    """Fit productivity and ramp-up on the record's months (module docstring), or None.

    ``x`` are the scenario's inputs over a window from ``start`` that covers the months;
    ``months`` maps each complete month of the record to its first day, the day after its last
    and its ICE book-ins a day; ``ramp`` is the ramp-up the parameters give (kept when the window
    cannot identify it). None when fewer than :data:`MIN_MONTHS` months are capacity-bound.
    """
    labels = np.array(list(months))
    starts = np.array([(a - start).days for a, _, _ in months.values()], dtype=np.int64)
    ends = np.array([(b - start).days for _, b, _ in months.values()], dtype=np.int64)
    book_ins = np.array([v for _, _, v in months.values()], dtype=np.float64)
    inside = (starts >= 0) & (ends <= x.days)
    labels, starts, ends, book_ins = labels[inside], starts[inside], ends[inside], book_ins[inside]
    if not labels.size:
        return None
    custodial = expected_transfers(x, initial_pools(x)).sum(axis=(1, 2))
    arrests = book_ins / _month_means(x.book_in_p, starts, ends)
    c = _month_means(custodial, starts, ends)
    effort = _month_means(x.custodial_effort, starts, ends)
    bound = _month_means(x.target, starts, ends) >= BOUND_MARGIN * arrests
    y_all = arrests - c + c * effort
    keep = bound & (y_all > 0)
    if keep.sum() < MIN_MONTHS:
        return None
    y, s, e = y_all[keep], starts[keep], ends[keep]
    grid = np.array([_month_means(effective_officers(headcount(x), r), s, e) for r in _RAMPS])
    identified = not np.allclose(grid, grid[0])
    ramps = _RAMPS if identified else np.array([ramp])
    if not identified:
        grid = _month_means(effective_officers(headcount(x), ramp), s, e)[None, :]
    (i,), (lp,) = _best(y[None, :], grid)
    fitted = np.exp(lp) * grid[i]
    resid = np.log(y) - np.log(fitted)
    rng = np.random.default_rng(SEED)
    samples = fitted * np.exp(rng.choice(resid, size=(BOOTSTRAP, resid.size), replace=True))
    j, lp_b = _best(samples, grid)
    p_b, r_b = np.exp(lp_b), ramps[j]
    p_lo, p_hi = np.percentile(p_b, [5.0, 95.0])
    month = p_b * np.exp(rng.choice(resid, size=p_b.size, replace=True))
    m_lo, m_hi = np.percentile(month, [5.0, 95.0])
    r_lo, r_hi = np.percentile(r_b, [5.0, 95.0])
    return ArrestFit(
        productivity=float(np.exp(lp)),
        productivity_range=(float(min(p_lo, np.exp(lp))), float(max(p_hi, np.exp(lp)))),
        predictive_range=(float(min(m_lo, np.exp(lp))), float(max(m_hi, np.exp(lp)))),
        ramp_days=float(_RAMPS[i]) if identified else None,
        ramp_range=(float(min(r_lo, _RAMPS[i])), float(max(r_hi, _RAMPS[i])))
        if identified else None,
        months=tuple(str(m) for m in labels[keep]),
        used=y, fitted=fitted, officers=grid[i],
    )  # fmt: skip
