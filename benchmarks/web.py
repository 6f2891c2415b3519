"""Benchmark the web app (``deportsim serve``'s pages) in headless Chromium: one JSON line.

python benchmarks/web.py [--loads 20] [--moves 30]

Starts its own server (2 workers, a temporary state folder) and warms it as benchmarks/server.py
does (workers busy once, previews loaded, the status computed), then opens the pages in Debian's
Chromium (/usr/bin/chromium) on the same machine:

- Now (``/``), ``--loads`` times, each in a fresh browser context (no cache): the first
  contentful paint (the browser's own ``first-contentful-paint`` entry: the page's figures are
  rendered on the server, so its first paint shows them) and the time until the page's three
  charts are drawn (``data-charts=drawn``), from the start of the navigation. Target: first
  meaningful paint under 1 s.
- A what-if's preview: ``--moves`` lever moves on ``/what-if`` (the beds lever set to a new value
  each time, so that no preview is cached), each timed in the page from the input event to the
  preview's update in the page (``data-preview-done``), the page's 120 ms debounce included.
  Target: under 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from server import serving, warm  # noqa: E402  (benchmarks/server.py)

CHROMIUM = "/usr/bin/chromium"
#: The page measures one lever move: from its input event to the preview updated.
MOVE_JS = """async (value) => {
    const box = document.querySelector('.lever[data-path="detention.bed_capacity"] input');
    const before = Number(document.body.dataset.previewDone || 0);
    const t0 = performance.now();
    box.value = String(value);
    box.dispatchEvent(new Event('input', {bubbles: true}));
    while (Number(document.body.dataset.previewDone || 0) <= before) {
        await new Promise((r) => setTimeout(r, 2));
    }
    return performance.now() - t0;
}"""


def _stats(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=20, method="inclusive") if len(ms) > 1 else [ms[0]] * 19
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(q[18], 1),
            "max_ms": round(max(ms), 1)}  # fmt: skip


def measure(url: str, loads: int, moves: int) -> dict[str, Any]:
    """The Now page's paint and charts, and the preview's answer to a lever move, in ms."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    paint, charts, moved = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(loads):
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto("/", wait_until="load")
            page.wait_for_function("document.body.dataset.charts === 'drawn'")
            fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]"
                                ".startTime")  # fmt: skip
            drawn = page.evaluate("performance.now()")
            paint.append(float(fcp))
            charts.append(float(drawn))
            context.close()
        context = browser.new_context(base_url=url)
        page = context.new_page()
        page.goto("/what-if")
        for i in range(moves + 1):
            took = float(page.evaluate(MOVE_JS, 76_000 + 1_000 * i))
            if i:  # the first move loads nothing new, but is kept out as a warm-up
                moved.append(took)
        context.close()
        browser.close()
    return {"now_first_paint": _stats(paint), "now_charts_drawn": _stats(charts),
            "preview_after_move": _stats(moved)}  # fmt: skip


def main() -> None:
    """Parse the options, start and warm a server, measure, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--moves", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp) / "state") as server:
        with httpx.Client(base_url=server.url, timeout=300) as c:
            warm(c)
        t = time.perf_counter()
        figures = measure(server.url, args.loads, args.moves)
        took = time.perf_counter() - t
    paint, move = figures["now_first_paint"]["p50_ms"], figures["preview_after_move"]["p95_ms"]
    targets = {"now_first_paint_p50_under_1000_ms": paint < 1000,
               "preview_p95_under_500_ms": move < 500}  # fmt: skip
    print(json.dumps({"bench": "web", "case": "pages", **figures, "targets_met": targets,
                      "seconds": round(took, 1), "machine": platform.machine(),
                      "cores": os.cpu_count()}))  # fmt: skip


if __name__ == "__main__":
    main()
