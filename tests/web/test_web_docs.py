"""docs/web.md shows every page of the web app, from screenshots the one command regenerates."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from deportsim.web.render import NAV

REPO = Path(__file__).resolve().parents[2]
PAGE = (REPO / "docs" / "web.md").read_text(encoding="utf-8")


def _script_pages() -> tuple[tuple[str, str, str, int], ...]:
    spec = importlib.util.spec_from_file_location("shots", REPO / "scripts" / "web_screenshots.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pages: tuple[tuple[str, str, str, int], ...] = module.PAGES
    return pages


def test_every_screenshot_the_script_takes_is_on_the_page_and_committed() -> None:
    shown = set(re.findall(r"\]\(img/(web-[a-z-]+\.png)\)", PAGE))
    taken = {f"web-{name}.png" for name, *_ in _script_pages()}
    assert shown == taken
    for name in taken:
        assert (REPO / "docs" / "img" / name).stat().st_size > 10_000, name


def test_every_page_of_the_menu_has_a_screenshot() -> None:
    addresses = {address.split("?")[0] for _, address, *_ in _script_pages()}
    assert {href for href, _, _ in NAV} <= addresses
    assert {"/run", "/compare", "/embed"} <= addresses
