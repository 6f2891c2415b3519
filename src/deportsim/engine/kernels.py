"""The compiled daily loop: every station of a network, day after day, replicate by replicate.

Profiling the engine written with NumPy array calls showed that a day cost about 60 small calls
whatever the number of replicates, and that NumPy's binomial sampler and its temporary arrays took
most of the rest (docs/performance.md). This loop runs the same steps one replicate at a time in
compiled code (Numba): it skips empty cells without drawing, draws from one small generator per
(stream, replicate) (:mod:`deportsim.engine.rng`), and stops a replicate's admission rounds as
soon as nothing is left to do. :mod:`deportsim.engine.plan` turns a network into the arrays of
:class:`~deportsim.engine.arrays.NetArrays`; :func:`deportsim.engine.runs.simulate` calls
:func:`run_days` over chunks of days and ranges of replicates. :func:`run_days` states the order
of the steps within a day, for the whole engine.

Indices: stations ``s``, classes ``k`` (numbered across all stations; a station's classes are
consecutive, in priority order; ``j`` is a class's place within its station), regions ``g``,
replicates ``r``, days ``t``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from deportsim.engine.arrays import Mode, NetArrays, Scratch, State
from deportsim.engine.rng import binomial, inline, poisson

__all__ = ["jit", "run_days", "share"]

Floats = NDArray[np.float64]
T = TypeVar("T", bound=Callable[..., Any])

_ARR, _ADM, _DONE, _REF, _OCC, _WAIT, _CAP = 0, 1, 2, 3, 4, 5, 6
_QUEUE, _DIVERT = 0, 2  # overflow policies (1 is "lose")


def jit(fn: T) -> T:
    """Compile ``fn`` with Numba (cached on disk), keeping its Python signature for type checks."""
    return cast(T, numba.njit(cache=True, nogil=True)(fn))


def _jit_no_refcounts(fn: T) -> T:
    """Compile ``fn`` like :func:`jit`, without reference counting of arrays.

    Every array the loop touches is owned by the caller, so counting references to them is
    pure cost: with it, each field read from a named tuple of arrays is counted in and out, and
    the loop ran five times slower. Such a function cannot create arrays.
    """
    # error_model="numpy": a division by zero gives inf instead of raising, so no check is
    # compiled into every division (the loop guards its divisions itself)
    options: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False}
    options["error_model"] = "numpy"
    return cast(T, numba.njit(**options)(fn))


@_jit_no_refcounts
def run_days(
    t0: int, t1: int, r0: int, r1: int, net: NetArrays, mode: Mode, st: State, day: Scratch
) -> None:
    """Advance replicates ``r0 .. r1 - 1`` through days ``t0 .. t1 - 1``, changing ``st``.

    Replicates never share a cell of any array, so disjoint replicate ranges can run at the same
    time on several threads (the loop releases the GIL).

    This is the engine's step order, the one place it is written. A day starts with the people
    routed the day before to the station they were in or to an earlier one; then, for each
    station in the network's order:

    1. exits: occupants leave at the hazard of their age bin, and those who stay age by one day
       (moving on to the next bin with its ``advance`` chance). Then, at a station with
       searchers (:class:`~deportsim.engine.network.Capture`), each capture in the order listed
       takes some of the people present: each counts its ``N`` again among the people the
       earlier ones left (the first capture has the first pick), and the people it takes follow
       the capture's routes at once, as in step 3;
    2. candidates (the queue, people routed in, and external Poisson arrivals) are admitted into
       free capacity by class priority. Free capacity is the places not taken by the people
       present, nor by the occupants and queues of the stations it shares its places with
       (``places``), or the starts left today (``starts``). People admitted may leave the same
       day (stays shorter than a day), and at a ``places`` station the places they free are
       offered again to those still waiting (at most ``mode.max_rounds`` rounds);
    3. everyone who left (exits and same-day leavers) follows their routes, a multinomial split
       drawn as sequential binomials: to a later station the same day, to the same or an
       earlier station the next day, or to a sink (the chance left over goes to ``exit``);
    4. people refused wait in the queue, are lost (sink ``lost``), or are diverted, as the
       station's overflow policy says;
    5. the station's people present and waiting are recorded (stocks, averaged over the days of
       a recorded step; flows are summed over them).
    """
    for r in range(r0, r1):  # each replicate's results are written one after the other
        v = r * net.vstep  # the replicate's row of the network's values (0: shared by all)
        for t in range(t0, t1):
            step = t // mode.period  # the recorded step; stocks are averaged over its days
            weight = 1.0 / min(mode.period, mode.days - step * mode.period)
            _carry(st.tomorrow, day.today, r, True)
            for s in range(net.st_k0.size):
                _exits(net, mode, st, day, s, r, v)
                for c in range(net.st_cap0[s], net.st_cap0[s] + net.st_ncap[s]):
                    _capture(net, mode, st, day, s, c, r, v, t, step)
                _candidates(net, mode, st, day, s, r, v, t, step)
                _free(net, mode, st, day, s, r, v, t)
                _admit(net, mode, st, day, s, r, v)
                _leave(net, mode, st, day, s, r, v, t, step)
                _stocks(net, st, day, s, r, step, weight)
            _carry(st.tomorrow, day.today, r, False)  # routed here today but not taken: none


@inline
def daily_value(net: NetArrays, v: int, row: int, t: int, g: int) -> float:
    """Row ``row`` of values row ``v``'s daily table on day ``t``, region ``g`` (see table.py)."""
    return float(net.day_values[net.day_offset[v, row] + t * net.day_step[v, row] + g])


