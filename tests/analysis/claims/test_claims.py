"""`deportsim claims`: every claim of the guide, with a verdict, a binding constraint and why."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from deportsim import api
from deportsim.analysis.claims.checks import CHECKS
from deportsim.analysis.claims.constraints import ARREST_STAGE, CONSTRAINTS, binding
from deportsim.analysis.claims.context import Context
from deportsim.analysis.claims.economy import gain_verdict
from deportsim.analysis.claims.series import year_windows
from deportsim.analysis.claims.spec import claim_specs
from deportsim.analysis.claims.verdicts import (
    BACKTEST_INCLUDES,
    MARGIN,
    ClaimResult,
    Interval,
    threshold_verdict,
)
from deportsim.cli.app import main

#: The claims guide's ids (../shared/guides/claims.md), then issue 25's economy claim; stable:
#: users and outside checks use them.
IDS = [
    "arrests-3000-per-day", "largest-in-history", "millions-per-year", "as-fast-as-they-come",
    "detention-near-capacity", "camps-and-guards", "first-100-days", "49k-detained-may-2025",
    "focus-big-cities", "criminals-first", "obama-3-million", "workforce-impact", "children",
    "economy",
]  # fmt: skip
#: Words that name each constraint in an explanation.
NAMED = {
    "officers": "officers", "reachable_population": "reachable population", "beds": "beds",
    "courts": "courts", "transport": "transport", "funding": "funding",
}  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[ClaimResult], Path]:
    """All claims with 5 replicates (seed 0), as returned and as written to claims.json."""
    out = tmp_path_factory.mktemp("claims")
    return api.claims(replicates=5, seed=0, out=out), out / "claims.json"


def test_the_claims_file_holds_the_guides_ids_in_order() -> None:
    assert [s.id for s in claim_specs()] == IDS
    assert set(CHECKS) == set(IDS), "every claim has a check and every check a claim"


def test_claims_json_follows_the_contract(written: tuple[list[ClaimResult], Path]) -> None:
    rows: list[dict[str, Any]] = json.loads(written[1].read_text())
    assert [r["id"] for r in rows] == IDS
    for r in rows:
        for key in ("id", "claim", "source", "metric", "result", "verdict", "binding_constraint",
                    "explanation"):  # fmt: skip
            assert r[key], (r["id"], key)
        res = r["result"]
        assert res["p05"] <= res["p50"] <= res["p95"], r["id"]
        assert r["verdict"] in {"supported", "not_supported", "depends"}, r["id"]
        assert r["binding_constraint"] in CONSTRAINTS, r["id"]
        # the runs draw the parameters by default; the backtest's claims say what theirs hold
        backtest = r["id"] in {"first-100-days", "49k-detained-may-2025"}
        expected = BACKTEST_INCLUDES if backtest else ("process noise", "parameter uncertainty")
        assert r["intervals"]["include"] == list(expected), r["id"]


def test_each_explanation_is_two_sentences_naming_the_binding_constraint(
    written: tuple[list[ClaimResult], Path],
) -> None:
    for r in written[0]:
        text = r.explanation
        assert NAMED[r.binding_constraint] in text.lower(), (r.spec.id, text)
        # a sentence ends with a full stop followed by a capital letter (or the end)
        ends = re.findall(r"\.(?= [A-Z])|\.$", text)
        assert len(ends) == 2, (r.spec.id, text)
        assert text.endswith("."), r.spec.id


def test_verdicts_follow_the_results(written: tuple[list[ClaimResult], Path]) -> None:
    by_id = {r.spec.id: r for r in written[0]}
    # the directive cannot sustain 3,000 arrests a day, but its best year beats FY2012's record
    arrests = by_id["arrests-3000-per-day"]
    assert arrests.result.p95 < 3000 * (1 - MARGIN)
    assert arrests.verdict == "not_supported"
    assert arrests.binding_constraint in ARREST_STAGE
    record = by_id["largest-in-history"]
    assert record.result.p05 > 409_849 * (1 + MARGIN)
    assert record.verdict == "supported"
    assert by_id["millions-per-year"].details["probability_1m"] == 0.0
    # the backtest's claims keep the backtest's numbers
    may = by_id["49k-detained-may-2025"]
    assert may.result.p05 <= 49_000 <= may.result.p95
    assert may.verdict == "supported"
    # ICE's FY2009-FY2016 count is within 10% of "about 3 million"
    assert by_id["obama-3-million"].details["claim_vs_ice"] == pytest.approx(3e6 / 2_749_706 - 1)
    assert by_id["obama-3-million"].verdict == "supported"


def test_the_economy_claim_finds_us_born_jobs_lost_not_gained(
    written: tuple[list[ClaimResult], Path],
) -> None:
    """The model's 90% interval of US-born jobs after four years is below zero: jobs lost."""
    r = next(x for x in written[0] if x.spec.id == "economy")
    assert r.result.p95 < 0, r.result
    assert r.verdict == "not_supported"
    # the result is the run's US-born employment on the last day of the four years
    assert r.details["employment_change_us_born_by_year"][-1] == r.result.to_json()
    yearly = [y["p50"] for y in r.details["employment_change_us_born_by_year"]]
    assert len(yearly) == 4
    assert yearly[-1] < yearly[0] < 0, "jobs lost grow as removals add up"
    # more unauthorized immigrants leave work than US-born workers lose jobs (0.78 a worker at most)
    assert r.details["employment_change_immigrant"]["p50"] < r.result.p50
    assert 0 < r.details["us_born_jobs_per_worker"]["p05"] <= 0.78
    by_scenario = r.details["employment_change_us_born_by_scenario_p50"]
    assert by_scenario["directive-2025"] < by_scenario["baseline-fy2024"] < 0
    # every published figure has its source; the one part with support is named with its number
    assert all(f.source is not None for f in r.spec.figures.values())
    assert r.spec.figures["pwbm_low_skilled_wage_2034"].value == 1.1
    assert "1.1% by 2034" in r.explanation
    assert "2.6 million fewer US-born workers" in r.explanation
    assert "secondary" in r.spec.source
    # the model's own wages: competition alone, a rise for the least schooled, named an upper bound
    wages = r.details["wage_change_no_diploma"]
    assert 0 < wages["p05"] <= wages["p50"] <= wages["p95"] <= 100 * 0.4
    assert r.details["wage_change_high_school"]["p50"] < wages["p50"]  # a group four times larger
    assert f"{wages['p50']:.1f}% after four years" in r.explanation
    assert "upper bound" in r.explanation


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Interval(10.0, 20.0, 30.0), "supported"),
        (Interval(-30.0, -20.0, -10.0), "not_supported"),
        (Interval(-30.0, -20.0, 0.0), "depends"),  # no loss at the top end is not a gain
        (Interval(0.0, 0.0, 0.0), "depends"),
        (Interval(-10.0, 5.0, 10.0), "depends"),
    ],
)
def test_a_gain_needs_the_whole_interval_above_zero(change: Interval, expected: str) -> None:
    assert gain_verdict(change) == expected


