"""A live server for the web app's tests, and Debian's Chromium to read its pages as a user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser import launch
from live_server import Live, running


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``deportsim serve`` on a free loopback port, one worker, a state folder of its own."""
    state = tmp_path_factory.mktemp("web") / "state"
    with running(state, "--workers", "1", "--status-at-start") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's, never a download), for one test module.

    Playwright's sync API runs an event loop while it is open, and the report's tests open their
    own: the browser is closed when the module's tests end, before another module's start.
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only browser tests)

    with sync_playwright() as pw:
        b = launch(pw)
        try:
            yield b
        finally:
            b.close()
