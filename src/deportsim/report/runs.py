"""What the report reads from a finished run: a few daily series, regional ones, the summary.

A :class:`ScenarioRun` keeps only the series the charts draw, so that a report comparing several
scenarios does not hold every run's full results in memory at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from deportsim.model import SimResult
from deportsim.model.accounts import COSTS
from deportsim.model.stages.arrests import CHANNELS

if TYPE_CHECKING:
    from deportsim.analysis.economy.sensitivity import EconomySensitivity
    from deportsim.run import Prepared

__all__ = ["NATIONAL", "REGIONAL", "REGIONAL_DAILY", "ScenarioRun"]

F = NDArray[np.float64]

#: National daily series the charts draw, each (replicates, days).
NATIONAL = (
    "arrests", "arrests_custodial", *(f"arrests_{c}" for c in CHANNELS), "book_ins_ice",
    "detained", "detention_capacity", "released_to_atd", "court_backlog", "removals",
    "book_outs_removal", *COSTS, "cost_total",
)  # fmt: skip
#: Regional series the charts total over the run, each (replicates, regions).
REGIONAL = ("removals", "us_citizen_children_affected", "workers_removed")
#: Regional daily series the metro chart draws, each (replicates, days, regions).
REGIONAL_DAILY = ("arrests",)


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario's run as the report shows it.

    ``national``: daily series by name, (replicates, days); ``regional_totals``: totals over the
    run by region, (replicates, regions); ``regional_daily``: daily series by region,
    (replicates, days, regions); ``summary``: the run's summary.json content (its ``regions``
    block too);
    ``parameters``: :func:`deportsim.views.parameters.parameter_rows` with the scenario's overrides;
    ``sources``: the scenario's policy sources as citation dicts.
    """

    name: str
    title: str
    description: str
    start: dt.date
    days: int
    replicates: int
    seed: int
    regions: tuple[str, ...]
    national: dict[str, F]
    regional_totals: dict[str, F]
    regional_daily: dict[str, F]
    summary: dict[str, Any]
    parameters: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    #: Where the first day's state came from (:func:`deportsim.views.state.state_lines`): empty
    #: for a run from its scenario's own start and values.
    state: tuple[str, ...] = ()
    #: Which economic assumption matters most (:mod:`deportsim.analysis.economy.sensitivity`),
    #: when the run's prepared inputs were given to :meth:`from_sim`; else None.
    economy: EconomySensitivity | None = None

    @classmethod
    def from_sim(
        cls,
        sim: SimResult,
        summary: dict[str, Any],
        *,
        title: str,
        description: str,
        parameters: list[dict[str, Any]],
        sources: list[dict[str, Any]],
        state: tuple[str, ...] = (),
        prepared: Prepared | None = None,
    ) -> ScenarioRun:
        """Keep what the report needs from a run's results and summary.

        With the run's ``prepared`` inputs, the Sobol indices of its output and taxes lost over
        the economic parameters are computed too, on its series averaged over its replicates
        (:func:`deportsim.analysis.economy.sensitivity.from_run`, a second or two).
        """
        economy = None
        if prepared is not None:
            from deportsim.analysis.economy.sensitivity import from_run  # noqa: PLC0415

            economy = from_run(prepared, sim)
        return cls(
            name=str(summary["scenario"]),
            title=title,
            description=description,
            start=dt.date.fromisoformat(str(summary["start"])),
            days=sim.days,
            replicates=sim.replicates,
            seed=int(summary["seed"]),
            regions=sim.regions,
            national={n: np.array(sim.national[n], dtype=np.float64) for n in NATIONAL},
            regional_totals={n: sim.region(n).sum(axis=1) for n in REGIONAL},
            regional_daily={n: np.array(sim.region(n), dtype=np.float64) for n in REGIONAL_DAILY},
            summary=summary,
            parameters=parameters,
            sources=sources,
            state=state,
            economy=economy,
        )

    @property
    def parameters_drawn(self) -> bool:
        """True when each replicate drew the uncertain parameters (the summary's intervals)."""
        intervals = self.summary.get("intervals", {})
        return "parameter uncertainty" in intervals.get("include", ())

    @property
    def end(self) -> dt.date:
        """Last simulated day."""
        return self.start + dt.timedelta(days=self.days - 1)
