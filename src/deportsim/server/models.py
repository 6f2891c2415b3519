"""The shapes of the HTTP API's answers (the OpenAPI document is generated from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from deportsim.api.jobs import JobFolder

__all__ = [
    "AnswerView",
    "JobList",
    "JobView",
    "LeverSetView",
    "LeverView",
    "Progress",
    "ScenarioDocument",
    "ScenarioEntry",
    "StoredScenarioView",
    "job_view",
]

Status = Literal["queued", "running", "complete", "failed", "cancelled", "interrupted"]


class Progress(BaseModel):
    """How far a job has gone, as its worker last reported (about ten times a second)."""

    stage: str = Field(description="What the job is doing: simulating, claim C3, writing results.")
    fraction: float | None = Field(None, description="Share done, 0 to 1, when known.")
    replicate_days_done: int = 0
    replicate_days_total: int = 0
    elapsed_s: float = 0.0
    eta_s: float | None = Field(None, description="Seconds left, estimated from the pace so far.")
    updated: str | None = None


class JobView(BaseModel):
    """A job: what was asked, where it stands, and where its results are."""

    id: str
    kind: str
    status: Status
    created: str
    finished: str | None = None
    request: dict[str, Any]
    scenarios: dict[str, str] = Field(
        default_factory=dict, description="The content hash of each scenario the job names."
    )
    model_version: str | None = None
    data_version: str | None = None
    progress: Progress | None = None
    error: dict[str, Any] | None = None
    files: list[str] = Field(default_factory=list, description="Its files, once complete.")
    links: dict[str, str] = Field(default_factory=dict)


class JobList(BaseModel):
    """Jobs, newest first."""

    jobs: list[JobView]


class ScenarioEntry(BaseModel):
    """A scenario a run may name: built in, or stored by a user."""

    id: str
    title: str
    builtin: bool


class ScenarioDocument(BaseModel):
    """A scenario file's text (YAML, or JSON, which is YAML too)."""

    document: str = Field(
        min_length=1,
        max_length=200_000,
        description="The scenario file's text: name, title, description, policy_sources, "
        "overrides (docs/scenarios.md).",
    )


class StoredScenarioView(BaseModel):
    """A stored scenario document: its id is the hash of its text."""

    id: str
    name: str
    title: str
    description: str
    content_hash: str
    overrides: int
    links: dict[str, str] = Field(default_factory=dict)


def job_view(f: JobFolder, base: str = "/v1") -> JobView:
    """A job's view from its folder: record, progress and files."""
    record = dict(f.record() or {})
    status = record.get("status", "failed")
    progress = f.progress()
    if status == "queued" and progress is not None:
        status = "running"  # its worker has started
    result = f.result() if status == "complete" else None
    jid = f.id
    links = {"self": f"{base}/jobs/{jid}", "events": f"{base}/jobs/{jid}/events"}
    if result is not None:
        links["result"] = f"{base}/jobs/{jid}/result"
        if result.get("catalog_id"):
            links["catalog"] = f"{base}/catalog/{result['catalog_id']}"
    if record.get("kind") == "run":
        links["self"] = f"{base}/runs/{jid}"
        if result is not None:
            run = f"{base}/runs/{jid}"
            links |= {"summary": f"{run}/summary", "answer": f"{run}/answer",
                      "metros": f"{run}/metros", "series": f"{run}/series"}  # fmt: skip
    return JobView(
        id=jid, kind=record.get("kind", "?"), status=status, created=record.get("created", ""),
        finished=record.get("finished"), request=record.get("request", {}),
        scenarios=record.get("scenarios", {}), model_version=record.get("model_version"),
        data_version=record.get("data_version"),
        progress=None if progress is None else Progress.model_validate(progress),
        error=record.get("error"), files=[] if result is None else result.get("files", []),
        links=links,
    )  # fmt: skip


class LeverView(BaseModel):
    """A policy lever of the what-if page: a parameter with its value, unit, source and bounds."""

    path: str = Field(description="The parameter path, as --set (a sets entry) takes it.")
    group: str
    label: str
    unit: str
    value: float = Field(description="The scenario's value on the run's first day, in unit.")
    step: float
    minimum: float = Field(description="The physical lower bound: a lower value is refused.")
    maximum: float | None = Field(description="The physical upper bound, if any.")
    kind: str = Field(description="sourced, calibrated or assumption (the files' value).")
    source: str = Field(description="The files' value's publication, or its assumption.")
    low: float | None = Field(description="The uncertainty range's low end, in unit.")
    high: float | None
    description: str
    origin: str = Field(description="Where the first day's value is from: parameters, or the "
                        "scenario's override.")  # fmt: skip
    note: str | None = Field(description="The override's reasoning or source.")


class LeverSetView(BaseModel):
    """The levers of a scenario for a run from ``start``."""

    scenario: str
    start: str
    levers: list[LeverView]


class Figure(BaseModel):
    """A headline figure of a run: its median and 90% interval, as numbers and as text."""

    metric: str
    label: str = Field(description="The figure in a reader's words.")
    meaning: str = Field(description="The metric's definition (docs/reference/results.md).")
    unit: str
    p05: float | None
    p50: float | None
    p95: float | None
    text: str
    interval: str


class FigureGroup(BaseModel):
    """Figures on one topic: enforcement, human consequences, costs."""

    name: str
    figures: list[Figure]


class AnswerView(BaseModel):
    """A run's answer for a reader: its bottom line in words, its figures and its charts."""

    scenario: str
    start: str
    days: int
    replicates: int
    seed: int
    sets: list[str]
    mean_field: bool
    intervals: dict[str, Any]
    bottom_line: list[str]
    groups: list[FigureGroup]
    charts: list[dict[str, Any]] = Field(
        description="The daily series to draw: metric, title, "
        "unit, observed (a status.json monthly series), goals."
    )
