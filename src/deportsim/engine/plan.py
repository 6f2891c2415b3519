"""A network as the flat arrays that the compiled daily loop reads (engine/kernels.py).

Classes are numbered across all stations, a station's classes consecutive and in priority order;
each class's age bins sit side by side in one axis; routes become legs with a target (a class, or
``-1 - sink`` for a sink) and a probability by day and region. Captures are numbered across all
stations too, a station's consecutive in the order they act, and each has one entry per class of
its station (weight, route legs, random streams). Values by day and region (capacities, arrival
rates, capture rates, route chances) are rows of one daily table (:mod:`deportsim.engine.table`),
stored once when they are the same every day. Everything is checked and shaped here, once, so
the loop itself never fails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.arrays import SERIES_INDEX, NetArrays
from deportsim.engine.table import DailyTable, by_day, full

if TYPE_CHECKING:
    from deportsim.engine.network import Capture, Key, Network, Route
    from deportsim.engine.station import Station

__all__ = ["ClassRecord", "Plan", "RecordSpec", "StructureError", "keeps_classes"]

#: The series to keep: the same for every key, or by key (a station, or "station[class]").
RecordSpec = Sequence[str] | Mapping[str, Sequence[str]]
#: Which series are kept class by class: all (True), none (False), or those of the stations and
#: captures (``"station.capture"``) named.
ClassRecord = bool | Collection[str]

F = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
_OVERFLOW = {"queue": 0, "lose": 1, "divert": 2}
#: Fields of :class:`NetArrays` that hold a network's structure (the others: its values).
_VALUES = {"hazard", "advance", "first_hazard", "ent_weight", "cls_certain", "ent_certain"}
_STRUCTURE = tuple(
    f for f in NetArrays._fields if f not in _VALUES and not f.startswith("day_") and f != "vstep"
)


def _all_series(record: RecordSpec) -> set[str]:
    """Every series name ``record`` asks for."""
    if isinstance(record, Mapping):
        return {name for names in record.values() for name in names}
    return set(record)


def _pairs(record: RecordSpec, keys: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The (key, series) pairs to keep, in store order; a key ``record`` names must exist."""
    if not isinstance(record, Mapping):
        return tuple((key, name) for key in keys for name in record)
    unknown = sorted(set(record) - set(keys))
    if unknown:
        raise ValueError(f"record names {unknown}, which are not kept keys of this run: {keys}")
    return tuple((key, name) for key in keys for name in dict.fromkeys(record.get(key, ())))


def keeps_classes(record_classes: ClassRecord, station: Station, capture: str = "") -> bool:
    """Whether a station's (or one of its captures') series are kept class by class as well.

    They are when ``record_classes`` is True, or names the station (for its own series) or
    ``"station.capture"`` (for that capture's), and the station has several classes.
    """
    if isinstance(record_classes, bool):
        wanted = record_classes
    else:
        name = f"{station.name}.{capture}" if capture else station.name
        wanted = name in record_classes
    return wanted and len(station.classes) > 1


class StructureError(ValueError):
    """Plans of networks whose structures differ cannot run as one (:meth:`Plan.stack`)."""


