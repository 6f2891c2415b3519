"""A Python client of deportsim's HTTP API (``deportsim serve``), for notebooks and scripts.

It needs the standard library and httpx only, not the model, so a notebook can use a server
that runs elsewhere::

    from deportsim.client import Client

    with Client("http://127.0.0.1:8000") as client:
        run = client.run("directive-2025", replicates=100, years=1)
        print(run.answer["metrics"]["removals_total"])

The verbs are the library API's (:mod:`deportsim.api`), plus what only a server offers
(previews, stored scenarios, jobs). Long verbs are jobs: by default a verb waits for its job,
following its progress, and returns a :class:`JobResult`; ``wait=False`` returns the job's view
at once. Errors raise :class:`ApiError` (the server's problem document) or :class:`JobError`.
docs/api.md describes the API and each verb.
"""

from __future__ import annotations

from deportsim.client._client import Client
from deportsim.client._errors import ApiError, ClientError, JobError
from deportsim.client._events import Event
from deportsim.client._models import (
    BacktestOptions,
    ClaimsOptions,
    EstimatesOptions,
    EvaluationOptions,
    ForecastOptions,
    JobResult,
    OnProgress,
    PreviewOptions,
    ReportOptions,
    RequirementsOptions,
    RunOptions,
    SensitivityOptions,
    StoredScenario,
)

__all__ = [
    "ApiError",
    "BacktestOptions",
    "ClaimsOptions",
    "Client",
    "ClientError",
    "EstimatesOptions",
    "EvaluationOptions",
    "Event",
    "ForecastOptions",
    "JobError",
    "JobResult",
    "OnProgress",
    "PreviewOptions",
    "ReportOptions",
    "RequirementsOptions",
    "RunOptions",
    "SensitivityOptions",
    "StoredScenario",
]
