"""The removal shares by arresting agency (analysis/history/removals.py), on a synthetic case."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from deportsim.analysis.history.removals import (
    RemovalShares,
    fit_shares,
    share_data,
    share_draws,
)
from deportsim.model.replay import History
from ice_data import workbook

#: The synthetic truth: ICE arrests' share, CBP arrests' by fiscal year (FY2025 on: out of sample).
ICE_SHARE = 0.85
CBP_SHARE = {2020: 0.5, 2021: 0.05, 2022: 0.1, 2023: 0.3, 2024: 0.45, 2025: 0.9, 2026: 0.9}


def _synthetic() -> tuple[History, np.ndarray, np.ndarray]:
    """Oct 2019 - Sep 2026: departures whose ICE fraction swings, as in FY2021 and 2025.

    ICE published final releases by year for FY2020, by month for FY2021-23, and book-outs with
    their removals by month from FY2024; out of sample (FY2025 on) the removals follow a share
    the in-sample years never show.
    """
    months = tuple(f"{2019 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(84))
    t = np.arange(84)
    dep_ice = 5_000.0 + 3_000.0 * np.sin(t / 5.0) + np.where(t >= 64, 20_000.0, 0.0)
    dep_cbp = 15_000.0 + 10_000.0 * np.cos(t / 7.0)
    fy = np.array([int(m[:4]) + (int(m[5:]) >= 10) for m in months])
    share = (ICE_SHARE * dep_ice + np.array([CBP_SHARE[y] for y in fy]) * dep_cbp) / (
        dep_ice + dep_cbp
    )
    book_outs = np.where(fy >= 2024, dep_ice + dep_cbp, np.nan)
    releases = {m: float(r) for m, r, y in zip(months, (1 - share) * (dep_ice + dep_cbp), fy,
                                                strict=True) if 2021 <= y <= 2023}  # fmt: skip
    in_2020 = fy == 2020
    releases["FY2020"] = float(((1 - share) * (dep_ice + dep_cbp))[in_2020].sum())
    days = np.full(84, 30, dtype=np.int64)
    flat = np.full(84, 1_000.0)
    history = History(
        months, days, days.copy(), {"ICE": flat, "CBP": flat},
        {"ICE": flat, "CBP": flat, "all": 2 * flat}, book_outs, book_outs * share,
        releases=releases,
    )  # fmt: skip
    return history, dep_ice, dep_cbp


def test_shares_by_agency_are_recovered_from_in_sample_figures_only() -> None:
    history, dep_ice, dep_cbp = _synthetic()
    data = share_data(history, dep_ice, dep_cbp)
    assert data.years == (2020, 2021, 2022, 2023, 2024)
    assert set(data.annual) == {2020}
    s = fit_shares(data)
    assert s.ice == pytest.approx(ICE_SHARE, abs=1e-4)
    for y in data.years:
        assert s.cbp[y] == pytest.approx(CBP_SHARE[y], abs=1e-4), y
    # the figures follow the model exactly: no monthly misfit, no uncertainty left in the fit
    assert s.monthly_sd == pytest.approx(0.0, abs=1e-4)
    assert np.allclose(s.cov, 0.0, atol=1e-8)
    # CBP's yearly shares 0.5, 0.05, 0.1, 0.3, 0.45: the sd of their changes
    assert s.step_sd == pytest.approx(float(np.std([-0.45, 0.05, 0.2, 0.15], ddof=1)), abs=1e-4)
    # no look-ahead: what ICE published after September 2024 changes nothing in the fit
    later = np.array([m > "2024-09" for m in history.months])
    changed = dataclasses.replace(
        history,
        removals=np.where(later, history.removals * 0.5, history.removals),
        book_outs=np.where(later, history.book_outs * 2.0, history.book_outs),
    )
    assert fit_shares(share_data(changed, dep_ice, dep_cbp)) == s


def test_the_agency_mix_moves_the_share_out_of_sample() -> None:
    history, dep_ice, dep_cbp = _synthetic()
    s = fit_shares(share_data(history, dep_ice, dep_cbp))
    fy = history.fiscal_years
    mix = s.mix(dep_ice, dep_cbp, fy)
    later = fy >= 2025
    # book-ins swing to ICE from FY2025 (index 64 on): the share of departures removed rises
    assert mix[later].mean() > mix[fy == 2024].mean() + 0.1
    # ... but CBP's share after the fit is FY2024's, not the 0.9 of the synthetic truth
    truth = history.removals / history.book_outs
    assert np.all(mix[later] < truth[later])
    assert np.allclose(mix[fy == 2024], truth[fy == 2024])


def test_share_draws_hold_the_fit_the_misfit_and_the_walk() -> None:
    history, dep_ice, dep_cbp = _synthetic()
    fy = history.fiscal_years
    n = 400
    ice, cbp = np.tile(dep_ice, (n, 1)), np.tile(dep_cbp, (n, 1))
    exact = RemovalShares(0.8, {2023: 0.2, 2024: 0.4}, 0.0, 0.0)
    draws = share_draws([exact], ice, cbp, fy, per_fit=n, rng=np.random.default_rng(1))
    assert np.allclose(draws, exact.mix(dep_ice, dep_cbp, fy))
    # half the departures from each agency, every month: the spreads can be compared by year
    even = np.full((2 * n, fy.size), 1_000.0)
    walk = dataclasses.replace(exact, step_sd=0.2, monthly_sd=0.1, cov=((0.04, 0.0), (0.0, 0.04)))
    draws = share_draws([exact, walk], even, even, fy, per_fit=n, rng=np.random.default_rng(2))
    assert np.allclose(draws[:n], np.where(fy >= 2024, 0.6, 0.5))
    spread = draws[n:].std(axis=0)
    # the fit's uncertainty and the monthly misfit in every year; after the fit (FY2024), CBP's
    # share walks on, one step a year
    assert spread[fy == 2023].mean() > 0.02
    assert spread[fy == 2026].mean() > spread[fy == 2025].mean() > spread[fy == 2024].mean() * 1.5
    assert np.all((draws > 0) & (draws < 1))
    with pytest.raises(ValueError, match="expected"):
        share_draws([exact], ice[:3], cbp[:3], fy, per_fit=2, rng=np.random.default_rng(3))


def test_the_final_releases_the_fit_reads_are_ices(history: History) -> None:
    # ICE's final releases (book-outs other than removals): by month, FY2021-FY2023, and by
    # year, FY2019-FY2020, as in the workbooks' Detention sheets (total row of the table of
    # final releases by release reason)
    cells = {
        "2020-10": ("FY21-detentionstats.xlsx", "Detention FY21", 38, 2),
        "2022-12": ("FY23_detentionStats.xlsx", "Detention FY23", 38, 4),
        "FY2019": ("FY19-detentionstats.xlsx", "Detention FY19", 38, 4),
        "FY2020": ("FY20-detentionstats.xlsx", "Detention EOFY2020", 38, 4),
    }
    for period, (name, sheet, row, col) in cells.items():
        grid = workbook(name).sheet(sheet)
        assert grid is not None, name
        assert history.releases[period] == grid.get(row, col), period
    assert history.releases["2022-12"] == 20_292
    assert max(p for p in history.releases if p[0] != "F") == "2023-09"
