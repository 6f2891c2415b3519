"""What the command line's verbs share: their common options and the lines they all print."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Literal

import typer

from deportsim import api

__all__ = [
    "CatalogOption",
    "FixedParameters",
    "NoCatalogOption",
    "ParametersOption",
    "ScenarioArg",
    "ScenarioOut",
    "Seed",
    "SetOption",
    "Start",
    "Years",
    "catalog_choice",
    "echo_recorded",
    "parse_start",
]

ParametersOption = Annotated[
    Path | None, typer.Option(help="Folder of parameter files to use instead of the built-in.")
]
ScenarioArg = Annotated[
    str, typer.Argument(help="Built-in scenario name or path to a scenario .yaml file.")
]
Seed = Annotated[int, typer.Option(help="Run seed (same seed, same results).")]
Years = Annotated[float, typer.Option(help="Years to simulate.")]
Start = Annotated[
    str | None,
    typer.Option(help="First day, YYYY-MM-DD (default: the scenario's, else 2025-01-20)."),
]
ScenarioOut = Annotated[Path | None, typer.Option(help="Output folder (default: out/<scenario>/).")]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a parameter for the whole run: PATH=VALUE [UNIT]."),
]
FixedParameters = Annotated[
    bool,
    typer.Option(
        "--fixed-parameters",
        help="Keep every parameter at its value: intervals show process noise only (by default "
        "each replicate draws the uncertain parameters from their ranges).",
    ),
]
#: ``--catalog DIR``, for every verb that records or reads runs.
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help=f"Catalog folder (default: ${api.CATALOG_ENV}, else catalog/ in the user data "
        "folder).",
    ),
]
#: ``--no-catalog``, for every verb that records runs.
NoCatalogOption = Annotated[
    bool,
    typer.Option(
        "--no-catalog",
        help=f"Do not record this run in the catalog (or set {api.NO_CATALOG_ENV}=1).",
    ),
]


#: ``--start scenario``: the scenario's own start and first-day values (not the latest data's).
SCENARIO_START = "scenario"


#: How a run's first day is set: from the latest data's state, or the scenario's own.
Rule = Literal["scenario", "latest"]


def start_rule(text: str | None, default: Rule) -> tuple[dt.date | None, Rule]:
    """``--start`` as a first day and the rule of the first day's state.

    A date: that day, from the latest data's state (``latest``: ICE's people held, carried
    forward); ``scenario``: the scenario's own start and values; none: ``default``'s rule.
    """
    if text == SCENARIO_START:
        return None, "scenario"
    day = parse_start(text)
    return day, ("latest" if day is not None else default)


def parse_start(text: str | None, option: str = "--start") -> dt.date | None:
    """``--start`` (or ``option``) as a date (UserError naming it if it is not YYYY-MM-DD).

    Only ``YYYY-MM-DD``: Python's ``date.fromisoformat`` also takes ``20250101`` and
    ``2025-W01-1``, which the documentation does not promise.
    """
    if text is None:
        return None
    try:
        if not _YYYY_MM_DD.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise api.UserError(
            f"bad date {text!r}: expected YYYY-MM-DD",
            api.Location("<command line>", path=option),
        ) from None


_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def catalog_choice(catalog: Path | None, no_catalog: bool) -> api.CatalogChoice:
    """The ``catalog`` argument of the API from the two options (False: do not record)."""
    return False if no_catalog else catalog


def echo_recorded(run_ids: Collection[str]) -> None:
    """The line after a recorded command: its run id and how to see it (nothing if unrecorded).

    ``run_ids``: what the API's ``on_record`` was told (e.g. a list's ``append``).
    """
    for run_id in run_ids:
        typer.echo(f"Recorded in the catalog as run {run_id} (deportsim runs show {run_id})")
