"""The HTTP API (``deportsim serve``): every verb of the library API over HTTP, long work as jobs.

A layer beside the command line, over :mod:`deportsim.api` only: nothing is computed here.
:func:`create_app` builds the application; :func:`serve` runs it on uvicorn. See docs/api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deportsim.core.lazy import exports as _exports

if TYPE_CHECKING:
    from deportsim.server.app import create_app, openapi_document
    from deportsim.server.run import serve
    from deportsim.server.settings import Limits, Settings

_WHERE = {
    "create_app": "deportsim.server.app",
    "openapi_document": "deportsim.server.app",
    "serve": "deportsim.server.run",
    "Limits": "deportsim.server.settings",
    "Settings": "deportsim.server.settings",
}

__getattr__, __dir__ = _exports(__name__, _WHERE)

__all__ = ["Limits", "Settings", "create_app", "openapi_document", "serve"]
