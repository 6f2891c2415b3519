"""Regenerate the screenshots of docs/web.md: every page of the web app, in Chromium.

    .venv/bin/python scripts/web_screenshots.py [--out docs/img]

Starts ``deportsim serve`` (2 workers, a temporary state folder) and opens each page of
:data:`PAGES` in Debian's Chromium (/usr/bin/chromium) once its answer is ready: a desktop-wide
view of each page, and the what-if's results on a phone-wide view. The runs are small (the pages
look the same for any size; each screenshot's caption in docs/web.md gives the address). Writes
``web-<name>.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from live_server import running  # noqa: E402  (tests/live_server.py)

CHROMIUM = "/usr/bin/chromium"
RUN = (
    "scenario=directive-2025&set=detention.bed_capacity%3D120000"
    "&set=arrests.officers%3D20000&replicates=20"
)
#: Each page: file name, address, what to wait for, the viewport's width.
PAGES = (
    ("now", "/", "#chart-ice_book_ins svg", 1280),
    ("what-if", "/what-if", "#preview dd", 1280),
    ("results", f"/run?{RUN}", "body[data-charts=drawn] #bottom-line", 1280),
    ("results-phone", f"/run?{RUN}", "body[data-charts=drawn] #bottom-line", 390),
    ("compare", f"/compare?{RUN}&with=baseline-fy2024", "#h-side", 1280),
    ("claims", "/claims?replicates=10", "table.verdicts", 1280),
    ("requirements", "/requirements?target=removals_per_year&value=1000000&replicates=20&go=1",
     "#h-result", 1280),
    ("sensitivity", "/sensitivity?n=8&replicates=1&years=1", "body[data-charts=drawn] svg", 1280),
    ("parameters", "/parameters?q=beds", "#parameters", 1280),
    ("embed", f"/embed?metric=detained&{RUN}", "body[data-charts=drawn] svg", 640),
)  # fmt: skip
#: Seconds a page may take to be ready (a job's answer included).
READY_S = 600
#: The tallest screenshot, in pixels (the top of a longer page).
MAX_HEIGHT = 2000


def main() -> None:
    """Start a server, open every page, write its screenshot."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running(Path(tmp) / "state", "--workers", "2", "--status-at-start") as server,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, address, ready, width in PAGES:
            context = browser.new_context(base_url=server.url,
                                          viewport={"width": width, "height": 900})  # fmt: skip
            page = context.new_page()
            page.goto(address)
            page.wait_for_selector(ready, timeout=READY_S * 1000)
            page.wait_for_load_state("networkidle")
            path = args.out / f"web-{name}.png"
            height = min(MAX_HEIGHT, int(page.evaluate("document.documentElement.scrollHeight")))
            page.screenshot(path=str(path), full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": height})  # fmt: skip
            print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {address}")  # noqa: T201
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
