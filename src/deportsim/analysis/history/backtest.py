"""The backtest: the detention stage replayed from October 2018, against ICE's monthly figures.

Driven by the observed monthly book-ins of each arresting agency, with the stays of a
calibration fitted on FY2019-FY2024 (by default the free two-phase stays of
:mod:`deportsim.analysis.history.calibrate`; or the model's own,
:mod:`deportsim.analysis.history.model_stays`),
the replay (:mod:`deportsim.model.replay`) gives monthly ADP and departures. Draws for the 90%
intervals combine, for each agency:

- the parameters' uncertainty: the best fit and each bootstrap refit (``DRAWS_PER_FIT`` draws
  each);
- the misfit the model leaves: an AR(1) path on the log of ADP (``misfit_rho``, ``misfit_sd``);
- for the fiscal years after the fit, the year's stay level as a random walk from FY2024's
  (steps of ``level_step_sd``): the model cannot know how stays will change.

Book-outs are the replay's departures, times a log-normal misfit whose spread is the one of
FY2024, the one fitted year with monthly book-outs. Removals (book-outs to removal) are those
book-outs times the share of the people leaving who are removed, by arresting agency
(:mod:`deportsim.analysis.history.removals`): a share for ICE's arrests and one for CBP's by
fiscal year, fitted on FY2019-FY2024 for each of the calibration's fits, applied to each draw's
departures of each agency, with a monthly misfit and, after the fit, CBP's share as a random
walk. Scores: MAPE of the median and coverage of the 90% interval, over all months, in sample
(FY2019-FY2024) and out of sample (from FY2025).

Two claims of the claims guide are checked on the replay (``Backtest.claims``):
``first-100-days`` (removals and arrests from 20 January to 30 April 2025) and
``49k-detained-may-2025`` (ADP in May 2025).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.history.removals import (
    RemovalShares,
    fit_shares,
    share_data,
    share_draws,
)
from deportsim.analysis.history.scoring import Scored, score
from deportsim.core.folders import writable_folder
from deportsim.engine import Streams
from deportsim.model.calibration import FIT_FIRST, FIT_LAST, Calibration
from deportsim.model.replay import AGENCIES, History, replay

__all__ = ["CLAIMS", "DRAWS_PER_FIT", "Backtest", "ClaimCheck", "run_backtest", "write_backtest"]

F = NDArray[np.float64]

#: Misfit paths drawn for each parameter draw (best fit and bootstrap refits).
DRAWS_PER_FIT = 40
#: Out-of-sample months start here.
OOS_FIRST = "2024-10"


#: Claims of the claims guide the backtest checks: id -> (figure claimed, what, months and the
#: share of each month's days in the window, the claim's source). The first 100 days run from
#: 20 January (12 of January's 31 days) to 30 April 2025.
_WINDOW_100_DAYS = {"2025-01": 12 / 31, "2025-02": 1.0, "2025-03": 1.0, "2025-04": 1.0}
CLAIMS: dict[str, dict[str, Any]] = {
    "first-100-days": {
        "claim": "66,463 arrests and 65,682 removals in the first 100 days of 2025",
        "source": "ICE figures in coverage, May 2025 (claims guide)",
        "figure": 65_682.0,
        "metric": "removals of people booked out of ICE detention, 20 Jan - 30 Apr 2025",
        "months": _WINDOW_100_DAYS,
        "arrests_claimed": 66_463.0,
    },
    "49k-detained-may-2025": {
        "claim": "nearly 49,000 held in detention by mid-May 2025",
        "source": "coverage, Jun 2025 (claims guide)",
        "figure": 49_000.0,
        "metric": "average daily population in ICE detention, May 2025",
        "months": {"2025-05": 1.0},
    },
}


@dataclass(frozen=True)
class ClaimCheck:
    """A claim's figure against the replay (p05/p50/p95) and ICE's own figure for the window."""

    id: str
    claim: str
    source: str
    metric: str
    figure: float
    observed: float
    p05: float
    p50: float
    p95: float
    notes: tuple[str, ...]

    @property
    def gap(self) -> float:
        """The replay's median against the claimed figure, as a share (-0.2: 20% below)."""
        return self.p50 / self.figure - 1.0

    def to_json(self) -> dict[str, Any]:
        """As written in backtest.json."""
        return {
            "id": self.id, "claim": self.claim, "source": self.source, "metric": self.metric,
            "figure": self.figure, "observed": self.observed,
            "result": {"p05": self.p05, "p50": self.p50, "p95": self.p95},
            "gap": self.gap, "within_10_percent": abs(self.gap) <= 0.10, "notes": list(self.notes),
        }  # fmt: skip


