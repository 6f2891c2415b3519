"""Published economic estimates reproduced by the economic stage (compare-estimates, economy).

The reproductions go through the model's own equations (:func:`deportsim.model.economy.national`
with the model's daily factors), so they scale as the equations do; ITEP's taxes come back
exactly because the model's tax rates are ITEP's; and the table in docs/economy.md is current.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from deportsim import api
from deportsim.analysis.estimates.economy import path_series, reproduce
from deportsim.analysis.estimates.economy_spec import ECONOMY_FILE, Anchor, load_anchors
from deportsim.core.errors import UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.parameters import ParameterSet

ROOT = Path(__file__).resolve().parents[3]
IDS = [
    "pwbm-2025-4yr", "pwbm-2025-10yr", "piie-2024-low", "piie-2024-high", "aic-2024-gdp",
    "itep-2024-taxes", "epi-2025-jobs",
]  # fmt: skip


def _anchor(params: ParameterSet, anchor_id: str) -> Anchor:
    return next(a for a in load_anchors(params).anchors if a.id == anchor_id)


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_the_shipped_file_loads_with_a_source_for_every_figure(params: ParameterSet) -> None:
    spec = load_anchors(params)
    assert [a.id for a in spec.anchors] == IDS
    assert spec.tolerance == 0.10
    for a in spec.anchors:
        sourced = [a.headline, a.path, *a.assumptions, *([a.path.base] if a.path.base else [])]
        for item in sourced:
            sources = item.source if isinstance(item.source, list) else [item.source]
            assert sources, a.id
            assert all(s.publisher and s.title and s.date for s in sources), a.id
            if item.status in ("derived", "unconfirmed"):
                assert item.reasoning, f"{a.id}: a {item.status} figure says why"
        for f in a.other_figures:
            assert f.source, a.id
        assert a.why_differs, a.id
    # EPI's and PIIE's overrides are derived from their own figures, with the sum shown
    epi = _anchor(params, "epi-2025-jobs")
    assert epi.sets == ("economy.us_born_jobs_per_worker=0.78",)
    assert round(2_571_000 / 3_316_000, 2) == 0.78
    assert "2,571,000 / 3,316,000" in (epi.assumptions[0].reasoning or "")


def test_an_unknown_key_names_file_and_line(params: ParameterSet, tmp_path: Path) -> None:
    text = ECONOMY_FILE.read_text().replace(
        "    why_differs: >-\n", "    why_differs_typo: 1\n    why_differs: >-\n", 1
    )
    path = tmp_path / "economy.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_anchors(params, path)
    assert f"{path}:{_line_of(path, 'why_differs_typo')}" in info.value.one_line()
    assert "unknown key 'why_differs_typo'" in info.value.one_line()


def test_a_bad_override_names_file_and_line(params: ParameterSet, tmp_path: Path) -> None:
    text = ECONOMY_FILE.read_text().replace(
        "economy.us_born_jobs_per_worker=0.78", "economy.us_born_jobs_per_wroker=0.78"
    )
    path = tmp_path / "economy.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_anchors(params, path)
    assert f"{path}:{_line_of(path, 'per_wroker')}" in info.value.one_line()


def test_the_path_spreads_each_year_evenly(params: ParameterSet) -> None:
    anchor = _anchor(params, "piie-2024-low")  # workers: over the employed share
    days = (dt.date(2029, 1, 1) - dt.date(2025, 1, 1)).days
    nat = path_series(anchor, dt.date(2025, 1, 1), np.full(days, 0.69))
    removed = nat["removals_interior"]
    assert removed.shape == (1, days)
    assert removed.sum() * 0.69 == pytest.approx(1_300_000)
    assert removed[0, 0] == pytest.approx(325_000 / 365 / 0.69)
    assert not nat["arrests_at_large"].any()
    assert not nat["detained_interior"].any()


@pytest.mark.parametrize("anchor_id", ["pwbm-2025-4yr", "piie-2024-high", "epi-2025-jobs"])
def test_doubling_the_removals_doubles_the_loss(params: ParameterSet, anchor_id: str) -> None:
    spec = load_anchors(params)
    anchor = _anchor(params, anchor_id)
    double = anchor.model_copy(
        update={"path": anchor.path.model_copy(update={"per_year": 2 * anchor.path.per_year})}
    )
    one, _, _ = reproduce(spec, anchor, params)
    two, _, _ = reproduce(spec, double, params)
    assert two == pytest.approx(2 * one, rel=1e-9)


#: impacts.yaml's sector shares and economy.yaml's value added per worker by sector relative to
#: the economy's (construction, agriculture, hospitality, manufacturing, services, other).
SHARES = (0.18, 0.05, 0.17, 0.12, 0.29, 0.19)
RATIOS = (0.57, 0.78, 0.4, 1.06, 1.0, 1.0)


def test_the_reproduction_uses_the_models_parameters(params: ParameterSet) -> None:
    """The GDP share lost is W / employment x elasticity x (relative output + jobs per worker)
    x the sectors' value added per worker relative to the economy's, at the workers' shares."""
    spec = load_anchors(params)
    anchor = _anchor(params, "pwbm-2025-4yr")
    value, sim, _ = reproduce(spec, anchor, params)
    workers = 0.69 * 4 * 1_100_000
    mix = sum(s * r for s, r in zip(SHARES, RATIOS, strict=True))
    expected = 100 * workers / 169_956_100 * 0.8 * (0.88 + 0.088) * mix
    assert value == pytest.approx(expected, rel=1e-6)
    # the study's own overrides go through the same factors
    halved = anchor.model_copy(update={"assumptions": [
        a.model_copy(update={"sets": ["economy.output_elasticity=0.4"]})
        for a in _anchor(params, "epi-2025-jobs").assumptions
    ]})  # fmt: skip
    assert reproduce(spec, halved, params)[0] == pytest.approx(value / 2, rel=1e-9)
    assert set(sim.national) >= {"gdp_loss", "workers_withdrawn", "employment_change_us_born"}