@inline
def _carry(tomorrow: Floats, today: Floats, r: int, start: bool) -> None:
    """Start of a day: ``tomorrow[r]`` becomes ``today``; end: what is left goes back.

    People routed to a later station are taken there the same day, so nothing is expected to be
    left at the end of a day.
    """
    for g in range(today.shape[0]):
        for k in range(today.shape[1]):
            if start:
                today[g, k] = tomorrow[r, g, k]
                tomorrow[r, g, k] = 0.0
            else:
                tomorrow[r, g, k] += today[g, k]
                today[g, k] = 0.0


@inline
def _record(
    net: NetArrays, st: State, series: int, key: int, step: int, r: int, g: int, x: float
) -> None:
    """Add ``x`` to a recorded series of one key in one step; unrecorded: nothing."""
    if key >= 0:
        i = net.slot[key, series]
        if i >= 0:
            st.store[r, step, i, g] += x


@inline
def _send(
    net: NetArrays, st: State, day: Scratch, target: int, x: float, s: int, r: int, g: int,
    step: int,
) -> None:  # fmt: skip
    """Move ``x`` people to class ``target``, or to sink ``-1 - target`` if it is negative.

    A class whose station comes later in the order takes them today, any other tomorrow.
    """
    if target < 0:
        st.sinks[r, step, -1 - target, g] += x
    elif net.cls_station[target] > s:
        day.today[g, target] += x
    else:
        st.tomorrow[r, g, target] += x


@inline
def _exits(net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, r: int, v: int) -> None:
    """Step 1: leavers by age bin (into ``done``), ageing, and the people still present."""
    for j in range(net.st_nk[s]):
        k = net.st_k0[s] + j
        off, ages, stream = net.cls_age_off[k], net.cls_ages[k], net.cls_exit_stream[k]
        for g in range(st.occ.shape[1]):
            left = 0.0
            stay = 0.0
            for a in range(off, off + ages):
                x = st.occ[r, g, a]
                if x > 0.0:
                    d = binomial(st.rng, stream, r, x, net.hazard[v, a], mode.stochastic,
                                 mode.exact_below)  # fmt: skip
                    x -= d
                    st.occ[r, g, a] = x
                    left += d
                    stay += x
            # ageing: those who stay move on to the next bin (all of them from a one-day bin);
            # from the oldest down, so nobody moves twice; the last bin keeps everyone older
            for a in range(off + ages - 2, off - 1, -1):
                x = st.occ[r, g, a]
                if x > 0.0:
                    if net.advance[v, a] < 1.0:
                        x = binomial(st.rng, net.cls_age_stream[k], r, x, net.advance[v, a],
                                     mode.stochastic, mode.exact_below)  # fmt: skip
                    st.occ[r, g, a] -= x
                    st.occ[r, g, a + 1] += x
            day.done[j, g] = left
            day.present[j, g] = stay


