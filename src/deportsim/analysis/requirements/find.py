"""Requirements: the resources, year by year, with which a scenario reaches a target.

For each year in order (:mod:`deportsim.analysis.requirements.resources` defines the years and
the levers):

1. with the levels found for the years before, the scenario's own resources are run (mean-field)
   to say which stage binds (:func:`deportsim.analysis.claims.constraints.binding`);
2. the mean-field search (:mod:`deportsim.analysis.requirements.search`) finds the least levels
   that reach the aim, which is the target itself at first;
3. a stochastic run up to the end of the year confirms it: the share of replicates in which the
   year reaches the target must be at least the probability asked for. If it is not, the aim is
   moved by the replicates' shortfall at that probability, plus a margin (:data:`STEP` of the
   target), and the year searched again, at most :data:`ROUNDS` times in all.

With ``parameter_uncertainty`` each replicate of the stochastic runs draws the uncertain
parameters as ``deportsim run`` does (:mod:`deportsim.run.draws`), the plan's levels kept as
found in every replicate (policy levers are exact, as the scenario file's overrides are), so a
run of the requirements' scenario file repeats the final run exactly. The probability is then
over both the model's randomness and what is not known about the parameters; the mean-field
search stays at the parameters' values.

A target that the search cannot reach in a year
(:data:`~deportsim.analysis.requirements.search.ARREST_LIMIT`,
:data:`~deportsim.analysis.requirements.search.JUDGE_LIMIT`) leaves that year's resources at the
scenario's own and says why. Years before ``from_year`` keep the scenario's own resources.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.constraints import Binding, binding
from deportsim.analysis.requirements.continued import Continued
from deportsim.analysis.requirements.resources import (
    LEVERS,
    Plan,
    Year,
    apply,
    apply_resolved,
    changes_from,
    level,
    plan_key,
    years_of,
)
from deportsim.analysis.requirements.search import Found, Search, Target, with_levels
from deportsim.core.errors import Location, UserError
from deportsim.engine import Streams
from deportsim.engine.snapshot import Snapshot
from deportsim.model import Inputs, SimResult, read_inputs, simulate
from deportsim.model.accounts import COSTS
from deportsim.parameters import Resolved
from deportsim.run.draws import ParameterDraws, draw_parameters

__all__ = ["ROUNDS", "STEP", "Requirements", "YearResult", "check_options", "find_requirements"]

F = NDArray[np.float64]

#: Searches per year at most: the first, then raises after a stochastic confirmation falls short.
ROUNDS = 6
#: The margin added to the aim, as a share of the target, after a confirmation falls short.
STEP = 0.001
#: States of stochastic runs kept for later runs to go on from (each with its run's series).
KEEP = 1


@dataclass(frozen=True)
class YearResult:
    """One year of a requirements run (see :func:`find_requirements`)."""

    year: Year
    active: bool  # False before from_year: no target, the scenario's own resources
    found: dict[str, Found]  # target metric -> what the mean-field search found (last round)
    aims: dict[str, float]  # target metric -> the mean-field aim of the last round
    rounds: int  # searches done (1 + raises after a confirmation)
    before: Binding | None  # what binds with the scenario's own resources in this year


@dataclass(frozen=True)
class Requirements:
    """A finished requirements run: the plan, the final runs and each year's search."""

    targets: tuple[Target, ...]
    probability: float
    from_year: int
    replicates: int
    seed: int
    resolved: Resolved  # the scenario's own parameters (with any --set)
    years: list[Year]
    plan: Plan
    own: Inputs  # the scenario's own inputs over the whole run
    inputs: Inputs  # with the plan
    sim: SimResult  # stochastic run with the plan
    own_sim: SimResult  # stochastic run with the scenario's own resources
    results: list[YearResult]
    mean_field_runs: int = 0
    stochastic_runs: int = 0
    notes: list[str] = field(default_factory=list)
    parameter_uncertainty: bool = False  # the stochastic runs' replicates drew the parameters
    #: days of the runs (mean-field and stochastic) taken from earlier runs' states, not run
    days_reused: int = 0

    @property
    def include(self) -> list[str]:
        """What the replicates' spread holds: process noise, and parameter uncertainty if drawn."""
        return ["process noise", *(["parameter uncertainty"] if self.parameter_uncertainty else [])]

    def share_met(self, target: Target, year: Year) -> float:
        """Share of the replicates in which ``year`` reaches ``target`` (with the plan)."""
        return target.metric.share(target.metric.compute(self.sim.national, year), target.value)

    def status(self, r: YearResult) -> str:
        """``no_target``, ``unreachable``, ``not_confirmed`` or ``met``."""
        if not r.active:
            return "no_target"
        if any(not f.reachable for f in r.found.values()):
            return "unreachable"
        shares = [self.share_met(t, r.year) for t in self.targets]
        return "met" if min(shares) >= self.probability else "not_confirmed"

    def levels(self, year: Year) -> dict[str, tuple[float, float]]:
        """Each lever's highest daily level in the year: (with the plan, scenario's own)."""
        return {k: (level(self.inputs, k, year), level(self.own, k, year)) for k in LEVERS}

    def yearly(self, sim: SimResult, name: str, year: Year) -> F:
        """A series summed over the year, per replicate."""
        return np.asarray(sim.national[name][:, year.window].sum(axis=1), dtype=np.float64)

    def cost(self, sim: SimResult, year: Year) -> dict[str, F]:
        """Cost of the year by component (``officers``, ``detention``, ...), per replicate."""
        return {c.removeprefix("cost_"): self.yearly(sim, c, year) for c in COSTS}


