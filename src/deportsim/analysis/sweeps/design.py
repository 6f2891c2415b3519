"""A sweep's sample design: the varied parameters, their ranges and where the samples fall.

Points are spread over the unit cube (:func:`latin_hypercube`, :func:`grid_design`) and mapped
onto the ranges (:func:`scale`); each sample's value of a parameter is a whole-run override
(:func:`sample_override`) and each sample's seed depends on the sweep's seed and its index only
(:func:`sample_seed`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location, UserError
from deportsim.parameters import Override, ParameterSet, make_override

__all__ = [
    "MAX_SAMPLES",
    "Design",
    "Range",
    "check_ranges",
    "grid_design",
    "latin_hypercube",
    "parse_vary",
    "sample_override",
    "sample_seed",
    "scale",
]

F = NDArray[np.float64]
Design = Literal["lhs", "grid", "sobol"]

MAX_SAMPLES = 1_000_000

_VARY = Location("--vary")
_NUMBER = r"[-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Range:
    """A varied parameter: its path and bounds in the parameter's own unit.

    ``distribution`` says how a sensitivity analysis draws it within or around the bounds
    (:mod:`deportsim.analysis.sweeps.sensitivity`); a sweep spreads samples evenly over
    ``[low, high]``.
    """

    path: str
    low: float
    high: float
    distribution: str = "uniform"
    mode: float | None = None  # the central value of a triangular or PERT range


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def parse_vary(params: ParameterSet, text: str) -> Range:
    """Parse ``PATH=LOW:HIGH``; UserError (naming ``--vary``) for a bad path, value or order.

    Both bounds are checked as values of the parameter (e.g. a probability above 1 is refused).
    """
    path, sep, bounds = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise UserError(f"expected PATH=LOW:HIGH, got {text!r}", _VARY)
    match = _RANGE.match(bounds)
    if match is None:
        raise UserError(f"expected PATH=LOW:HIGH with two numbers, got {text!r}", _VARY)
    low, high = _number(match.group(1)), _number(match.group(2))
    if not low < high:
        raise UserError(f"LOW must be below HIGH in {text!r}", _VARY.with_path(path))
    for value in (low, high):
        sample_override(params, path, value)  # unknown path or a value the parameter refuses
    return Range(path, low, high)


def sample_override(params: ParameterSet, path: str, value: float) -> Override:
    """One sample's value of one parameter as a whole-run override (like ``--set``)."""
    return make_override(
        params,
        path,
        value,
        unit_text=None,
        start=None,
        until=None,
        where=_VARY.with_path(path),
        origin="--vary",
    )


def check_ranges(ranges: Sequence[Range]) -> None:
    """At least one range, each path once (UserError)."""
    if not ranges:
        raise UserError("give at least one --vary PATH=LOW:HIGH", _VARY)
    seen: set[str] = set()
    for r in ranges:
        if r.path in seen:
            raise UserError("is varied twice", _VARY.with_path(r.path))
        seen.add(r.path)


def latin_hypercube(n: int, d: int, seed: int) -> F:
    """``n`` points of a Latin hypercube in ``[0, 1)^d``: each axis's ``n`` strata hit once."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    u = np.empty((n, d))
    for j in range(d):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return u


def grid_design(n: int, d: int) -> F:
    """A full grid with as many levels per axis as ``n`` samples allow (at least 2).

    Levels include both bounds; the grid has ``levels ** d`` points (at most ``n`` unless
    ``2 ** d`` is more).
    """
    levels = max(2, math.floor(n ** (1.0 / d) + 1e-9))
    axis = np.linspace(0.0, 1.0, levels)
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def scale(unit: F, ranges: Sequence[Range]) -> F:
    """Map points of ``[0, 1]^d`` onto the ranges, evenly (a sweep's spread)."""
    low = np.array([r.low for r in ranges])
    high = np.array([r.high for r in ranges])
    out: F = low + unit * (high - low)
    return out


def sample_seed(seed: int, index: int) -> int:
    """Sample ``index``'s seed: a function of the sweep's seed and the index only."""
    state = np.random.SeedSequence([seed, index]).generate_state(2, np.uint64)
    return int(state[0]) >> 1  # below 2**63, as a run's seed must be
