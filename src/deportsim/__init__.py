"""deportsim: an open, reproducible simulation of the US immigration-enforcement pipeline.

The public API is what ``__all__`` lists; the command line (``deportsim``) is a thin layer over it.
"""

from deportsim._version import __version__
from deportsim.api import (
    DEFAULT_SCENARIO,
    Prepared,
    RunConfig,
    RunOutput,
    execute,
    prepare,
    run,
    run_prepared,
    write_outputs,
)
from deportsim.core.errors import Location, UserError
from deportsim.parameters import ParameterSet, load_parameters
from deportsim.run.results import METRICS, REQUIRED_METRICS
from deportsim.scenarios import Scenario, builtin_scenarios, load_scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "METRICS",
    "REQUIRED_METRICS",
    "Location",
    "ParameterSet",
    "Prepared",
    "RunConfig",
    "RunOutput",
    "Scenario",
    "UserError",
    "__version__",
    "builtin_scenarios",
    "execute",
    "load_parameters",
    "load_scenario",
    "prepare",
    "run",
    "run_prepared",
    "write_outputs",
]
