"""Server-sent events, parsed: what ``GET /v1/jobs/{id}/events`` streams while a job runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Event", "parse_events"]


@dataclass(frozen=True)
class Event:
    """One server-sent event of a job.

    Attributes:
        event: ``progress`` (the job's status and progress: stage, fraction, replicate_days_done,
            replicate_days_total, elapsed_s, eta_s, updated), then one ``end`` (the job's view).
        data: The event's JSON data (``{"text": ...}`` if it is not a JSON object).
    """

    event: str
    data: dict[str, Any] = field(default_factory=dict)


def _data(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def parse_events(lines: Iterable[str]) -> Iterator[Event]:
    """The events of a ``text/event-stream``'s lines (comments and keep-alives skipped).

    >>> [e.event for e in parse_events(["event: progress", 'data: {"stage": "x"}', "", ": hi"])]
    ['progress']
    """
    name, data = "message", list[str]()
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield Event(name, _data("\n".join(data)))
            name, data = "message", list[str]()
            continue
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            name = value
        elif key == "data":
            data.append(value)
    if data:  # a stream that ended without the blank line after its last event
        yield Event(name, _data("\n".join(data)))
