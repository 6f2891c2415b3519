"""Prepare a run: check every input and turn it into the model's daily inputs, nothing computed.

:func:`prepare` raises :class:`~deportsim.core.errors.UserError` before anything is computed or
written.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from pathlib import Path

from deportsim.core.errors import Location, UserError
from deportsim.model import Inputs, read_inputs
from deportsim.model.arrest_fit import ArrestFit
from deportsim.model.network import conflicts
from deportsim.model.record import State, published_record
from deportsim.parameters import Override, ParameterSet, Resolved, load_parameters, parse_set
from deportsim.parameters.known import LeftOut, known_by, overrides_known_by
from deportsim.run.carry import Carried, carried
from deportsim.run.config import DEFAULT_START, RunConfig, check_config, check_last_day
from deportsim.run.draws import ParameterDraws, draw_parameters
from deportsim.scenarios import SCENARIOS_DIR, Scenario, load_scenario

__all__ = ["Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A checked run: the scenario, the parameters and the daily inputs, nothing computed yet."""

    config: RunConfig
    scenario: Scenario
    params: ParameterSet
    resolved: Resolved
    inputs: Inputs
    draws: ParameterDraws | None = None  # each replicate's parameters, if they are drawn
    #: The arrest stage fitted on the published record, for a scenario that follows it.
    arrest_fit: ArrestFit | None = None
    #: With an as-of date: the dated values and overrides not yet published then, left out.
    left_out: tuple[LeftOut, ...] = ()
    #: The observed state the run starts from (a run from the latest data), else None.
    state: State | None = None
    #: Days simulated before the run's start to bridge the gap from the latest data to a later
    #: start (``resolved`` starts that many days earlier); its results begin after them.
    bridge: int = 0
    #: The people at large on the first day, carried forward by the model (a run from the
    #: latest data that starts after the parameter files' own day), else None.
    carried: Carried | None = None

    @property
    def start(self) -> dt.date:
        """First day of the run's results (the first simulated day, unless bridged)."""
        return self.resolved.start + dt.timedelta(days=self.bridge)

    @property
    def days(self) -> int:
        """Number of days in the run's results (the bridge's are simulated, not kept)."""
        return self.resolved.days - self.bridge

    @property
    def file_state(self) -> tuple[tuple[str, dt.date], ...]:
        """The first day's values that come from the parameter files: path, the value's date.

        A count of people or cases read only on the first day (``applies: start``) that no
        override gives takes the file's value dated on or before the first simulated day (else
        its first): its date says how old that part of the state is.
        """
        given = {ov.path for ov in self.resolved.overrides if ov.start is None}
        out = []
        for path, p in self.params.parameters.items():
            stock = p.spec.unit in ("persons", "cases")
            if p.spec.applies != "start" or not stock or path in given:
                continue
            dates = [d for d, _ in p.steps]
            before = [d for d in dates if d <= self.resolved.start]
            out.append((path, before[-1] if before else dates[0]))
        return tuple(out)

    @property
    def outside(self) -> tuple[str, ...]:
        """The user's dated overrides that fall wholly outside the run (so have no effect).

        Not an error: a scenario's later steps may lie outside a short run by design. The
        command line says so, so that a mistyped date is not silently ignored. The built-in
        scenarios' own steps are left out (they are planned, not typed).
        """
        end = self.start + dt.timedelta(days=self.days)  # the day after the last one
        return tuple(
            f"{_place(ov)} {_window(ov)}"
            for ov in self.resolved.overrides
            if ((ov.start is not None and ov.start >= end)
                or (ov.until is not None and ov.until <= self.start))
            and not _builtin(ov) and not ov.origin.startswith("record")
        )  # fmt: skip


def _builtin(ov: Override) -> bool:
    file = ov.location.file if ov.location is not None else None
    return file is not None and Path(file).parent == Path(SCENARIOS_DIR)


def _window(ov: Override) -> str:
    parts = ([f"from {ov.start}"] if ov.start else []) + ([f"until {ov.until}"] if ov.until else [])
    return " ".join(parts)


