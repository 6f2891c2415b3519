"""The engine against queueing theory: M/G/∞, Erlang B, Erlang C and Little's law.

Tolerances are in standard errors (SE) estimated from the spread between replicates. Where the
daily step itself biases a result (admissions happen once a day, so places freed during a day
serve all of that day's arrivals), the bias was measured and is stated next to the assertion; it
shrinks as stays grow longer than a day (docs/engine.md, "Accuracy").
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from deportsim.engine import Delay, Network, Route, Station, Stochastic, Streams, simulate


def _se(per_replicate: np.ndarray) -> float:
    return float(per_replicate.std(ddof=1) / math.sqrt(per_replicate.size))


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/G/c/c loss system with offered load ``a``."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in an M/M/c queue with offered load ``a``."""
    b = erlang_b(c, a)
    return c * b / (c - a * (1 - b))


@pytest.mark.parametrize(
    "stay",
    [
        Delay.lognormal(5.0, 1.2),
        Delay.gamma(5.0, 0.5),
        Delay.empirical([0, 2, 6, 20], [0.3, 0.5, 0.2]),
    ],
    ids=["lognormal", "gamma", "histogram"],
)
def test_infinite_server_occupancy_is_poisson_with_mean_lambda_times_mean_stay(stay: Delay) -> None:
    lam, days, reps = 20.0, 400, 400
    net = Network([Station("s", stay)], arrivals={("s", "all"): lam})
    occ = simulate(net, days, reps, Stochastic(Streams(11)), record=("occupancy",)).national(
        "s", "occupancy"
    )
    day_end = occ[:, -1]  # one day per replicate: independent draws from the steady state
    expected = lam * stay.mean  # M/G/∞: Poisson with mean λ·E[S]
    se = math.sqrt(expected / reps)
    assert abs(day_end.mean() - expected) < 3 * se, (day_end.mean(), expected, se)
    # Poisson: variance equals the mean; the sample variance has SE ≈ mean·sqrt(2/(n-1))
    var_se = expected * math.sqrt(2 / (reps - 1))
    assert abs(day_end.var(ddof=1) - expected) < 3.5 * var_se, (day_end.var(ddof=1), expected)


def _loss_station(stay: Delay, c: int, lam: float, seed: int) -> tuple[float, np.ndarray]:
    net = Network([Station("s", stay, capacity=c, overflow="lose")], arrivals={("s", "all"): lam})
    r = simulate(net, 3000, 150, Stochastic(Streams(seed)), record=("arrivals", "refused"))
    warm = 500
    per_rep = r.national("s", "refused")[:, warm:].sum(axis=1) / r.national("s", "arrivals")[
        :, warm:
    ].sum(axis=1)
    return float(per_rep.mean()), per_rep


def test_erlang_b_blocking_for_long_stays() -> None:
    c, a, mean = 30, 25.0, 60.0
    blocking, per_rep = _loss_station(Delay.exponential(mean), c, a / mean, seed=21)
    exact = erlang_b(c, a)
    # Measured daily-step bias at mean stay 60 days: -0.8% (-9% at 20 days, -19% at 5 days).
    # Allowed: 3 SE plus 3% of the exact value for that bias.
    assert abs(blocking - exact) < 3 * _se(per_rep) + 0.03 * exact, (blocking, exact, _se(per_rep))


def test_erlang_b_blocking_does_not_depend_on_the_stay_distribution() -> None:
    c, a, mean = 30, 25.0, 60.0
    exp_b, exp_rep = _loss_station(Delay.exponential(mean), c, a / mean, seed=31)
    for stay in (Delay.lognormal(mean, 1.5), Delay.gamma(mean, 0.4)):
        other, rep = _loss_station(stay, c, a / mean, seed=32)
        se = math.hypot(_se(exp_rep), _se(rep))
        assert abs(other - exp_b) < 3 * se, (
            f"{stay.kind}: {other:.4f} vs exponential {exp_b:.4f} (SE {se:.4f})"
        )


def test_erlang_c_waiting_for_long_stays() -> None:
    c, a, mean = 30, 25.0, 60.0
    lam, mu = a / mean, 1 / mean
    net = Network([Station("s", Delay.exponential(mean), capacity=c)], arrivals={("s", "all"): lam})
    r = simulate(net, 3000, 150, Stochastic(Streams(41)), record=("arrivals", "waiting"))
    warm = 500
    waiting = r.national("s", "waiting")[:, warm:]
    arrivals = r.national("s", "arrivals")[:, warm:]
    pc = erlang_c(c, a)
    # mean number waiting, Lq = λ·Wq = λ·C / (cμ - λ); measured daily-step bias -2%
    lq = waiting.mean(axis=1)
    exact_lq = lam * pc / (c * mu - lam)
    assert abs(lq.mean() - exact_lq) < 3 * _se(lq) + 0.05 * exact_lq, (lq.mean(), exact_lq, _se(lq))
    # probability that an arrival is still waiting at the end of its first day: an arrival waits
    # with probability C, and its wait is exponential with rate cμ - λ, so it lasts past the
    # rest of its day (uniform) with probability (1 - e^-θ)/θ, θ = cμ - λ. First come, first
    # served: today's arrivals are the last ones in the queue.
    theta = c * mu - lam
    exact_p = pc * (1 - math.exp(-theta)) / theta
    p = np.minimum(arrivals, waiting).sum(axis=1) / arrivals.sum(axis=1)
    assert abs(p.mean() - exact_p) < 3 * _se(p) + 0.05 * exact_p, (p.mean(), exact_p, _se(p))


def test_littles_law_holds_at_every_station_of_a_network() -> None:
    stays = {
        "a": Delay.lognormal(10.0, 1.0),
        "b": Delay.gamma(3.0, 0.6),
        "c": Delay.exponential(0.3),
    }
    net = Network(
        [
            Station("a", stays["a"], capacity=260),
            Station("b", stays["b"], capacity=70, overflow="lose"),
            Station("c", stays["c"], capacity=30, capacity_kind="starts"),
        ],
        arrivals={("a", "all"): 25.0, ("b", "all"): 5.0},
        routes={("a", "all"): [Route("b", 0.8), Route("c", 0.2)], ("b", "all"): [Route("c", 0.9)]},
    )
    r = simulate(net, 1500, 60, Stochastic(Streams(51)), record=("admitted", "occupancy"))
    warm = 300
    for name, stay in stays.items():
        occ = r.national(name, "occupancy")[:, warm:].mean(axis=1)
        flow = r.national(name, "admitted")[:, warm:].mean(axis=1) * stay.mean  # L = λ·W
        diff = occ - flow
        assert abs(diff.mean()) < 3 * _se(diff) + 1e-9, (
            f"{name}: L={occ.mean():.2f}, λW={flow.mean():.2f}"
        )