@inline
def _candidates(
    net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, r: int, v: int, t: int,
    step: int,
) -> None:  # fmt: skip
    """Step 2a: the queue plus people routed in plus external (Poisson) arrivals, into ``want``."""
    for j in range(net.st_nk[s]):
        k = net.st_k0[s] + j
        for g in range(st.occ.shape[1]):
            came = day.today[g, k]
            day.today[g, k] = 0.0
            if net.cls_has_arr[k]:
                lam = daily_value(net, v, net.cls_arr_row[k], t, g)
                x = poisson(st.rng, net.cls_arr_stream[k], r, lam, mode.stochastic,
                            mode.exact_below)  # fmt: skip
                came += x
                st.external[r] += x
            _record(net, st, _ARR, net.st_key[s], step, r, g, came)
            _record(net, st, _ARR, net.cls_key[k], step, r, g, came)
            day.want[j, g] = st.queue[r, g, k] + came
            day.admitted[j, g] = 0.0
            day.same_day[j, g] = 0.0


@inline
def _free(
    net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, r: int, v: int, t: int
) -> None:
    """Step 2b: free places (capacity less people present) or starts left, into ``free``.

    At a station that shares its places with others, their occupants and queues, as they are
    now, take places too.
    """
    if not net.st_limited[s]:
        return
    regions = day.free.size
    pooled = net.st_pooled[s]
    for pool in range(1 if pooled else regions):
        room = daily_value(net, v, net.st_cap_row[s], t, pool)
        if net.st_places[s]:
            used = 0.0
            g0, g1 = (0, regions) if pooled else (pool, pool + 1)
            for j in range(net.st_nk[s]):
                for g in range(g0, g1):
                    used += day.present[j, g]
            for i in range(net.st_share_off[s], net.st_share_off[s] + net.st_share_n[s]):
                used += _held(net, st, net.share_station[i], r, g0, g1)
            room = max(room - used, 0.0)
        day.free[pool] = math.floor(room) if mode.stochastic else room


@inline
def _held(net: NetArrays, st: State, o: int, r: int, g0: int, g1: int) -> float:
    """People in station ``o`` (present and queued) in regions ``g0 .. g1 - 1``, as they are now."""
    held = 0.0
    for k in range(net.st_k0[o], net.st_k0[o] + net.st_nk[o]):
        a0 = net.cls_age_off[k]
        for g in range(g0, g1):
            held += st.queue[r, g, k]
            for a in range(a0, a0 + net.cls_ages[k]):
                held += st.occ[r, g, a]
    return held


def _share(
    want: Floats, row: int, lo: int, width: int, free: float, stochastic: bool, take: Floats,
    rem: Floats,
) -> None:  # fmt: skip
    """Split ``min(free, sum(w))`` over regions in proportion to ``w = want[row, lo:lo+width]``.

    The shares go to ``take[:width]``. No region gets more than it wants; in the stochastic mode,
    whole people by largest remainder (ties to the lower region index). ``rem`` is scratch space.
    """
    wsum = 0.0
    for j in range(width):
        wsum += want[row, lo + j]
    if wsum <= 0.0 or free >= wsum:  # nobody waits, or there is room for everyone
        for j in range(width):
            take[j] = max(want[row, lo + j], 0.0)
        return
    total = max(free, 0.0)
    if width == 1:
        take[0] = total
        return
    scale = total / wsum
    placed = 0.0
    for j in range(width):
        exact = want[row, lo + j] * scale
        base = math.floor(exact + 1e-9) if stochastic else exact
        take[j] = min(base, want[row, lo + j])
        rem[j] = exact - base
        placed += base
    if not stochastic:
        return
    for _ in range(math.floor(total - placed + 0.5)):  # the largest remainders get one more
        best = -1
        for j in range(width):
            if rem[j] > -1.0 and (best < 0 or rem[j] > rem[best]):
                best = j
        if best < 0:
            break
        rem[best] = -2.0  # ranked: not again
        if take[best] < want[row, lo + best]:
            take[best] += 1.0


#: :func:`_share` compiled on its own, for Python callers and tests.
share = jit(_share)
_share_inline = inline(_share)


