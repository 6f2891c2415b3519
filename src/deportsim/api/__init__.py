"""The library API: every verb of deportsim, one function each, returning typed results.

The command line (:mod:`deportsim.cli`) and, later, the HTTP API and the web pages are thin
layers over this package: each of their commands calls one function here and formats what it
returns. Nothing here prints. Every input is checked first, and a mistake raises
:class:`UserError` (one line naming the file, line and parameter, or the option) before anything
is computed or written.

Verbs, by the question they answer:

- a scenario run: :func:`run` (:func:`prepare`, :func:`execute`, :func:`run_prepared` for its
  steps), :func:`scenarios`, :func:`params`;
- questions people bring: :func:`claims`, :func:`requirements`, :func:`compare_estimates`,
  :func:`report`;
- which assumptions matter: :func:`sweep`, :func:`sensitivity` (options: :class:`Execution`);
- the model against history: :func:`backtest`, :func:`calibrate`;
- forecasts: :func:`forecast` (from the state published by a date), :func:`forecast_evaluation`
  (the rolling-origin evaluation against naive baselines);
- the catalog of past runs: :func:`runs_list`, :func:`runs_show`, :func:`runs_compare`,
  :func:`runs_export`;
- official statistics: :func:`data_import`, :func:`data_info`, :func:`data_update`.
"""

from typing import TYPE_CHECKING

from deportsim._version import __version__
from deportsim.analysis.sweeps.options import SweepStart
from deportsim.api.answers import claims, compare_estimates, requirements
from deportsim.api.catalog import EXPORT_FORMATS, runs_compare, runs_export, runs_list, runs_show
from deportsim.api.data import ICE_PAGE, data_import, data_info, data_update
from deportsim.api.forecasts import forecast, forecast_evaluation
from deportsim.api.history import CALIBRATION_BOOTSTRAP, CALIBRATION_SEED, backtest, calibrate
from deportsim.api.report import report
from deportsim.api.results import (
    DataImport,
    EvaluationAnswer,
    ForecastAnswer,
    ParameterTable,
    ReportAnswer,
    RequirementsAnswer,
    RunComparison,
    RunDetails,
    RunExport,
    RunList,
    ScenarioInfo,
)
from deportsim.api.simulation import Out, params, run, run_prepared, scenarios
from deportsim.api.status import STATUS_FILES, status
from deportsim.api.sweeps import Execution, sensitivity, sweep
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import DiskFullError
from deportsim.run import DEFAULT_SCENARIO, Prepared, RunConfig, RunOutput, execute, prepare
from deportsim.run.results import METRICS, REQUIRED_METRICS
from deportsim.store.catalog import CATALOG_ENV, NO_CATALOG_ENV, STATUSES, CatalogChoice
from deportsim.store.outputs import write_outputs

if TYPE_CHECKING:  # Matplotlib and SALib load only when a sweep runs (deportsim.api.sweeps)
    from deportsim.analysis.sweeps.runner import SensitivityRun as SensitivityRun
    from deportsim.analysis.sweeps.sweep import SweepRun as SweepRun

__all__ = [
    "CALIBRATION_BOOTSTRAP",
    "CALIBRATION_SEED",
    "CATALOG_ENV",
    "DEFAULT_SCENARIO",
    "EXPORT_FORMATS",
    "ICE_PAGE",
    "METRICS",
    "NO_CATALOG_ENV",
    "REQUIRED_METRICS",
    "STATUSES",
    "STATUS_FILES",
    "CatalogChoice",
    "DataImport",
    "DiskFullError",
    "EvaluationAnswer",
    "Execution",
    "ForecastAnswer",
    "Location",
    "Out",
    "ParameterTable",
    "Prepared",
    "ReportAnswer",
    "RequirementsAnswer",
    "RunComparison",
    "RunConfig",
    "RunDetails",
    "RunExport",
    "RunList",
    "RunOutput",
    "ScenarioInfo",
    "SweepStart",
    "UserError",
    "__version__",
    "backtest",
    "calibrate",
    "claims",
    "compare_estimates",
    "data_import",
    "data_info",
    "data_update",
    "execute",
    "forecast",
    "forecast_evaluation",
    "params",
    "prepare",
    "report",
    "requirements",
    "run",
    "run_prepared",
    "runs_compare",
    "runs_export",
    "runs_list",
    "runs_show",
    "scenarios",
    "sensitivity",
    "status",
    "sweep",
    "write_outputs",
]
