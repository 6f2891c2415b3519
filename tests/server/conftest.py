"""A live server shared by the HTTP API's tests of one worker process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from live_server import Live, running


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``deportsim serve`` on a free loopback port, one worker, a state folder of its own."""
    with running(tmp_path_factory.mktemp("server") / "state", "--workers", "1") as server:
        yield server
