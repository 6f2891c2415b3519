"""The arrays the compiled daily loop reads and writes (:mod:`deportsim.engine.kernels`).

:class:`NetArrays` is a network in flat form (built by :class:`deportsim.engine.plan.Plan`),
:class:`Mode` how counts are drawn and results kept, :class:`State` what a run carries from day to
day and writes, and :class:`Scratch` one thread's working space. Indices are those of the loop's
module docstring.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = ["SERIES_INDEX", "Mode", "NetArrays", "Scratch", "State"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

#: Position of each series in :attr:`NetArrays.slot` (see :data:`deportsim.engine.SERIES`).
SERIES_INDEX = {"arrivals": 0, "admitted": 1, "completed": 2, "refused": 3, "occupancy": 4}
SERIES_INDEX["waiting"] = 5
SERIES_INDEX["captured"] = 6


class NetArrays(NamedTuple):
    """A network as arrays (built by :class:`deportsim.engine.plan.Plan`)."""

    cls_station: Ints  # station of each class
    st_k0: Ints  # first class of each station
    st_nk: Ints  # number of classes of each station
    cls_age_off: Ints  # first age bin of each class in the state's age axis
    cls_ages: Ints  # age bins of each class (the last is the tail)
    # values that may differ from replicate to replicate (parameters drawn for each) have a first
    # axis of value rows: row ``r * vstep`` is replicate ``r``'s (one row shared by all: 0)
    hazard: Floats  # (value rows, age bins): chance of leaving during the next day
    advance: Floats  # (value rows, age bins): chance that those who stay move on to the next bin
    first_hazard: Floats  # (value rows, classes): chance of leaving on the day of admission
    st_limited: Bools  # the station has a capacity
    st_places: Bools  # capacity in places (else in starts a day)
    st_pooled: Bools  # one capacity for all regions (kept in region 0 of its row)
    st_share_off: Ints  # first entry in ``share_station`` of each station
    st_share_n: Ints  # number of stations whose occupants and queues take this one's places
    share_station: Ints  # those stations
    st_cap_row: Ints  # capacity by day and region: its row of the daily table
    st_overflow: Ints  # 0 queue, 1 lose, 2 divert
    cls_divert: Ints  # class that takes diverted people, or -1
    cls_has_arr: Bools  # the class has external arrivals
    cls_arr_row: Ints  # expected external arrivals by day and region: its row
    cls_leg_off: Ints  # first route leg of each class
    cls_leg_n: Ints  # number of route legs of each class
    cls_certain: Bools  # one leg taken by everyone, every day, in every value row: no draw
    leg_target: Ints  # a class, or -1 - sink
    leg_row: Ints  # the leg's chance by day and region: its row
    exit_sink: int  # sink of people whose routes send them nowhere
    lost_sink: int  # sink of people refused by a station that loses them
    cls_exit_stream: Ints  # random stream of each decision, by class or station
    cls_age_stream: Ints
    cls_arr_stream: Ints
    st_first_stream: Ints
    cls_route_stream: Ints
    # captures ``c`` are numbered across all stations, a station's consecutive in the order they
    # act; each has one entry ``e`` per class of its station: ``cap_e0[c] + j`` for class ``j``
    st_cap0: Ints  # first capture of each station
    st_ncap: Ints  # number of captures of each station
    capture_rate_row: Ints  # captures a day when people are plentiful (by day and region): row
    capture_half_row: Ints  # people present when captures are half that: row
    # (infinite: no saturation, the rate is a chance per person)
    cap_e0: Ints  # first entry of each capture
    cap_key: Ints  # key of each capture in ``State.captured``, or -1 when not kept
    ent_weight: Floats  # (value rows, entries): how easy the entry's class is to find
    ent_leg_off: Ints  # first route leg of the entry's captured people
    ent_leg_n: Ints
    ent_certain: Bools
    ent_stream: Ints
    ent_route_stream: Ints
    ent_key: Ints  # key of the entry in ``State.captured``, or -1 when not kept
    st_key: Ints  # result key of each station, or -1 when none of its series is kept
    cls_key: Ints  # result key of each class, or -1 when not kept
    slot: Ints  # (keys, SERIES_INDEX): place of each key's series in the store, or -1
    # the daily tables (deportsim.engine.table), one per value row ``v``: row ``i``'s value on
    # day ``t`` in region ``g`` is ``day_values[day_offset[v, i] + t * day_step[v, i] + g]``
    day_values: Floats
    day_offset: Ints  # (value rows, table rows)
    day_step: Ints  # (value rows, table rows)
    vstep: int  # 1: a value row per replicate; 0: one row for all


class Mode(NamedTuple):
    """How counts are drawn (:mod:`deportsim.engine.sampling`), and how results are kept."""

    stochastic: bool
    exact_below: float
    max_rounds: int  # at most this many same-day refill rounds at a ``places`` station
    days: int  # days in the run
    period: int  # days per recorded step: flows are summed over a step, stocks averaged


class State(NamedTuple):
    """What a run carries from day to day, and what it writes."""

    occ: Floats  # (replicates, regions, age bins of all classes)
    queue: Floats  # (replicates, regions, classes)
    tomorrow: Floats  # (replicates, regions, classes): routed, to arrive the next day
    rng: NDArray[np.uint64]  # (streams, replicates, 4) generator states
    external: Floats  # (replicates,) external arrivals so far
    # results, replicate-major so that one replicate's day is written in one place
    store: Floats  # (replicates, steps, recorded (key, series) pairs, regions)
    sinks: Floats  # (replicates, steps, sinks, regions)
    captured: Floats  # (replicates, steps, capture keys, regions): each capture's own count


class Scratch(NamedTuple):
    """Scratch space for one replicate's day at one station: one per thread (:meth:`make`)."""

    today: Floats  # (regions, classes): routed to a later station today
    done: Floats  # (classes of the station, regions): people who left
    present: Floats  # people present
    want: Floats  # candidates, then people refused
    admitted: Floats
    same_day: Floats
    free: Floats  # (regions,): free capacity (pooled: element 0)
    take: Floats
    rem: Floats

    @classmethod
    def make(cls, regions: int, classes: int, most_classes: int) -> Scratch:
        """Zeroed scratch space for a network's sizes."""
        by_class = (max(most_classes, 1), regions)
        return cls(
            np.zeros((regions, classes)), *(np.zeros(by_class) for _ in range(5)),
            *(np.zeros(regions) for _ in range(3)),
        )  # fmt: skip
