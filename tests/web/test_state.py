"""A page's state in its address: read, written back, and the same run asked for elsewhere."""

from __future__ import annotations

import datetime as dt
import shlex
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deportsim.api.requests import PreviewRequest, RunRequest
from deportsim.web.state import RunState, StateError, changed_sets

paths = st.sampled_from(["detention.bed_capacity", "arrests.officers", "arrests.focus_weight.LA"])
sets = st.lists(
    st.builds(lambda p, v: f"{p}={v:g}", paths, st.floats(0, 1e6, allow_nan=False)), max_size=4
)
states = st.builds(
    RunState,
    scenario=st.sampled_from(["directive-2025", "baseline-fy2024", "sc-0123456789abcdef"]),
    sets=sets.map(tuple),
    replicates=st.integers(1, 100_000),
    seed=st.integers(0, 2**63 - 1),
    start=st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
    until=st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
    years=st.none() | st.sampled_from([0.5, 1.0, 4.0]),
    from_scenario=st.booleans(),
)


def _read(query: str) -> RunState:
    pairs = parse_qsl(query)
    return RunState.read(dict(pairs), [v for k, v in pairs if k == "set"])


@given(states)
def test_an_address_reads_back_as_the_state_it_was_written_from(state: RunState) -> None:
    assert _read(state.query()) == state


@given(states)
def test_the_state_is_a_valid_api_request(state: RunState) -> None:
    request = RunRequest.model_validate(state.body())
    assert request.replicates == state.replicates
    assert list(request.sets) == list(state.sets)
    assert request.from_scenario == state.from_scenario
    PreviewRequest.model_validate(state.preview_body())


def test_defaults_are_left_out_of_the_address() -> None:
    assert RunState().query() == "scenario=directive-2025"
    assert RunState(replicates=50, seed=3).query() == "scenario=directive-2025&replicates=50&seed=3"


def test_the_command_line_and_python_make_the_same_run() -> None:
    state = RunState(sets=("detention.bed_capacity=100000",), replicates=20,
                     until=dt.date(2027, 1, 1))  # fmt: skip
    words = shlex.split(state.command())
    assert words[:3] == ["deportsim", "run", "directive-2025"]
    assert words[words.index("--set") + 1] == "detention.bed_capacity=100000"
    assert words[words.index("--until") + 1] == "2027-01-01"
    code = state.python("http://127.0.0.1:8000")
    compile(code, "<reproduce>", "exec")
    assert "sets=['detention.bed_capacity=100000']" in code
    assert RunState(from_scenario=True, years=4.0).command().endswith("--start scenario --years 4")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("replicates=many", "replicates"),
        ("replicates=0", "replicates"),
        ("seed=-1", "seed"),
        ("until=2027-13-01", "until"),
        ("years=0", "years"),
        ("from=yesterday", "from"),
        ("scenario=../etc/passwd", "scenario"),
        ("set=no-equals-sign", "set.0"),
    ],
)
def test_a_mistake_names_its_field(query: str, field: str) -> None:
    with pytest.raises(StateError) as caught:
        _read(query)
    assert caught.value.field == field


def test_changed_levers_become_sets_and_unchanged_ones_do_not() -> None:
    levers = [{"path": "detention.bed_capacity", "value": 75000.0},
              {"path": "arrests.officers", "value": 14000.0},
              {"path": "courts.judges", "value": 600.0}]  # fmt: skip
    form = {"detention.bed_capacity": "100,000", "arrests.officers": "14000", "courts.judges": ""}
    assert changed_sets(form, levers) == ["detention.bed_capacity=100000"]
    with pytest.raises(StateError) as caught:
        changed_sets({"courts.judges": "lots"}, levers)
    assert caught.value.field == "courts.judges"
