"""Fetch newer workbooks from ICE's detention management page and import them.

ICE publishes the current fiscal year's workbook on its "Detention Management" page and replaces it
about every two weeks under a new, date-stamped name. ``update`` reads the page, keeps the links to
detention statistics workbooks, downloads those whose file names the store does not hold yet, and
imports them (all or nothing). The page can be any URL, including a ``file://`` one (the tests use
a local page that links to local files).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deportsim.core.errors import Location, UserError
from deportsim.core.paths import data_dir
from deportsim.defaults import ICE_PAGE
from deportsim.official import importer, store

__all__ = ["ICE_PAGE", "Update", "find_workbook_links", "update"]


_TIMEOUT_S = 30
_HREF = re.compile(r"""href\s*=\s*["']([^"']+\.xlsx)(?:\?[^"']*)?["']""", re.IGNORECASE)
_WORKBOOK = re.compile(r"FY\s?\d{2}.*detention.*\.xlsx$", re.IGNORECASE)


def _file_name(url: str) -> str:
    """The file name a link points to, %-escapes decoded (the store keys rows by it).

    >>> _file_name("https://www.ice.gov/doclib/FY26%20detentionStats.xlsx?v=2")
    'FY26 detentionStats.xlsx'
    """
    return urllib.parse.unquote(Path(urllib.parse.urlparse(url).path).name)


def find_workbook_links(html: str, base: str) -> list[str]:
    """Absolute links to detention statistics workbooks on a page, in page order, no repeats.

    >>> find_workbook_links('<a href="/doclib/FY26_detentionStats_04092026.xlsx">x</a>',
    ...                     "https://www.ice.gov/detain/detention-management")
    ['https://www.ice.gov/doclib/FY26_detentionStats_04092026.xlsx']
    """
    links: list[str] = []
    for href in _HREF.findall(html):
        url = urllib.parse.urljoin(base, href)
        if _WORKBOOK.search(_file_name(url)) and url not in links:
            links.append(url)
    return links


def _fetch(url: str) -> bytes:
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in {"http", "https", "file"}:
        raise UserError(f"unsupported address {url!r}: use http(s):// or file://", Location(url))
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as resp:  # noqa: S310 (scheme checked)
            data: bytes = resp.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(
            f"cannot reach {url}: {reason}; nothing was downloaded and the store is unchanged "
            "(offline? import local files with: deportsim data import PATH ...)",
            Location("deportsim data update"),
        ) from None
    return data


@dataclass(frozen=True)
class Update:
    """What an update found and did."""

    page: str
    links: list[str]
    imported: list[store.ImportedFile]
    skipped: list[str]


def update(page: str = ICE_PAGE, db: Path | None = None) -> Update:
    """Download and import the workbooks on ``page`` that the store does not hold yet."""
    html = _fetch(page).decode("utf-8", errors="replace")
    links = find_workbook_links(html, page)
    held = {f["source_file"] for f in store.info(db).files}
    new = [u for u in links if _file_name(u) not in held]
    skipped = [_file_name(u) for u in links if u not in new]
    if not new:
        return Update(page, links, [], skipped)
    with tempfile.TemporaryDirectory(prefix="deportsim-update-") as tmp:
        paths: list[Path] = []
        for url in new:
            target = Path(tmp) / _file_name(url)
            target.write_bytes(_fetch(url))
            paths.append(target)
        imported = importer.import_files(paths, db)
        keep = data_dir() / "downloads" if db is None else db.parent / "downloads"
        keep.mkdir(parents=True, exist_ok=True)
        for p in paths:
            shutil.copy2(p, keep / p.name)
    return Update(page, links, imported, skipped)
