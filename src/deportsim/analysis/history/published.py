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

from deportsim.model import SimResult
from deportsim.official import national as official
from deportsim.parameters import ParameterSet
from deportsim.run import RunConfig, execute, prepare

__all__ = ["PUBLISHED", "YEARS", "Published", "Replay", "replay"]

_ICE = "U.S. Immigration and Customs Enforcement"
_AR24 = "ICE Annual Report, Fiscal Year 2024 (Dec 2024)"
#: What the model's measures are called in ICE's workbooks (the curated national table).
_WORKBOOK_MEASURES = ("book_ins", "adp", "alos", "book_outs", "removals")

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


def _from_workbooks(year: str, measure: str) -> Published:
    """A fiscal year's national figure from the curated table of ICE's workbooks."""
    fig = next(
        f
        for f in official.read_curated()
        if (f.table, f.agency, f.category, f.period) == (measure, "all", "all", year)
    )
    unit = "days" if fig.unit == "days" else "persons"
    source = f"{_ICE}, {fig.file}, sheet {fig.sheet}, cell {fig.cell}"
    return Published(year, measure, fig.value, unit, source)


#: The published figures the model is compared with: ICE's arrests, and the rest from ICE's
#: detention statistics workbooks (FY2025's to 24 September 2025).
PUBLISHED = (
    Published("FY2024", "arrests", 113_431, "persons", f"{_ICE}, {_AR24}, ERO arrests"),
    *(_from_workbooks("FY2024", m) for m in _WORKBOOK_MEASURES),
    Published(
        "FY2025",
        "arrests",
        256_000,
        "persons",
        "Deportation Data Project (UC Berkeley, UCLA), ICE arrests 20 Jan - 15 Oct 2025, about "
        "222,000, as summarised in news coverage (Dec 2025), plus FY2024's pace (310 a day) for "
        "1 Oct 2024 - 19 Jan 2025: an estimate, ICE has published no FY2025 total",
    ),
    *(_from_workbooks("FY2025", m) for m in _WORKBOOK_MEASURES),
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
