"""The day's accounts: the model's series from the stations' series, with costs and impacts.

Counts of people (arrests, book-ins, removals, ...) are read from the engine's station, class,
capture and sink series. Costs and human consequences are expected values given those counts:
unit costs times the counts, and shares of removed people (parents of US-citizen children,
workers by sector) times the removals, so their intervals reflect the variation of the counts.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import EngineResult
from deportsim.model import economy
from deportsim.model.inputs import Inputs
from deportsim.model.network import BORDER, PATHS, SEARCH_ANYONE, Pipeline, removal_share
from deportsim.model.stages.arrests import CHANNELS, officer_capacity
from deportsim.model.stages.detention import RELEASE_REASONS
from deportsim.model.stages.impacts import SECTORS
from deportsim.model.stages.population import POOLS

__all__ = [
    "COSTS", "NATIONAL_SERIES", "REGIONAL_SERIES", "REGIONAL_STORED", "economy_national",
    "factors", "regional", "regionals", "series",
]  # fmt: skip

F = NDArray[np.float64]

#: Cost components, each a daily national series in USD.
COSTS = (
    "cost_officers", "cost_arrests", "cost_detention", "cost_atd", "cost_courts",
    "cost_transport",
)  # fmt: skip
#: Daily series by region of arrest kept for every replicate, shape (replicates, days, regions).
REGIONAL_STORED = (
    "arrests_custodial", *(f"arrests_{c}" for c in CHANNELS), "book_ins_ice", "released_to_atd",
    "detained", "detained_interior", "removals", "removals_interior", "population_at_risk",
    "held_in_region", "held_elsewhere",
)  # fmt: skip
#: Regional series computed from the stored ones when asked for (:func:`regional`): sums of
#: stored series, or a stored series times a daily factor (expected values).
REGIONAL_SUMS = {
    "arrests_at_large": tuple(f"arrests_{c}" for c in CHANNELS),
    "arrests": ("arrests_custodial", *(f"arrests_{c}" for c in CHANNELS)),
}
REGIONAL_SCALED = {
    "us_citizen_children_affected": ("removals_interior", "children_per_removed"),
    "workers_removed": ("removals_interior", "employed_share"),
    **{f"workers_removed_{s}": ("removals_interior", f"workers_{s}") for s in SECTORS},
}
#: Every regional series, stored or computed; the economy's last (:mod:`deportsim.model.economy`:
#: counted from the first day kept, so the pipeline adds them once a batch's days are cut).
REGIONAL_SERIES = (*REGIONAL_STORED, *REGIONAL_SUMS, *REGIONAL_SCALED, *economy.SERIES)
#: The regional series of the pipeline itself (before the economy).
PIPELINE_REGIONAL = tuple(n for n in REGIONAL_SERIES if n not in economy.SERIES)
#: Daily national series, each of shape (replicates, days): the regional ones summed, and more.
NATIONAL_SERIES = (
    *REGIONAL_SERIES,
    "book_ins", "book_ins_cbp", "transfers", "book_outs", "book_outs_removal", "book_outs_released",
    *(f"released_{r}" for r in (*RELEASE_REASONS, "transfer")),
    "detention_capacity", "in_hold_rooms",
    "over_capacity",
    "awaiting_transport",
    "atd_enrolled", "removals_land", "removals_charter", "removals_commercial", "removal_flights",
    "voluntary_departures", "induced_departures", "court_backlog", "court_completions",
    "appeals_filed", "on_appeal",
    "relief_granted", "removed_no_conviction", "us_citizen_children_parent_detained",
    "deaths_in_custody",
    "reachable_pool", "officer_capacity", *COSTS, "cost_total",
)  # fmt: skip


def factors(x: Inputs) -> dict[str, F]:
    """Daily factors of the computed regional series (:data:`REGIONAL_SCALED`)."""
    out = {
        "children_per_removed": x.parent_share * x.children_per_parent,
        "employed_share": x.employed_share,
    }
    for sector in SECTORS:
        out[f"workers_{sector}"] = x.employed_share * x.sector_share[sector]
    return out | economy.factors(x)


def regionals(names: Iterable[str], stored: dict[str, F], daily: dict[str, F]) -> dict[str, F]:
    """Several regional series by name (:func:`regional`), the economy's bases computed once."""
    out: dict[str, F] = {}
    bases: tuple[F, F] | None = None
    for name in names:
        if name in economy.SERIES:
            if bases is None:
                bases = _economy_bases(stored, daily)
            out[name] = economy.regional(name, *bases, daily)
        else:
            out[name] = regional(name, stored, daily)
    return out


