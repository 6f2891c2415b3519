"""The mean-field search of a requirements run: the least resources that reach a target in a year.

The targets a user can set (:data:`TARGETS`) are yearly versions of summary metrics. Each is
reached through one chain of levers (:mod:`deportsim.analysis.requirements.resources`):

- ``arrests`` (removals, arrests, people detained): the arrest target is searched by bisection
  on the mean-field model with officers, beds and removal seats unlimited in the year; the least
  target that reaches the aim is kept, then officers, beds and seats are sized to carry it
  (officers to make the arrests the target asks for, beds to the highest number held, seats to
  the most removals in a day) and, together, scaled to the least level that still reaches the aim;
- ``courts`` (the court backlog at the end of the year): the number of judges, by bisection.

Years are searched in order, each on top of the levels already found for the years before it:
what is arrested in one year is detained and removed in the next.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.constraints import binding
from deportsim.analysis.requirements.continued import Continued
from deportsim.analysis.requirements.resources import (
    LEVERS,
    Plan,
    Year,
    apply,
    changes_from,
    plan_key,
)
from deportsim.core.errors import Location, UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.engine import Streams
from deportsim.engine.snapshot import Snapshot
from deportsim.model import Inputs, SimResult, simulate

__all__ = [
    "ARREST_LIMIT", "JUDGE_LIMIT", "TARGETS", "Found", "Search", "Target", "TargetMetric",
    "parse_targets", "with_levels",
]  # fmt: skip

F = NDArray[np.float64]

#: Assumption: the search stops at 100,000 arrests a day planned (over 36 million a year, more
#: than twice the unauthorized population); a target not reached there is reported unreachable.
ARREST_LIMIT = 100_000.0
#: Assumption: the search stops at 20,000 immigration judges (about 30 times the 2025 bench).
JUDGE_LIMIT = 20_000.0
#: Officers, beds and seats in a year searched "unlimited" (far above any run's need).
UNLIMITED = 1e8
#: Bisections stop when the bracket is this narrow, relative to its upper end.
PRECISION = 0.002
#: States of mean-field runs kept for later runs to go on from (a replicate's each: small).
KEEP = 16


@dataclass(frozen=True)
class TargetMetric:
    """A metric a target can be set on, computed for one year of a run, per replicate."""

    name: str
    unit: str
    meaning: str
    at_most: bool  # True: the target is a ceiling (the backlog), else a floor
    chain: str  # "arrests" or "courts": the levers that move it
    compute: Callable[[dict[str, F], Year], F]

    def meets(self, values: F, target: float) -> NDArray[np.bool_]:
        """Which values reach ``target`` (at most it for a ceiling, at least it otherwise)."""
        return values <= target if self.at_most else values >= target

    def reaches(self, value: float, target: float) -> bool:
        """Whether one value reaches ``target`` (:meth:`meets` for a single value)."""
        return value <= target if self.at_most else value >= target

    def share(self, values: F, target: float) -> float:
        """Share of the values (replicates) that reach ``target``."""
        return float(np.mean(self.meets(values, target)))


def _per_year(name: str) -> Callable[[dict[str, F], Year], F]:
    return lambda n, y: n[name][:, y.window].sum(axis=1) * DAYS_PER_YEAR / y.days


def _mean(name: str) -> Callable[[dict[str, F], Year], F]:
    return lambda n, y: n[name][:, y.window].mean(axis=1)


def _end(name: str) -> Callable[[dict[str, F], Year], F]:
    return lambda n, y: n[name][:, y.end - 1]


#: The metrics a target can name.
TARGETS: dict[str, TargetMetric] = {
    m.name: m
    for m in (
        TargetMetric(
            "removals_per_year", "persons/year", "removals in the year (a short year: at its pace)",
            at_most=False, chain="arrests", compute=_per_year("removals"),
        ),
        TargetMetric(
            "arrests_per_day", "persons/day", "arrests a day, all channels, over the year",
            at_most=False, chain="arrests", compute=_mean("arrests"),
        ),
        TargetMetric(
            "detained_mean", "persons", "average daily detained population over the year",
            at_most=False, chain="arrests", compute=_mean("detained"),
        ),
        TargetMetric(
            "court_backlog_end", "cases", "pending court cases on the last day of the year",
            at_most=True, chain="courts", compute=_end("court_backlog"),
        ),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A target: a metric and the value to reach in each year."""

    metric: TargetMetric
    value: float


