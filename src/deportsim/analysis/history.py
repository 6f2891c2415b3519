"""The model against published figures for FY2024 and FY2025, before any calibration.

``baseline-fy2024`` is run over fiscal year 2024 (1 Oct 2023 - 30 Sep 2024) and
``directive-2025`` over fiscal year 2025 (1 Oct 2024 - 30 Sep 2025), each from the stocks of its
first day; their totals and averages are set beside ICE's published figures
(:data:`PUBLISHED`). docs/model.md ("How close to history") shows the table and explains each
gap; ``python scripts/history_check.py`` prints it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from deportsim.api import RunConfig, execute, prepare
from deportsim.model import SimResult
from deportsim.parameters import ParameterSet

__all__ = ["PUBLISHED", "YEARS", "Published", "Replay", "replay"]

_ICE = "U.S. Immigration and Customs Enforcement"
_WB24 = "ICE Detention Statistics EOFY2024 (FY24_detentionStats.xlsx), sheet Detention FY24"
_WB25 = "ICE Detention Statistics FY2025 (FY25_detentionStats09242025.xlsx), sheet Detention FY25"
_AR24 = "ICE Annual Report, Fiscal Year 2024 (Dec 2024)"

#: Fiscal years replayed: scenario, first day, days.
YEARS = {
    "FY2024": ("baseline-fy2024", dt.date(2023, 10, 1), 366),
    "FY2025": ("directive-2025", dt.date(2024, 10, 1), 365),
}


@dataclass(frozen=True)
class Published:
    """One published figure: fiscal year, measure, value, unit and source."""

    year: str
    measure: str
    value: float
    unit: str
    source: str


#: The published figures the model is compared with.
PUBLISHED = (
    Published("FY2024", "arrests", 113_431, "persons", f"{_ICE}, {_AR24}, ERO arrests"),
    Published("FY2024", "book_ins", 277_913, "persons", f"{_ICE}, {_WB24}, initial book-ins"),
    Published("FY2024", "adp", 37_722, "persons", f"{_ICE}, {_WB24}, FY2024 ADP"),
    Published("FY2024", "alos", 46.9, "days", f"{_ICE}, {_WB24}, FY2024 ALOS"),
    Published("FY2024", "book_outs", 268_480, "persons", f"{_ICE}, {_WB24}, final book-outs"),
    Published("FY2024", "removals", 271_484, "persons", f"{_ICE}, {_WB24}, ICE removals"),
    Published(
        "FY2025",
        "arrests",
        256_000,
        "persons",
        "Deportation Data Project (UC Berkeley, UCLA), ICE arrests 20 Jan - 15 Oct 2025, about "
        "222,000, as summarised in news coverage (Dec 2025), plus FY2024's pace (310 a day) for "
        "1 Oct 2024 - 19 Jan 2025: an estimate, ICE has published no FY2025 total",
    ),
    Published("FY2025", "book_ins", 310_181, "persons", f"{_ICE}, {_WB25}, initial book-ins"),
    Published("FY2025", "adp", 48_404, "persons", f"{_ICE}, {_WB25}, FY2025 ADP"),
    Published("FY2025", "alos", 50.3, "days", f"{_ICE}, {_WB25}, FY2025 ALOS"),
    Published("FY2025", "book_outs", 284_019, "persons", f"{_ICE}, {_WB25}, final book-outs"),
    Published("FY2025", "removals", 319_980, "persons", f"{_ICE}, {_WB25}, ICE removals"),
)


@dataclass(frozen=True)
class Replay:
    """The model's figures for one fiscal year: the mean over replicates, and its spread."""

    year: str
    mean: dict[str, float]
    p05: dict[str, float]
    p95: dict[str, float]

    def gap(self, figure: Published) -> float:
        """Model mean over the published value, minus 1 (0.1: the model is 10% higher)."""
        return self.mean[figure.measure] / figure.value - 1.0


def _measures(sim: SimResult) -> dict[str, np.ndarray]:
    """Per replicate: the totals and averages that ICE publishes, over the whole run."""
    n = sim.national
    # in beds, staging for removal included: what ICE's average stay counts
    detention = n["detained"] - n["in_hold_rooms"]
    book_outs = n["book_outs"].sum(axis=1)
    return {
        "arrests": n["arrests"].sum(axis=1),
        "book_ins": n["book_ins"].sum(axis=1),
        "adp": n["detained"].mean(axis=1),
        # ALOS as ICE computes it (days in detention of those booked out, over book-outs),
        # approximated by bed-days over book-outs
        "alos": detention.sum(axis=1) / np.maximum(book_outs, 1.0),
        "book_outs": book_outs,
        "removals": n["removals"].sum(axis=1),
    }


def replay(
    year: str, replicates: int = 20, seed: int = 0, params: ParameterSet | None = None
) -> Replay:
    """Run the scenario of fiscal year ``year`` (:data:`YEARS`) and measure it as ICE does."""
    scenario, start, days = YEARS[year]
    cfg = RunConfig(scenario, replicates=replicates, seed=seed, years=days / 365.25, start=start)
    sim = execute(prepare(cfg, params)).sim
    measures = _measures(sim)
    return Replay(
        year,
        {k: float(v.mean()) for k, v in measures.items()},
        {k: float(np.quantile(v, 0.05)) for k, v in measures.items()},
        {k: float(np.quantile(v, 0.95)) for k, v in measures.items()},
    )
