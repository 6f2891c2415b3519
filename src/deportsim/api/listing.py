"""``deportsim scenarios``: the built-in scenarios, without loading the model."""

from __future__ import annotations

from pathlib import Path

from deportsim.api.results import ScenarioInfo
from deportsim.parameters import load_parameters
from deportsim.scenarios import builtin_scenarios, load_scenario

__all__ = ["scenarios"]


def scenarios(parameters: Path | None = None) -> list[ScenarioInfo]:
    """The built-in scenarios, by name, each with its title (checked against ``parameters``)."""
    params_set = load_parameters(parameters)
    return [
        ScenarioInfo(name, load_scenario(name, params_set).title) for name in builtin_scenarios()
    ]