def check_options(probability: float, from_year: int, years: int) -> None:
    """UserError naming ``--probability`` or ``--from-year`` if either is out of range."""
    cli = Location("<command line>")
    if not 0.0 < probability < 1.0:
        raise UserError(
            f"the probability must be above 0 and below 1, got {probability:g}",
            cli.with_path("--probability"),
        )
    if not 1 <= from_year <= years:
        raise UserError(
            f"the run has {years} year(s): --from-year must be between 1 and {years}",
            cli.with_path("--from-year"),
        )


def find_requirements(
    resolved: Resolved,
    targets: tuple[Target, ...],
    *,
    probability: float = 0.5,
    from_year: int = 1,
    replicates: int = 100,
    seed: int = 0,
    parameter_uncertainty: bool = False,
    on_status: Callable[[str], None] | None = None,
    reuse: bool = True,
) -> Requirements:
    """Search, year by year, the resources with which the run reaches ``targets``.

    ``resolved`` holds the scenario's own parameters over the whole run; the stochastic runs
    use ``replicates`` replicates from ``seed``, each drawing the uncertain parameters if
    ``parameter_uncertainty``. ``on_status`` receives a line of progress. ``reuse``: runs go on
    from the state of earlier runs where their inputs are the same until then
    (:mod:`deportsim.analysis.requirements.continued`), which gives the same numbers as runs
    from day 0 in less time; False runs each from day 0.
    """
    years = years_of(resolved.start, resolved.days)
    check_options(probability, from_year, len(years))
    say = on_status or (lambda _text: None)

    @functools.cache  # the search and the stochastic runs share each length's parameters
    def own(days: int) -> Resolved:
        return Resolved(resolved.params, resolved.start, days, resolved.overrides)

    @functools.cache
    def base(days: int) -> Inputs:
        return read_inputs(own(days))

    @functools.cache
    def draws(days: int) -> ParameterDraws:
        return draw_parameters(own(days), replicates, seed)

    search = Search(base, years, reuse=reuse)
    runs = _Stochastic(
        base, years, replicates, seed, (own, draws) if parameter_uncertainty else None,
        reuse=reuse,
    )  # fmt: skip
    plan: Plan = {}
    results: list[YearResult] = []
    for year in years:
        if year.number < from_year:
            results.append(YearResult(year, False, {}, {}, 0, None))
            continue
        say(f"year {year.number}: what binds with the scenario's own resources")
        x_own, sim_own = search.run(plan, year)
        before = binding(sim_own, x_own, year.window)
        aims = {t.metric.name: t.value for t in targets}
        tried: dict[str, list[tuple[float, float]]] = {}  # target -> (aim, replicates' quantile)
        rounds = 0
        while True:
            rounds += 1
            say(f"year {year.number}: mean-field search, round {rounds}")
            found, plan = _search_year(search, plan, year, targets, aims)
            if not any(f.reachable for f in found.values()):
                break
            say(f"year {year.number}: stochastic confirmation, {replicates} replicates")
            sim = runs.run(plan, year.end)
            short = _raise_aims(
                sim, year, targets=targets, found=found, aims=aims, probability=probability,
                tried=tried,
            )  # fmt: skip
            if not short or rounds == ROUNDS:
                break
        results.append(YearResult(year, True, found, aims, rounds, before))
    say("final stochastic runs: with the resources found, and with the scenario's own")
    sim = runs.run(plan, resolved.days)
    own_sim = runs.run({}, resolved.days)
    own_x = base(resolved.days)
    return Requirements(
        targets, probability, from_year, replicates, seed, resolved, years, plan,
        own_x, apply(own_x, plan, years), sim, own_sim, results, search.runs, runs.count,
        parameter_uncertainty=parameter_uncertainty,
        days_reused=sum(c.days_skipped for c in (search.continued, runs.continued) if c),
    )  # fmt: skip


