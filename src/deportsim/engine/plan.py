"""A network as the flat arrays that the compiled daily loop reads (engine/kernels.py).

Classes are numbered across all stations, a station's classes consecutive and in priority order;
each class's age bins sit side by side in one axis; routes become legs with a target (a class, or
``-1 - sink`` for a sink) and a probability by day and region. Everything is checked and shaped
here, once, so the loop itself never fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.kernels import SERIES_INDEX, NetArrays

if TYPE_CHECKING:
    from deportsim.engine.network import Key, Network, Route

__all__ = ["Plan", "daily"]

F = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
_OVERFLOW = {"queue": 0, "lose": 1, "divert": 2}


def daily(value: float | ArrayLike, days: int, regions: int, what: str) -> F:
    """A rate or probability as an array of shape (days, regions)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full((days, regions), float(arr))
    if arr.shape == (days,):
        return np.repeat(arr[:, None], regions, axis=1)
    if arr.shape == (regions,) and days != regions:
        return np.broadcast_to(arr, (days, regions)).copy()
    if arr.shape == (days, regions):
        return arr
    raise ValueError(
        f"{what}: shape {arr.shape} fits neither (days,), (regions,) nor (days, regions)"
    )


@dataclass(frozen=True)
class Plan:
    """The flat form of a network over ``days`` days (see the module docstring)."""

    arrays: NetArrays  # what the compiled loop reads
    classes: tuple[Key, ...]  # (station, class) of each class number
    sinks: tuple[str, ...]  # sink names, by sink number
    streams: tuple[str, ...]  # names of the random streams, by stream number
    keys: tuple[str, ...]  # recorded keys: stations, then station[class] where kept
    record: tuple[str, ...]  # recorded series, in the order of the store's series axis

    @property
    def age_bins(self) -> int:
        """Age bins of all classes together."""
        return int(self.arrays.cls_ages.sum())

    @classmethod
    def build(cls, net: Network, days: int, record: Sequence[str], record_classes: bool) -> Plan:
        """Check and flatten ``net`` for a run of ``days`` days."""
        g = len(net.regions)
        classes = tuple((s.name, c) for s in net.stations for c in s.classes)
        number = {key: i for i, key in enumerate(classes)}
        st_index = {s.name: i for i, s in enumerate(net.stations)}
        sinks = tuple(dict.fromkeys((*net.sinks, "lost")))
        ages, age_off, hazard, advance, first = _stays(net)
        legs = _Legs.build(net, number, sinks, days=days, regions=g)
        captures = {key: net.captures[key[0]].routes for key in classes if key[0] in net.captures}
        cap_legs = _Legs.build(
            net, number, sinks, days=days, regions=g, routes=captures, offset=legs.target.size
        )
        arr_rate = np.zeros((len(classes), days, g))
        for key, rate in net.arrivals.items():
            arr_rate[number[key]] = daily(rate, days, g, f"arrivals {key}")
        if np.any(arr_rate < 0) or not np.all(np.isfinite(arr_rate)):
            raise ValueError("arrivals must be finite and not negative")
        streams = (
            *(f"{st}.exit.{c}" for st, c in classes),
            *(f"{st}.arrivals.{c}" for st, c in classes),
            *(f"{s.name}.first" for s in net.stations),
            *(f"{st}.route.{c}" for st, c in classes),
            *(f"{st}.age.{c}" for st, c in classes),
            *(f"{st}.capture.{c}" for st, c in classes),
            *(f"{st}.capture_route.{c}" for st, c in classes),
        )
        n_cls, n_st = len(classes), len(net.stations)
        keys = [s.name for s in net.stations]
        cls_key = [-1] * n_cls
        if record_classes:
            for i, (st, c) in enumerate(classes):
                if len(net.by_name[st].classes) > 1:
                    cls_key[i] = len(keys)
                    keys.append(f"{st}[{c}]")
        slot = np.full(len(SERIES_INDEX), -1, dtype=np.int64)
        for i, name in enumerate(record):
            slot[SERIES_INDEX[name]] = i
        arrays = NetArrays(
            cls_station=_ints(st_index[st] for st, _ in classes),
            st_k0=_ints(np.cumsum([0] + [len(s.classes) for s in net.stations])[:-1]),
            st_nk=_ints(len(s.classes) for s in net.stations),
            cls_age_off=age_off,
            cls_ages=ages,
            hazard=hazard,
            advance=advance,
            first_hazard=first,
            st_limited=np.array([s.capacity is not None for s in net.stations]),
            st_places=np.array([s.capacity_kind == "places" for s in net.stations]),
            st_pooled=np.array([s.pooled for s in net.stations]),
            cap=_capacity(net, days),
            st_overflow=_ints(_OVERFLOW[s.overflow] for s in net.stations),
            cls_divert=_ints(
                number[(s.divert_to, net.target_class(s.divert_to, c))] if s.divert_to else -1
                for s in net.stations
                for c in s.classes
            ),
            cls_has_arr=np.array([key in net.arrivals for key in classes]),
            arr_rate=arr_rate,
            cls_leg_off=legs.offset,
            cls_leg_n=legs.count,
            cls_certain=legs.certain,
            leg_target=np.concatenate([legs.target, cap_legs.target]),
            leg_prob=np.concatenate([legs.prob, cap_legs.prob]),
            exit_sink=sinks.index("exit"),
            lost_sink=sinks.index("lost"),
            cls_exit_stream=np.arange(n_cls, dtype=np.int64),
            cls_arr_stream=np.arange(n_cls, 2 * n_cls, dtype=np.int64),
            st_first_stream=np.arange(2 * n_cls, 2 * n_cls + n_st, dtype=np.int64),
            cls_route_stream=np.arange(2 * n_cls + n_st, 3 * n_cls + n_st, dtype=np.int64),
            cls_age_stream=np.arange(3 * n_cls + n_st, 4 * n_cls + n_st, dtype=np.int64),
            st_capture=np.array([s.name in net.captures for s in net.stations]),
            capture_rate=_per_station(net, days, "capacity"),
            capture_half=_per_station(net, days, "half"),
            cls_capture_weight=np.array(
                [
                    net.captures[st].weights.get(c, 1.0) if st in net.captures else 0.0
                    for st, c in classes
                ]
            ),
            cls_cap_leg_off=cap_legs.offset,
            cls_cap_leg_n=cap_legs.count,
            cls_cap_certain=cap_legs.certain,
            cls_capture_stream=np.arange(4 * n_cls + n_st, 5 * n_cls + n_st, dtype=np.int64),
            cls_cap_route_stream=np.arange(5 * n_cls + n_st, 6 * n_cls + n_st, dtype=np.int64),
            st_key=np.arange(n_st, dtype=np.int64),
            cls_key=_ints(cls_key),
            slot=slot,
        )
        return cls(arrays, classes, sinks, streams, tuple(keys), tuple(record))


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