def parse_targets(texts: tuple[str, ...] | list[str]) -> tuple[Target, ...]:
    """Parse ``METRIC=VALUE`` texts (``--target``); UserError naming ``--target`` if bad."""
    where = Location("<command line>", path="--target")
    if not texts:
        raise UserError(
            f"give at least one target, e.g. removals_per_year=1000000 ({_NAMES})", where
        )
    out: dict[str, Target] = {}
    for text in texts:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep or not name or not raw.strip():
            raise UserError(f"expected METRIC=VALUE, got {text!r}", where)
        if name not in TARGETS:
            raise UserError(f"unknown target metric {name!r}: one of {_NAMES}", where)
        try:
            value = float(raw.strip().replace(",", "").replace("_", ""))
        except ValueError:
            raise UserError(f"{name}: expected a number, got {raw.strip()!r}", where) from None
        if not math.isfinite(value) or value <= 0:
            raise UserError(f"{name}: the target must be a positive number, got {raw!r}", where)
        if name in out:
            raise UserError(f"{name} is given twice", where)
        out[name] = Target(TARGETS[name], value)
    # the arrest chain first: the courts' search then starts from the arrests found
    return tuple(sorted(out.values(), key=lambda t: t.metric.chain != "arrests"))


_NAMES = ", ".join(TARGETS)


@dataclass(frozen=True)
class Found:
    """What the search found for one target in one year."""

    levels: dict[str, float]  # lever -> level for the year (rounded up); {} if none is raised
    reachable: bool
    value: float  # the metric in the mean-field run with these levels (or at the search limit)
    reason: str | None = None  # why it is unreachable


class Search:
    """Mean-field runs of a scenario with a plan, each only as long as the year it looks at.

    ``base(days)`` gives the scenario's own inputs for the first ``days`` days. A metric's value
    for a plan and year is computed once: a search raised to a higher aim probes many of the
    same levels again. With ``reuse``, a run goes on from the state of an earlier one on the
    first day its levels differ (:mod:`deportsim.analysis.requirements.continued`; the same
    numbers).
    """

    def __init__(
        self, base: Callable[[int], Inputs], years: list[Year], *, reuse: bool = True
    ) -> None:
        self.base = functools.cache(base)
        self.years = years
        self.runs = 0
        self._values: dict[tuple[object, ...], float] = {}
        self.continued = Continued(keep=KEEP) if reuse else None

    def run(self, plan: Plan, year: Year) -> tuple[Inputs, SimResult]:
        """The mean-field run of ``plan`` up to the end of ``year``, with its inputs."""
        x = apply(self.base(year.end), plan, self.years)
        self.runs += 1

        def go(resume: Snapshot | None, at: int | None) -> SimResult:
            return simulate(x, 1, Streams(0), mean_field=True, resume=resume, snapshot_at=at)

        if self.continued is None:
            return x, go(None, None)
        return x, self.continued.run(x, go, snapshot_at=changes_from(year, x))

    def value(self, plan: Plan, year: Year, metric: TargetMetric) -> float:
        """The metric of ``year`` in the mean-field run of ``plan``."""
        key = (plan_key(plan), year.number, metric.name)
        if key not in self._values:
            self._values[key] = float(metric.compute(self.run(plan, year)[1].national, year)[0])
        return self._values[key]

    def find(self, plan: Plan, year: Year, target: Target, aim: float) -> Found:
        """The least levels, on top of ``plan``'s, with which ``year`` reaches ``aim``."""
        m = target.metric
        own = self.value(plan, year, m)
        if m.reaches(own, aim):
            return Found({}, reachable=True, value=own)
        if m.chain == "courts":
            return self._judges(plan, year, m, aim)
        return self._arrests(plan, year, m, aim)

    def _probe(
        self,
        plan: Plan,
        year: Year,
        m: TargetMetric,
        aim: float,
        levels: Callable[[float], dict[str, float]],
    ) -> Callable[[float], tuple[bool, float]]:
        """The test of a bisection over ``s``: whether ``year`` reaches ``aim``, and its value.

        ``ok(s)`` runs ``plan`` with ``levels(s)`` added in ``year``, once for each ``s``.
        """

        @functools.cache
        def ok(s: float) -> tuple[bool, float]:
            v = self.value(with_levels(plan, year, levels(s)), year, m)
            return m.reaches(v, aim), v

        return ok

    def _judges(self, plan: Plan, year: Year, m: TargetMetric, aim: float) -> Found:
        ok = self._probe(plan, year, m, aim, lambda judges: {"judges": judges})
        reached, best = ok(JUDGE_LIMIT)
        if not reached:
            return Found(
                {}, reachable=False, value=best,
                reason=f"even with {JUDGE_LIMIT:,.0f} judges the backlog at the end of the year "
                f"is {best:,.0f} cases: new cases keep arriving, and completions slow down as "
                "dockets empty",
            )  # fmt: skip
        judges = _bisect(ok, 0.0, JUDGE_LIMIT, absolute=1.0)
        levels = {"judges": LEVERS["judges"].round_up(judges)}
        return Found(
            levels, reachable=True, value=self.value(with_levels(plan, year, levels), year, m)
        )

    def _arrests(self, plan: Plan, year: Year, m: TargetMetric, aim: float) -> Found:
        def free(target: float) -> dict[str, float]:
            return {"arrest_target": target, **dict.fromkeys(_CARRIERS, UNLIMITED)}

        ok = self._probe(plan, year, m, aim, free)
        lo, hi = 0.0, max(1000.0, float(np.max(self.base(year.end).target[year.window])))
        while not ok(hi)[0]:
            lo, hi = hi, hi * 2.0
            if hi >= ARREST_LIMIT:
                hi = ARREST_LIMIT
                if not ok(hi)[0]:
                    return self._unreachable(plan, year, m, free(hi))
                break
        target = _bisect(ok, lo, hi) if not ok(lo)[0] else lo
        x, sim = self.run(with_levels(plan, year, free(target)), year)
        sized = _carry(x, sim, year)

        def scaled(f: float) -> dict[str, float]:
            return {"arrest_target": target, **{k: v * f for k, v in sized.items()}}

        ok_scaled = self._probe(plan, year, m, aim, scaled)
        top = 1.0
        while not ok_scaled(top)[0]:  # (arrests that wait for beds need more than the peak)
            top *= 2.0
            if top > 64.0:
                return self._unreachable(plan, year, m, free(target))
        f = _bisect(ok_scaled, 0.0, top)
        levels = {k: LEVERS[k].round_up(v) for k, v in scaled(f).items() if v > 0}
        return Found(
            levels, reachable=True, value=self.value(with_levels(plan, year, levels), year, m)
        )

    def _unreachable(
        self, plan: Plan, year: Year, m: TargetMetric, levels: dict[str, float]
    ) -> Found:
        x, sim = self.run(with_levels(plan, year, levels), year)
        best = float(m.compute(sim.national, year)[0])
        arrests = float(sim.national["arrests"][0, year.window].mean())
        why = (
            "officers cannot find enough people: arrests fall short of the plan as the people "
            "they look for grow scarce"
            if binding(sim, x, year.window).main == "reachable_population"
            else "people arrested take months to pass through detention and be removed"
        )
        return Found(
            {}, reachable=False, value=best,
            reason=f"even at {levels['arrest_target']:,.0f} arrests a day planned, with officers, "
            f"beds and seats unlimited, {m.name} reaches {best:,.0f} ({arrests:,.0f} arrests a "
            f"day): {why}",
        )  # fmt: skip


