"""The typed results of the API's verbs that are not the analyses' own result types.

Each is what one verb returns, whole: everything its caller (the command line, later the HTTP
API and the web pages) shows, so that no caller computes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the answers' types load no model when imported
    from deportsim.analysis.forecasts.evaluate import Row
    from deportsim.analysis.forecasts.model import Forecast
    from deportsim.analysis.forecasts.targets import Target
    from deportsim.analysis.requirements.find import Requirements
    from deportsim.official.store import ImportedFile

__all__ = [
    "DataImport",
    "EvaluationAnswer",
    "ForecastAnswer",
    "ParameterTable",
    "ReportAnswer",
    "RequirementsAnswer",
    "RunComparison",
    "RunDetails",
    "RunExport",
    "RunList",
    "ScenarioInfo",
]


@dataclass(frozen=True)
class ScenarioInfo:
    """A built-in scenario: its name and its one-line title."""

    name: str
    title: str


@dataclass(frozen=True)
class ParameterTable:
    """Every parameter as a row (path, values by date, unit, uncertainty, sources).

    ``scenario``: the scenario whose overrides the rows list after the files' values, if any.
    The rows' fields are those of ``deportsim params --format json`` (docs/reference/cli.md).
    """

    scenario: str | None
    rows: list[dict[str, Any]]
    #: For a scenario that follows the published record: what the record replaces, and to when.
    record_note: str | None = None


@dataclass(frozen=True)
class RequirementsAnswer:
    """A requirements search: its result, as requirements.json holds it, and where it went.

    ``document`` is the content of requirements.json; ``files`` the files written (none without
    an output folder).
    """

    requirements: Requirements
    scenario: str
    document: dict[str, Any]
    folder: Path | None
    files: tuple[Path, ...]


@dataclass(frozen=True)
class ReportAnswer:
    """A report written: its files (the page first), and each metric's top 3 parameters.

    ``top`` is empty unless the report was given a sensitivity analysis.
    """

    paths: list[Path]
    top: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RunList:
    """Runs of the catalog, newest first: those shown, how many match, and the catalog folder."""

    rows: list[dict[str, Any]]
    matched: int
    folder: Path


@dataclass(frozen=True)
class RunDetails:
    """One run of the catalog: its record, its own table, its metrics, its files still there.

    ``table`` is empty for kinds that keep none; ``present`` says, for each output file the
    record names, whether it is still where the record says.
    """

    record: dict[str, Any]
    table: list[dict[str, Any]]
    metrics: dict[str, dict[str, Any]]
    present: dict[str, bool]


@dataclass(frozen=True)
class RunComparison:
    """Runs side by side: their records, own tables or metrics, settings as text.

    ``tables`` is None for kinds compared by their metrics (then in ``metrics``, by run id);
    ``settings`` gives each run's settings and parameter values as ``dotted.path -> text``.
    """

    records: list[dict[str, Any]]
    tables: list[list[dict[str, Any]]] | None
    metrics: dict[str, dict[str, dict[str, Any]]]
    settings: list[dict[str, str]]


@dataclass(frozen=True)
class RunExport:
    """What ``runs export`` wrote: a table (``table``), or files (``written``, ``skipped``)."""

    table: Path | None = None
    written: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataImport:
    """Workbooks imported into the local store (``files``), and the store they went to.

    ``links``, ``page`` and ``skipped`` are set by ``data update``: the workbook links found on
    the page and the files the store already held.
    """

    files: list[ImportedFile]
    store: Path
    flagged: int
    page: str | None = None
    links: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForecastAnswer:
    """A forecast written: the forecast, forecast.json's content, and where it went.

    ``newest`` is the newest workbook the forecast read, with its data date (None if none);
    ``notes`` say what the forecast means when that is not what one would guess (an as-of date
    after today).
    """

    forecast: Forecast
    document: dict[str, Any]
    folder: Path
    files: tuple[Path, ...]
    newest: tuple[str, dt.date] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationAnswer:
    """A rolling-origin evaluation written: its rows, issue 20's targets, and where it went.

    ``window`` is the origins the tables and targets are read on (``from 2024-10``);
    ``markdown`` the tables and targets as evaluation.md shows them, without its heading.
    """

    rows: list[Row]
    targets: list[Target]
    window: str
    first_origin: str
    last_origin: str | None
    replicates: int
    markdown: str
    document: dict[str, Any]
    folder: Path
    files: tuple[Path, ...]
