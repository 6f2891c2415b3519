"""What a user asks of a run: the contract's ``deportsim run`` options, and their limits."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from deportsim.core.errors import Location, UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.defaults import BANDS_ABOVE, DEFAULT_SCENARIO

if TYPE_CHECKING:  # annotations only: a run's options load no data libraries
    from deportsim.official.vintage import Reader, Rule

__all__ = [
    "BANDS_ABOVE",
    "DEFAULT_SCENARIO",
    "DEFAULT_START",
    "LAST_DAY",
    "MAX_REPLICATES",
    "MAX_YEARS",
    "REPLICATE_DAY_BYTES",
    "TERM_END",
    "RunConfig",
    "SeriesChoice",
    "available_memory",
    "check_config",
    "check_last_day",
    "memory_estimate",
]

DEFAULT_START = dt.date(2025, 1, 20)
#: The last day of the presidential term: where a run from the latest data ends by default.
TERM_END = dt.date(2029, 1, 20)
MAX_REPLICATES = 100_000
MAX_YEARS = 50.0
#: The last day a run may simulate: a start whose run would end later is refused.
LAST_DAY = dt.date(2100, 12, 31)
#: Memory a run holds per replicate-day at its peak, with room to spare: measured at about
#: 1,400 bytes (500 then 2,000 replicates of 365 days, drawn parameters: +735 MiB peak RSS for
#: 547,500 more replicate-days), rounded up.
REPLICATE_DAY_BYTES = 1_500
#: What a run holds whatever its size: the modules, parameters and compiled loop.
BASE_BYTES = 600 * 2**20


#: What ``--series`` may ask for: every replicate's series in timeseries.parquet, or bands
#: (:mod:`deportsim.run.bands`); ``auto``: bands above :data:`BANDS_ABOVE` replicates.
SeriesChoice = Literal["auto", "replicates", "quantiles"]


@dataclass(frozen=True)
class RunConfig:
    """What a user asks for: the contract's ``deportsim run`` options."""

    scenario: str = DEFAULT_SCENARIO
    replicates: int = 100
    seed: int = 0
    years: float = 4.0
    start: dt.date | None = None  # None: by start_rule
    #: With no ``start``: ``"scenario"``, the scenario's start, else 2025-01-20; ``"latest"``,
    #: the first day after the latest month of official data, from the people held then
    #: (:meth:`deportsim.model.record.Record.state`), a later ``start`` bridged from there
    start_rule: Literal["scenario", "latest"] = "scenario"
    #: The last day simulated, instead of ``years`` (None: ``years``)
    until: dt.date | None = None
    sets: tuple[str, ...] = ()
    parameters: Path | None = None  # None: the built-in parameter files
    # each replicate draws the uncertain parameters (deportsim.run.draws); off in a bare config
    # (the backtest, calibration and sweeps vary parameters themselves); the CLI's verbs turn it
    # on unless --fixed-parameters
    parameter_uncertainty: bool = False
    # the data vintage of a scenario that follows the published record (deportsim.model.record):
    # what had been published by this date; None: everything published
    as_of: dt.date | None = None
    vintage_rule: Rule = "published"  # how the vintage decides what was known (official.vintage)
    read: Reader | None = field(default=None, compare=False, repr=False)  # default: the store
    #: What timeseries.parquet holds (:data:`SeriesChoice`); see :meth:`series_kind`
    series: SeriesChoice = "auto"
    #: Expected values in place of every random count (one deterministic replicate): an
    #: instant preview of a run's central path, without its uncertainty
    mean_field: bool = False

    @classmethod
    def latest(
        cls,
        scenario: str,
        *,
        years: float | None = None,
        until: dt.date | None = None,
        start: dt.date | None = None,
        from_scenario: bool = False,
        **options: Any,
    ) -> RunConfig:
        """``deportsim run``'s config: from the latest data, to the end of the presidential term.

        With no ``start``, the run starts on the first day after the latest month of official
        data, from the people held then (a later ``start`` is bridged from there, an earlier one
        starts from that month's); with neither ``years`` nor ``until``, it ends on 20 January
        2029 (:data:`TERM_END`). ``from_scenario``: from the scenario's own start and first-day
        values instead (``--start scenario``). ``options``: the other fields. Both ``years`` and
        ``until``: UserError naming ``--until``.
        """
        if years is not None and until is not None:
            where = Location("<command line>", path="--until")
            raise UserError("give --years or --until, not both", where)
        if years is None and until is None:
            until = TERM_END
        rule: Literal["scenario", "latest"] = "scenario" if from_scenario else "latest"
        return cls(scenario=scenario, years=4.0 if years is None else years, until=until,
                   start=start, start_rule=rule, **options)  # fmt: skip

    @property
    def series_kind(self) -> Literal["replicates", "quantiles"]:
        """What the run writes to timeseries.parquet: every replicate's series, or bands."""
        if self.series == "auto":
            return "quantiles" if self.replicates > BANDS_ABOVE else "replicates"
        return self.series

    @property
    def days(self) -> int:
        """Days the run simulates: its years in days, rounded, at least one."""
        return max(1, round(self.years * DAYS_PER_YEAR))

    def days_from(self, start: dt.date) -> int:
        """Days a run from ``start`` simulates: to ``until`` (its last day), else :attr:`days`."""
        return (self.until - start).days + 1 if self.until is not None else self.days


