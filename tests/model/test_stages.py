"""The table of stages (model/stages) matches the parameter files, the network and the accounts."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest
import yaml

from deportsim import RunConfig, prepare
from deportsim.engine import Streams
from deportsim.model import Inputs, simulate
from deportsim.model.accounts import NATIONAL_SERIES, REGIONAL_SERIES
from deportsim.model.network import build
from deportsim.model.stages import STAGES, Read
from deportsim.parameters import PARAMETERS_DIR, ParameterSet


@pytest.fixture(scope="module")
def inputs(params: ParameterSet) -> Inputs:
    """A short run's inputs, with hold rooms so that the network has every station."""
    x = prepare(RunConfig(scenario="baseline-fy2024", years=0.1), params).inputs
    return dataclasses.replace(x, hold=np.full(x.days, 100.0))


def _once(names: list[str], what: str) -> None:
    twice = sorted(n for n, count in Counter(names).items() if count > 1)
    assert not twice, f"{what} in more than one stage: {twice}"


def test_stages_are_the_parameter_files_in_order() -> None:
    index = yaml.safe_load((PARAMETERS_DIR / "index.yaml").read_text(encoding="utf-8"))
    assert [(s.name, s.description) for s in STAGES] == list(index["files"].items())
    for stage in STAGES:
        assert stage.parameters == f"{stage.name}.yaml"
        assert (PARAMETERS_DIR / stage.parameters).is_file()


def test_every_parameter_is_read_by_the_stage_of_its_file(params: ParameterSet) -> None:
    for stage in STAGES:
        in_file = {path for path in params.parameters if path.split(".")[0] == stage.name}
        assert sorted(in_file - stage.paths) == [], f"{stage.name}: parameters nobody reads"
        assert sorted(stage.paths - in_file) == [], f"{stage.name}: reads of another file"
    for stage in STAGES:
        for r in stage.reads:
            if isinstance(r, Read):
                # a history is a daily series that starts before the run
                applies = "daily" if r.applies == "history" else r.applies
                assert applies == params[r.path].spec.applies, r.path


def test_the_stages_fill_every_input_field_once() -> None:
    fields = [f.name for f in dataclasses.fields(Inputs)]
    filled = [(s.name, r.field, r.key) for s in STAGES for r in s.reads]
    _once([f"{field}[{key}]" for _, field, key in filled], "Inputs field")
    plain = {field for _, field, key in filled if key is None}
    keyed = {field for _, field, key in filled if key is not None}
    assert not plain & keyed, "a field is both a value and a dict"
    assert sorted(plain | keyed) == sorted(set(fields) - {"days", "regions"})


def test_every_station_and_capture_belongs_to_one_stage(inputs: Inputs) -> None:
    net = build(inputs).network
    stations = [name for s in STAGES for name in s.stations]
    _once(stations, "station")
    assert sorted(stations) == sorted(st.name for st in net.stations)
    captures = [name for s in STAGES for name in s.captures]
    _once(captures, "capture")
    built = [f"{at}.{c.name}" for at, caps in net.capture_lists.items() for c in caps]
    assert sorted(captures) == sorted(built)


def test_without_hold_rooms_the_network_has_the_other_stations(inputs: Inputs) -> None:
    x = dataclasses.replace(inputs, hold=np.zeros(inputs.days))
    names = {st.name for st in build(x).network.stations}
    assert names == {name for s in STAGES for name in s.stations} - {"hold"}


def test_every_series_belongs_to_one_stage(inputs: Inputs) -> None:
    sim = simulate(inputs, 2, Streams(1), threads=1)
    series = [name for s in STAGES for name in s.series]
    _once(series, "series")
    assert sorted(series) == sorted(sim.national) == sorted(NATIONAL_SERIES)
    for name in REGIONAL_SERIES:
        assert name in series
        assert sim.region(name).shape == (2, inputs.days, len(inputs.regions))
