"""The arrest stage fitted on the record is kept with its parameter set: fitted once, the same."""

from __future__ import annotations

import pickle
from dataclasses import replace

from deportsim.model.record import published_record
from deportsim.parameters import load_parameters
from deportsim.scenarios import load_scenario


def test_the_fit_is_computed_once_per_parameter_set_and_equals_a_fresh_one() -> None:
    params = load_parameters()
    sc = load_scenario("directive-2025", params)
    own = sc.overrides[: sc.planned]
    record = published_record()
    first = record.fit(params, own)
    assert first is not None
    assert record.fit(params, own) is first  # kept: not fitted again
    fresh = record.fit(load_parameters(), own)  # another set: fitted anew, the same numbers
    assert fresh is not first
    assert pickle.dumps(fresh) == pickle.dumps(first)  # arrays inside: compared as bytes
    changed = replace(params, parameters=dict(params.parameters))
    assert changed.derived == {}  # a changed set starts with nothing kept
    assert record.fit(params, ()) is not first  # other overrides: another fit