def prepare(cfg: RunConfig, params: ParameterSet | None = None) -> Prepared:
    """Check and resolve everything a run needs; raise UserError on any bad input."""
    check_config(cfg)
    params = params if params is not None else load_parameters(cfg.parameters)
    scenario = load_scenario(cfg.scenario, params)
    sets = tuple(parse_set(params, text) for text in cfg.sets)
    start = cfg.start or scenario.start or DEFAULT_START
    published = None
    if scenario.follows_record or cfg.start_rule == "latest":
        published = published_record(cfg.as_of, cfg.read, cfg.vintage_rule)
    data_end = published.data_end if published is not None else None
    bridge = 0
    if cfg.start_rule == "latest" and data_end is not None:
        # from the latest data: a later start is reached by simulating the days between
        after = data_end + dt.timedelta(days=1)
        start = cfg.start or after
        if start > after:
            bridge, start = (start - after).days, after
    if cfg.start is None and scenario.start is not None:  # the scenario's own start, if used
        years = replace(cfg, until=None)  # a start no run of its years can have is refused
        check_last_day(years, scenario.start, Location(scenario.file, path="start"))
    if cfg.until is not None and cfg.until < start + dt.timedelta(days=bridge):
        raise UserError(
            f"is before the run's first day ({start + dt.timedelta(days=bridge)}); give a later "
            "day", Location("<command line>", path="--until"),
        )  # fmt: skip
    days = cfg.days_from(start + dt.timedelta(days=bridge)) + bridge
    _check_start_only(params, scenario.overrides + sets, start)
    # the record replaces the record-following files' own planned values ("own"); a user's later
    # overrides and --set win over it (docs/model.md, "The published record")
    own, later = scenario.overrides[: scenario.planned], scenario.overrides[scenario.planned :]
    left_out: tuple[LeftOut, ...] = ()
    if cfg.as_of is not None:  # a forecast: only what was published by then
        params, left_params = known_by(params, cfg.as_of)
        own, left_own = overrides_known_by(own, cfg.as_of)
        later, left_later = overrides_known_by(later, cfg.as_of)
        left_out = left_params + left_own + left_later
    record: tuple[Override, ...] = ()
    fit: ArrestFit | None = None
    if scenario.follows_record and published is not None:
        fit = published.fit(params, own)
        before = Resolved(params, start, days, own)
        record = published.overrides(before, fit, forecast=cfg.as_of is not None)
        if cfg.as_of is not None:
            record += published.remeasured()
    # the people held on the first day, as ICE counted them, and the people at large carried
    # forward by the model (a run from the latest data)
    state = published.state(start) if published is not None and cfg.start_rule == "latest" else None
    observed = state.overrides if state is not None else ()
    carry = None
    if state is not None and published is not None:
        given = {ov.path for ov in scenario.overrides + sets if ov.start is None}
        check = functools.partial(_check_conflicts, params)
        carry = carried(params, published, start, state, given=given, check=check)
    forward = carry.overrides if carry is not None else ()
    resolved = Resolved(params, start, days, own + record + forward + observed + later + sets)
    inputs = read_inputs(resolved)
    _check_conflicts(params, resolved, inputs)
    draws = (
        draw_parameters(resolved, cfg.replicates, cfg.seed) if cfg.parameter_uncertainty else None
    )
    return Prepared(
        cfg, scenario, params, resolved, inputs, draws, fit, left_out, state, bridge, carry
    )


def _check_start_only(
    params: ParameterSet, overrides: tuple[Override, ...], start: dt.date
) -> None:
    """Refuse a dated override of a parameter that is read only on a run's first day."""
    for ov in overrides:
        if params[ov.path].spec.applies == "start" and ov.start is not None and ov.start > start:
            raise UserError(
                f"is read only on the first day of a run ({start}), so a change from {ov.start} "
                "would have no effect; give it without `from`, or start the run later",
                _place(ov),
            )


def _place(ov: Override) -> Location:
    """Where an override was given: its file and line (region included), or its origin."""
    return ov.location or Location(ov.origin, path=ov.path)


def _check_conflicts(params: ParameterSet, resolved: Resolved, inputs: Inputs) -> None:
    """Refuse parameters that the network cannot be built from, naming the place at fault.

    The place is the last override (``--set`` after the scenario's) of one of the parameters
    involved that is in force on the first day it happens; with none, the parameter's file.
    """
    for found in conflicts(inputs):
        day = resolved.start + dt.timedelta(days=found.day or 0)
        at_fault = [
            ov
            for ov in resolved.overrides
            if ov.path in found.paths
            and (ov.start is None or ov.start <= day)
            and (ov.until is None or day < ov.until)
        ]
        named = ", ".join(found.paths)
        when = f" from {day}" if found.day else ""
        if not at_fault:
            where = params[found.paths[0]].location
            raise UserError(f"{found.message}{when} (parameters involved: {named})", where)
        sets = [_place(o).path or o.path for o in at_fault if o.origin == "--set"]
        if sets:
            where = Location("--set", path=", ".join(dict.fromkeys(sets)))
        else:
            where = _place(at_fault[-1])
        raise UserError(f"{found.message}{when} (parameters involved: {named})", where)
