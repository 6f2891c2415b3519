"""Reading the web app's pages in Chromium: a page per browser context, what went wrong on it,
and axe-core's verdict on its accessibility."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from live_server import Live

#: axe-core, vendored from npm (tests/web/vendor/README): the accessibility check.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@dataclass
class Visit:
    """A page in a browser context of its own, and what went wrong while it was open."""

    page: Any
    errors: list[str] = field(default_factory=list)  # console errors and page errors
    failed: list[str] = field(default_factory=list)  # failed requests and 4xx/5xx answers

    @property
    def clean(self) -> bool:
        """No console error, no failed request."""
        return not self.errors and not self.failed


def _aborted_stream(request: Any) -> bool:
    """An event stream closed by the page itself (as it reloads once its job has ended)."""
    failure = request.failure or ""
    return request.url.endswith("/events") and "ERR_ABORTED" in failure


@contextmanager
def visiting(browser: Any, live: Live, **options: Any) -> Iterator[Visit]:
    """A fresh browser context on ``live`` (``options``: Playwright's, e.g. viewport)."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=live.url, accept_downloads=True, **options)
    page = context.new_page()
    page.set_default_timeout(120_000)
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("requestfailed", lambda r: None if _aborted_stream(r) else
            seen.failed.append(f"{r.url}: {r.failure}"))  # fmt: skip
    page.on("response", lambda r: seen.failed.append(f"{r.url}: {r.status}")
            if r.status >= 400 else None)  # fmt: skip
    try:
        yield seen
    finally:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in found if v["impact"] in {"serious", "critical"}]