def _economy_bases(stored: dict[str, F], daily: dict[str, F]) -> tuple[F, F]:
    """Workers withdrawn and people away by region (:func:`deportsim.model.economy.away`)."""
    at_large = regional("arrests_at_large", stored, daily)
    return economy.away(stored["removals_interior"], stored["detained_interior"], at_large, daily)


def economy_national(nat: dict[str, F], stored: dict[str, F], daily: dict[str, F]) -> dict[str, F]:
    """The economy's national series (:func:`deportsim.model.economy.national`) of a run.

    Output lost is the regions' summed, each at its own value added per worker: ``stored`` is
    the run's stored regional series over the same days as ``nat`` and ``daily``.
    """
    by_region = {name: regional(name, stored, daily) for name in economy.READ}
    return economy.national(nat, daily, by_region)


def regional(name: str, stored: dict[str, F], daily: dict[str, F]) -> F:
    """A regional series (replicates, days, regions) by name, stored or computed.

    ``daily`` holds the factors of :func:`factors`: (days,), or (replicates, days) for the
    stored replicates when each replicate has its own parameters.
    """
    if name in stored:
        return stored[name]
    if name in economy.SERIES:
        return economy.regional(name, *_economy_bases(stored, daily), daily)
    if name in REGIONAL_SUMS:
        return np.asarray(np.sum([stored[n] for n in REGIONAL_SUMS[name]], axis=0), np.float64)
    base, factor = REGIONAL_SCALED[name]
    f = daily[factor]
    scale = f[:, :, None] if f.ndim == 2 else f[None, :, None]
    return np.asarray(stored[base] * scale, dtype=np.float64)


