"""The lines that say where a run's first-day state came from (``deportsim run``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the views load no model
    from deportsim.run import Prepared

__all__ = ["state_lines"]

#: The carried values the output names, in its order.
_CARRIED = (
    ("population.final_orders", "with final orders"),
    ("population.convicted", "convicted"),
    ("population.recent_entrants", "recent entrants"),
    ("courts.initial_backlog", "pending court cases"),
    ("detention.atd_initial", "on ATD"),
    ("population.unauthorized_total", "in the population at risk"),
)


def state_lines(prep: Prepared) -> list[str]:
    """Where the first day's state came from: ICE's month, the bridge, older file values.

    Empty for a run from its scenario's own start (the scenario's values, as before).
    """
    state = prep.state
    if state is None:
        return []
    month = dt.date.fromisoformat(f"{state.month}-01")
    when = "the latest data" if state.after_data else "the month the run starts in"
    lines = [
        f"state: the people held on the first day are ICE's average daily population of "
        f"{month:%B %Y} ({state.source}, {when}): {state.held('ICE'):,.0f} arrested by ICE, "
        f"{state.held('CBP'):,.0f} by CBP"
    ]
    if state.atd is not None:
        atd = dt.date.fromisoformat(state.atd.period)
        lines.append(f"on ATD: {state.atd.value:,.0f}, ICE's count of {atd:%-d %B %Y} "
                     f"({state.atd.file})")  # fmt: skip
    if prep.carried is not None:
        values = {ov.path: float(ov.value) for ov in prep.carried.overrides}  # type: ignore[arg-type]
        named = [f"{values[path]:,.0f} {what}" for path, what in _CARRIED if path in values]
        lines.append(
            f"carried forward by the model from {prep.carried.origin} under ICE's published "
            f"record ({prep.carried.scenario}): " + ", ".join(named)
        )
    if prep.bridge:
        last = prep.start - dt.timedelta(days=1)
        lines.append(
            f"bridge: the latest data end on {prep.resolved.start - dt.timedelta(days=1)}; the "
            f"{prep.bridge} days from {prep.resolved.start} to {last} are simulated under the "
            f"scenario, and the results begin on {prep.start}"
        )
    older = [f"{path} {day}" for path, day in prep.file_state]
    if older:
        lines.append("the rest of the first day's state, from the parameter files (the date of "
                     "each figure): " + ", ".join(older))  # fmt: skip
    return lines