def memory_estimate(replicates: int, days: int) -> int:
    """The bytes a run of ``replicates`` over ``days`` holds at its peak (an estimate)."""
    return BASE_BYTES + replicates * days * REPLICATE_DAY_BYTES


def available_memory() -> int | None:
    """The machine's available memory in bytes (/proc/meminfo, else sysconf), None if unknown."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB"


def check_last_day(cfg: RunConfig, start: dt.date, where: Location) -> None:
    """Refuse a run from ``start`` ending after :data:`LAST_DAY` (UserError at ``where``)."""
    if (LAST_DAY - start).days + 1 < cfg.days_from(start):
        raise UserError(
            f"a run from {start} over {cfg.years:g} years would end after {LAST_DAY}, the last "
            "day a run may simulate; choose an earlier start or fewer years",
            where,
        )


def check_config(cfg: RunConfig) -> None:
    """Refuse replicates, seed, years or start outside their limits (UserError naming the option).

    A run whose memory estimate (:func:`memory_estimate`) is above the machine's available memory
    is refused too, before anything runs; so is a ``start`` whose run would end after
    :data:`LAST_DAY`.
    """
    cli = Location("<command line>")
    if cfg.mean_field and (cfg.replicates != 1 or cfg.parameter_uncertainty):
        raise UserError(
            "a mean-field run is one deterministic replicate with fixed parameters",
            cli.with_path("--replicates"),
        )
    if not 1 <= cfg.replicates <= MAX_REPLICATES:
        raise UserError(
            f"replicates must be between 1 and {MAX_REPLICATES:,}", cli.with_path("--replicates")
        )
    if cfg.seed < 0 or cfg.seed >= 2**63:
        raise UserError("seed must be a non-negative integer below 2**63", cli.with_path("--seed"))
    if not 0 < cfg.years <= MAX_YEARS:
        raise UserError(
            f"years must be above 0 and at most {MAX_YEARS:g}", cli.with_path("--years")
        )
    if cfg.until is not None:
        if cfg.until > LAST_DAY:
            raise UserError(f"must be at most {LAST_DAY}", cli.with_path("--until"))
        if cfg.start is not None and cfg.until < cfg.start:
            raise UserError(
                f"is before the run's start ({cfg.start}); give a later day",
                cli.with_path("--until"),
            )
    elif cfg.start is not None:
        check_last_day(cfg, cfg.start, cli.with_path("--start"))
    # with --until and no --start, the days from the earliest default start: an upper bound
    days = cfg.days_from(cfg.start or DEFAULT_START)
    need, free = memory_estimate(cfg.replicates, days), available_memory()
    if free is not None and need > free:
        raise UserError(
            f"{cfg.replicates:,} replicates over {cfg.years:g} years need about {_gib(need)} of "
            f"memory, more than the {_gib(free)} available; lower --replicates or --years",
            cli.with_path("--replicates/--years"),
        )