#: The levers sized to carry the arrests of a target (the arrest target is searched itself).
_CARRIERS = ("officers", "beds", "seats_per_day")


def with_levels(plan: Plan, year: Year, levels: dict[str, float]) -> Plan:
    """``plan`` with ``levels`` added in ``year`` (the higher level where both give one)."""
    merged = dict(plan.get(year.number, {}))
    for k, v in levels.items():
        merged[k] = max(merged.get(k, 0.0), v)
    return {**plan, year.number: merged}


def _carry(x: Inputs, sim: SimResult, year: Year) -> dict[str, float]:
    """Officers, beds and seats that carry a year of the run ``sim`` (its resources unlimited).

    Officers: enough, each day, to handle the jail transfers (at their effort ratio) and make the
    at-large arrests the target leaves (the plan of docs/model.md, "Arrests"); beds: the most
    people held on a day, waiting for removal included (they take beds); seats: the most removals
    on a day.
    """
    w, n = year.window, sim.national
    custodial = n["arrests_custodial"][0, w]
    need = np.maximum(x.target[w] - custodial, 0.0) + custodial * x.custodial_effort[w]
    officers = float(np.max(need / np.maximum(x.productivity[w], 1e-12)))
    return {
        "officers": officers,
        "beds": float(np.max(n["detained"][0, w])),
        "seats_per_day": float(np.max(n["removals"][0, w])),
    }


def _bisect(
    ok: Callable[[float], tuple[bool, float]], lo: float, hi: float, absolute: float = 0.0
) -> float:
    """The least value in (lo, hi] where ``ok`` holds, to :data:`PRECISION` (``ok(hi)`` holds)."""
    while hi - lo > max(PRECISION * hi, absolute, 1e-9):
        mid = 0.5 * (lo + hi)
        if ok(mid)[0]:
            hi = mid
        else:
            lo = mid
    return hi