def series(x: Inputs, pipe: Pipeline, res: EngineResult) -> tuple[dict[str, F], dict[str, F]]:
    """The model's national series (but the economy's) and stored regional series of a batch."""
    s, cap, sinks = res.series, res.captures, res.sinks
    reg = _arrests(x, cap)
    border = _path(s, BORDER, "admitted")
    reg["book_ins_ice"] = s["detention"]["admitted"] - border
    hold = s["hold"] if pipe.hold_rooms else {"occupancy": 0.0 * border}
    # released for want of a bed and of a hold room
    reg["released_to_atd"] = (s["hold"] if pipe.hold_rooms else s["detention"])["refused"]
    # to be removed: in staging, waiting for a seat, or leaving today
    waiting = s["staging"]["occupancy"] + s["transport"]["waiting"] + s["transport"]["occupancy"]
    reg["detained"] = s["detention"]["occupancy"] + hold["occupancy"] + waiting
    reg["detained_interior"] = np.maximum(reg["detained"] - _path(s, BORDER, "occupancy"), 0.0)
    reg["removals"] = s["transport"]["completed"]
    reg["removals_interior"] = reg["removals"] - s[f"transport[{BORDER}]"]["completed"]
    reg["population_at_risk"] = (
        s["community"]["occupancy"] + s["atd"]["occupancy"] + s["appeal"]["occupancy"]
    )
    book_ins = s["detention"]["admitted"]
    reg["held_in_region"], reg["held_elsewhere"], transfers = _holding(x, reg["detained"], book_ins)
    daily = factors(x)
    nat = {name: _national(regional(name, reg, daily)) for name in PIPELINE_REGIONAL}
    nat["book_ins"] = _national(book_ins)
    nat["transfers"] = transfers
    nat["book_ins_cbp"] = nat["book_ins"] - nat["book_ins_ice"]
    nat["book_outs"] = _national(s["detention"]["completed"])
    _book_outs(x, s, nat)
    nat["detention_capacity"] = np.broadcast_to(x.beds, nat["book_ins"].shape).copy()
    in_beds = _national(s["detention"]["occupancy"] + waiting)
    nat["in_hold_rooms"] = _national(hold["occupancy"])
    # held beyond the beds: in hold rooms, people held before beds were cut below them (nobody is
    # evicted), and people to be removed beyond the beds (staging takes beds as it stood when the
    # day's book-ins were admitted)
    excess = np.maximum(in_beds - np.floor(nat["detention_capacity"]), 0.0)
    nat["over_capacity"] = excess + nat["in_hold_rooms"]
    nat["awaiting_transport"] = _national(waiting)
    nat["atd_enrolled"] = _national(s["atd"]["occupancy"])
    _transport(x, nat)
    nat["voluntary_departures"] = _national(sinks["departed"])
    nat["induced_departures"] = _national(cap["community.induced"])
    in_court = s["community[pending]"]["occupancy"] + s["atd"]["occupancy"]  # ATD: in court
    in_court = in_court + _path(s, "contested", "occupancy")
    nat["court_backlog"] = _national(in_court)
    nat["court_completions"] = _national(cap["community.court"])
    nat["appeals_filed"] = _national(s["appeal"]["admitted"])
    nat["on_appeal"] = _national(s["appeal"]["occupancy"])
    nat["relief_granted"] = _national(sinks["relief"])
    convicted = _national(s["transport[convicted]"]["completed"])
    border = _national(s[f"transport[{BORDER}]"]["completed"]) * x.border_convicted[None, :]
    nat["removed_no_conviction"] = nat["removals"] - convicted - border
    nat["us_citizen_children_parent_detained"] = (
        nat["book_ins_ice"] * daily["children_per_removed"][None, :]
    )
    # expected deaths: the people held (hold rooms included) times the rate a day
    nat["deaths_in_custody"] = (in_beds + nat["in_hold_rooms"]) * x.death_rate[None, :]
    findable = [x.findability[p] * s[f"community[{p}]"]["occupancy"] for p in POOLS]
    nat["reachable_pool"] = _national(np.sum(findable, axis=0))
    gross = officer_capacity(x, np.zeros(x.days))  # before the jail transfers' time
    nat["officer_capacity"] = np.broadcast_to(gross, nat["arrests"].shape)
    _costs(x, nat)
    return nat, reg


def _national(a: F) -> F:
    """Sum over regions, shape (replicates, days): faster than ``a.sum(axis=2)`` on 8 regions."""
    return np.asarray(np.einsum("rtg->rt", a), dtype=np.float64)


def _arrests(x: Inputs, cap: dict[str, F]) -> dict[str, F]:
    """Arrests by channel and region: jail transfers and the at-large channels.

    Collateral and worksite arrests are one capture (they find anyone alike), split by the
    channels' shares of the day: where the capture counted whole people (the stochastic mode),
    the collateral arrests are rounded to whole people and worksite arrests are the rest, so
    every channel and their total stay whole people.
    """
    reg = {"arrests_custodial": cap["community.custodial"]}
    for c in ("targeted", "courthouse"):
        reg[f"arrests_{c}"] = cap[f"community.{c}"]
    anyone = cap[f"community.{SEARCH_ANYONE}"]
    both = x.channel_share["collateral"] + x.channel_share["worksite"]
    part = np.divide(x.channel_share["collateral"], both, out=np.zeros_like(both), where=both > 0)
    collateral = anyone * part[None, :, None]
    collateral = np.where(anyone == np.round(anyone), np.round(collateral), collateral)
    reg["arrests_collateral"] = collateral
    reg["arrests_worksite"] = anyone - collateral
    return reg


