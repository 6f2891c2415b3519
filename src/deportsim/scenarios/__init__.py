"""Built-in scenarios (YAML files beside this module) and the scenario loader."""

from deportsim.scenarios.loader import SCENARIOS_DIR, Scenario, builtin_scenarios, load_scenario

__all__ = ["SCENARIOS_DIR", "Scenario", "builtin_scenarios", "load_scenario"]