@dataclass(frozen=True)
class Backtest:
    """Scored series: ``detained_adp`` (all agencies), by agency, ``book_outs``, ``removals``."""

    history: History
    series: dict[str, Scored]
    calibration: Calibration
    seed: int
    claims: tuple[ClaimCheck, ...] = ()
    #: The removal shares of the best fit (None when ICE published too few monthly removals).
    removal_shares: RemovalShares | None = None

    def metrics(self) -> dict[str, dict[str, Any]]:
        """MAPE and 90% coverage per series: all months, in sample and out of sample."""
        out: dict[str, dict[str, Any]] = {}
        for name, s in self.series.items():
            entry: dict[str, Any] = {"mape": s.mape, "coverage90": s.coverage90,
                                     "months": len(s.months)}  # fmt: skip
            for part, (a, b) in (("in_sample", (FIT_FIRST, FIT_LAST)),
                                 ("out_of_sample", (OOS_FIRST, "9999-12"))):  # fmt: skip
                w = s.window(a, b)
                if w.months:
                    entry[part] = {
                        "first": w.months[0], "last": w.months[-1], "months": len(w.months),
                        "mape": w.mape, "coverage90": w.coverage90,
                        "width90": float(np.mean((w.p95 - w.p05) / w.p50)),
                    }  # fmt: skip
            out[name] = entry
        return out

    def to_json(self) -> dict[str, Any]:
        """The contract's backtest.json."""
        series = {
            name: [
                {
                    "month": m,
                    "observed": float(o),
                    "p05": float(a),
                    "p50": float(b),
                    "p95": float(c),
                }
                for m, o, a, b, c in zip(s.months, s.observed, s.p05, s.p50, s.p95, strict=True)
            ]
            for name, s in self.series.items()
        }
        return {
            "series": series,
            "metrics": self.metrics(),
            "seed": self.seed,
            "calibration": {
                "source": self.calibration.source,
                "period": list(self.calibration.period),
                "stays": self.calibration.stays,
            },
            "observed": {
                "publisher": "U.S. Immigration and Customs Enforcement",
                "files": self.history.sources.get("files", ""),
            },
            "claims": [c.to_json() for c in self.claims],
            **(
                {"removal_shares": _shares_json(self.removal_shares)} if self.removal_shares else {}
            ),
        }


def _shares_json(s: RemovalShares) -> dict[str, Any]:
    """The best fit's removal shares, as written in backtest.json."""
    return {
        "method": "share of each arresting agency's departures that are removals, fitted on "
                  "FY2019-FY2024 (analysis/history/removals.py)",
        "ice": s.ice, "cbp_by_fiscal_year": {str(y): v for y, v in sorted(s.cbp.items())},
        "monthly_logit_sd": s.monthly_sd, "cbp_step_sd": s.step_sd,
        "logit_cov_ice_cbp_last": [list(row) for row in s.cov],
    }  # fmt: skip


def _ar1(rng: np.random.Generator, n: int, months: int, rho: float, sd: float) -> F:
    eta = rng.standard_normal((n, months)) * sd
    path = np.empty((n, months))
    path[:, 0] = eta[:, 0] / np.sqrt(1.0 - rho**2)
    for t in range(1, months):
        path[:, t] = rho * path[:, t - 1] + eta[:, t]
    return path