def _per_station(net: Network, days: int, field: str) -> F:
    """A capture's ``capacity`` or ``half`` by station, day and region (zero without capture)."""
    g = len(net.regions)
    out = np.zeros((len(net.stations), days, g))
    for i, s in enumerate(net.stations):
        capture = net.captures.get(s.name)
        if capture is not None:
            out[i] = daily(getattr(capture, field), days, g, f"capture {field} at {s.name}")
    if np.any(out < 0) or not np.all(np.isfinite(out)):
        raise ValueError(f"capture {field} must be finite and not negative")
    return out


def _capacity(net: Network, days: int) -> F:
    """Capacity by station, day and region (a pooled capacity in region 0)."""
    g = len(net.regions)
    cap = np.zeros((len(net.stations), days, g))
    for i, s in enumerate(net.stations):
        by_day = s.capacity_by_day(days, g)
        if by_day is not None:
            cap[i] = by_day[:, None] if s.pooled else by_day
    return cap


@dataclass(frozen=True)
class _Legs:
    """Every class's routes as legs: offset and count per class, target and probability per leg."""

    offset: Ints
    count: Ints
    certain: Bools
    target: Ints
    prob: F

    @classmethod
    def build(
        cls,
        net: Network,
        number: Mapping[Key, int],
        sinks: Sequence[str],
        *,
        days: int,
        regions: int,
        routes: Mapping[Key, Sequence[Route]] | None = None,
        offset: int = 0,
    ) -> _Legs:
        """Check every route's probabilities and number its legs, class by class.

        ``routes`` defaults to the network's; legs are numbered from ``offset``.
        """
        table = net.routes if routes is None else routes
        starts: list[int] = []
        count: list[int] = []
        certain: list[bool] = []
        target: list[int] = []
        prob: list[F] = []
        for key in number:
            legs = table.get(key) or ()
            probs = [daily(r.probability, days, regions, f"route {key} -> {r.to}") for r in legs]
            if probs:
                stacked = np.stack(probs, axis=-1)
                if np.any(stacked < 0) or np.any(stacked.sum(axis=-1) > 1 + 1e-9):
                    raise ValueError(
                        f"routes from {key}: probabilities must be >= 0 and sum to at most 1"
                    )
            starts.append(offset + len(target))
            count.append(len(legs))
            certain.append(len(legs) == 1 and bool(np.all(probs[0] == 1.0)))
            for r in legs:
                if r.to in net.by_name:
                    target.append(number[(r.to, r.to_class or net.target_class(r.to, key[1]))])
                else:
                    target.append(-1 - list(sinks).index(r.to))
            prob.extend(probs)
        return cls(
            _ints(starts),
            _ints(count),
            np.array(certain, dtype=np.bool_),
            _ints(target),
            np.stack(prob) if prob else np.zeros((0, days, regions)),
        )
