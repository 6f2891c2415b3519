"""What a job asks for: one model per verb, the same options as the command line's.

These are the bodies of the HTTP API's requests (:mod:`deportsim.server`) and what a job keeps
in its record. Each field says its unit and range; a value outside them is refused before
anything runs (pydantic, as an HTTP 422 naming the field). The option a field stands for is
named in its description: ``replicates`` is ``--replicates`` of ``deportsim run``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)

from deportsim.core.privacy import find_person_level, refusal_message
from deportsim.defaults import DEFAULT_SCENARIO

__all__ = [
    "BacktestRequest",
    "ClaimsRequest",
    "EstimatesRequest",
    "EvaluationRequest",
    "ForecastRequest",
    "JobKind",
    "JobRequest",
    "PreviewRequest",
    "ReportRequest",
    "RequirementsRequest",
    "RunRequest",
    "SensitivityRequest",
    "StatusRequest",
]

#: What a job does: one verb each.
JobKind = Literal[
    "run", "claims", "requirements", "compare-estimates", "report", "backtest", "forecast",
    "forecast-evaluation", "status", "sensitivity",
]  # fmt: skip

Scenario = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="A built-in scenario's name (GET /v1/scenarios) or a stored scenario's id "
        "(POST /v1/scenarios).",
        examples=[DEFAULT_SCENARIO],
    ),
]
Seed = Annotated[int, Field(ge=0, lt=2**63, strict=True, description="The random seed (--seed).")]
Replicates = Annotated[
    int,
    Field(ge=1, le=100_000, strict=True, description="Monte Carlo replicates (--replicates)."),
]
Sets = Annotated[
    list[Annotated[str, Field(min_length=3, max_length=300)]],
    Field(
        max_length=100,
        description="Parameter overrides, each PATH=VALUE as with --set (GET /v1/parameters "
        "lists the paths), e.g. detention.bed_capacity=100000.",
        examples=[["detention.bed_capacity=100000"]],
    ),
]
#: A number, whole or not, kept as a float (``1`` and ``1.0`` are one request); never a bool
Number = Annotated[StrictFloat | StrictInt, AfterValidator(float)]
Years = Annotated[
    Number | None,
    Field(gt=0, le=50, description="Years to simulate (--years); default: to 2029-01-20."),
]
Start = Annotated[
    dt.date | None,
    Field(
        description="First day (--start); default: the first day after the latest month of "
        "official data, from the people held then."
    ),
]
Until = Annotated[dt.date | None, Field(description="Last day (--until), instead of years.")]
ScenarioYears = Annotated[
    StrictFloat | StrictInt, Field(gt=0, le=50, description="Years to simulate (--years).")
]
ScenarioStart = Annotated[
    dt.date | None,
    Field(
        description="First day (--start), from the latest data's state; default: the "
        "scenario's own start and first-day values."
    ),
]
FixedParameters = Annotated[
    StrictBool,
    Field(description="Fix the uncertain parameters at their central values "
          "(--fixed-parameters): process noise only."),
]  # fmt: skip


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _aggregate_only(cls, data: Any) -> Any:
        """Refuse a request holding what looks like data about a person (the privacy screen)."""
        hit = find_person_level(data)
        if hit is not None:
            where = ".".join(str(p) for p in hit[0])
            raise ValueError(f"{where}: {refusal_message(hit[1])}" if where else
                             refusal_message(hit[1]))  # fmt: skip
        return data


class RunRequest(_Request):
    """A run of a scenario (``deportsim run``)."""

    scenario: Scenario = DEFAULT_SCENARIO
    replicates: Replicates = 100
    seed: Seed = 0
    years: Years = None
    start: Start = None
    from_scenario: StrictBool = Field(
        False,
        description="Start from the scenario's own start and first-day values (--start "
        "scenario) instead of the latest data.",
    )
    until: Until = None
    sets: Sets = Field(default_factory=list)
    fixed_parameters: FixedParameters = False
    series: Literal["auto", "replicates", "quantiles"] = Field(
        "quantiles",
        description="What timeseries.parquet holds (--series): each day's mean, median and 90% "
        "interval over the replicates (quantiles, the API's default: what its series serve), "
        "every replicate's series (replicates), or auto: replicates up to 100, bands above "
        "(the command line's default).",
    )


class PreviewRequest(_Request):
    """An instant preview: the run's expected path, one deterministic replicate (mean field)."""

    scenario: Scenario = DEFAULT_SCENARIO
    years: Years = None
    start: Start = None
    from_scenario: StrictBool = False
    until: Until = None
    sets: Sets = Field(default_factory=list)


class ClaimsRequest(_Request):
    """Every claim of the claims guide tested (``deportsim claims``)."""

    replicates: Replicates = 100
    seed: Seed = 0
    fixed_parameters: FixedParameters = False


class _ScenarioRuns(_Request):
    """The runs of an answer about one scenario: from its own start unless ``start`` is given."""

    scenario: Scenario = DEFAULT_SCENARIO
    replicates: Replicates = 100
    seed: Seed = 0
    years: ScenarioYears = 4.0
    start: ScenarioStart = None
    sets: Sets = Field(default_factory=list)
    fixed_parameters: FixedParameters = False