def _agency_draws(history: History, cal: Calibration, agency: str, streams: Streams) -> tuple[F, F]:
    c = cal.agencies[agency]
    fits = [c.z, *c.draws]
    years = sorted({int(y) for y in history.fiscal_years if y > int(FIT_LAST[:4])})
    drift_rng, misfit_rng = streams(f"level-drift-{agency}"), streams(f"misfit-{agency}")
    n = len(fits) * DRAWS_PER_FIT
    adp = np.empty((n, len(history.months)))
    out = np.empty_like(adp)
    for i, z in enumerate(fits):
        fit = c.make(agency, z)
        for k in range(DRAWS_PER_FIT):
            steps = drift_rng.standard_normal(len(years)) * c.level_step_sd
            drift = dict(zip(years, np.cumsum(steps).tolist(), strict=True))
            adp[i * DRAWS_PER_FIT + k], out[i * DRAWS_PER_FIT + k] = replay(history, fit, drift)
    misfit = np.exp(_ar1(misfit_rng, n, len(history.months), c.rho, c.sd))
    return adp * misfit, out


def _window_sum(months: tuple[str, ...], weights: dict[str, float], values: F) -> F:
    """Sum over the last axis of ``values`` of the window's months, each times its weight."""
    w = np.array([weights.get(m, 0.0) for m in months])
    return np.asarray(values @ w if values.ndim > 1 else float(values @ w), dtype=np.float64)


def _claims(history: History, adp: F, removals: F | None) -> tuple[ClaimCheck, ...]:
    months = history.months
    checks = []
    for cid, c in CLAIMS.items():
        window: dict[str, float] = c["months"]
        if not all(m in months for m in window):
            continue
        idx = [months.index(m) for m in window]
        notes: tuple[str, ...]
        if cid == "first-100-days":
            if removals is None or np.isnan(history.removals[idx]).any():
                continue
            # over the days each month's figures cover, scaled to the window's share of the month
            draws = _window_sum(months, window, removals)
            observed = float(_window_sum(months, window, np.nan_to_num(history.removals)))
            ice_in = float(_window_sum(months, window, history.book_ins["ICE"]))
            notes = (
                f"ICE's own book-outs to removal in the window: {observed:,.0f}, "
                f"{observed / c['figure'] - 1:+.0%} against the claim; the claim counts all ICE "
                "removals, including people removed without an ICE detention book-out (e.g. "
                "from CBP custody), which the detention statistics do not show.",
                f"Arrests: ICE-arrest book-ins in the window were {ice_in:,.0f} "
                f"({ice_in / c['arrests_claimed'] - 1:+.0%} against 66,463 arrests); book-ins are "
                "an input of the replay, not a result.",
            )
        else:
            draws = _window_sum(months, window, adp)
            observed = float(_window_sum(months, window, history.adp["all"]))
            notes = (f"ICE's ADP for May 2025: {observed:,.0f}.",)
        p05, p50, p95 = (float(v) for v in np.percentile(draws, [5.0, 50.0, 95.0]))
        row = (c["claim"], c["source"], c["metric"], c["figure"], observed, p05, p50, p95)
        checks.append(ClaimCheck(cid, *row, notes))
    return tuple(checks)


