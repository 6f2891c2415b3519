"""A run: its configuration, the checked inputs (prepare), the model executed (execute).

The layer that the analyses, the store and the API build on: it knows the model and the
parameters, and nothing of where results are written or how they are shown.
"""

from deportsim.run.config import (
    DEFAULT_SCENARIO,
    DEFAULT_START,
    MAX_REPLICATES,
    MAX_YEARS,
    RunConfig,
    check_config,
)
from deportsim.run.execute import RunOutput, execute
from deportsim.run.prepare import Prepared, prepare

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_START",
    "MAX_REPLICATES",
    "MAX_YEARS",
    "Prepared",
    "RunConfig",
    "RunOutput",
    "check_config",
    "execute",
    "prepare",
]
