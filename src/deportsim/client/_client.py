"""The client: every verb of the HTTP API as a method, for notebooks and scripts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Unpack, overload

import httpx

from deportsim.client._models import PreviewOptions, StoredScenario
from deportsim.client._session import json_object, json_rows, segment
from deportsim.client._verbs import Verbs

__all__ = ["Client"]

Rows = list[dict[str, Any]]


class Client(Verbs):
    """A deportsim server's HTTP API, verb by verb (``deportsim serve`` starts one).

    The verbs are those of the library API (:mod:`deportsim.api`): :meth:`run`,
    :meth:`scenarios`, :meth:`params`, :meth:`claims`, :meth:`requirements`,
    :meth:`compare_estimates`, :meth:`report`, :meth:`backtest`, :meth:`forecast`,
    :meth:`forecast_evaluation`, :meth:`sensitivity`, :meth:`status`, :meth:`runs_list`,
    :meth:`runs_show`, :meth:`runs_compare`, :meth:`runs_export`; and the API's own:
    :meth:`preview`, :meth:`preview_answer`, :meth:`levers`, :meth:`store_scenario`,
    :meth:`job`, :meth:`wait`, :meth:`events`, :meth:`cancel`, :meth:`status_monthly`, and a
    run's :meth:`summary`, :meth:`answer`, :meth:`metros`, :meth:`series` and :meth:`chart`.

    An error answer raises :class:`ApiError` (its problem document); a job that fails, is
    cancelled or interrupted raises :class:`JobError`. Use it in a ``with`` block, or call
    :meth:`close`.

    Args:
        base_url: The server's address.
        timeout: Seconds to wait for an answer (an ``httpx.Timeout`` for finer control); an
            event stream waits at least 45 s for its next line.
        transport: An httpx transport to send requests through (tests, proxies).
        poll_interval: Seconds between two looks at a job when its event stream breaks.
    """

    def health(self) -> dict[str, Any]:
        """The server is up: its version, data version, whether read-only, where jobs run."""
        return json_object(self._get("/v1/health"))

    def preview(
        self, scenario: str | None = None, **options: Unpack[PreviewOptions]
    ) -> dict[str, Any]:
        """A run's expected path at once: summary.json of one mean-field replicate.

        Every random count is its expected value and the parameters are fixed, so there is no
        interval (``p05 == p50 == p95``); nothing is kept. Options: :class:`PreviewOptions`.
        """
        body = dict(options) if scenario is None else {"scenario": scenario, **options}
        return json_object(self._request("POST", "/v1/previews", body=body))

    def preview_answer(
        self, scenario: str | None = None, **options: Unpack[PreviewOptions]
    ) -> dict[str, Any]:
        """A preview as a reader's answer: the bottom line in words, figures by topic (texts)."""
        body = dict(options) if scenario is None else {"scenario": scenario, **options}
        return json_object(self._request("POST", "/v1/previews/answer", body=body))

    def levers(self, scenario: str | None = None, start: str | None = None) -> dict[str, Any]:
        """The what-if's levers under a scenario: value on the first day, unit, source, bounds."""
        return json_object(self._get("/v1/levers", scenario=scenario, start=start))

    def answer(self, run_id: str) -> dict[str, Any]:
        """A complete run's answer: its bottom line in words, its figures by topic, its charts."""
        return json_object(self._get(f"/v1/runs/{segment(run_id)}/answer"))

    def status_monthly(
        self,
        series: str | None = None,
        *,
        format: Literal["json", "csv"] = "json",  # noqa: A002
    ) -> dict[str, Any] | str:
        """ICE's monthly figures the status charts, with their source (after :meth:`status`)."""
        response = self._get("/v1/status/monthly", series=series, format=format)
        return response.text if format == "csv" else json_object(response)

    def scenarios(self) -> Rows:
        """The scenarios a run may name: the built-in ones, then those stored (id, title)."""
        return json_rows(self._get("/v1/scenarios"))

    def scenario(self, scenario_id: str) -> str:
        """A scenario's file (YAML): a built-in one by name, or a stored one by id."""
        return self._get(f"/v1/scenarios/{segment(scenario_id)}").text

    def store_scenario(self, document: str | os.PathLike[str]) -> StoredScenario:
        """Check a scenario document (its YAML text, or a file) and have the server keep it.

        A mistake raises ApiError naming the document's line and path. The same text always
        gets the same id, ``sc-`` and 16 hex digits: name it as the ``scenario`` of a run.
        """
        text = Path(document).read_text(encoding="utf-8") if isinstance(document, os.PathLike) \
            else document  # fmt: skip
        response = self._request("POST", "/v1/scenarios", body={"document": text})
        doc = json_object(response)
        return StoredScenario(
            id=str(doc["id"]), name=str(doc["name"]), title=str(doc["title"]),
            description=str(doc["description"]), content_hash=str(doc["content_hash"]),
            overrides=int(doc["overrides"]), created=response.status_code == httpx.codes.CREATED,
        )  # fmt: skip

    @overload
    def params(
        self, scenario: str | None = ..., *, format: Literal["json"] = ...
    ) -> dict[str, Any]: ...
    @overload
    def params(self, scenario: str | None = ..., *, format: Literal["csv"]) -> str: ...
    def params(
        self,
        scenario: str | None = None,
        *,
        format: Literal["json", "csv"] = "json",  # noqa: A002 (the API's query parameter)
    ) -> dict[str, Any] | str:
        """Every parameter: values by date, unit, uncertainty, sources (``deportsim params``).

        JSON: ``{"scenario", "record_note", "parameters": [...]}``; CSV: a row per value.
        """
        response = self._get("/v1/parameters", scenario=scenario, format=format)
        return response.text if format == "csv" else json_object(response)

    def summary(self, run_id: str) -> dict[str, Any]:
        """A complete run's summary.json: each metric's mean, median and 90% interval."""
        return json_object(self._get(f"/v1/runs/{segment(run_id)}/summary"))

    @overload
    def metros(self, run_id: str, *, format: Literal["json"] = ...) -> Rows: ...
    @overload
    def metros(self, run_id: str, *, format: Literal["csv"]) -> str: ...
    def metros(
        self,
        run_id: str,
        *,
        format: Literal["json", "csv"] = "json",  # noqa: A002 (as above)
    ) -> Rows | str:
        """A run's statistics by metro area: a row per region and metric (or CSV text)."""
        response = self._get(f"/v1/runs/{segment(run_id)}/metros", format=format)
        return response.text if format == "csv" else json_rows(response, "rows")

    def series_index(self, run_id: str) -> dict[str, Any]:
        """The daily series a run holds: its metrics and regions, and whether bands or not."""
        return json_object(self._get(f"/v1/runs/{segment(run_id)}/series"))

    @overload
    def series(
        self, run_id: str, metric: str, region: str = ..., *, format: Literal["json"] = ...
    ) -> Rows: ...
    @overload
    def series(
        self, run_id: str, metric: str, region: str = ..., *, format: Literal["csv"]
    ) -> str: ...
    @overload
    def series(
        self, run_id: str, metric: str, region: str = ..., *, format: Literal["parquet"]
    ) -> bytes: ...
    def series(
        self,
        run_id: str,
        metric: str,
        region: str = "US",
        *,
        format: Literal["json", "csv", "parquet"] = "json",  # noqa: A002 (as above)
    ) -> Rows | str | bytes:
        """One daily series of a run: each day's mean, median and 90% interval.

        ``region`` is US or a metro area (LA, NY, ...). JSON gives the rows, CSV the text and
        Parquet the file's bytes (``pandas.read_parquet(io.BytesIO(data))``).
        """
        path = f"/v1/runs/{segment(run_id)}/series/{segment(metric)}"
        response = self._get(path, region=region, format=format)
        if format == "json":
            return json_rows(response, "rows")
        return response.text if format == "csv" else response.content

    def chart(
        self,
        run_id: str,
        metric: str,
        region: str = "US",
        *,
        format: Literal["png", "svg"] = "png",  # noqa: A002 (as above)
    ) -> bytes:
        """One daily series of a run drawn, median and 90% interval: the image's bytes."""
        path = f"/v1/runs/{segment(run_id)}/charts/{segment(metric)}"
        return self._get(path, region=region, format=format).content

    def jobs(self, kind: str | None = None, status: str | None = None, limit: int = 50) -> Rows:
        """The server's jobs, newest first, of one ``kind`` or ``status`` if given."""
        return json_rows(self._get("/v1/jobs", kind=kind, status=status, limit=limit), "jobs")

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Ask a job to stop (at its next progress report); its view.

        :meth:`wait` then raises JobError with the status ``cancelled``. Asked again, the same
        request is computed afresh.
        """
        return json_object(self._request("DELETE", f"/v1/jobs/{segment(job_id)}"))

    def result(self, job_id: str) -> dict[str, Any] | list[Any] | str:
        """A complete job's answer: its main file, JSON (parsed) or the report's HTML."""
        response = self._get(f"/v1/jobs/{segment(job_id)}/result")
        if response.headers.get("content-type", "").startswith("application/json"):
            data: dict[str, Any] | list[Any] = response.json()
            return data
        return response.text

    def file(self, job_id: str, name: str) -> bytes:
        """One file a complete job wrote (the job's ``files`` lists them)."""
        return self._get(f"/v1/jobs/{segment(job_id)}/files/{segment(name)}").content

    def runs_list(
        self,
        scenario: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        limit: int = 20,
    ) -> dict[str, Any]:
        """The server's catalog of runs, newest first (``deportsim runs list``).

        ``{"runs": [...], "matched": N}``; each run's ``id`` is its catalog id.
        """
        params = {"scenario": scenario, "status": status, "kind": kind, "limit": limit}
        return json_object(self._request("GET", "/v1/catalog", params=params))

    def runs_show(self, run_id: str) -> dict[str, Any]:
        """One catalog run: its record and metrics (``deportsim runs show``)."""
        return json_object(self._get(f"/v1/catalog/{segment(run_id)}"))

    def runs_compare(self, run_ids: Sequence[str]) -> dict[str, Any]:
        """Catalog runs side by side, 2 to 8 of them: settings and metrics."""
        return json_object(self._get("/v1/catalog/compare", ids=list(run_ids)))

    def runs_export(
        self,
        run_id: str,
        *,
        format: Literal["csv", "parquet"] = "csv",  # noqa: A002 (as above)
    ) -> bytes:
        """A catalog run's metrics as one table, CSV or Parquet: the file's bytes."""
        return self._get(f"/v1/catalog/{segment(run_id)}/export", format=format).content