@dataclass(frozen=True)
class Plan:
    """The flat form of a network over ``days`` days (see the module docstring)."""

    arrays: NetArrays  # what the compiled loop reads
    classes: tuple[Key, ...]  # (station, class) of each class number
    sinks: tuple[str, ...]  # sink names, by sink number
    streams: tuple[str, ...]  # names of the random streams, by stream number
    keys: tuple[str, ...]  # recorded keys: stations, then station[class] where kept
    record: tuple[str, ...]  # every series recorded for at least one key
    pairs: tuple[tuple[str, str], ...]  # (key, series) of each place of the store's pair axis
    capture_keys: tuple[str, ...]  # keys of each capture's own series (State.captured)

    @property
    def age_bins(self) -> int:
        """Age bins of all classes together."""
        return int(self.arrays.cls_ages.sum())

    @classmethod
    def build(
        cls, net: Network, days: int, record: RecordSpec, record_classes: ClassRecord
    ) -> Plan:
        """Check and flatten ``net`` for a run of ``days`` days.

        ``record`` names the series kept for every key, or maps keys (a station, or
        ``station[class]``) to their own series.
        """
        g = len(net.regions)
        classes = tuple((s.name, c) for s in net.stations for c in s.classes)
        number = {key: i for i, key in enumerate(classes)}
        st_index = {s.name: i for i, s in enumerate(net.stations)}
        sinks = tuple(dict.fromkeys((*net.sinks, "lost")))
        ages, age_off, hazard, advance, first = _stays(net)
        table = DailyTable(days, g)
        cap_rows = _capacity(net, table)
        routes = [(key, net.routes.get(key) or ()) for key in classes]
        legs = _Legs.build(net, number, sinks, routes, table)
        caps = _Captures.build(
            net,
            number,
            sinks,
            table,
            leg_offset=legs.target.size,
            recorded="captured" in _all_series(record),
            record_classes=record_classes,
        )
        arr_rows = _arrivals(net, classes, table)
        day_values, day_offset, day_step = table.pack()
        streams, (exits, arrive, first_day, route, age, capture, capture_route) = _number(
            [f"{st}.exit.{c}" for st, c in classes],
            [f"{st}.arrivals.{c}" for st, c in classes],
            [f"{s.name}.first" for s in net.stations],
            [f"{st}.route.{c}" for st, c in classes],
            [f"{st}.age.{c}" for st, c in classes],
            caps.streams,
            caps.route_streams,
        )
        n_cls, n_st = len(classes), len(net.stations)
        keys = [s.name for s in net.stations]
        cls_key = [-1] * n_cls
        for i, (st, c) in enumerate(classes):
            if keeps_classes(record_classes, net.by_name[st]):
                cls_key[i] = len(keys)
                keys.append(f"{st}[{c}]")
        pairs = _pairs(record, keys)
        slot = np.full((max(len(keys), 1), len(SERIES_INDEX)), -1, dtype=np.int64)
        for i, (kept, series) in enumerate(pairs):
            slot[keys.index(kept), SERIES_INDEX[series]] = i
        # a key with no series kept is -1 in the loop, which then skips it at once
        unkept = [i for i in range(len(keys)) if (slot[i] < 0).all()]
        cls_key = [-1 if k in unkept else k for k in cls_key]
        st_key = [-1 if i in unkept else i for i in range(n_st)]
        arrays = NetArrays(
            cls_station=_ints(st_index[st] for st, _ in classes),
            st_k0=_ints(np.cumsum([0] + [len(s.classes) for s in net.stations])[:-1]),
            st_nk=_ints(len(s.classes) for s in net.stations),
            cls_age_off=age_off,
            cls_ages=ages,
            hazard=hazard[None, :],
            advance=advance[None, :],
            first_hazard=first[None, :],
            st_limited=np.array([s.capacity is not None for s in net.stations]),
            st_places=np.array([s.capacity_kind == "places" for s in net.stations]),
            st_pooled=np.array([s.pooled for s in net.stations]),
            st_share_off=_ints(
                np.cumsum([0] + [len(s.shares_places_with) for s in net.stations])[:-1]
            ),
            st_share_n=_ints(len(s.shares_places_with) for s in net.stations),
            share_station=_ints(st_index[o] for s in net.stations for o in s.shares_places_with),
            st_cap_row=cap_rows,
            st_overflow=_ints(_OVERFLOW[s.overflow] for s in net.stations),
            cls_divert=_ints(
                number[(s.divert_to, net.target_class(s.divert_to, c))] if s.divert_to else -1
                for s in net.stations
                for c in s.classes
            ),
            cls_has_arr=np.array([key in net.arrivals for key in classes]),
            cls_arr_row=arr_rows,
            cls_leg_off=legs.offset,
            cls_leg_n=legs.count,
            cls_certain=legs.certain,
            leg_target=np.concatenate([legs.target, caps.legs.target]),
            leg_row=np.concatenate([legs.row, caps.legs.row]),
            exit_sink=sinks.index("exit"),
            lost_sink=sinks.index("lost"),
            cls_exit_stream=exits,
            cls_arr_stream=arrive,
            st_first_stream=first_day,
            cls_route_stream=route,
            cls_age_stream=age,
            st_cap0=caps.st_first,
            st_ncap=caps.st_count,
            capture_rate_row=caps.rate,
            capture_half_row=caps.half,
            cap_e0=caps.first_entry,
            cap_key=caps.cap_key,
            ent_weight=caps.weight[None, :],
            ent_leg_off=caps.legs.offset,
            ent_leg_n=caps.legs.count,
            ent_certain=caps.legs.certain,
            ent_stream=capture,
            ent_route_stream=capture_route,
            ent_key=caps.ent_key,
            st_key=_ints(st_key),
            cls_key=_ints(cls_key),
            slot=slot,
            day_values=day_values,
            day_offset=day_offset[None, :],
            day_step=day_step[None, :],
            vstep=0,
        )
        recorded = tuple(dict.fromkeys(name for _, name in pairs))
        return cls(arrays, classes, sinks, streams, tuple(keys), recorded, pairs, caps.keys)

    @classmethod
    def stack(cls, plans: Sequence[Plan]) -> Plan:
        """One plan whose value rows are the plans' (one per replicate), if they differ only there.

        The plans must be of networks with the same structure (stations, classes, age bins,
        routes, captures, random streams and what is kept): only their values (stays, daily
        tables, capture weights) may differ. A class or capture entry is certain (no draw) only
        if it is in every plan; where it is not, the leg drawn with chance 1 gives the same count
        without drawing. :class:`StructureError` names the first field that differs.
        """
        first = plans[0]
        if len(plans) == 1:
            return first
        a0 = first.arrays
        for p in plans[1:]:
            if (p.classes, p.sinks, p.streams, p.keys, p.pairs, p.capture_keys) != (
                first.classes, first.sinks, first.streams, first.keys, first.pairs,
                first.capture_keys,
            ):  # fmt: skip
                raise StructureError("plans of networks of different structures cannot be stacked")
            for name in _STRUCTURE:
                if not np.array_equal(getattr(p.arrays, name), getattr(a0, name)):
                    raise StructureError(f"plans differ in {name}: they cannot be stacked")
        arrays = [p.arrays for p in plans]
        sizes = np.cumsum([0] + [a.day_values.size for a in arrays])[:-1]
        stacked = a0._replace(
            hazard=np.concatenate([a.hazard for a in arrays]),
            advance=np.concatenate([a.advance for a in arrays]),
            first_hazard=np.concatenate([a.first_hazard for a in arrays]),
            ent_weight=np.concatenate([a.ent_weight for a in arrays]),
            cls_certain=np.logical_and.reduce([a.cls_certain for a in arrays]),
            ent_certain=np.logical_and.reduce([a.ent_certain for a in arrays]),
            day_values=np.concatenate([a.day_values for a in arrays]),
            day_offset=np.concatenate(
                [a.day_offset + n for a, n in zip(arrays, sizes, strict=True)]
            ),
            day_step=np.concatenate([a.day_step for a in arrays]),
            vstep=1,
        )
        return dataclasses.replace(first, arrays=stacked)