@pytest.mark.parametrize(
    ("result", "above", "expected"),
    [
        (Interval(110.0, 120.0, 130.0), True, "supported"),
        (Interval(104.0, 120.0, 130.0), True, "depends"),  # the low end is within 5%
        (Interval(80.0, 90.0, 94.0), True, "not_supported"),
        (Interval(80.0, 90.0, 96.0), True, "depends"),
        (Interval(80.0, 90.0, 94.0), False, "supported"),
        (Interval(110.0, 120.0, 130.0), False, "not_supported"),
        (Interval(99.0, 100.0, 101.0), False, "depends"),
    ],
)
def test_threshold_verdicts_leave_a_margin(result: Interval, above: bool, expected: str) -> None:
    assert threshold_verdict(result, 100.0, above) == expected


def test_binding_constraints_of_the_scenarios() -> None:
    """Beds bind at the FY2012 record's pace, officers then people to find in the directive."""
    ctx = Context(replicates=3, seed=0)
    record = ctx.run("record-2012-pace")
    year2 = year_windows(record)[1]
    assert binding(record.sim, record.prepared.inputs, year2).main == "beds"
    directive = ctx.run("directive-2025")
    late = year_windows(directive)[3]
    b = binding(directive.sim, directive.prepared.inputs, late)
    assert b.main_of(ARREST_STAGE) == "officers", "12,000 officers cannot make 3,000 a day"
    more = ctx.run("directive-2025", sets=("arrests.officers=60000",))
    b = binding(more.sim, more.prepared.inputs, late)
    assert b.main_of(ARREST_STAGE) == "reachable_population", "then the people they can find"
    assert b.shares["reachable_population"] > 0.9, b.shares
    base = ctx.run("baseline-fy2024")
    b = binding(base.sim, base.prepared.inputs, year_windows(base)[1])
    assert not b.binds("beds")
    assert not b.binds("officers")
    assert b.main == "courts", "only the court backlog grows at FY2024's pace"


def test_a_claim_check_is_reproducible() -> None:
    spec = next(s for s in claim_specs() if s.id == "children")
    a = CHECKS["children"](spec, Context(replicates=3, seed=7))
    b = CHECKS["children"](spec, Context(replicates=3, seed=7))
    c = CHECKS["children"](spec, Context(replicates=3, seed=8))
    assert a.to_json() == b.to_json()
    assert a.result != c.result, "another seed gives other draws"
    assert np.isfinite([a.result.p05, a.result.p95]).all()


def test_the_claims_command_prints_verdicts_and_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["claims", "--replicates", "2", "--out", str(tmp_path), "--no-explain"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for cid in IDS:
        assert cid in out
    assert "not supported" in out
    assert len(json.loads((tmp_path / "claims.json").read_text())) == len(IDS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replicates", "0"], "--replicates"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_bad_options_exit_2_before_anything_runs(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["claims", "--out", str(tmp_path / "c"), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "c" / "claims.json").exists()


def test_an_output_folder_that_cannot_be_made_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as info:
        main(["claims", "--replicates", "1", "--out", str(blocker / "sub")])
    assert info.value.code == 2
    assert "cannot create output folder" in capsys.readouterr().err


def test_drawn_parameters_widen_a_claims_interval() -> None:
    """The arrests claim with and without the parameters' draws (same seed, 5 replicates)."""
    spec = next(s for s in claim_specs() if s.id == "arrests-3000-per-day")
    drawn = CHECKS[spec.id](spec, Context(replicates=5, seed=0, parameter_uncertainty=True))
    fixed = CHECKS[spec.id](spec, Context(replicates=5, seed=0))
    width = [r.result.p95 - r.result.p05 for r in (drawn, fixed)]
    # at-large arrests per officer-day range from 0.08 to 0.25 around 0.14: arrests move by tens
    # of percent between replicates, against a few percent from the model's randomness alone
    assert width[0] > 5 * width[1], width
    assert drawn.result.p05 < fixed.result.p50 < drawn.result.p95
