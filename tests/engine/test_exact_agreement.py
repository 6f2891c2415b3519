"""The daily engine against an exact event-by-event simulator, on four small networks.

The reference (``reference_sim.py``) simulates the same networks in continuous time with SimPy:
Poisson arrivals, first come first served, one place per person for their whole stay, stays drawn
from the same :class:`~deportsim.engine.Delay`. Both start empty; statistics cover the days after a
warm-up. Per station we compare:

* throughput (completions per day) and time-average occupancy (the engine's end-of-day counts
  averaged over days, against the reference's time integral);
* the mean number waiting, where a station queues;
* people lost, at a loss station;
* the distribution of end-of-day occupancy: a two-sample Kolmogorov-Smirnov (KS) statistic on the
  day-end counts of every 20th day after the warm-up, pooled over replicates.

**Tolerances.** A difference of means is judged against its standard error (SE),
``sqrt(se_engine² + se_reference²)``, each from the replicate-to-replicate standard deviation.
The KS statistic is judged against its 99.9% critical value ``1.95·sqrt(1/n + 1/m)`` with ``n``
and ``m`` *effective* sample sizes: thinned day-end counts of one replicate are still correlated,
so each size is shrunk by ``(1 - ρ)/(1 + ρ)``, ρ the lag-one autocorrelation of the thinned counts
(measured in the test; 0.0-0.27 here).

**Measured biases** (``BIAS`` below). Where the daily step is biased, the bias was first measured
with 10 times more replicates (engine 4000, reference 1500; same networks, other seeds) and the
assertion allows 3 SE of this test plus that bias and 3 of its own SE, as a share of the exact value
(for KS: the critical value plus the KS distance measured in the large run). Quantities not in
``BIAS`` were within 1.5 SE of exact in the large runs, and must be within 3 SE here; their KS
distances were below half the critical value. Run with 5 other pairs of seeds (145 assertions),
one went over its bound: C ``c`` occupancy at 3.2 SE, in a run where every throughput of network C
was low (a chance draw; 10 more seeds of C gave at most 2.8 SE). The next largest was 0.90 of its
bound (the starts station's queue, whose bound is mostly its bias). Two differences remain:

* *daily admission* (docs/engine.md): all of a day's arrivals compete for all the places freed that
  day, including places left that same day by people admitted that day, where in continuous time
  someone who finds every place busy is lost even if a place frees an hour later. So a loss station
  (mean stay 8 days here) loses 12% fewer people than Erlang B, serves and holds 1.9% more, and is
  full at twice as many day ends (25.6% against 12.8%);
* a *starts* station (servers with short services) is not a multi-server queue in the engine: it
  admits up to ``servers / mean service`` people a day and keeps the rest waiting to the next day.
  Its throughput and occupancy are exact; its end-of-day occupancy is not capped at the number of
  servers (above 3 at 14% of day ends, with 3 servers), and its queue (the day's leftovers) is 79%
  shorter than the M/G/c queue.

*Same-day turnover* is no longer a difference: places left by people whose stay ends on their first
day are offered again the same day (``REFILL_ROUNDS`` in ``deportsim.engine.runs``). Before
that, such places stayed empty at day ends while people waited (at 75% of the day ends with a
queue at station ``a`` of network D), and the large runs had queues +20% (C ``a``), +60% (C ``b``),
+205% (C ``c``) and +70% (D ``a``) longer than exact. Now those queues are within 1 SE of exact
(+0.1% to +3.4%, SE 3-4%), and no day end has a free place while people wait.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from deportsim.engine import (
    Delay,
    EngineResult,
    Network,
    Route,
    Station,
    Stochastic,
    Streams,
    simulate,
)

from .reference_sim import RefNetwork, RefResult, RefStation, simulate_reference

F = NDArray[np.float64]

THIN = 20  # keep every 20th day end for the KS comparison
KS_C = math.sqrt(-math.log(0.001 / 2) / 2)  # 1.95: two-sample KS, 99.9% (asymptotic)


@dataclass(frozen=True)
class Case:
    """One network, written for both simulators, and how long and how often to run it."""

    engine: Network
    reference: RefNetwork
    days: int
    warmup: int
    seed: int
    engine_replicates: int = 400
    reference_replicates: int = 150


def _single(
    stay: Delay, servers: int, rate: float, overflow: Literal["queue", "lose"], seed: int
) -> Case:
    station = Station("s", stay, capacity=servers, overflow=overflow)
    return Case(
        Network([station], arrivals={("s", "all"): rate}),
        RefNetwork([RefStation("s", stay, servers, overflow)], arrivals={"s": rate}),
        days=400,
        warmup=100,
        seed=seed,
    )


def _network_c() -> Case:
    sa, sb, sc = Delay.lognormal(4.0, 1.2), Delay.gamma(6.0, 1.5), Delay.lognormal(2.0, 2.0)
    return Case(
        Network(
            [
                Station("a", sa, capacity=28),  # load 24: 86%
                Station("b", sb, capacity=25),  # 6 x 0.6 = 3.6 a day, load 21.6: 86%
                Station("c", sc, capacity=8),  # 6 x 0.25 + 3.6 x 0.5 = 3.3 a day, load 6.6: 83%
            ],
            arrivals={("a", "all"): 6.0},
            routes={
                ("a", "all"): [Route("b", 0.6), Route("c", 0.25)],
                ("b", "all"): [Route("c", 0.5)],
            },
        ),
        RefNetwork(
            [RefStation("a", sa, 28), RefStation("b", sb, 25), RefStation("c", sc, 8)],
            arrivals={"a": 6.0},
            routes={"a": [("b", 0.6), ("c", 0.25)], "b": [("c", 0.5)]},
        ),
        days=300,
        warmup=60,
        seed=303,
        reference_replicates=120,
    )


def _tandem_d() -> Case:
    sa, sb, servers = Delay.gamma(5.0, 1.2), Delay.lognormal(0.25, 1.0), 3
    return Case(
        Network(
            [
                Station("a", sa, capacity=47),  # load 40: 85%
                # 3 servers, mean service 0.25 day: 12 starts a day for 8 arrivals (67%)
                Station("b", sb, capacity=servers / sb.mean, capacity_kind="starts"),
            ],
            arrivals={("a", "all"): 8.0},
            routes={("a", "all"): [Route("b", 1.0)]},
        ),
        RefNetwork(
            [RefStation("a", sa, 47), RefStation("b", sb, servers)],
            arrivals={"a": 8.0},
            routes={"a": [("b", 1.0)]},
        ),
        days=300,
        warmup=60,
        seed=404,
        reference_replicates=120,
    )


CASES = {
    # A: M/G/c, lognormal stays (mean 10 days, cv 1.5), 59 places, load 50 (85%)
    "A-mgc": _single(Delay.lognormal(10.0, 1.5), 59, 5.0, "queue", seed=101),
    # B: M/G/c/c loss station, gamma stays (mean 8 days, cv 1.3), 32 places, load 32
    "B-loss": _single(Delay.gamma(8.0, 1.3), 32, 4.0, "lose", seed=202),
    # C: three stations in a feed-forward network, with queues, routing 0.6 / 0.25 / 0.5
    "C-network": _network_c(),
    # D: a places station, then a short-service starts station
    "D-tandem": _tandem_d(),
}

# Allowed systematic bias, as a share of the exact (reference) value; see the module docstring.
# Each: measured in the large run as "bias (its SE)"; allowance = |bias| + 3 SE, rounded up. The
# large runs were repeated with the compiled engine (scripts/measure_exact_agreement.py); the
# second figure is theirs. The allowances were set from the first and are kept.
BIAS: dict[tuple[str, str, str], float] = {
    # daily admission at a loss station: fewer lost, so more served and more present
    ("B-loss", "s", "throughput"): 0.022,  # +1.90% (0.09%); compiled +1.83% (0.09%)
    ("B-loss", "s", "occupancy"): 0.022,  # +1.91% (0.07%); compiled +1.88% (0.07%)
    ("B-loss", "s", "lost"): 0.144,  # -12.3% (0.7%); compiled -13.2% (0.7%)
    # a starts station is not an M/G/c queue: it keeps only the day's leftovers waiting
    ("D-tandem", "b", "waiting"): 0.815,  # -79.3% (0.7%); compiled -78.8% (0.7%)
}
# KS distance between the engine's and the exact day-end occupancy where the daily step is
# biased, measured in the large runs (where the 99.9% critical value was 0.016-0.017).
KS_BIAS: dict[tuple[str, str], float] = {
    ("B-loss", "s"): 0.131,  # the engine is full at 25.6% of day ends, exact 12.8%; compiled 0.127
    ("D-tandem", "b"): 0.141,  # more than 3 present at 14% of day ends, 3 servers; compiled 0.141
}

STATIONS = [(case, s.name) for case, c in CASES.items() for s in c.reference.stations]
QUEUES = [
    (case, s.name)
    for case, c in CASES.items()
    for s in c.reference.stations
    if s.overflow == "queue" and s.servers is not None
]


@functools.cache
def _run(name: str) -> tuple[EngineResult, RefResult]:
    """Both simulators on one case (once per test session)."""
    case = CASES[name]
    eng = simulate(
        case.engine,
        case.days,
        case.engine_replicates,
        Stochastic(Streams(case.seed)),
        record=("completed", "refused", "occupancy", "waiting"),
    )
    ref = simulate_reference(
        case.reference,
        case.days,
        case.reference_replicates,
        seed=case.seed + 1000,
        warmup=case.warmup,
    )
    return eng, ref


def _se(x: F) -> float:
    return float(x.std(ddof=1) / math.sqrt(x.size))


def _assert_agree(engine: F, exact: F, allowance: float, what: str) -> None:
    """Means within 3 SE of their difference, plus ``allowance`` x the exact mean."""
    diff = float(engine.mean() - exact.mean())
    se = math.hypot(_se(engine), _se(exact))
    ref = float(exact.mean())
    bound = 3 * se + allowance * abs(ref)
    assert abs(diff) <= bound, (
        f"{what}: engine {engine.mean():.4f}, exact {ref:.4f}, difference {diff:+.4f} "
        f"= {diff / se:+.2f} SE = {100 * diff / ref:+.2f}% (allowed 3 SE + {100 * allowance}%)"
    )


def _effective_size(x: F) -> float:
    """Sample size of thinned counts ``x`` (replicates, days), shrunk for their correlation."""
    y = x - x.mean()
    var = float(np.mean(y * y))
    rho = float(np.mean(y[:, :-1] * y[:, 1:])) / var if var > 0 else 0.0
    rho = min(max(rho, 0.0), 0.9)
    return x.size * (1 - rho) / (1 + rho)


@pytest.mark.parametrize(("case", "station"), STATIONS)
def test_throughput_agrees(case: str, station: str) -> None:
    eng, ref = _run(case)
    warm = CASES[case].warmup
    per_day = eng.national(station, "completed")[:, warm:].mean(axis=1)
    allowance = BIAS.get((case, station, "throughput"), 0.0)
    _assert_agree(per_day, ref.completed[station], allowance, f"{case}/{station} throughput")


@pytest.mark.parametrize(("case", "station"), STATIONS)
def test_time_average_occupancy_agrees(case: str, station: str) -> None:
    eng, ref = _run(case)
    occ = eng.mean_per_day(station, "occupancy", start=CASES[case].warmup)
    allowance = BIAS.get((case, station, "occupancy"), 0.0)
    _assert_agree(occ, ref.busy[station], allowance, f"{case}/{station} occupancy")


@pytest.mark.parametrize(("case", "station"), QUEUES)
def test_mean_queue_agrees(case: str, station: str) -> None:
    eng, ref = _run(case)
    waiting = eng.mean_per_day(station, "waiting", start=CASES[case].warmup)
    assert ref.waiting[station].mean() > 0.1  # the station does queue
    allowance = BIAS.get((case, station, "waiting"), 0.0)
    _assert_agree(waiting, ref.waiting[station], allowance, f"{case}/{station} waiting")


def test_loss_station_loses_as_many_as_erlang_b() -> None:
    case = CASES["B-loss"]
    eng, ref = _run("B-loss")
    lost = eng.national("s", "refused")[:, case.warmup :].mean(axis=1)
    _assert_agree(lost, ref.lost["s"], BIAS[("B-loss", "s", "lost")], "B-loss lost per day")
    # the reference itself: Erlang B, which holds for any stay distribution (insensitivity)
    (station,) = case.reference.stations
    rate, servers = case.reference.arrivals["s"], station.servers
    assert servers is not None
    load, blocking = rate * station.stay.mean, 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    exact = rate * blocking
    assert abs(ref.lost["s"].mean() - exact) < 3 * _se(ref.lost["s"]), (ref.lost["s"].mean(), exact)


@pytest.mark.parametrize(("case", "station"), STATIONS)
def test_day_end_occupancy_distribution_agrees(case: str, station: str) -> None:
    eng, ref = _run(case)
    warm = CASES[case].warmup
    e = eng.national(station, "occupancy")[:, warm::THIN]
    r = ref.day_end_busy[station][:, warm::THIN]
    ks = float(stats.ks_2samp(e.ravel(), r.ravel()).statistic)
    critical = KS_C * math.sqrt(1 / _effective_size(e) + 1 / _effective_size(r))
    bias = KS_BIAS.get((case, station), 0.0)
    assert ks <= critical + bias, (
        f"{case}/{station}: KS {ks:.4f}, 99.9% critical {critical:.4f}, known bias {bias}"
    )


def test_reference_matches_erlang_c() -> None:
    """The reference itself, on M/M/10 (mean stay 2 days, load 8.5): mean queue and occupancy."""
    servers, rate, mean = 10, 4.25, 2.0
    net = RefNetwork([RefStation("s", Delay.exponential(mean), servers)], arrivals={"s": rate})
    ref = simulate_reference(net, 300, 100, seed=7, warmup=60)
    load, blocking = rate * mean, 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    wait_prob = servers * blocking / (servers - load * (1 - blocking))
    queue = wait_prob * load / (servers - load)  # Lq of M/M/c
    assert abs(ref.waiting["s"].mean() - queue) < 3 * _se(ref.waiting["s"]), (
        ref.waiting["s"].mean(),
        queue,
    )
    assert abs(ref.busy["s"].mean() - load) < 3 * _se(ref.busy["s"]), (ref.busy["s"].mean(), load)
