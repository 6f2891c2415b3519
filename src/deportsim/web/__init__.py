"""The web app: pages for readers who never open a terminal, served by ``deportsim serve``.

The pages (:mod:`deportsim.web.pages`) read the HTTP API only, in process
(:mod:`deportsim.web.fetch`): what a page shows, a notebook can ask the API for. They are
rendered on the server and readable without JavaScript; ``static/app.js`` (with Observable Plot
and D3, vendored by ``scripts/vendor_web.sh``: no CDN) draws the charts, previews a what-if as
its levers move, follows a job's progress and copies links. :func:`mount` adds them to the API's
application.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "mount"]

#: The pages' style sheet, script and vendored libraries, served at ``/assets``.
ASSETS = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    """Add the pages and their assets to ``app`` (the HTTP API's application)."""
    from deportsim.web import answers, pages  # noqa: PLC0415 (templates load with the server)

    app.include_router(pages.router)
    app.include_router(answers.router)
    app.mount("/assets", StaticFiles(directory=ASSETS), name="assets")
