"""A page's whole state in its URL: the run asked for, and how to ask for it again elsewhere.

A results page's address holds the run's request as query parameters, ``/run?scenario=
directive-2025&set=detention.bed_capacity=100000&replicates=100&seed=0``, so a link reopens the
same run (the server computes a request once: the same link is the same job). :class:`RunState`
reads it, writes it back in one canonical order, gives the ``POST /v1/runs`` body, and the
command line and the Python code that make the same run (the page's "reproduce" box).
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "DEFAULT_REPLICATES", "DEFAULT_SCENARIO", "RunState", "StateError", "changed_sets", "number",
    "split_sets",
]  # fmt: skip

DEFAULT_SCENARIO = "directive-2025"
DEFAULT_REPLICATES = 100
#: A scenario's name or stored id (the API's pattern).
_SCENARIO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
#: What a ``set`` entry may hold: a path, ``=``, a value (the API checks it in full).
_SET = re.compile(r"^[A-Za-z0-9_.]{1,120}=[^\n\r]{1,180}$")
_MAX_SETS = 100


class StateError(ValueError):
    """A query parameter of a page's address that cannot be read; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).replace(",", "").replace("_", ""))
    except ValueError:
        raise StateError(name, f"{raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise StateError(name, f"{value:,} is outside {low:,} to {high:,}")
    return value


def _date(params: Mapping[str, str], name: str) -> dt.date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise StateError(name, f"{raw!r} is not a date (YYYY-MM-DD)") from None


def _years(params: Mapping[str, str]) -> float | None:
    raw = params.get("years")
    if raw in (None, ""):
        return None
    try:
        value = float(str(raw))
    except ValueError:
        raise StateError("years", f"{raw!r} is not a number") from None
    if not 0 < value <= 50:
        raise StateError("years", f"{value:g} is outside 0 (excluded) to 50")
    return value


def _from(params: Mapping[str, str]) -> bool:
    raw = params.get("from")
    if raw in (None, "", "data"):
        return False
    if raw == "scenario":
        return True
    raise StateError("from", f"{raw!r} is neither data nor scenario")


@dataclass(frozen=True)
class RunState:
    """A run as a page's address holds it: ``deportsim run``'s options."""

    scenario: str = DEFAULT_SCENARIO
    sets: tuple[str, ...] = field(default_factory=tuple)
    replicates: int = DEFAULT_REPLICATES
    seed: int = 0
    start: dt.date | None = None
    until: dt.date | None = None
    years: float | None = None
    #: From the scenario's own start and first-day values (``--start scenario``), not the data's.
    from_scenario: bool = False

    @classmethod
    def read(cls, params: Mapping[str, str], sets: Sequence[str] = ()) -> RunState:
        """The state of a query: ``params`` (its single values) and its ``set`` entries."""
        scenario = str(params.get("scenario") or DEFAULT_SCENARIO)
        if not _SCENARIO.fullmatch(scenario):
            raise StateError("scenario", "not a scenario's name or stored id")
        if len(sets) > _MAX_SETS:
            raise StateError("set", f"at most {_MAX_SETS} changes")
        for i, text in enumerate(sets):
            if not _SET.fullmatch(text):
                raise StateError(f"set.{i}", "not PATH=VALUE")
        return cls(
            scenario=scenario,
            sets=tuple(sets),
            replicates=_int(params, "replicates", DEFAULT_REPLICATES, 1, 100_000),
            seed=_int(params, "seed", 0, 0, 2**63 - 1),
            start=_date(params, "start"),
            until=_date(params, "until"),
            years=_years(params),
            from_scenario=_from(params),
        )

    def with_scenario(self, scenario: str, sets: tuple[str, ...] = ()) -> RunState:
        """The same options (dates, size, seed) for ``scenario`` with the changes ``sets``."""
        return replace(self, scenario=scenario, sets=sets)

    def pairs(self) -> list[tuple[str, str]]:
        """The query's parameters in canonical order (defaults left out)."""
        out: list[tuple[str, str]] = [("scenario", self.scenario)]
        out += [("set", s) for s in self.sets]
        if self.replicates != DEFAULT_REPLICATES:
            out.append(("replicates", str(self.replicates)))
        if self.seed:
            out.append(("seed", str(self.seed)))
        if self.start is not None:
            out.append(("start", self.start.isoformat()))
        if self.until is not None:
            out.append(("until", self.until.isoformat()))
        if self.years is not None:
            out.append(("years", f"{self.years:g}"))
        if self.from_scenario:
            out.append(("from", "scenario"))
        return out

    def query(self) -> str:
        """The query string of this state (without ``?``)."""
        return urlencode(self.pairs())

    def body(self) -> dict[str, Any]:
        """The ``POST /v1/runs`` body of this run."""
        body: dict[str, Any] = {"scenario": self.scenario, "replicates": self.replicates,
                                "seed": self.seed, "sets": list(self.sets)}  # fmt: skip
        if self.start is not None:
            body["start"] = self.start.isoformat()
        if self.until is not None:
            body["until"] = self.until.isoformat()
        if self.years is not None:
            body["years"] = self.years
        if self.from_scenario:
            body["from_scenario"] = True
        return body

    def preview_body(self) -> dict[str, Any]:
        """The ``POST /v1/previews`` body of this run (its expected path)."""
        body = self.body()
        del body["replicates"], body["seed"]
        return body

    def command(self) -> str:
        """The command line that makes the same run."""
        words = ["deportsim", "run", self.scenario]
        for s in self.sets:
            words += ["--set", s]
        words += ["--replicates", str(self.replicates), "--seed", str(self.seed)]
        if self.start is not None:
            words += ["--start", self.start.isoformat()]
        elif self.from_scenario:
            words += ["--start", "scenario"]
        if self.until is not None:
            words += ["--until", self.until.isoformat()]
        if self.years is not None:
            words += ["--years", f"{self.years:g}"]
        return shlex.join(words)

    def python(self, server: str) -> str:
        """Python (the HTTP API's client, :mod:`deportsim.client`) that makes the same run."""
        args = [repr(self.scenario), f"replicates={self.replicates}", f"seed={self.seed}"]
        if self.sets:
            args.append(f"sets={list(self.sets)!r}")
        if self.start is not None:
            args.append(f"start={self.start.isoformat()!r}")
        if self.until is not None:
            args.append(f"until={self.until.isoformat()!r}")
        if self.years is not None:
            args.append(f"years={self.years:g}")
        if self.from_scenario:
            args.append("from_scenario=True")
        return (
            "from deportsim.client import Client\n\n"
            f"client = Client({server!r})\n"
            f"run = client.run({', '.join(args)})\n"
            "print(run.answer['metrics']['removals_per_year_mean'])  # summary.json\n"
        )


def number(text: str) -> float | None:
    """A number as a reader types it (``100,000``, ``1e5``, ``100_000``); None if it is not one."""
    try:
        return float(text.strip().replace(",", "").replace("_", ""))
    except ValueError:
        return None


def split_sets(
    sets: Sequence[str], levers: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, str], list[str]]:
    """``sets`` as the values of the levers they change (path: value text), and the others."""
    paths = {str(lv["path"]) for lv in levers}
    on_levers, others = {}, []
    for text in sets:
        path, _, value = text.partition("=")
        if path in paths:
            on_levers[path] = value
        else:
            others.append(text)
    return on_levers, others


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def changed_sets(form: Mapping[str, str], levers: Sequence[Mapping[str, Any]]) -> list[str]:
    """``PATH=VALUE`` for each lever whose value in ``form`` differs from the scenario's.

    ``form`` holds a value per lever path (the what-if page's inputs); an empty or missing one
    keeps the scenario's value. A value that is not a number is a :class:`StateError` naming it.
    """
    sets = []
    for lever in levers:
        path = str(lever["path"])
        raw = str(form.get(path, "")).strip()
        if not raw:
            continue
        value = number(raw)
        if value is None:
            raise StateError(path, f"{raw!r} is not a number")
        if not _same(value, float(lever["value"])):
            sets.append(f"{path}={value:g}" if abs(value) < 1e15 else f"{path}={value!r}")
    return sets