def _number(*kinds: Sequence[str]) -> tuple[tuple[str, ...], list[Ints]]:
    """Number the random streams: every name, kind after kind, and each kind's stream numbers.

    A stream's number is its place in the list of names, so the names the generators are seeded
    from (:meth:`deportsim.engine.sampling.Sampler.states`) and the numbers the loop draws with
    come from this one list.
    """
    names: list[str] = []
    numbers: list[Ints] = []
    for kind in kinds:
        numbers.append(np.arange(len(names), len(names) + len(kind), dtype=np.int64))
        names.extend(kind)
    return tuple(names), numbers


def _ints(values: Iterable[int] | ArrayLike) -> Ints:
    """Whole numbers as an int64 array."""
    items = list(values) if isinstance(values, Iterable) else values
    return np.asarray(items, dtype=np.int64).reshape(-1)


def _stays(net: Network) -> tuple[Ints, Ints, F, F, F]:
    """Bins per class and their offsets; hazard and advance by bin; first-day hazard by class."""
    stays = [s.daily_stays[c] for s in net.stations for c in s.classes]
    bins = _ints(d.bins for d in stays)
    offsets = _ints(np.concatenate([[0], np.cumsum(bins)[:-1]]))
    hazard = np.concatenate([d.hazard for d in stays]).astype(np.float64)
    advance = np.concatenate([d.advance for d in stays]).astype(np.float64)
    return bins, offsets, hazard, advance, np.array([d.first for d in stays])