def _holding(x: Inputs, detained: F, book_ins: F) -> tuple[F, F, F]:
    """Where people are held: in each region's facilities, and away from where they were arrested.

    Each region has the national beds times its facilities' share (``detention.facility_adp``).
    People arrested in a region are held there up to its beds; the rest are transferred to the
    regions with free beds, in proportion to their free beds, and any beyond all the free beds
    (when more people are held than there are beds) are spread in proportion to the beds.
    Returns, by replicate, day and region: people held in the region's facilities, people
    arrested in the region and held in another; and transfers a day: each region's book-ins times
    the share of its detainees held elsewhere, summed over regions.
    """
    share = x.facility_share[None, :, :]
    beds = share * x.beds[None, :, None]
    local = np.minimum(detained, beds)
    away = detained - local
    spare = beds - local
    free = spare.sum(axis=2, keepdims=True)
    moved = away.sum(axis=2, keepdims=True)
    into_free = np.minimum(moved, free)
    to_free = np.divide(spare, free, out=np.zeros_like(spare), where=free > 0)
    held = local + into_free * to_free + (moved - into_free) * share
    share_away = np.divide(away, detained, out=np.zeros_like(away), where=detained > 0)
    return held, away, _national(book_ins * share_away)


def _path(s: dict[str, dict[str, F]], path: str, name: str) -> F:
    """A detention series of one path (its class)."""
    return s[f"detention[{path}]"][name]


def _book_outs(x: Inputs, s: dict[str, dict[str, F]], nat: dict[str, F]) -> None:
    """Book-outs by reason: to be removed, or released (by bond, parole, ...), expected values.

    People leaving detention on a path are removed with that path's removal share; the others are
    released, split by ICE's shares of release reasons (transfers and other reasons the rest).
    """
    removal = np.zeros_like(nat["book_outs"])
    for path in PATHS:
        share = removal_share(x, path)[None, :]
        removal += _national(_path(s, path, "completed")) * share
    nat["book_outs_removal"] = removal
    released = nat["book_outs"] - removal
    nat["book_outs_released"] = released
    rest = np.ones_like(x.removal_share_contested)
    for reason in RELEASE_REASONS:
        nat[f"released_{reason}"] = released * x.release_share[reason][None, :]
        rest = rest - x.release_share[reason]
    nat["released_transfer"] = released * np.maximum(rest, 0.0)[None, :]


def _transport(x: Inputs, nat: dict[str, F]) -> None:
    """Removals by mode, and charter flights (charter removals over the seats filled a flight)."""
    removals = nat["removals"]
    nat["removals_land"] = removals * x.land_share
    nat["removals_commercial"] = removals * x.commercial_share
    nat["removals_charter"] = removals - nat["removals_land"] - nat["removals_commercial"]
    if np.any(x.seats_per_flight < 1):  # its bounds (removal.yaml) refuse it before a run
        raise ValueError("removal.seats_per_flight below 1 seat: flights cannot be counted")
    nat["removal_flights"] = nat["removals_charter"] / x.seats_per_flight


def _costs(x: Inputs, nat: dict[str, F]) -> None:
    """Cost components of the day, nominal USD (docs/model.md, "Costs")."""
    shape = nat["arrests"].shape
    nat["cost_officers"] = np.broadcast_to(x.officers * x.cost_officer_day, shape).copy()
    nat["cost_arrests"] = (
        nat["arrests_custodial"] * x.cost_arrest_custodial
        + nat["arrests_at_large"] * x.cost_arrest_at_large
    )
    nat["cost_detention"] = nat["detained"] * x.cost_bed_day  # occupied bed-days (GAO-18-343)
    nat["cost_atd"] = nat["atd_enrolled"] * x.cost_atd_day
    nat["cost_courts"] = np.broadcast_to(x.judges * x.cost_judge_day, shape).copy()
    nat["cost_transport"] = (
        nat["removal_flights"] * x.flight_hours * x.cost_flight_hour
        + nat["removals_land"] * x.cost_land_removal
        + nat["removals_commercial"] * x.cost_commercial_removal
    )
    nat["cost_total"] = np.sum([nat[c] for c in COSTS], axis=0)