class RequirementsRequest(_ScenarioRuns):
    """What a target takes in officers, beds, judges and flights (``deportsim requirements``)."""

    targets: list[Annotated[str, Field(min_length=3, max_length=120)]] = Field(
        min_length=1,
        max_length=10,
        description="Targets, each METRIC=VALUE (--target), e.g. removals_per_year=1000000.",
        examples=[["removals_per_year=600000"]],
    )
    probability: Number = Field(
        0.5, gt=0, lt=1, description="The chance of reaching every target (--probability)."
    )
    from_year: StrictInt | None = Field(
        None, ge=1, le=50, description="The first year whose resources change (--from-year)."
    )


class EstimatesRequest(_Request):
    """Published estimates reproduced under their own assumptions (``compare-estimates``)."""

    replicates: Replicates = 50
    seed: Seed = 0
    years: Number = Field(4.0, gt=0, le=50, description="Years each run simulates (--years).")
    fixed_parameters: FixedParameters = False


class ReportRequest(_ScenarioRuns):
    """The self-contained HTML report of a scenario (``deportsim report``)."""

    compare: list[Scenario] = Field(
        default_factory=list, max_length=4, description="Scenarios shown beside it (--compare)."
    )
    claims: StrictBool = Field(False, description="Test the claims too and show their verdicts.")


class BacktestRequest(_Request):
    """History replayed against ICE's statistics (``deportsim backtest``)."""

    seed: Seed = 0
    stays: Literal["fitted", "model"] = Field(
        "fitted",
        description="The backtest's own fitted lengths of stay, or the model's calibrated ones.",
    )


class ForecastRequest(_Request):
    """A forecast from the state published by a date (``deportsim forecast``)."""

    scenario: Scenario = DEFAULT_SCENARIO
    as_of: dt.date = Field(description="Use only what was published by this day (--as-of).")
    months: StrictInt = Field(6, ge=1, le=36, description="Months ahead (--months).")
    replicates: Replicates = 100
    seed: Seed = 0


class EvaluationRequest(_Request):
    """The forecasts' rolling-origin evaluation against naive baselines (forecast --evaluate)."""

    replicates: StrictInt | None = Field(
        None, ge=1, le=100_000, description="Replicates of each forecast (default: the verb's)."
    )
    seed: Seed = 0
    first_origin: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}$", description="The first origin month, YYYY-MM."
    )
    quick: StrictBool = Field(False, description="Fewer origins and replicates: a quick look.")


def _power_of_two(n: int) -> int:
    if n & (n - 1):
        raise ValueError("must be a power of 2 (2, 4, 8, 16, 32, ...)")
    return n


class SensitivityRequest(_Request):
    """Which assumptions matter: Sobol indices over the uncertain parameters (``sensitivity``).

    ``n × (parameters + 2)`` samples run, each with ``replicates`` replicates; a server bounds
    their model runs and replicate-years (a 422 "over a limit" names the bound).
    """

    scenario: Scenario = DEFAULT_SCENARIO
    metrics: list[Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]] = (
        Field(
            ["removals_total", "cost_total_usd"],
            min_length=1,
            max_length=10,
            description="Metrics to explain (--metric), named as in a run's summary.json.",
            examples=[["removals_total"]],
        )
    )
    vary: list[Annotated[str, Field(min_length=3, max_length=300)]] = Field(
        default_factory=list,
        max_length=100,
        description="Parameters to vary (--vary), each PATH (its stated uncertainty range and "
        "distribution) or PATH=LOW:HIGH (uniform); at least 2. Default: every scalar "
        "parameter with a stated range that the scenario leaves alone.",
        examples=[["arrests.collateral_share", "costs.bed_day"]],
    )
    n: Annotated[StrictInt, AfterValidator(_power_of_two)] = Field(
        32, ge=2, le=1024,
        description="Saltelli's base sample size, a power of 2 (--n): n × (parameters + 2) "
        "samples run.",
    )  # fmt: skip
    replicates: StrictInt = Field(2, ge=1, le=100_000,
                                  description="Replicates per sample (--replicates).")  # fmt: skip
    seed: Seed = 0
    years: Number = Field(4.0, gt=0, le=50, description="Years to simulate (--years).")
    start: dt.date | None = Field(
        None, description="First day (--start); default: the scenario's own start, else "
        "2025-01-20."
    )  # fmt: skip
    sets: Sets = Field(default_factory=list)


class StatusRequest(_Request):
    """Where the operation stands against its goals (``deportsim status``)."""

    replicates: Replicates = 40
    seed: Seed = 0


#: Any job's request.
JobRequest = (
    RunRequest | ClaimsRequest | RequirementsRequest | EstimatesRequest | ReportRequest
    | BacktestRequest | ForecastRequest | EvaluationRequest | StatusRequest | SensitivityRequest
)  # fmt: skip
