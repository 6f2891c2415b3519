"""Issue 19: every parameter states its physical range (``bounds``), and everything keeps to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.core.units import Kind
from deportsim.parameters import PARAMETERS_DIR, ParameterSet, load_parameters, parse_set
from deportsim.scenarios import load_scenario

BUILT_IN_SCENARIOS = sorted(p.stem for p in (PARAMETERS_DIR.parent / "scenarios").glob("*.yaml"))


def test_every_parameter_that_is_not_a_probability_has_a_physical_maximum(
    params: ParameterSet,
) -> None:
    missing = [
        path
        for path, p in params.parameters.items()
        if p.unit.kind is not Kind.PROBABILITY
        and (p.spec.bounds is None or p.spec.bounds.max is None)
    ]
    assert missing == []


def test_built_in_values_and_ranges_lie_within_their_bounds(params: ParameterSet) -> None:
    for path, p in params.parameters.items():
        b = p.spec.bounds
        if b is None:
            continue
        low = -float("inf") if b.min is None else b.min * p.unit.factor
        high = float("inf") if b.max is None else b.max * p.unit.factor
        for _, value in p.steps:
            for v in value if isinstance(value, tuple) else (value,):
                assert low <= v <= high, path
        u = p.spec.uncertainty
        if u is not None and u.relative:  # multiples of each value in force
            for _, value in p.steps:
                for v in value if isinstance(value, tuple) else (value,):
                    assert low <= v * u.low <= v * u.high <= high, path
        elif u is not None:
            for v in (u.low, u.high):
                assert low <= v * p.unit.factor <= high, path


@pytest.mark.parametrize("name", BUILT_IN_SCENARIOS)
def test_built_in_scenarios_keep_to_the_bounds(name: str, params: ParameterSet) -> None:
    load_scenario(name, params)  # every override is checked against its parameter's bounds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("removal.seats_per_flight=0", "below the physical minimum 1 persons"),
        ("removal.seats_per_flight=854", "above the physical maximum 853 persons"),
        ("impacts.children_per_parent=21", "above the physical maximum 20"),
        ("detention.stay_cv=0", "below the physical minimum 0.01"),
        ("population.unauthorized_total=400 million persons", "above the physical maximum"),
        ("arrests.jail_transfer_rate=2 1/day", "above the physical maximum 365.25 1/year"),
        ("economy.employment=0", "below the physical minimum 50000 thousand persons"),
        ("economy.output_elasticity=1.2", "probability 1.2 is outside [0, 1]"),
    ],
)
def test_set_beyond_the_bounds_is_refused(text: str, words: str, params: ParameterSet) -> None:
    with pytest.raises(UserError) as info:
        parse_set(params, text)
    line = info.value.one_line()
    assert line.startswith(f"--set: {text.partition('=')[0]}: "), line
    assert words in line, line
    assert "\n" not in line


def test_set_at_the_bounds_is_accepted(params: ParameterSet) -> None:
    for text in ("removal.seats_per_flight=1", "removal.seats_per_flight=853",
                 "detention.stay_cv=0.01", "impacts.children_per_parent=20"):  # fmt: skip
        parse_set(params, text)


def _copy_with(tmp_path: Path, stem: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of the built-in parameters with one edit; returns the folder and the edit's line."""
    folder = tmp_path / "params"
    shutil.copytree(PARAMETERS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    file = folder / f"{stem}.yaml"
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    file.write_text(text.replace(old, new), encoding="utf-8")
    return folder, line


def test_file_value_beyond_the_bounds_names_file_line_and_path(tmp_path: Path) -> None:
    old = "  children_per_parent:"
    text = (PARAMETERS_DIR / "impacts.yaml").read_text(encoding="utf-8")
    start = text.index(old)
    first = text.index("\n", text.index("values:", start)) + 1  # the first dated value
    key = text[first : text.index("\n", first)]
    folder, line = _copy_with(tmp_path, "impacts", key, f"{key.partition(':')[0]}: 25")
    with pytest.raises(UserError) as info:
        load_parameters(folder)
    msg = info.value.one_line()
    assert f"impacts.yaml:{line}: impacts.children_per_parent.values." in msg, msg
    assert "above the physical maximum 20" in msg, msg


def test_bounds_must_be_ordered_and_reasoned(tmp_path: Path) -> None:
    folder, _ = _copy_with(tmp_path, "removal", "      min: 1\n      max: 853\n",
                              "      min: 900\n      max: 853\n")  # fmt: skip
    with pytest.raises(UserError, match=r"bounds min \(900\) is above max \(853\)"):
        load_parameters(folder)
    folder2 = tmp_path / "second"
    folder2.mkdir()
    folder, _ = _copy_with(folder2, "removal", "      min: 1\n      max: 853\n", "      min: 1\n")
    load_parameters(folder)  # a minimum alone is a valid range
