"""A server's settings: where it keeps its state, what it allows, and where jobs run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Limits", "Settings"]


@dataclass(frozen=True)
class Limits:
    """What one request, and one client, may ask of a server (a 4xx names the limit passed)."""

    #: Bytes of a request's body (413 above).
    body_bytes: int = 256 * 1024
    #: Replicates of a run, or of each run of an answer (422 above).
    replicates: int = 1_000
    #: Years a run simulates (422 above).
    years: float = 10.0
    #: Jobs one client may have queued or running at once (429 above).
    jobs_per_client: int = 4
    #: Jobs queued or running on the server at once (503 above).
    jobs: int = 64
    #: Seconds a job may run before it is cancelled (it then fails, saying so).
    job_seconds: float = 3_600.0
    #: Seconds a preview may take before it is abandoned (504).
    preview_seconds: float = 30.0


@dataclass(frozen=True)
class Settings:
    """How :func:`deportsim.server.create_app` sets a server up."""

    #: Where jobs, stored scenarios and the catalog are kept.
    state: Path = Path("out/server")
    #: Local worker processes (None: every core); ignored with ``scheduler``.
    workers: int | None = None
    #: A Dask scheduler's address: jobs run on that cluster instead.
    scheduler: str | None = None
    #: Serve what exists, compute previews, and write nothing (no job, no stored scenario).
    read_only: bool = False
    #: Origins allowed to call the API from a browser (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    #: Warm each worker up as it starts (the model loaded and compiled); tests may skip it.
    warm: bool = True
    #: Start computing the status (``GET /v1/status``, the web app's Now page) as it starts.
    status_at_start: bool = True

    @property
    def jobs(self) -> Path:
        """The jobs' folders."""
        return self.state / "jobs"

    @property
    def scenarios(self) -> Path:
        """Stored scenario documents."""
        return self.state / "scenarios"

    @property
    def catalog(self) -> Path:
        """The catalog the server's runs are recorded in."""
        return self.state / "catalog"
