"""Opening a report in Chromium through Playwright, recording every request and error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Debian's chromium, which `make test` installs when it is missing.
CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class Opened:
    """A page loaded from a file: the Playwright page, and what it asked for or reported."""

    url: str
    page: Any = None
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def other_requests(self) -> list[str]:
        """Requests for anything but the page itself and data: URLs."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


def launch(pw: Any) -> Any:
    """Headless Debian's Chromium (never a download) from a started Playwright ``pw``."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
    return pw.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"],
    )  # fmt: skip


@contextmanager
def opened(path: Path, width: int = 1200, height: int = 1600) -> Iterator[Opened]:
    """``path`` loaded in headless Chromium (``width`` × ``height``), closed when the block ends."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only browser tests)

    seen = Opened(path.resolve().as_uri())
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda r: seen.requests.append(r.url))
            page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.errors.append(str(e)))
            page.goto(seen.url, wait_until="load")
            seen.page = page
            yield seen
        finally:
            browser.close()