def test_itep_taxes_come_back_within_one_percent(params: ParameterSet) -> None:
    """Our tax rates are ITEP's own ($59.4B and $37.3B over 10.88 million): arithmetic only."""
    x = api.prepare(
        api.RunConfig(scenario="one-million-a-year", replicates=1, start=dt.date(2025, 1, 1)),
        params,
    ).inputs
    assert x.tax_federal[0] * DAYS_PER_YEAR == pytest.approx(59.4e9 / 10.88e6, rel=1e-3)
    assert x.tax_state_local[0] * DAYS_PER_YEAR == pytest.approx(37.3e9 / 10.88e6, rel=1e-3)
    spec = load_anchors(params)
    value, _, _ = reproduce(spec, _anchor(params, "itep-2024-taxes"), params)
    assert value == pytest.approx(96.7e9, rel=0.01)


def test_the_economy_block_of_estimates_json() -> None:
    data = api.compare_estimates(replicates=2, seed=0, parameter_uncertainty=False).to_json()
    assert [e["id"] for e in data["estimates"]] == ["aic-2024", "pwbm-2025", "cap-2010", "cbs-2024"]
    econ = data["economy"]
    assert econ["own_scenario"] == "one-million-a-year"
    assert econ["own_until"] == "2034-12-31"
    by_id = {a["id"]: a for a in econ["anchors"]}
    assert list(by_id) == IDS
    for a in by_id.values():
        rep, own = a["reproduced"], a["model_own"]
        assert rep["within_tolerance"] == (abs(rep["gap_percent"]) <= 10), a["id"]
        assert own["p05"] <= own["p50"] <= own["p95"], a["id"]
        assert a["why_differs"], a["id"]
        assert a["headline"]["source"], a["id"]
    assert by_id["itep-2024-taxes"]["reproduced"]["within_tolerance"]


def test_the_docs_table_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "economy_anchors.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