@inline
def _admit(net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, r: int, v: int) -> None:
    """Step 2c: admissions by class priority, with same-day leavers and refills.

    ``want`` is left holding the people refused. Each person admitted leaves the same day with
    the class's first-day chance; at a ``places`` station the places they free are offered again
    to those still waiting, until no place is freed, nobody waits, or ``max_rounds`` rounds.
    """
    regions = day.free.size
    limited, pooled = net.st_limited[s], net.st_pooled[s]
    width = regions if pooled else 1
    rounds = mode.max_rounds if (limited and net.st_places[s]) else 1
    stream = net.st_first_stream[s]
    for pool in range(1 if pooled else regions):
        lo = 0 if pooled else pool
        room = day.free[pool]
        for _ in range(rounds):
            freed = 0.0
            waiting = 0.0
            for j in range(net.st_nk[s]):
                if limited:
                    _share_inline(day.want, j, lo, width, room, mode.stochastic, day.take, day.rem)
                else:
                    for i in range(width):
                        day.take[i] = day.want[j, lo + i]
                h = net.first_hazard[v, net.st_k0[s] + j]
                for i in range(width):
                    n = day.take[i]
                    if n > 0.0:
                        leave = binomial(st.rng, stream, r, n, h, mode.stochastic,
                                         mode.exact_below)  # fmt: skip
                        day.admitted[j, lo + i] += n
                        day.same_day[j, lo + i] += leave
                        day.want[j, lo + i] -= n
                        room -= n
                        freed += leave
                    waiting += day.want[j, lo + i]
            if freed <= 1e-6 or waiting <= 0.0:
                break
            room = freed  # places left today, for whoever still waits


@inline
def _leave(
    net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, r: int, v: int, t: int,
    step: int,
) -> None:  # fmt: skip
    """Steps 3 and 4: admissions recorded, leavers routed, refused people queued, lost, diverted."""
    for j in range(net.st_nk[s]):
        k = net.st_k0[s] + j
        for g in range(st.occ.shape[1]):
            stayed = day.admitted[j, g] - day.same_day[j, g]
            st.occ[r, g, net.cls_age_off[k]] += stayed
            day.present[j, g] += stayed
            left = day.done[j, g] + day.same_day[j, g]
            a = day.admitted[j, g]
            _record(net, st, _ADM, net.st_key[s], step, r, g, a)
            _record(net, st, _ADM, net.cls_key[k], step, r, g, a)
            _record(net, st, _DONE, net.st_key[s], step, r, g, left)
            _record(net, st, _DONE, net.cls_key[k], step, r, g, left)
            _route(net, mode, st, day, k, left, s, r, v, g, t, step)
            refused = day.want[j, g]
            if net.st_overflow[s] == _QUEUE:
                st.queue[r, g, k] = refused
                continue
            st.queue[r, g, k] = 0.0
            _record(net, st, _REF, net.st_key[s], step, r, g, refused)
            _record(net, st, _REF, net.cls_key[k], step, r, g, refused)
            if net.st_overflow[s] == _DIVERT:
                _send(net, st, day, net.cls_divert[k], refused, s, r, g, step)
            else:
                st.sinks[r, step, net.lost_sink, g] += refused


@inline
def _route(
    net: NetArrays, mode: Mode, st: State, day: Scratch, k: int, left: float, s: int, r: int,
    v: int, g: int, t: int, step: int,
) -> None:  # fmt: skip
    """Split the people who left class ``k`` over its route legs (sequential binomials)."""
    _legs(net, mode, st, day, net.cls_leg_off[k], net.cls_leg_n[k], net.cls_certain[k],
          net.cls_route_stream[k], left, s, r, v, g, t, step)  # fmt: skip


