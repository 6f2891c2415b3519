"""The runs the claim checks share: each scenario, requirements search and backtest run once.

:class:`Context` runs each scenario once (same seed and replicates for all) and keeps it for every
claim that needs it.
"""

from __future__ import annotations

from collections.abc import Callable

from deportsim.analysis.history.backtest import Backtest, run_backtest
from deportsim.analysis.requirements.find import Requirements, find_requirements
from deportsim.analysis.requirements.search import parse_targets
from deportsim.model.calibration import shipped_calibration
from deportsim.model.replay import load_history
from deportsim.run import RunConfig, RunOutput, execute, prepare

__all__ = ["REQUIREMENT_REPLICATES", "RUN_YEARS", "SCENARIOS", "Context"]

#: Years each claim run lasts: four full years after the 3,000-a-day goal of 28 May 2025.
RUN_YEARS = 4.5
#: Replicates of the stochastic runs that confirm a requirements search in the claims (the
#: search itself is in mean field; ``deportsim requirements`` confirms with 100 by default).
REQUIREMENT_REPLICATES = 20
#: Scenarios compared in the claims that ask "under each scenario".
SCENARIOS = (
    "baseline-fy2024", "directive-2025", "sanctuary-at-large-only", "record-2012-pace",
    "one-million-a-year",
)  # fmt: skip


class Context:
    """Runs shared by the claim checks: each scenario (with its ``sets``) is run once."""

    def __init__(
        self,
        replicates: int,
        seed: int,
        on_run: Callable[[str], None] | None = None,
        *,
        parameter_uncertainty: bool = False,
    ) -> None:
        self.replicates = replicates
        self.seed = seed
        self.parameter_uncertainty = parameter_uncertainty
        self._on_run = on_run
        self._runs: dict[tuple[str, float, tuple[str, ...]], RunOutput] = {}
        self._backtest: Backtest | None = None
        self._requirements: dict[tuple[str, str], Requirements] = {}

    def run(
        self, scenario: str, years: float = RUN_YEARS, sets: tuple[str, ...] = (), keep: bool = True
    ) -> RunOutput:
        """The scenario's run, computed on first use.

        It is kept for the other claims unless ``keep`` is False: a variant that only one claim
        reads is not, so that its series do not stay in memory.
        """
        key = (scenario, years, sets)
        if key in self._runs:
            return self._runs[key]
        if self._on_run is not None:
            self._on_run(scenario + (" (variant)" if sets else ""))
        cfg = RunConfig(
            scenario=scenario, replicates=self.replicates, seed=self.seed, years=years, sets=sets,
            parameter_uncertainty=self.parameter_uncertainty,
        )  # fmt: skip
        out = execute(prepare(cfg))
        if keep:
            self._runs[key] = out
        return out

    def requirements(self, scenario: str, target: str) -> Requirements:
        """Resources for ``target`` (``METRIC=VALUE``) under the scenario, year by year.

        Searched in mean field and confirmed in stochastic runs of at most
        :data:`REQUIREMENT_REPLICATES` replicates, at probability 0.5 (``deportsim requirements``).
        """
        key = (scenario, target)
        if key not in self._requirements:
            if self._on_run is not None:
                self._on_run(f"requirements {scenario} {target}")
            prep = prepare(RunConfig(scenario=scenario, years=4.0))
            self._requirements[key] = find_requirements(
                prep.resolved, parse_targets([target]), probability=0.5,
                replicates=min(self.replicates, REQUIREMENT_REPLICATES), seed=self.seed,
                parameter_uncertainty=self.parameter_uncertainty,
            )  # fmt: skip
        return self._requirements[key]

    @property
    def include(self) -> tuple[str, ...]:
        """What the intervals of the context's runs hold."""
        drawn = ("parameter uncertainty",) if self.parameter_uncertainty else ()
        return ("process noise", *drawn)

    def backtest(self) -> Backtest:
        """The default backtest (fitted stays, the context's seed)."""
        if self._backtest is None:
            if self._on_run is not None:
                self._on_run("backtest")
            self._backtest = run_backtest(load_history(), shipped_calibration(), self.seed)
        return self._backtest
