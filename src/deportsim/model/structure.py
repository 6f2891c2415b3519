"""The model's case paths for people arrested by ICE, as the calibration and the backtest use them.

The replay (:mod:`deportsim.model.replay`) sends ICE's book-ins down the model's two kinds of
path: the short one (``expedited``: final orders and recent entrants) and the long ones
(``contested`` and ``convicted``, which share ``detention.stay_contested``). What the calibration
keeps fixed comes from the model itself, for fiscal year 2024 (the ``baseline-fy2024`` scenario
from 1 October 2023, one year, mean-field):

- the share of ICE book-ins on the short path (the model's arrests by pool decide it);
- the ratio of the two paths' mean stays (``detention.stay_contested`` / ``stay_expedited``:
  49 to 12 in the assumptions; the parameter files now carry the calibrated values, which keep
  that ratio up to their rounding to two decimals, so a refit moves it by about 0.02%);
- the share of each path removed (``detention.removal_share_final_order``,
  ``detention.removal_share_of_book_outs``; FY2024's, and each fiscal year's for the replay:
  ICE's published shares from FY2024 on, FY2024's before, when ICE published none) and the
  staging time (``removal.staging_days`` + ``removal.delayed_share`` x ``removal.delay_days``).

The calibration then fits the paths' common scale and the stays' spread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from deportsim.engine import MeanField
from deportsim.engine import simulate as run_network
from deportsim.model.network import BORDER, PATHS, build
from deportsim.model.stages import read_inputs
from deportsim.parameters import ParameterSet, Resolved, load_parameters
from deportsim.scenarios import load_scenario

__all__ = ["STRUCTURE_SCENARIO", "Structure", "model_structure"]

#: Fiscal years whose removal shares the structure keeps (the replay's, and two more).
YEARS = tuple(range(2019, 2029))
#: The scenario and period the structure is read from.
STRUCTURE_SCENARIO = "baseline-fy2024"
_START = dt.date(2023, 10, 1)


@dataclass(frozen=True)
class Structure:
    """The model's ICE case paths for FY2024 (module docstring)."""

    expedited_share: float
    contested_ratio: float
    removed_expedited: float
    removed_contested: float
    staging_days: float
    #: Each fiscal year's shares removed (short path, long path), from the parameter files.
    removed_by_year: Mapping[int, Sequence[float]] = field(default_factory=dict)
    source: str = (
        f"deportsim model, scenario {STRUCTURE_SCENARIO} from {_START}, one year, mean-field "
        "(ICE book-ins by path), and the parameter files (stays, removal shares, staging)"
    )

    def to_dict(self) -> dict[str, Any]:
        """As written in a calibration file (rounded)."""
        out = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}
        out["removed_by_year"] = {
            int(y): [round(float(v), 6) for v in r] for y, r in self.removed_by_year.items()
        }
        return out


def model_structure() -> Structure:
    """Read the structure from the model: one mean-field year of ``baseline-fy2024``."""
    params = load_parameters(None)
    scenario = load_scenario(STRUCTURE_SCENARIO, params)
    x = read_inputs(Resolved(params, _START, 366, scenario.overrides))
    pipe = build(x)
    record = {f"detention[{p}]": ("admitted",) for p in PATHS}
    res = run_network(pipe.network, x.days, 1, MeanField(), initial=pipe.initial, settled=True,
                      record=record, record_classes=("detention",))  # fmt: skip
    admitted = {p: float(res.total(f"detention[{p}]", "admitted").sum()) for p in PATHS}
    ice = sum(v for p, v in admitted.items() if p != BORDER)
    return Structure(
        expedited_share=admitted["expedited"] / ice,
        contested_ratio=x.stay_contested / x.stay_expedited,
        removed_expedited=float(x.removal_share_expedited.mean()),
        removed_contested=float(x.removal_share_contested.mean()),
        staging_days=x.staging + x.delayed_share * x.delay,
        removed_by_year=_removed_by_year(params),
    )


def _removed_by_year(params: ParameterSet) -> dict[int, list[float]]:
    """The shares removed on each path, on 1 October of each fiscal year the replay covers."""
    first = dt.date(YEARS[0] - 1, 10, 1)
    starts = [(dt.date(y - 1, 10, 1) - first).days for y in YEARS]
    x = read_inputs(Resolved(params, first, starts[-1] + 1, ()))
    return {
        y: [float(x.removal_share_expedited[d]), float(x.removal_share_contested[d])]
        for y, d in zip(YEARS, starts, strict=True)
    }
