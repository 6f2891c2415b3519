"""The people at large carried forward: the model's own stocks on a later day, for a later start.

A run that starts from the latest data (:mod:`deportsim.run.prepare`) takes the people held from
ICE's figures for that month (:meth:`deportsim.model.record.Record.state`), but nobody counts the
pools of people at large month by month: the parameter files give them for a date of their own
(the population in 2023, the court backlog at the end of FY2024, ICE's docket in 2024).
:func:`carry_forward` runs the model over the days between, deterministically (mean-field: every
random count at its expected value, one path), and reads each stock on the last day: the pools
at large, the people in alternatives to detention, the orders on appeal, the people held.

The run that asks for it chooses the days and the inputs (which scenario, which record);
this module only reads the stocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deportsim.engine import MeanField
from deportsim.engine import simulate as run_network
from deportsim.model.inputs import Inputs
from deportsim.model.network import build
from deportsim.model.stages.population import POOLS

__all__ = ["Stocks", "carry_forward"]


@dataclass(frozen=True)
class Stocks:
    """People in each stock at the end of a run's last day, national totals.

    ``pools`` by pool (:data:`~deportsim.model.stages.population.POOLS`); ``atd``: enrolled in
    alternatives to detention; ``appeal``: removal orders on appeal; ``held``: in detention,
    hold rooms, staging and transport.
    """

    pools: dict[str, float]
    atd: float
    appeal: float
    held: float

    @property
    def at_large(self) -> float:
        """Everyone in the population at risk: the pools, on ATD and on appeal."""
        return sum(self.pools.values()) + self.atd + self.appeal


def carry_forward(x: Inputs) -> Stocks:
    """The stocks at the end of the last day of a mean-field run of ``x`` (all its days)."""
    pipe = build(x)
    # where people are held (hold rooms only in a run that has any); transport's queue too
    held = [n for n in ("detention", "hold", "staging", "transport") if n in pipe.network.by_name]
    record: dict[str, tuple[str, ...]] = {
        "atd": ("occupancy",), "appeal": ("occupancy",),
        **{f"community[{pool}]": ("occupancy",) for pool in POOLS},
        **dict.fromkeys(held, ("occupancy",)),
        "transport": ("occupancy", "waiting"),
    }  # fmt: skip
    res = run_network(pipe.network, x.days, 1, MeanField(), initial=pipe.initial, settled=True,
                      record=record, record_classes=("community",))  # fmt: skip

    def last(key: str, name: str = "occupancy") -> float:
        return float(np.sum(res.series[key][name][0, -1]))

    return Stocks(
        pools={pool: last(f"community[{pool}]") for pool in POOLS},
        atd=last("atd"),
        appeal=last("appeal"),
        held=sum(last(name) for name in held) + last("transport", "waiting"),
    )
