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

from deportsim.core.lazy import exports as _exports

if TYPE_CHECKING:  # the names as the type checker sees them; imported on first use
    from deportsim._version import __version__
    from deportsim.analysis.sweeps.options import SweepStart

    # Matplotlib and SALib load only when a sweep runs (deportsim.api.sweeps)
    from deportsim.analysis.sweeps.runner import SensitivityRun as SensitivityRun
    from deportsim.analysis.sweeps.sweep import SweepRun as SweepRun
    from deportsim.api.answers import claims, compare_estimates, requirements
    from deportsim.api.catalog import (
        EXPORT_FORMATS,
        runs_compare,
        runs_export,
        runs_list,
        runs_show,
    )
    from deportsim.api.data import ICE_PAGE, data_import, data_info, data_update
    from deportsim.api.forecasts import forecast, forecast_evaluation
    from deportsim.api.history import CALIBRATION_BOOTSTRAP, CALIBRATION_SEED, backtest, calibrate
    from deportsim.api.listing import scenarios
    from deportsim.api.reporting import report
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
    from deportsim.api.simulation import Out, params, run, run_prepared
    from deportsim.api.standing import STATUS_FILES, status
    from deportsim.api.sweeps import Execution, sensitivity, sweep
    from deportsim.core.errors import Location, UserError
    from deportsim.core.folders import DiskFullError
    from deportsim.core.signals import Interrupted, clear_stop, request_stop, stop_requested
    from deportsim.defaults import BANDS_ABOVE
    from deportsim.run import DEFAULT_SCENARIO, Prepared, RunConfig, RunOutput, execute, prepare
    from deportsim.run.results import METRICS, REQUIRED_METRICS
    from deportsim.store.catalog import CATALOG_ENV, NO_CATALOG_ENV, STATUSES, CatalogChoice
    from deportsim.store.outputs import write_outputs

#: Where each name of the API lives: imported on first use (PEP 562), so that a command
#: that needs little (``deportsim --help``, ``scenarios``) does not load the model.
_WHERE = {
    "__version__": "deportsim._version",
    "SweepStart": "deportsim.analysis.sweeps.options",
    "claims": "deportsim.api.answers",
    "compare_estimates": "deportsim.api.answers",
    "requirements": "deportsim.api.answers",
    "EXPORT_FORMATS": "deportsim.api.catalog",
    "runs_compare": "deportsim.api.catalog",
    "runs_export": "deportsim.api.catalog",
    "runs_list": "deportsim.api.catalog",
    "runs_show": "deportsim.api.catalog",
    "ICE_PAGE": "deportsim.defaults",
    "data_import": "deportsim.api.data",
    "data_info": "deportsim.api.data",
    "data_update": "deportsim.api.data",
    "forecast": "deportsim.api.forecasts",
    "forecast_evaluation": "deportsim.api.forecasts",
    "CALIBRATION_BOOTSTRAP": "deportsim.analysis.history.settings:BOOTSTRAP",
    "CALIBRATION_SEED": "deportsim.analysis.history.settings:SEED",
    "backtest": "deportsim.api.history",
    "calibrate": "deportsim.api.history",
    "report": "deportsim.api.reporting",
    "DataImport": "deportsim.api.results",
    "EvaluationAnswer": "deportsim.api.results",
    "ForecastAnswer": "deportsim.api.results",
    "ParameterTable": "deportsim.api.results",
    "ReportAnswer": "deportsim.api.results",
    "RequirementsAnswer": "deportsim.api.results",
    "RunComparison": "deportsim.api.results",
    "RunDetails": "deportsim.api.results",
    "RunExport": "deportsim.api.results",
    "RunList": "deportsim.api.results",
    "ScenarioInfo": "deportsim.api.results",
    "Out": "deportsim.api.simulation",
    "params": "deportsim.api.simulation",
    "run": "deportsim.api.simulation",
    "run_prepared": "deportsim.api.simulation",
    "scenarios": "deportsim.api.listing",
    "STATUS_FILES": "deportsim.api.standing",
    "status": "deportsim.api.standing",
    "Execution": "deportsim.api.sweeps",
    "sensitivity": "deportsim.api.sweeps",
    "sweep": "deportsim.api.sweeps",
    "Location": "deportsim.core.errors",
    "UserError": "deportsim.core.errors",
    "DiskFullError": "deportsim.core.folders",
    "BANDS_ABOVE": "deportsim.defaults",
    "Interrupted": "deportsim.core.signals",
    "clear_stop": "deportsim.core.signals",
    "request_stop": "deportsim.core.signals",
    "stop_requested": "deportsim.core.signals",
    "DEFAULT_SCENARIO": "deportsim.defaults",
    "Prepared": "deportsim.run",
    "RunConfig": "deportsim.run",
    "RunOutput": "deportsim.run",
    "execute": "deportsim.run",
    "prepare": "deportsim.run",
    "METRICS": "deportsim.run.results",
    "REQUIRED_METRICS": "deportsim.run.results",
    "CATALOG_ENV": "deportsim.store.catalog.records",
    "NO_CATALOG_ENV": "deportsim.store.catalog.records",
    "STATUSES": "deportsim.store.catalog.records",
    "CatalogChoice": "deportsim.store.catalog",
    "write_outputs": "deportsim.store.outputs",
}


__getattr__, __dir__ = _exports(__name__, _WHERE)

__all__ = [
    "BANDS_ABOVE",
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
    "Interrupted",
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
    "clear_stop",
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
    "request_stop",
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
    "stop_requested",
    "sweep",
    "write_outputs",
]
