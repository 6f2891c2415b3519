"""``deportsim serve``: the application on uvicorn, one process, jobs on a pool of workers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from deportsim.server.settings import Settings

__all__ = ["serve"]


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: Settings | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the API on ``host:port`` until stopped (Ctrl-C or SIGTERM).

    ``on_ready(url)`` is told the address once the server listens.
    """
    import uvicorn  # noqa: PLC0415 (only a server needs it)

    from deportsim.api.jobs import LocalPool, job_pool, warm_up  # noqa: PLC0415 (as above)
    from deportsim.server.app import create_app  # noqa: PLC0415 (as above)

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    settings = settings or Settings()
    # the workers start (and a cluster is reached) before the server listens: a mistake in
    # --workers or --scheduler is one line and exit code 2, not a failed start-up
    pool = None
    if not settings.read_only:
        pool = job_pool(settings.workers, settings.scheduler,
                        warm_up if settings.warm else None)  # fmt: skip
        if isinstance(pool, LocalPool):
            pool.start()
    app = create_app(settings, pool)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if on_ready is not None and self.started:
                on_ready(f"http://{host}:{port}")

    Server(config).run()
