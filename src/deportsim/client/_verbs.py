"""The long verbs: each starts a job on the server and, by default, waits for its answer.

With ``wait=True`` (the default) a verb follows its job's progress (``on_progress`` is told each
report) and returns a :class:`JobResult` holding the answer; with ``wait=False`` it returns the
job's view at once (its ``id`` for :meth:`Client.wait`, :meth:`Client.events` and
:meth:`Client.cancel`). The same request always names the same job, computed once: asking
again for something computed before returns at once.
"""

from __future__ import annotations

from typing import Any, Literal, Unpack, overload

import httpx

from deportsim.client._models import (
    BacktestOptions,
    ClaimsOptions,
    EstimatesOptions,
    EvaluationOptions,
    ForecastOptions,
    JobResult,
    OnProgress,
    ReportOptions,
    RequirementsOptions,
    RunOptions,
    SensitivityOptions,
)
from deportsim.client._session import Session, json_object, json_rows

__all__ = ["Verbs"]

Answer = JobResult[dict[str, Any]]
View = dict[str, Any]


def _with_scenario(scenario: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """A request's body: the scenario (the server's default if None), then the options."""
    return options if scenario is None else {"scenario": scenario, **options}


def _html(response: httpx.Response) -> str:
    return response.text


def _claims(response: httpx.Response) -> list[dict[str, Any]]:
    return json_rows(response)


class Verbs(Session):
    """Runs and answers, as jobs: run, claims, requirements, compare_estimates, report, ..."""

    @overload
    def run(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[RunOptions],
    ) -> Answer: ...
    @overload
    def run(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[RunOptions],
    ) -> View: ...
    def run(
        self,
        scenario: str | None = None,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[RunOptions],
    ) -> Answer | View:
        """Run a scenario (``deportsim run``); once done, its summary (summary.json).

        ``scenario`` is a built-in scenario's name or a stored one's id (default: the server's,
        directive-2025); ``options`` are :class:`RunOptions` (``replicates=4, years=0.25``).
        The run's metro table, daily series and charts are then at :meth:`Client.metros`,
        :meth:`Client.series` and :meth:`Client.chart` under the result's ``id``.
        """
        body = _with_scenario(scenario, dict(options))
        return self._start("/v1/runs", body, wait, on_progress, json_object)

    @overload
    def claims(
        self,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[ClaimsOptions],
    ) -> JobResult[list[dict[str, Any]]]: ...
    @overload
    def claims(
        self,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[ClaimsOptions],
    ) -> View: ...
    def claims(
        self,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[ClaimsOptions],
    ) -> JobResult[list[dict[str, Any]]] | View:
        """Test every claim of the claims guide (``deportsim claims``); the list of verdicts."""
        return self._start("/v1/claims", dict(options), wait, on_progress, _claims)

    @overload
    def requirements(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[RequirementsOptions],
    ) -> Answer: ...
    @overload
    def requirements(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[RequirementsOptions],
    ) -> View: ...
    def requirements(
        self,
        scenario: str | None = None,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[RequirementsOptions],
    ) -> Answer | View:
        """What a target takes in officers, beds, judges and flights (requirements.json).

        ``targets`` (required) are ``METRIC=VALUE``: ``["removals_per_year=600000"]``.
        """
        body = _with_scenario(scenario, dict(options))
        return self._start("/v1/requirements", body, wait, on_progress, json_object)

    @overload
    def compare_estimates(
        self,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[EstimatesOptions],
    ) -> Answer: ...
    @overload
    def compare_estimates(
        self,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[EstimatesOptions],
    ) -> View: ...
    def compare_estimates(
        self,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[EstimatesOptions],
    ) -> Answer | View:
        """Published estimates reproduced under their own assumptions (estimates.json)."""
        return self._start("/v1/compare-estimates", dict(options), wait, on_progress,
                           json_object)  # fmt: skip

    @overload
    def report(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[ReportOptions],
    ) -> JobResult[str]: ...
    @overload
    def report(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[ReportOptions],
    ) -> View: ...
    def report(
        self,
        scenario: str | None = None,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[ReportOptions],
    ) -> JobResult[str] | View:
        """The self-contained HTML report of a scenario (``deportsim report``): its text.

        Its charts are files of the job too (:meth:`Client.file`, names in ``files``).
        """
        body = _with_scenario(scenario, dict(options))
        return self._start("/v1/reports", body, wait, on_progress, _html)

    @overload
    def backtest(
        self,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[BacktestOptions],
    ) -> Answer: ...
    @overload
    def backtest(
        self,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[BacktestOptions],
    ) -> View: ...
    def backtest(
        self,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[BacktestOptions],
    ) -> Answer | View:
        """History replayed against ICE's statistics (``deportsim backtest``): backtest.json."""
        return self._start("/v1/backtests", dict(options), wait, on_progress, json_object)

    @overload
    def forecast(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[ForecastOptions],
    ) -> Answer: ...
    @overload
    def forecast(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[ForecastOptions],
    ) -> View: ...
    def forecast(
        self,
        scenario: str | None = None,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[ForecastOptions],
    ) -> Answer | View:
        """A forecast from what was published by ``as_of`` (required): forecast.json."""
        body = _with_scenario(scenario, dict(options))
        return self._start("/v1/forecasts", body, wait, on_progress, json_object)

    @overload
    def forecast_evaluation(
        self,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[EvaluationOptions],
    ) -> Answer: ...
    @overload
    def forecast_evaluation(
        self,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[EvaluationOptions],
    ) -> View: ...
    def forecast_evaluation(
        self,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[EvaluationOptions],
    ) -> Answer | View:
        """The forecasts scored from every origin against naive ones: evaluation.json."""
        return self._start("/v1/forecast-evaluations", dict(options), wait, on_progress,
                           json_object)  # fmt: skip

    @overload
    def sensitivity(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[True] = ...,
        on_progress: OnProgress | None = ...,
        **options: Unpack[SensitivityOptions],
    ) -> Answer: ...
    @overload
    def sensitivity(
        self,
        scenario: str | None = ...,
        *,
        wait: Literal[False],
        on_progress: OnProgress | None = ...,
        **options: Unpack[SensitivityOptions],
    ) -> View: ...
    def sensitivity(
        self,
        scenario: str | None = None,
        *,
        wait: bool = True,
        on_progress: OnProgress | None = None,
        **options: Unpack[SensitivityOptions],
    ) -> Answer | View:
        """Which assumptions matter (``deportsim sensitivity``): Sobol indices, sensitivity.json.

        ``options`` are :class:`SensitivityOptions` (``metrics=["removals_total"], n=8``); each
        metric's parameters come ranked by their total index. Its tornado charts are files of
        the job (:meth:`Client.file`, ``tornado-<metric>.png``).
        """
        body = _with_scenario(scenario, dict(options))
        return self._start("/v1/sensitivities", body, wait, on_progress, json_object)

    def status(self, *, wait: bool = True, on_progress: OnProgress | None = None) -> View:
        """Where the operation stands now against its goals (``deportsim status``): status.json.

        The server computes it once for its data. Until then it answers with the job computing
        it: ``wait=True`` waits for that job, ``wait=False`` returns its view (it has an ``id``;
        status.json has none).
        """
        doc = json_object(self._get("/v1/status"))
        is_job = {"id", "status", "links"} <= doc.keys()  # status.json has none of these
        if not is_job or not wait:
            return doc
        return self._finish(doc, on_progress, json_object).answer
