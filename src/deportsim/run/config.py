"""What a user asks of a run: the contract's ``deportsim run`` options, and their limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from deportsim.core.errors import Location, UserError

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_START",
    "MAX_REPLICATES",
    "MAX_YEARS",
    "RunConfig",
    "check_config",
]

DEFAULT_SCENARIO = "directive-2025"
DEFAULT_START = dt.date(2025, 1, 20)
MAX_REPLICATES = 100_000
MAX_YEARS = 50.0


@dataclass(frozen=True)
class RunConfig:
    """What a user asks for: the contract's ``deportsim run`` options."""

    scenario: str = DEFAULT_SCENARIO
    replicates: int = 100
    seed: int = 0
    years: float = 4.0
    start: dt.date | None = None  # None: the scenario's start, else 2025-01-20
    sets: tuple[str, ...] = ()
    parameters: Path | None = None  # None: the built-in parameter files
    # each replicate draws the uncertain parameters (deportsim.run.draws); off in a bare config
    # (the backtest, calibration and sweeps vary parameters themselves); the CLI's verbs turn it
    # on unless --fixed-parameters
    parameter_uncertainty: bool = False


def check_config(cfg: RunConfig) -> None:
    """Refuse replicates, seed or years outside their limits (UserError naming the option)."""
    cli = Location("<command line>")
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
