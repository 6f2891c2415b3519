"""The backtest's removals: the share of the people leaving detention who are removed, by agency.

ICE publishes the book-outs whose reason is "Release to Remove" by month from FY2024 only, and
from February 2025 that share of book-outs jumped from about 60% to 80-91%. Part of the jump is
who was leaving: people arrested by CBP, in FY2024 mostly asylum seekers transferred to ICE and
released, gave way to people arrested by ICE, most of whom are removed. The replay follows each
agency's departures, so the share of a month's departures that are removals is

    mix = (s_ICE · d_ICE + s_CBP(year) · d_CBP) / (d_ICE + d_CBP)

with ``d`` the replay's departures of each agency's book-ins. ``s_ICE`` is one share for all
years; ``s_CBP`` has one per fiscal year, because what happened to CBP's transferees changed
with border policy (Title 42 in FY2021-22: almost all released).

The shares are fitted on the in-sample years only (:func:`fit_shares`), on what ICE published
about the people leaving: from FY2024, removals over book-outs by month; FY2021-FY2023, one
minus the "final releases" (book-outs other than removals) over the replay's departures, by
month; FY2019-FY2020, the same over the year (those workbooks give final releases by year only).
The shares of FY2021-FY2023 rest on the replay's departures, which miss by a few percent and in
some months by more (in December 2022 ICE's final releases exceed them: a share below 0), so the
fit is least squares with a robust loss (soft L1, scale :data:`LOSS_SCALE`). The months with
the ICE arrests' fraction of departures swinging from 82% to 12% (FY2021) are what tell the two
agencies' shares apart: within FY2024 that fraction barely moves.

The intervals (:func:`share_draws`) hold:

- the fit's uncertainty: one fit for each of the calibration's fits (their departures differ),
  and around each, ICE's share and CBP's last fitted one drawn from a normal on their logits with
  the covariance of the fit (the Gauss-Newton approximation at the optimum, SciPy's Jacobian for
  the robust loss, the residual variance from the fit's cost);
- each month's misfit: a normal on the logit of the share, with the spread of FY2024's months
  (the months where ICE published both removals and book-outs);
- for the fiscal years after the fit, CBP's share as a random walk from the last fitted year's,
  with steps of the standard deviation of its year-to-year change over the fitted years
  (clipped to [0, 1]), like the stay levels: the backtest cannot know how border policy will
  change. ICE's share is held at its fit (with the fit's uncertainty): fitted year by year where
  the data can tell the two agencies apart, it was 0.82 in FY2021 and 1.00 in FY2022 (the
  common fit: 0.83), and two years cannot give its year-to-year change.

Nothing after September 2024 enters a fit: the out-of-sample months are forecast from the
replay's departures, themselves driven by the observed book-ins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from deportsim.model.calibration import FIT_LAST
from deportsim.model.replay import History

__all__ = ["LOSS_SCALE", "RemovalShares", "ShareData", "fit_shares", "share_data", "share_draws"]

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.int64]  # noqa: E741

#: Scale of the robust loss, in share of departures (10 percentage points): residuals well above
#: it count less than in least squares.
LOSS_SCALE = 0.1
#: Bounds of the shares' logits in the fit (shares 0.25% - 99.75%).
_BOUND = 6.0


@dataclass(frozen=True)
class ShareData:
    """What the in-sample months tell about the share of the people leaving who are removed.

    ``monthly`` is that share by month (NaN where unknown or out of sample), ``direct`` marks the
    months where it is ICE's own removals over book-outs (not derived from the replay), and
    ``annual`` maps a fiscal year with no monthly figure to the share over its months.
    """

    fiscal_years: I
    ice: F
    cbp: F
    monthly: F
    direct: B
    annual: Mapping[int, float]

    @property
    def years(self) -> tuple[int, ...]:
        """Fiscal years with a figure, in order: each has its own CBP share."""
        have = {int(y) for y in self.fiscal_years[~np.isnan(self.monthly)]}
        return tuple(sorted(have | set(self.annual)))


def share_data(history: History, dep_ice: F, dep_cbp: F, last: str = FIT_LAST) -> ShareData:
    """The share of removals among the people leaving, month by month up to ``last``.

    ``dep_ice`` and ``dep_cbp`` are the replay's departures of each agency's book-ins (over the
    days each month's figures cover, as ICE's). Where ICE published book-outs and their removals
    (FY2024 on), the share is theirs; where it published final releases by month (FY2021-23), one
    minus those over the replay's departures; for a fiscal year with only a yearly figure of final
    releases (FY2019-20), one minus that over the year's departures.
    """
    fy = history.fiscal_years
    inside = np.array([m <= last for m in history.months])
    total = dep_ice + dep_cbp
    released = np.array([history.releases.get(m, np.nan) for m in history.months])
    direct = inside & ~np.isnan(history.removals) & ~np.isnan(history.book_outs)
    derived = inside & ~direct & ~np.isnan(released)
    monthly = np.full(len(history.months), np.nan)
    monthly[direct] = history.removals[direct] / history.book_outs[direct]
    monthly[derived] = 1.0 - released[derived] / total[derived]
    annual: dict[int, float] = {}
    for y in sorted({int(v) for v in fy[inside]}):
        months = (fy == y) & inside
        known = history.releases.get(f"FY{y}")
        whole = all(m <= last for m, v in zip(history.months, fy, strict=True) if v == y)
        if known is not None and whole and np.isnan(monthly[months]).all():
            annual[y] = 1.0 - known / float(total[months].sum())
    return ShareData(fy, dep_ice, dep_cbp, monthly, direct, annual)


@dataclass(frozen=True)
class RemovalShares:
    """The share of each agency's departures that are removals, and how it varies.

    ``ice``: one share for every year; ``cbp``: by fiscal year (a later year keeps the last
    one). ``monthly_sd``: the spread of a month's misfit, on the logit of the share;
    ``step_sd``: the standard deviation of CBP's share's year-to-year change; ``cov``: the
    covariance of the logits of ICE's share and of CBP's last fitted one (the fit's uncertainty).
    """

    ice: float
    cbp: Mapping[int, float]
    monthly_sd: float
    step_sd: float
    cov: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))

    def cbp_share(self, fiscal_year: int) -> float:
        """CBP's share in a fiscal year (the latest earlier year's if it has none)."""
        known = [y for y in self.cbp if y <= fiscal_year]
        return float(self.cbp[max(known)] if known else self.cbp[min(self.cbp)])

    def mix(self, dep_ice: F, dep_cbp: F, fiscal_years: Sequence[int] | I) -> F:
        """The share of all departures that are removals, month by month (no misfit).

        >>> s = RemovalShares(0.9, {2024: 0.4}, 0.0, 0.0)
        >>> s.mix(np.array([100.0, 300.0]), np.array([100.0, 100.0]), [2024, 2025]).tolist()
        [0.65, 0.775]
        """
        cbp = np.array([self.cbp_share(int(y)) for y in fiscal_years])
        total = dep_ice + dep_cbp
        out: F = (self.ice * dep_ice + cbp * dep_cbp) / np.where(total > 0, total, 1.0)
        return out


def _fit(data: ShareData) -> tuple[F, F]:
    """Logits of (ICE's share, CBP's by year of ``data.years``); covariance of the first, last."""
    from scipy.optimize import least_squares  # noqa: PLC0415 (slow to import; only fits need it)

    years = data.years
    where = ~np.isnan(data.monthly)
    col = np.array([years.index(int(y)) if int(y) in years else 0 for y in data.fiscal_years])
    total = data.ice + data.cbp
    frac = np.divide(data.ice, total, out=np.zeros_like(total), where=total > 0)
    annual = [(years.index(y), y == data.fiscal_years, share) for y, share in data.annual.items()]

    def residuals(x: F) -> F:
        mixed = frac * expit(x[0]) + (1.0 - frac) * expit(x[1:])[col]
        out = [(mixed - data.monthly)[where]]
        for k, months, share in annual:
            d_ice, d_cbp = float(data.ice[months].sum()), float(data.cbp[months].sum())
            fitted = (expit(x[0]) * d_ice + expit(x[1 + k]) * d_cbp) / (d_ice + d_cbp)
            out.append(np.array([fitted - share]))
        return np.concatenate(out)

    x0 = np.zeros(1 + len(years))
    fit = least_squares(residuals, x0, bounds=(-_BOUND, _BOUND), loss="soft_l1", f_scale=LOSS_SCALE)
    x = np.asarray(fit.x, dtype=np.float64)
    free = np.flatnonzero(fit.active_mask == 0)  # parameters on a bound are held there
    cov = np.zeros((x.size, x.size))
    if fit.fun.size > free.size:
        jac = np.asarray(fit.jac, dtype=np.float64)[:, free]
        variance = 2.0 * float(fit.cost) / (fit.fun.size - free.size)
        cov[np.ix_(free, free)] = np.linalg.pinv(jac.T @ jac) * variance
    ends = [0, x.size - 1]
    return x, cov[np.ix_(ends, ends)]


def fit_shares(data: ShareData) -> RemovalShares:
    """The shares that best follow the in-sample figures, with their spreads (module docstring)."""
    x, cov = _fit(data)
    years = data.years
    cbp = {y: float(expit(v)) for y, v in zip(years, x[1:], strict=True)}
    s = RemovalShares(float(expit(x[0])), cbp, 0.0, 0.0)
    direct = data.direct & ~np.isnan(data.monthly)
    if direct.sum() >= 3:
        fitted = s.mix(data.ice[direct], data.cbp[direct], data.fiscal_years[direct])
        observed = np.clip(data.monthly[direct], 1e-6, 1.0 - 1e-6)
        monthly_sd = float(np.std(logit(observed) - logit(fitted), ddof=1))
    else:
        monthly_sd = 0.0
    values = [cbp[y] for y in years]
    step_sd = float(np.diff(values).std(ddof=1)) if len(values) >= 3 else 0.0
    c = ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1])))
    return RemovalShares(s.ice, cbp, monthly_sd, step_sd, c)


def share_draws(
    fits: Sequence[RemovalShares], dep_ice: F, dep_cbp: F, fiscal_years: I, *, per_fit: int,
    rng: np.random.Generator,
) -> F:  # fmt: skip
    """Draws of the share of each month's departures that are removals, (draws, months).

    Rows ``i * per_fit`` to ``(i + 1) * per_fit`` use ``fits[i]`` and the departures of the same
    rows of ``dep_ice`` and ``dep_cbp``. Each row draws ICE's share and CBP's last fitted one
    from the fit's covariance; for fiscal years after the last one fitted, CBP's share follows a
    random walk from there; every month has a logit-normal misfit.
    """
    n, months = dep_ice.shape
    if n != per_fit * len(fits):
        raise ValueError(f"{n} draws, expected {per_fit} for each of {len(fits)} fits")
    out = np.empty((n, months))
    for i, s in enumerate(fits):
        rows = slice(i * per_fit, (i + 1) * per_fit)
        last = max(s.cbp)
        z = rng.multivariate_normal(
            [logit(s.ice), logit(s.cbp[last])], np.array(s.cov), size=per_fit, method="eigh"
        )
        ice = expit(z[:, [0]])
        cbp = np.tile([s.cbp_share(int(y)) for y in fiscal_years], (per_fit, 1))
        cbp[:, fiscal_years >= last] = expit(z[:, [1]])
        after = sorted({int(y) for y in fiscal_years if y > last})
        if after:
            steps = np.cumsum(rng.standard_normal((per_fit, len(after))) * s.step_sd, axis=1)
            for k, y in enumerate(after):
                cbp[:, fiscal_years == y] += steps[:, [k]]
        cbp = np.clip(cbp, 0.0, 1.0)
        d_ice, d_cbp = dep_ice[rows], dep_cbp[rows]
        total = d_ice + d_cbp
        mix = (ice * d_ice + cbp * d_cbp) / np.where(total > 0, total, 1.0)
        mix = np.clip(mix, 1e-6, 1.0 - 1e-6)
        noise = rng.standard_normal((per_fit, months)) * s.monthly_sd
        out[rows] = expit(logit(mix) + noise)
    return out
