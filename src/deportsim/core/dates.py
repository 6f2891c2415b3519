"""Dates as the documentation promises them: ``YYYY-MM-DD`` and nothing else.

Python's ``date.fromisoformat`` also takes ``20250101`` and ``2025-W01-1``; the documents and
error messages say ``YYYY-MM-DD``, so only that form is read.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["iso_date"]

_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str) -> dt.date:
    """``text`` as a date; ValueError unless it is ``YYYY-MM-DD`` and a calendar date.

    >>> iso_date("2025-01-20")
    datetime.date(2025, 1, 20)
    >>> iso_date("20250120")
    Traceback (most recent call last):
    ...
    ValueError: not YYYY-MM-DD: '20250120'
    """
    if not _YYYY_MM_DD.fullmatch(text):
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)