def _capacity(net: Network, table: DailyTable) -> Ints:
    """Each station's row of capacity by day and region (a pooled capacity in region 0)."""
    rows = []
    for s in net.stations:
        cap = s.capacity_by_day(table.days, table.regions)
        rows.append(
            table.add(by_day(0.0 if cap is None else cap, table.days, table.regions, s.name))
        )
    return _ints(rows)


def _arrivals(net: Network, classes: Sequence[Key], table: DailyTable) -> Ints:
    """Each class's row of expected external arrivals by day and region (none: zeros)."""
    rows = []
    for key in classes:
        rate = by_day(net.arrivals.get(key, 0.0), table.days, table.regions, f"arrivals {key}")
        if not (rate.min() >= 0 and np.isfinite(rate).all()):  # NaN fails the first
            raise ValueError("arrivals must be finite and not negative")
        rows.append(table.add(rate))
    return _ints(rows)


@dataclass(frozen=True)
class _Legs:
    """Every class's routes as legs: offset and count per class, target and chance row per leg."""

    offset: Ints
    count: Ints
    certain: Bools
    target: Ints
    row: Ints  # the leg's chance by day and region: its row of the daily table

    @classmethod
    def build(
        cls,
        net: Network,
        number: Mapping[Key, int],
        sinks: Sequence[str],
        entries: Sequence[tuple[Key, Sequence[Route]]],
        table: DailyTable,
        *,
        offset: int = 0,
    ) -> _Legs:
        """Check every entry's route probabilities and number its legs, entry by entry.

        An entry is a (station, class) and the routes its people take (after a stay, or after a
        capture); legs are numbered from ``offset``, and their chances added to ``table``.
        """
        days, regions = table.days, table.regions
        stations = net.by_name
        sink = {name: i for i, name in enumerate(sinks)}
        starts: list[int] = []
        count: list[int] = []
        certain: list[bool] = []
        target: list[int] = []
        rows: list[int] = []
        for key, legs in entries:
            probs = [by_day(r.probability, days, regions, f"route {key} -> {r.to}") for r in legs]
            if probs and not _chances(probs, days):
                raise ValueError(
                    f"routes from {key}: probabilities must be >= 0 and sum to at most 1"
                )
            starts.append(offset + len(target))
            count.append(len(legs))
            certain.append(len(legs) == 1 and bool((probs[0] == 1.0).all()))
            for r in legs:
                if r.to in stations:
                    to_class = r.to_class or net.target_class(r.to, key[1])
                    target.append(number[(r.to, to_class)])
                else:
                    target.append(-1 - sink[r.to])
            rows.extend(table.add(p) for p in probs)
        return cls(
            _ints(starts), _ints(count), np.array(certain, dtype=np.bool_), _ints(target),
            _ints(rows),
        )  # fmt: skip


def _chances(probs: Sequence[F], days: int) -> bool:
    """Whether the chances of one entry's legs are all at least 0 and add up to at most 1."""
    if any(p.ndim == 2 for p in probs):  # some vary by day
        every = np.stack([full(p, days) for p in probs])  # (legs, days, regions)
        return bool(every.min() >= 0) and bool(every.sum(axis=0).max() <= 1 + 1e-9)
    legs = np.stack(probs)  # (legs, regions)
    return bool(legs.min() >= 0) and bool(legs.sum(axis=0).max() <= 1 + 1e-9)


