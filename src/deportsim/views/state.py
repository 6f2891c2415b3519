"""The lines that say where a run's first-day state came from (``deportsim run``)."""

from __future__ import annotations

import datetime as dt

from deportsim.run import Prepared

__all__ = ["state_lines"]


def state_lines(prep: Prepared) -> list[str]:
    """Where the first day's state came from: ICE's month, the bridge, older file values.

    Empty for a run from its scenario's own start (the scenario's values, as before).
    """
    state = prep.state
    if state is None:
        return []
    held = {ov.path.rsplit("_", 1)[-1]: float(ov.value) for ov in state.overrides}  # type: ignore[arg-type]
    month = dt.date.fromisoformat(f"{state.month}-01")
    when = "the latest data" if state.after_data else "the month the run starts in"
    lines = [
        f"state: the people held on the first day are ICE's average daily population of "
        f"{month:%B %Y} ({state.source}, {when}): {held.get('ice', 0):,.0f} arrested by ICE, "
        f"{held.get('cbp', 0):,.0f} by CBP"
    ]
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
