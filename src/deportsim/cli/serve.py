"""``deportsim serve``: the HTTP API (and, later, the web pages) on one port."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deportsim import server

__all__ = ["serve"]


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes that run the jobs (default: every core)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler's address (tcp://HOST:PORT): jobs run on that "
            "cluster, whose workers must see --state at the same path."
        ),
    ] = None,
    state: Annotated[
        Path, typer.Option(help="Folder of the server's jobs, stored scenarios and catalog.")
    ] = Path("out/server"),
    read_only: Annotated[
        bool,
        typer.Option(
            "--read-only",
            help="Serve existing results and previews; start no job and write nothing.",
        ),
    ] = False,
    cors: Annotated[
        list[str] | None,
        typer.Option(
            "--cors",
            help="An origin allowed to call the API from a browser (repeatable; none by default).",
        ),
    ] = None,
    max_replicates: Annotated[
        int, typer.Option(min=1, help="Most replicates a request may ask for.")
    ] = server.Limits.replicates,
    max_years: Annotated[
        float, typer.Option(min=0.01, help="Most years a run may simulate.")
    ] = server.Limits.years,
    job_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds a job may run before it is cancelled.")
    ] = server.Limits.job_seconds,
    max_jobs_per_client: Annotated[
        int, typer.Option(min=1, help="Jobs one client may have queued or running at once.")
    ] = server.Limits.jobs_per_client,
    status_at_start: Annotated[
        bool,
        typer.Option(
            "--status-at-start/--no-status-at-start",
            help="Compute where the operation stands (GET /v1/status, the web app's Now page) "
            "as the server starts; without it, on the first request.",
        ),
    ] = True,
) -> None:
    """Start the HTTP API (/v1, /openapi.json, /docs) and the web app (/) on one port."""
    limits = server.Limits(
        replicates=max_replicates,
        years=max_years,
        jobs_per_client=max_jobs_per_client,
        job_seconds=job_timeout,
    )
    settings = server.Settings(state=state, workers=workers, scheduler=scheduler,
                               read_only=read_only, cors_origins=tuple(cors or ()),
                               limits=limits, status_at_start=status_at_start)  # fmt: skip

    def ready(url: str) -> None:
        typer.echo(f"deportsim serves {url}/v1 (docs: {url}/docs) and the web app at {url}/; "
                   "Ctrl-C stops it", err=True)  # fmt: skip

    server.serve(host, port, settings, on_ready=ready)