@inline
def _legs(
    net: NetArrays, mode: Mode, st: State, day: Scratch, l0: int, n_legs: int, certain: bool,
    stream: int, people: float, s: int, r: int, v: int, g: int, t: int, step: int,
) -> None:  # fmt: skip
    """Send ``people`` over legs ``l0 ..`` (sequential binomials); the rest go to ``exit``."""
    moved = 0.0
    if n_legs > 0 and people > 0.0:
        if certain:
            moved = people
            _send(net, st, day, net.leg_target[l0], people, s, r, g, step)
        else:
            rest, mass = people, 1.0
            for leg in range(l0, l0 + n_legs):
                pj = daily_value(net, v, net.leg_row[leg], t, g)
                q = pj / mass if mass > 1e-15 else 0.0
                x = binomial(st.rng, stream, r, rest, q, mode.stochastic, mode.exact_below)
                _send(net, st, day, net.leg_target[leg], x, s, r, g, step)
                rest -= x
                moved += x
                mass -= pj
    st.sinks[r, step, net.exit_sink, g] += people - moved


@inline
def _capture(
    net: NetArrays, mode: Mode, st: State, day: Scratch, s: int, c: int, r: int, v: int, t: int,
    step: int,
) -> None:  # fmt: skip
    """Step 1b: capture ``c`` takes some of the people present, fewer as they grow scarce.

    In each region each person of class ``k`` is captured with chance
    ``weight[k] · rate / (N + half)`` (at most 1), ``N`` the people present counted by weight,
    or ``weight[k] · rate`` when ``half`` is infinite (searchers who never saturate); those
    captured leave the station and follow the capture's routes. ``N`` is counted from
    ``present`` when the capture acts, so a later capture of the station sees only the people
    the earlier ones left.
    """
    k0, e0 = net.st_k0[s], net.cap_e0[c]
    for g in range(st.occ.shape[1]):
        rate = daily_value(net, v, net.capture_rate_row[c], t, g)
        half = daily_value(net, v, net.capture_half_row[c], t, g)
        found = 0.0
        for j in range(net.st_nk[s]):
            found += net.ent_weight[v, e0 + j] * day.present[j, g]
        if rate <= 0.0 or found <= 0.0:
            continue
        per_person = rate if math.isinf(half) else rate / (found + half)
        for j in range(net.st_nk[s]):
            k, e = k0 + j, e0 + j
            p = min(net.ent_weight[v, e] * per_person, 1.0)
            if p <= 0.0:
                continue  # a class this capture never takes: nothing to draw or record
            taken = 0.0
            for a in range(net.cls_age_off[k], net.cls_age_off[k] + net.cls_ages[k]):
                x = st.occ[r, g, a]
                if x > 0.0:
                    n = binomial(st.rng, net.ent_stream[e], r, x, p, mode.stochastic,
                                 mode.exact_below)  # fmt: skip
                    st.occ[r, g, a] = x - n
                    taken += n
            day.present[j, g] -= taken
            _record(net, st, _CAP, net.st_key[s], step, r, g, taken)
            _record(net, st, _CAP, net.cls_key[k], step, r, g, taken)
            _record_capture(st, net.cap_key[c], step, r, g, taken)
            _record_capture(st, net.ent_key[e], step, r, g, taken)
            _legs(net, mode, st, day, net.ent_leg_off[e], net.ent_leg_n[e], net.ent_certain[e],
                  net.ent_route_stream[e], taken, s, r, v, g, t, step)  # fmt: skip


@inline
def _record_capture(st: State, key: int, step: int, r: int, g: int, x: float) -> None:
    """Add ``x`` to one capture's own series (or one class's share of it); key -1: not kept."""
    if key >= 0:
        st.captured[r, step, key, g] += x


@inline
def _stocks(net: NetArrays, st: State, day: Scratch, s: int, r: int, step: int, w: float) -> None:
    """End of the station's day: people present and waiting, by station and by class.

    Each day adds ``w`` (one over the days of its step) times its count, so a step holds the
    average of its end-of-day counts.
    """
    for g in range(st.occ.shape[1]):
        occ_all = 0.0
        wait_all = 0.0
        for j in range(net.st_nk[s]):
            k = net.st_k0[s] + j
            occ_all += day.present[j, g]
            wait_all += st.queue[r, g, k]
            _record(net, st, _OCC, net.cls_key[k], step, r, g, w * day.present[j, g])
            _record(net, st, _WAIT, net.cls_key[k], step, r, g, w * st.queue[r, g, k])
        _record(net, st, _OCC, net.st_key[s], step, r, g, w * occ_all)
        _record(net, st, _WAIT, net.st_key[s], step, r, g, w * wait_all)
