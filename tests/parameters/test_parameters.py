"""The built-in parameters: every number sourced or a labelled assumption, strictly loaded."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pydantic import ValidationError

from deportsim.core.errors import Location, UserError
from deportsim.core.strict_yaml import load_yaml
from deportsim.core.units import Kind
from deportsim.parameters import ParameterSet, Resolved, make_override, parse_set
from deportsim.parameters.loader import PARAMETERS_DIR
from deportsim.parameters.schema import Uncertainty


def test_index_lists_every_stage_file(params: ParameterSet) -> None:
    index = load_yaml(PARAMETERS_DIR / "index.yaml").data
    on_disk = {p.stem for p in PARAMETERS_DIR.glob("*.yaml")} - {"index"}
    assert set(index["files"]) == on_disk
    assert {p.split(".")[0] for p in params.parameters} == on_disk


def test_every_parameter_has_a_source_or_a_labelled_assumption_with_a_range(
    params: ParameterSet,
) -> None:
    for path, p in params.parameters.items():
        if p.is_assumption:
            assert p.spec.assumption is not None
            assert p.spec.uncertainty is not None, f"{path}: an assumption needs a range"
        else:
            for src in p.spec.sources():
                assert src.publisher, f"{path}: source without publisher"
                assert src.title, f"{path}: source without title"
                assert src.date, f"{path}: source without date"


def test_central_values_lie_inside_their_uncertainty_range(params: ParameterSet) -> None:
    for path, p in params.parameters.items():
        unc = p.spec.uncertainty
        if unc is None or unc.distribution in {"normal", "lognormal"}:
            continue
        if unc.relative:  # multiples of the value in force: 1 is the value itself
            assert unc.low <= 1.0 <= unc.high, f"{path}: 1 outside its relative range"
            continue
        latest = np.atleast_1d(np.asarray(p.steps[-1][1])) / p.unit.factor
        assert np.all(latest >= unc.low - 1e-9), f"{path}: {latest} below low {unc.low}"
        assert np.all(latest <= unc.high + 1e-9), f"{path}: {latest} above high {unc.high}"


def test_probabilities_and_counts_are_in_range(params: ParameterSet) -> None:
    for path, p in params.parameters.items():
        for _, value in p.steps:
            arr = np.atleast_1d(np.asarray(value))
            assert np.all(arr >= 0), path
            if p.unit.kind is Kind.PROBABILITY:
                assert np.all(arr <= 1), path


def test_values_are_a_step_function_of_date(params: ParameterSet) -> None:
    res = Resolved(params, dt.date(2024, 9, 29), 3, ())
    share = res.daily("detention.removal_share_of_book_outs", "probability")
    # 0.570 until FY2025 starts on 1 Oct 2024, then 0.783
    assert share.tolist() == [0.570, 0.570, 0.783]


def test_earliest_value_applies_before_it(params: ParameterSet) -> None:
    res = Resolved(params, dt.date(2019, 1, 1), 2, ())
    share = res.daily("detention.removal_share_of_book_outs", "probability")
    assert share.tolist() == [0.570, 0.570]


def test_daily_converts_to_the_requested_unit(params: ParameterSet) -> None:
    res = Resolved(params, dt.date(2024, 1, 1), 2, ())
    per_day = res.daily("courts.new_cases", "cases/day")[0]
    assert per_day == pytest.approx(1_800_000 / 365.25)
    assert res.daily("courts.new_cases", "cases/year")[0] == pytest.approx(1_800_000)


def test_overrides_apply_over_their_date_range_and_later_ones_win(
    params: ParameterSet, start: dt.date
) -> None:
    where = Location("test")
    first = make_override(
        params, "detention.bed_capacity", 50_000, unit_text=None,
        start=start + dt.timedelta(days=1), until=start + dt.timedelta(days=3),
        where=where, origin="test",
    )  # fmt: skip
    second = make_override(
        params, "detention.bed_capacity", 60_000, unit_text=None,
        start=start + dt.timedelta(days=2), until=None, where=where, origin="test",
    )  # fmt: skip
    beds = Resolved(params, start, 5, (first, second)).daily("detention.bed_capacity", "beds")
    assert beds.tolist() == [41_500, 50_000, 60_000, 60_000, 60_000]


def test_one_region_can_be_overridden(params: ParameterSet, start: dt.date) -> None:
    ov = parse_set(params, "arrests.focus_weight.LA=3")
    focus = Resolved(params, start, 1, (ov,)).daily("arrests.focus_weight", "ratio")[0]
    expected = [3.0 if r == "LA" else 1.0 for r in params.regions]
    assert focus.tolist() == expected


def test_set_with_a_unit_is_converted(params: ParameterSet, start: dt.date) -> None:
    ov = parse_set(params, "population.new_arrivals=365250 persons/year")
    res = Resolved(params, start, 1, (ov,))
    assert res.daily("population.new_arrivals", "persons/day")[0] == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("detention.bed_capcity=5", "did you mean detention.bed_capacity"),
        ("detention.bed_capacity", "expected PATH=VALUE"),
        ("detention.bed_capacity=-1", "negative"),
        ("impacts.employed_share=1.5", "outside [0, 1]"),
        ("detention.bed_capacity=5 days", "unit mismatch"),
        ("detention.bed_capacity=lots", "expected a number"),
        ("arrests.cooperation.XX=0.5", "unknown region 'XX'"),
    ],
)
def test_bad_set_values_are_user_errors(params: ParameterSet, text: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        parse_set(params, text)
    assert info.value.one_line().startswith("--set: ")


def test_used_values_record_change_points(params: ParameterSet) -> None:
    res = Resolved(params, dt.date(2024, 9, 30), 3, ())
    used = res.used()
    assert set(used) == set(params.parameters)
    assert used["detention.removal_share_of_book_outs"]["steps"] == [
        {"from": "2024-09-30", "value": 0.570},
        {"from": "2024-10-01", "value": 0.783},
    ]
    assert used["detention.removal_share_of_book_outs"]["unit"] == "probability"


def test_set_takes_a_value_per_region(params: ParameterSet, start: dt.date) -> None:
    text = "arrests.focus_weight={LA: 3, NY: 3, CHI: 3, HOU: 1, DFW: 1, MIA: 1, DC: 1, REST: 1}"
    focus = Resolved(params, start, 1, (parse_set(params, text),)).daily(
        "arrests.focus_weight", "ratio"
    )
    assert focus[0].tolist() == [3, 3, 3, 1, 1, 1, 1, 1]


def test_start_only_parameters_are_read_with_first(params: ParameterSet, start: dt.date) -> None:
    res = Resolved(params, start, 3, ())
    assert res.first("courts.initial_backlog", "cases") == 3_600_000
    with pytest.raises(ValueError, match="applies at the start"):
        res.daily("courts.initial_backlog", "cases")
    with pytest.raises(ValueError, match="applies daily"):
        res.first("courts.judges", "judges")


def test_a_relative_range_must_hold_the_value_itself() -> None:
    ok = Uncertainty(distribution="triangular", low=0.7, high=1.3, relative=True)
    assert ok.relative
    with pytest.raises(ValidationError, match="a relative range needs 0 < low <= 1 <= high"):
        Uncertainty(distribution="triangular", low=1.2, high=1.5, relative=True)
    with pytest.raises(ValidationError, match="a relative range needs"):
        Uncertainty(distribution="uniform", low=0.0, high=1.5, relative=True)
