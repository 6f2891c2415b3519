"""What the client returns, and the options each verb takes (the fields of the request bodies).

The options are those of the command line's verbs (``replicates`` is ``--replicates``); the
server checks them and answers a mistake with a 422 naming the field (:class:`ApiError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Required, TypedDict, TypeVar

__all__ = [
    "ENDED",
    "BacktestOptions",
    "ClaimsOptions",
    "EstimatesOptions",
    "EvaluationOptions",
    "ForecastOptions",
    "JobResult",
    "OnProgress",
    "PreviewOptions",
    "ReportOptions",
    "RequirementsOptions",
    "RunOptions",
    "SensitivityOptions",
    "StoredScenario",
]

T = TypeVar("T")

#: The statuses of a job that has ended.
ENDED = frozenset({"complete", "failed", "cancelled", "interrupted"})

#: Told each progress report of a job while the client waits for it: a dict with ``status``,
#: ``stage``, ``fraction`` (0 to 1, or None), ``replicate_days_done``, ``replicate_days_total``,
#: ``elapsed_s``, ``eta_s`` (seconds left, or None) and ``updated``.
OnProgress = Callable[[dict[str, Any]], None]

#: A day: ``"2026-07-01"`` or a :class:`datetime.date`.
Day = str | dt.date


@dataclass(frozen=True)
class JobResult(Generic[T]):
    """A job that completed, and its answer.

    Attributes:
        id: The job's id (``run-…``, ``claims-…``): the same request always names the same job.
        kind: What it did: run, claims, requirements, compare-estimates, report, backtest,
            forecast, forecast-evaluation, sensitivity.
        status: ``complete``.
        answer: The answer: a run's summary (summary.json), the claims (claims.json), the
            requirements (requirements.json), the estimates (estimates.json), the report's HTML,
            the backtest (backtest.json), the forecast (forecast.json), the evaluation
            (evaluation.json) or the Sobol indices (sensitivity.json).
        job: The job's last view: its request, progress, files and links.
    """

    id: str
    kind: str
    status: str
    answer: T = field(repr=False)
    job: dict[str, Any] = field(repr=False)

    @property
    def files(self) -> list[str]:
        """The files the job wrote (:meth:`Client.file` reads one)."""
        return [str(name) for name in self.job.get("files") or ()]


@dataclass(frozen=True)
class StoredScenario:
    """A scenario document the server keeps (:meth:`Client.store_scenario`).

    Attributes:
        id: Its id, ``sc-`` and 16 hex digits of its text's hash: name it as a run's scenario.
        name: The document's ``name``.
        title: Its ``title``.
        description: Its ``description``.
        content_hash: The hash of the document and of every scenario it extends.
        overrides: How many overrides it applies, those of the scenarios it extends included.
        created: False if the same document was stored before.
    """

    id: str
    name: str
    title: str
    description: str
    content_hash: str
    overrides: int
    created: bool


class RunOptions(TypedDict, total=False):
    """Options of a run (``deportsim run``).

    Attributes:
        replicates: Monte Carlo replicates (default 100).
        seed: The random seed (default 0).
        years: Years to simulate (default: to 2029-01-20).
        start: First day (default: the day after the latest month of official data).
        from_scenario: Start from the scenario's own start and first-day values instead.
        until: Last day, instead of ``years``.
        sets: Parameter overrides, each ``PATH=VALUE`` (``detention.bed_capacity=100000``).
        fixed_parameters: Fix the uncertain parameters at their central values.
        series: What the run's daily series keep: every replicate, or daily bands (quantiles).
    """

    replicates: int
    seed: int
    years: float | None
    start: Day | None
    from_scenario: bool
    until: Day | None
    sets: Sequence[str]
    fixed_parameters: bool
    series: Literal["auto", "replicates", "quantiles"]


class PreviewOptions(TypedDict, total=False):
    """Options of a preview: a run's expected path at once (mean field, no interval).

    Attributes:
        years: Years to simulate.
        start: First day.
        from_scenario: Start from the scenario's own start and first-day values.
        until: Last day, instead of ``years``.
        sets: Parameter overrides, each ``PATH=VALUE``.
    """

    years: float | None
    start: Day | None
    from_scenario: bool
    until: Day | None
    sets: Sequence[str]


class ClaimsOptions(TypedDict, total=False):
    """Options of the claims tested (``deportsim claims``): replicates, seed, fixed_parameters."""

    replicates: int
    seed: int
    fixed_parameters: bool


class RequirementsOptions(TypedDict, total=False):
    """Options of what a target takes (``deportsim requirements``).

    Attributes:
        targets: Required: each ``METRIC=VALUE`` (``removals_per_year=600000``).
        probability: The chance of reaching every target (default 0.5).
        from_year: The first year whose resources change.
        replicates: Replicates of each run of the search.
        seed: The random seed.
        years: Years to simulate (default 4).
        start: First day (default: the scenario's own start).
        sets: Parameter overrides, each ``PATH=VALUE``.
        fixed_parameters: Fix the uncertain parameters at their central values.
    """

    targets: Required[Sequence[str]]
    probability: float
    from_year: int | None
    replicates: int
    seed: int
    years: float
    start: Day | None
    sets: Sequence[str]
    fixed_parameters: bool


class EstimatesOptions(TypedDict, total=False):
    """Options of the published estimates reproduced (``deportsim compare-estimates``).

    Attributes:
        replicates: Replicates of each run (default 50).
        seed: The random seed.
        years: Years each run simulates (default 4).
        fixed_parameters: Fix the uncertain parameters at their central values.
    """

    replicates: int
    seed: int
    years: float
    fixed_parameters: bool


class ReportOptions(TypedDict, total=False):
    """Options of the HTML report (``deportsim report``).

    Attributes:
        compare: Scenarios shown beside it (at most 4).
        replicates: Replicates of each run.
        seed: The random seed.
        years: Years to simulate (default 4).
        start: First day (default: the scenario's own start).
        sets: Parameter overrides, each ``PATH=VALUE``.
        fixed_parameters: Fix the uncertain parameters at their central values.
        claims: Test the claims too and show their verdicts.
    """

    compare: Sequence[str]
    replicates: int
    seed: int
    years: float
    start: Day | None
    sets: Sequence[str]
    fixed_parameters: bool
    claims: bool


class BacktestOptions(TypedDict, total=False):
    """Options of the backtest (``deportsim backtest``): seed, and ``stays`` (fitted or model)."""

    seed: int
    stays: Literal["fitted", "model"]


class ForecastOptions(TypedDict, total=False):
    """Options of a forecast (``deportsim forecast``).

    Attributes:
        as_of: Required: use only what was published by this day.
        months: Months ahead (default 6).
        replicates: Replicates (default 100).
        seed: The random seed.
    """

    as_of: Required[Day]
    months: int
    replicates: int
    seed: int


class SensitivityOptions(TypedDict, total=False):
    """Options of a sensitivity analysis (``deportsim sensitivity``).

    Attributes:
        metrics: Metrics to explain (default ``removals_total``, ``cost_total_usd``).
        vary: Parameters to vary, each ``PATH`` (its stated range) or ``PATH=LOW:HIGH``; at least
            2 (default: every scalar parameter with a stated range the scenario leaves alone).
        n: Saltelli's base sample size, a power of 2 (default 32): ``n × (parameters + 2)``
            samples run.
        replicates: Replicates per sample (default 2).
        seed: The random seed.
        years: Years to simulate (default 4).
        start: First day (default: the scenario's own start).
        sets: Parameter overrides for every sample, each ``PATH=VALUE``.
    """

    metrics: Sequence[str]
    vary: Sequence[str]
    n: int
    replicates: int
    seed: int
    years: float
    start: Day | None
    sets: Sequence[str]


class EvaluationOptions(TypedDict, total=False):
    """Options of the forecasts' evaluation (``deportsim forecast --evaluate``).

    Attributes:
        replicates: Replicates of each forecast (default: the verb's).
        seed: The random seed.
        first_origin: The first origin month, ``YYYY-MM``.
        quick: Fewer origins and replicates: a check that it runs, not figures to quote.
    """

    replicates: int | None
    seed: int
    first_origin: str | None
    quick: bool
