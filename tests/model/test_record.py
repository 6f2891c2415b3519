"""The published record as a run's inputs, new officers' ramp-up, and the arrest fit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from deportsim.model.arrest_fit import fit_arrests
from deportsim.model.record import published_record
from deportsim.model.stages import read_inputs
from deportsim.model.stages.arrests import effective_officers, expected_transfers, headcount
from deportsim.model.stages.base import HISTORY_DAYS
from deportsim.model.stages.population import initial_pools
from deportsim.official.vintage import month_end
from deportsim.parameters import Override, ParameterSet, Resolved
from deportsim.run import RunConfig, prepare


def _history(before: float, after: float, day: int, days: int = 100) -> np.ndarray:
    h = np.full(HISTORY_DAYS + days, before)
    h[HISTORY_DAYS + day :] = after
    return h


def test_new_officers_ramp_up_linearly_and_leavers_count_no_more_at_once() -> None:
    e = effective_officers(_history(6000.0, 7000.0, 10), 40.0)
    assert e[9] == 6000.0
    assert e[10] == 6000.0  # the day they are counted, they make no arrests yet
    assert e[30] == pytest.approx(6500.0)  # half way
    assert e[50] == 7000.0
    assert np.all(np.diff(e) >= 0)
    assert np.array_equal(effective_officers(_history(6000.0, 7000.0, 10), 0.0)[10:], [7000.0] * 90)
    fewer = effective_officers(_history(6000.0, 5000.0, 10), 40.0)
    assert fewer[9] == 6000.0
    assert fewer[10] == 5000.0


def test_a_history_starts_before_the_run_from_the_files_and_overrides(
    params: ParameterSet,
) -> None:
    ov = Override("arrests.officers", None, 9000.0, dt.date(2025, 1, 1), None, "test")
    r = Resolved(params, dt.date(2025, 6, 1), 30, (ov,))
    h = r.history("arrests.officers", "officers", 365)
    assert h.shape == (395,)
    first = (dt.date(2025, 1, 1) - dt.date(2024, 6, 1)).days
    assert np.all(h[:first] == 6000.0)
    assert np.all(h[first:] == 9000.0)
    drawn = r.replaced({"arrests.officers": np.full(30, 4500.0)}, scale={"arrests.officers": 0.5})
    hd = drawn.history("arrests.officers", "officers", 365)
    assert np.all(hd[:first] == 3000.0)
    assert np.all(hd[first:] == 4500.0)


def test_the_record_fills_a_missing_month_with_its_neighbours() -> None:
    months = published_record().months("book_ins_ice")
    names = [m.month for m in months]
    assert names == sorted(set(names))  # every month from the first to the last, once
    sep = months[names.index("2025-09")]
    aug, octo = months[names.index("2025-08")], months[names.index("2025-10")]
    assert sep.source == "interpolated"
    assert sep.per_day == pytest.approx((aug.per_day + octo.per_day) / 2.0)
    assert octo.per_day == pytest.approx(36622.0 / 31.0)  # FY2026 workbook, October 2025


def test_a_vintage_record_knows_nothing_published_later() -> None:
    rec = published_record(dt.date(2025, 9, 30))
    assert rec.last == dt.date(2025, 8, 31)  # the FY2025 workbook's data date is 24 September
    assert published_record(dt.date(2026, 12, 6)).last == dt.date(2026, 3, 31)


def _synthetic(params: ParameterSet, p: float, ramp: float) -> dict[str, tuple]:
    """Months of ICE book-ins made by the fit's own equation, with officers added in steps."""
    start = dt.date(2025, 6, 1)
    officers = [
        Override("arrests.officers", None, v, dt.date(2025, m, 1), None, "test")
        for m, v in ((9, 8000.0), (11, 10000.0), (12, 12000.0))
    ]
    target = Override("arrests.target_per_day", None, 3000.0, None, None, "test")
    x = read_inputs(Resolved(params, start, 365, (*officers, target)))
    e = effective_officers(headcount(x), ramp)
    custodial = expected_transfers(x, initial_pools(x)).sum(axis=(1, 2))
    arrests = p * e - custodial * x.custodial_effort + custodial
    book_ins = arrests * x.book_in_p
    months: dict[str, tuple] = {}
    for k in range(12):
        first = dt.date(2025 + (5 + k) // 12, (5 + k) % 12 + 1, 1)
        after = month_end(first.strftime("%Y-%m")) + dt.timedelta(days=1)
        a, b = (first - start).days, (after - start).days
        months[first.strftime("%Y-%m")] = (first, after, float(book_ins[a:b].mean()))
    return {"x": (x, start), "months": (months,)}


def test_the_fit_recovers_productivity_and_ramp_up_from_their_own_equation(
    params: ParameterSet,
) -> None:
    made = _synthetic(params, 0.12, 90.0)
    (x, start), (months,) = made["x"], made["months"]
    fit = fit_arrests(x, start, months, 180.0)
    assert fit is not None
    assert fit.ramp_days == 90.0
    assert fit.productivity == pytest.approx(0.12, rel=1e-3)
    assert fit.mape < 1e-3
    lo, hi = fit.productivity_range
    assert lo <= fit.productivity <= hi
    assert hi - lo < 1e-6


def test_no_fit_without_enough_months_bound_by_capacity(params: ParameterSet) -> None:
    made = _synthetic(params, 0.12, 90.0)
    (x, start), (months,) = made["x"], made["months"]
    few = dict(list(months.items())[:2])
    assert fit_arrests(x, start, few, 180.0) is None


def test_a_run_follows_the_record_exactly_whatever_the_draws() -> None:
    p = prepare(RunConfig(scenario="directive-2025", replicates=6, years=1.5,
                          parameter_uncertainty=True))  # fmt: skip
    assert p.draws is not None
    assert p.arrest_fit is not None
    rec = {m.first: m.per_day for m in published_record().months("book_ins_cbp")}
    day = (dt.date(2025, 11, 1) - p.start).days
    for r in range(6):
        x = p.draws.inputs(r)
        assert x.as_recorded[day] == 1.0
        # CBP book-ins as recorded, and ICE's arrests times the booking share drawn: ICE's
        # book-ins as recorded, whatever the booking share drawn
        cbp = p.draws.resolved(r).canonical("detention.cbp_book_ins")[day]
        assert cbp == pytest.approx(rec[dt.date(2025, 11, 1)])
        assert x.target[day] * x.book_in_p[day] == pytest.approx(34477.0 / 30.0)
    assert len({float(p.draws.inputs(r).book_in_p[day]) for r in range(6)}) == 6
    assert p.resolved.canonical("arrests.as_recorded")[-1] == 0.0  # after the record


def test_a_scenario_can_extend_another_without_its_record(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "name: mine\ntitle: Mine, no record\ndescription: The directive without the record of "
        "what happened.\npolicy_sources:\n  - publisher: Nobody\n    title: A test\n"
        "    date: 2025-01\nextends: directive-2025\nrecord: ignore\n"
    )
    p = prepare(RunConfig(scenario=str(f), replicates=1, years=0.5))
    assert p.arrest_fit is None
    assert not np.any(p.resolved.canonical("arrests.as_recorded"))
    q = prepare(RunConfig(scenario="sanctuary-at-large-only", replicates=1, years=0.5))
    assert q.scenario.follows_record
    assert q.arrest_fit is not None


def test_a_users_own_overrides_win_over_the_record_and_the_planned_ones_do_not(
    tmp_path: Path,
) -> None:
    f = tmp_path / "beds.yaml"
    f.write_text(
        "name: beds\ntitle: More beds in 2025\ndescription: The directive with 90,000 beds from "
        "March 2025.\npolicy_sources:\n  - publisher: Nobody\n    title: A test\n"
        "    date: 2025-01\nextends: directive-2025\noverrides:\n"
        "  - path: detention.bed_capacity\n    value: 90000\n    from: 2025-03-01\n"
        "  - path: detention.cbp_book_ins\n    value: 1000\n    from: 2025-03-01\n"
    )
    p = prepare(RunConfig(scenario=str(f), replicates=1, years=1.0))
    day = (dt.date(2025, 11, 1) - p.start).days
    assert p.resolved.canonical("detention.bed_capacity")[day] == 90000.0
    assert p.resolved.canonical("detention.cbp_book_ins")[day] == 1000.0
    # in directive-2025 itself the record replaces the planned CBP book-ins; its 75,000 beds from
    # October 2025 stand, as ICE held fewer (71,929 on an average night of January 2026)
    q = prepare(RunConfig(scenario="directive-2025", replicates=1, years=1.0))
    jan = (dt.date(2026, 1, 10) - q.start).days
    assert q.resolved.canonical("detention.bed_capacity")[jan] == 75000.0
    assert q.resolved.canonical("detention.cbp_book_ins")[jan] == pytest.approx(3595.0 / 31.0)


def test_params_says_what_the_record_replaces() -> None:
    from deportsim import api  # noqa: PLC0415 - the library API, above the model

    note = api.params("directive-2025").record_note
    assert note is not None
    assert "follows the published record to March 2026" in note
    assert "arrests.as_recorded" in note
    assert api.params("baseline-fy2024").record_note is None
    assert api.params().record_note is None


def _forecast_run(as_of: dt.date) -> tuple[RunConfig, list[Override]]:
    cfg = RunConfig(
        scenario="directive-2025", replicates=2, years=0.5, start=as_of + dt.timedelta(days=1),
        as_of=as_of, vintage_rule="cut", parameter_uncertainty=True,
    )  # fmt: skip
    prep = prepare(cfg)
    return cfg, [ov for ov in prep.resolved.overrides if ov.origin.startswith("record")]


def test_a_forecast_takes_the_rates_the_record_measures_from_its_last_months() -> None:
    as_of = dt.date(2025, 6, 30)
    _, record = _forecast_run(as_of)
    known = published_record(as_of, rule="cut")
    measured = {ov.path: ov for ov in record if (ov.note or "").startswith("a forecast: the mean")}
    assert set(measured) == {
        "detention.cbp_book_ins",
        "detention.alos_cbp",
        "detention.removal_share_of_book_outs",
    }
    assert all(ov.start is None and ov.until is None for ov in measured.values())  # whole run
    cbp = [m.per_day for m in known.months("book_ins_cbp")]
    assert [m.month for m in known.months("book_ins_cbp")[-3:]] == ["2025-04", "2025-05", "2025-06"]
    ov = measured["detention.cbp_book_ins"]
    assert ov.value == pytest.approx(np.mean(cbp[-3:]))
    assert ov.spread == pytest.approx((min(cbp[-12:]), max(cbp[-12:])))
    stay = [m.value for m in known.months("alos_cbp")]
    assert measured["detention.alos_cbp"].value == pytest.approx(np.mean(stay[-3:]))
    out, removed = known.months("book_outs"), known.months("removals")
    shares = [r.value / b.value for r, b in zip(removed, out, strict=True)]
    share = measured["detention.removal_share_of_book_outs"]
    assert share.value == pytest.approx(np.mean(shares[-3:]))
    assert share.spread == pytest.approx((min(shares[-12:]), max(shares[-12:])))
    assert 0.5 < share.value < 1.0
    # a scenario run takes the fiscal years' values: nothing measured
    run = prepare(RunConfig(scenario="directive-2025", replicates=2, years=0.5))
    assert not any((o.note or "").startswith("a forecast") for o in run.resolved.overrides)


def test_a_forecasts_productivity_walks_as_ices_arrests_moved_from_month_to_month() -> None:
    as_of = dt.date(2025, 12, 31)
    known = published_record(as_of, rule="cut")
    per_day = [m.per_day for m in known.months("book_ins_ice")][-25:]
    sigma = float(np.std(np.diff(np.log(per_day)), ddof=1))
    assert known.monthly_moves() == pytest.approx(sigma)
    cfg = RunConfig(
        scenario="directive-2025", replicates=200, years=0.5, start=as_of + dt.timedelta(days=1),
        as_of=as_of, vintage_rule="cut", parameter_uncertainty=True,
    )  # fmt: skip
    prep = prepare(cfg)
    assert prep.draws is not None
    path = "arrests.at_large_arrests_per_officer_day"
    walk = prep.draws.walks[path]
    assert walk.shape == (200, prep.days)
    assert np.all(walk[:, :30] == walk[:, :1])  # one level a 30-day month
    logs = np.log(walk[:, ::30])  # (replicates, months): a random walk with steps of sd sigma
    steps = np.diff(logs, axis=1)
    se = sigma / np.sqrt(2 * steps.size)
    assert np.std(steps) == pytest.approx(sigma, abs=4 * se)
    assert abs(np.mean(steps)) < 4 * sigma / np.sqrt(steps.size)
    assert prep.draws.drawn[path]["walk"]["monthly_log_sd"] == pytest.approx(sigma)
    r0 = prep.draws.resolved(0).canonical(path)
    assert r0[45] / r0[0] == pytest.approx(walk[0, 45] / walk[0, 0])
    again = prepare(cfg)
    assert again.draws is not None
    assert np.array_equal(again.draws.walks[path], walk)
    # a scenario run does not walk
    run = prepare(RunConfig(scenario="directive-2025", replicates=2, years=0.5,
                            parameter_uncertainty=True))  # fmt: skip
    assert run.draws is not None
    assert run.draws.walks == {}


def test_a_forecasts_beds_grow_at_the_pace_of_the_people_held() -> None:
    as_of = dt.date(2025, 3, 31)
    _, record = _forecast_run(as_of)
    held = published_record(as_of, rule="cut").months("detained_adp")
    assert held[-1].month == "2025-03"
    growth = (held[-1].value / held[-4].value) ** (1 / 3)
    assert growth > 1.0
    beds = [ov for ov in record if ov.path == "detention.bed_capacity" and ov.start is not None
            and ov.start > dt.date(2025, 3, 31)]  # fmt: skip
    assert [ov.start for ov in beds][:3] == [dt.date(2025, 4, 1), dt.date(2025, 5, 1),
                                             dt.date(2025, 6, 1)]  # fmt: skip
    for k, ov in enumerate(beds[:3], start=1):
        assert ov.value == pytest.approx(held[-1].value * growth**k)
        assert ov.until == month_end(f"{ov.start:%Y-%m}") + dt.timedelta(days=1)


def test_a_run_keeps_the_beds_of_the_records_last_month_until_the_scenarios_are_more() -> None:
    cfg = RunConfig(scenario="directive-2025", replicates=2, years=1.0,
                    start=dt.date(2025, 9, 1), as_of=None)  # fmt: skip
    prep = prepare(cfg)
    beds = prep.resolved.canonical("detention.bed_capacity")
    held = published_record().months("detained_adp")
    after = (held[-1].after - cfg.start).days  # type: ignore[operator]
    assert np.all(beds[after:] >= held[-1].value)


def test_a_forecast_starts_from_the_productivity_of_the_last_month_fitted() -> None:
    cfg, record = _forecast_run(dt.date(2025, 12, 31))
    prep = prepare(cfg)
    fit = prep.arrest_fit
    assert fit is not None
    assert fit.months[-1] == "2025-12"
    (p,) = [ov for ov in record if ov.path == "arrests.at_large_arrests_per_officer_day"]
    assert p.value == pytest.approx(fit.latest)
    assert fit.latest == pytest.approx(fit.productivity * fit.used[-1] / fit.fitted[-1])
    assert p.spread is not None
    assert p.spread[0] < p.value < p.spread[1]
    assert "at the level of 2025-12" in (p.note or "")