@dataclass(frozen=True)
class _Captures:
    """Every capture, numbered in station order, with one entry per class of its station."""

    st_first: Ints  # first capture of each station
    st_count: Ints  # captures of each station
    rate: Ints  # each capture's row of its rate by day and region in the daily table
    half: Ints  # each capture's row of its half-saturation people
    first_entry: Ints  # first entry of each capture
    weight: F  # by entry
    legs: _Legs  # by entry
    streams: tuple[str, ...]  # capture stream of each entry
    route_streams: tuple[str, ...]  # capture-route stream of each entry
    keys: tuple[str, ...]  # recorded: "station.name", then "station.name[class]" where kept
    cap_key: Ints  # key of each capture, or -1
    ent_key: Ints  # key of each entry, or -1

    @classmethod
    def build(
        cls,
        net: Network,
        number: Mapping[Key, int],
        sinks: Sequence[str],
        table: DailyTable,
        *,
        leg_offset: int,
        recorded: bool,
        record_classes: ClassRecord,
    ) -> _Captures:
        """Number the captures and their entries; legs are numbered from ``leg_offset``.

        Keys are kept only when ``recorded`` (the ``captured`` series is), class keys only with
        ``record_classes`` (:func:`keeps_classes`). Rates, half-saturation people and route
        chances are added to ``table``.
        """
        at = [(s, c) for s in net.stations for c in net.capture_lists.get(s.name, ())]
        count = _ints(len(net.capture_lists.get(s.name, ())) for s in net.stations)
        entries = [((s.name, k), c.routes) for s, c in at for k in s.classes]
        named = [_capture_streams(s.name, c.name, k) for s, c in at for k in s.classes]
        keys = [f"{s.name}.{c.name}" for s, c in at] if recorded else []
        cap_key = _ints(range(len(keys))) if recorded else np.full(len(at), -1, dtype=np.int64)
        ent_key: list[int] = []
        for s, c in at:
            kept = recorded and keeps_classes(record_classes, s, c.name)
            for k in s.classes:
                ent_key.append(len(keys) if kept else -1)
                keys += [f"{s.name}.{c.name}[{k}]"] if kept else []
        return cls(
            st_first=_ints(np.cumsum(count) - count),
            st_count=count,
            rate=_by_capture(at, "capacity", table),
            half=_by_capture(at, "half", table),
            first_entry=_ints(np.cumsum([0] + [len(s.classes) for s, _ in at])[:-1]),
            weight=np.array([c.weights.get(k, 1.0) for s, c in at for k in s.classes]),
            legs=_Legs.build(net, number, sinks, entries, table, offset=leg_offset),
            streams=tuple(n for n, _ in named),
            route_streams=tuple(n for _, n in named),
            keys=tuple(keys),
            cap_key=cap_key,
            ent_key=_ints(ent_key),
        )


def _capture_streams(station: str, name: str, cls: str) -> tuple[str, str]:
    """The capture and capture-route stream names of one class for one capture.

    The capture named ``capture`` (the default) keeps the names from before a station could have
    several captures, so its draws, and the results of networks built then, are unchanged.
    """
    tag = "" if name == "capture" else f"{name}."
    return f"{station}.capture.{tag}{cls}", f"{station}.capture_route.{tag}{cls}"


def _by_capture(at: Sequence[tuple[Station, Capture]], field: str, table: DailyTable) -> Ints:
    """Each capture's row of its ``capacity`` or ``half`` by day and region in ``table``."""
    rows = []
    for s, capture in at:
        what = f"capture {capture.name!r} {field} at {s.name}"
        out = by_day(getattr(capture, field), table.days, table.regions, what)
        if field == "half":  # infinite: searchers who never saturate
            if np.any(out < 0) or np.any(np.isnan(out)):
                raise ValueError("capture half must not be negative (infinite: no saturation)")
        elif np.any(out < 0) or not np.all(np.isfinite(out)):
            raise ValueError(f"capture {field} must be finite and not negative")
        rows.append(table.add(out))
    return _ints(rows)