def run_backtest(history: History, cal: Calibration, seed: int = 0) -> Backtest:
    """Replay history with the calibration's draws and score each series."""
    streams = Streams(seed)
    draws = {a: _agency_draws(history, cal, a, streams) for a in AGENCIES}
    months = history.months
    adp: F = draws["ICE"][0] + draws["CBP"][0]
    series = {"detained_adp": score(months, history.adp["all"], adp)}
    for a in AGENCIES:
        series[f"detained_adp_{a.lower()}"] = score(months, history.adp[a], draws[a][0])
    out: F = draws["ICE"][1] + draws["CBP"][1]
    in_sample = np.array([m <= FIT_LAST for m in months])
    have = ~np.isnan(history.book_outs)
    fitted = have & in_sample
    removals: F | None = None
    best_shares: RemovalShares | None = None
    if fitted.sum() >= 3:
        best = (
            replay(history, cal.agencies["ICE"].fit)[1]
            + replay(history, cal.agencies["CBP"].fit)[1]
        )
        sd = float(np.log(history.book_outs[fitted] / best[fitted]).std(ddof=1))
        booked_out = out * np.exp(streams("misfit-book_outs").standard_normal(out.shape) * sd)
        keep = np.flatnonzero(have)
        series["book_outs"] = score([months[i] for i in keep], history.book_outs[keep],
                                    booked_out[:, keep])  # fmt: skip
        removed = fitted & ~np.isnan(history.removals)
        if removed.sum() >= 3:
            dep_ice, dep_cbp = draws["ICE"][1], draws["CBP"][1]
            fits = _removal_shares(history, dep_ice, dep_cbp)
            shares = share_draws(
                fits, dep_ice, dep_cbp, history.fiscal_years, per_fit=DRAWS_PER_FIT,
                rng=streams("removal-share"),
            )  # fmt: skip
            removals = booked_out * shares
            best_shares = fits[0]
            keep = np.flatnonzero(~np.isnan(history.removals))
            series["removals"] = score([months[i] for i in keep], history.removals[keep],
                                       removals[:, keep])  # fmt: skip
    claims = _claims(history, adp, removals)
    return Backtest(history, series, cal, seed, claims, best_shares)


def _removal_shares(history: History, dep_ice: F, dep_cbp: F) -> list[RemovalShares]:
    """Removal shares fitted for each of the calibration's fits (the best fit's first).

    Each on its fit's own departures (those of its first draw: the in-sample months, the only
    ones the fit reads, have no drift).
    """
    return [
        fit_shares(share_data(history, dep_ice[row], dep_cbp[row]))
        for row in range(0, dep_ice.shape[0], DRAWS_PER_FIT)
    ]


def _chart(bt: Backtest, path: Path) -> None:
    import matplotlib as mpl  # noqa: PLC0415 (charts only when a backtest is written)

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    names, metrics = list(bt.series), bt.metrics()
    fig, axes = plt.subplots(len(names), 1, figsize=(10, 3.2 * len(names)), sharex=False)
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        s = bt.series[name]
        x = np.array([np.datetime64(m) for m in s.months])
        ax.fill_between(x, s.p05, s.p95, alpha=0.3, label="model, 90% interval")
        ax.plot(x, s.p50, label="model, median")
        ax.plot(x, s.observed, "k.", label="ICE, observed")
        ax.axvline(np.datetime64(OOS_FIRST), color="grey", ls="--", lw=1)
        m = metrics[name].get("out_of_sample", {})
        extra = f"; out of sample MAPE {m['mape']:.1%}, in 90% interval {m['coverage90']:.0%}"
        ax.set_title(name + (extra if m else ""), fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
    what = (
        "the backtest's fitted stays" if bt.calibration.stays == "fitted" else "the model's stays"
    )
    fig.suptitle(
        f"Backtest with {what}: fitted on Oct 2018 - Sep 2024,\n"
        "out of sample right of the dashed line",
        fontsize=11,
    )
    fig.tight_layout(rect=(0.0, 0.0, 1.0, 0.98))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_backtest(bt: Backtest, out: Path) -> list[Path]:
    """Write backtest.json and backtest.png into ``out`` (each moved into place when complete)."""
    writable_folder(out)
    target_json, target_png = out / "backtest.json", out / "backtest.png"
    tmp_json, tmp_png = out / ".backtest.json.tmp", out / ".backtest.tmp.png"
    tmp_json.write_text(json.dumps(bt.to_json(), indent=1, allow_nan=False) + "\n")
    _chart(bt, tmp_png)
    tmp_png.replace(target_png)
    tmp_json.replace(target_json)
    return [target_json, target_png]