def _search_year(
    search: Search, plan: Plan, year: Year, targets: tuple[Target, ...], aims: dict[str, float]
) -> tuple[dict[str, Found], Plan]:
    """Every target's search in one year, each on top of the levels found for the ones before.

    The year's levels are searched afresh (the plan's entry for the year is dropped first); a
    second pass runs if a later target's levels undid an earlier one's (they can only add).
    """
    plan = {k: v for k, v in plan.items() if k != year.number}
    found: dict[str, Found] = {}
    for _ in range(2):
        for t in targets:
            f = search.find(plan, year, t, aims[t.metric.name])
            found.setdefault(t.metric.name, f)
            if f.levels or not f.reachable:
                found[t.metric.name] = f
            plan = with_levels(plan, year, f.levels)
        if all(
            not found[t.metric.name].reachable
            or t.metric.reaches(search.value(plan, year, t.metric), aims[t.metric.name])
            for t in targets
        ):
            break
    plan.setdefault(year.number, {})
    return found, plan


def _raise_aims(
    sim: SimResult,
    year: Year,
    *,
    targets: tuple[Target, ...],
    found: dict[str, Found],
    aims: dict[str, float],
    probability: float,
    tried: dict[str, list[tuple[float, float]]],
) -> list[str]:
    """Move the aims of the targets the replicates reach less often than ``probability``.

    A floor's aim rises in the ratio by which the replicates' (1 - probability) quantile falls
    short of the target: the resources found in mean field scale the replicates' results about
    in proportion, the low draws of the parameters as much as the others. From the second raise
    on, the aim is where the line through the last two (aim, quantile) pairs in ``tried`` meets
    the target, if that is higher. A ceiling's aim falls by how far its probability quantile
    exceeds it. Each also moves by :data:`STEP` of the target. Returns the targets moved.
    """
    short = []
    for t in targets:
        name = t.metric.name
        if not found[name].reachable:
            continue
        values = t.metric.compute(sim.national, year)
        if t.metric.share(values, t.value) >= probability:
            continue
        short.append(name)
        if t.metric.at_most:
            gap = float(np.quantile(values, probability)) - t.value
            aims[name] -= max(gap, 0.0) + STEP * t.value
        else:
            low = float(np.quantile(values, 1.0 - probability))
            pairs = tried.setdefault(name, [])
            pairs.append((aims[name], low))
            aim = aims[name] * max(t.value / low, 1.0) if low > 0 else aims[name]
            if len(pairs) > 1 and pairs[-1][1] > pairs[-2][1]:
                (a1, q1), (a2, q2) = pairs[-2:]
                aim = max(aim, a2 + (t.value - q2) * (a2 - a1) / (q2 - q1))
            aims[name] = aim + STEP * t.value
    return short


def _levels_exact(
    drawn: ParameterDraws, before: Resolved, after: Resolved
) -> dict[str, NDArray[np.bool_]]:
    """The draws' exact days, and the days a plan sets a lever to a level of its own.

    A level the search finds is a policy value, kept as found in every replicate (policy levers
    are exact, :mod:`deportsim.run.draws`), as the written scenario file's overrides are: so
    that the file repeats the run.
    """
    exact = dict(drawn.exact)
    for path in drawn.paths:
        if not after.params[path].spec.lever:
            continue
        changed = np.asarray(after.canonical(path) != before.canonical(path))
        days = changed.reshape(changed.shape[0], -1).any(axis=1)
        if np.any(days):
            exact[path] = exact.get(path, np.zeros_like(days)) | days
    return exact


class _Stochastic:
    """Stochastic runs of the scenario with a plan, for the first ``days`` days.

    ``drawn``: the scenario's own parameters and each replicate's draws, by length, when the
    replicates draw their parameters.
    """

    def __init__(
        self,
        base: Callable[[int], Inputs],
        years: list[Year],
        replicates: int,
        seed: int,
        drawn: tuple[Callable[[int], Resolved], Callable[[int], ParameterDraws]] | None = None,
        *,
        reuse: bool = True,
    ) -> None:
        self.base, self.years, self.drawn = base, years, drawn
        self.replicates, self.seed = replicates, seed
        self.count = 0
        self._last: tuple[object, int, SimResult] | None = None
        self.continued = Continued(keep=KEEP) if reuse else None

    def run(self, plan: Plan, days: int) -> SimResult:
        """The run (the last one again if it had the same plan and days)."""
        key = plan_key(plan)
        if self._last is not None and self._last[:2] == (key, days):
            return self._last[2]
        x = apply(self.base(days), plan, self.years)
        inputs_for, exact = None, None
        if self.drawn is not None:
            own, draws = self.drawn
            before, drawn = own(days), draws(days)
            after = apply_resolved(before, plan, self.years)
            exact = _levels_exact(drawn, before, after)
            inputs_for = dataclasses.replace(drawn, base=after, exact=exact).inputs

        def go(resume: Snapshot | None, at: int | None) -> SimResult:
            return simulate(
                x, self.replicates, Streams(self.seed), inputs_for=inputs_for, resume=resume,
                snapshot_at=at,
            )  # fmt: skip

        if self.continued is None:
            sim = go(None, None)
        else:
            year = next((y for y in self.years if y.end == days), self.years[-1])
            sim = self.continued.run(x, go, snapshot_at=changes_from(year, x), exact=exact)
        self.count += 1
        self._last = (key, days, sim)
        return sim
