"""Two ways to turn rates into counts: random draws, or their expected values.

Station and network code asks a :class:`Sampler` for "how many of these ``n`` people leave with
probability ``p``" or "how many arrive at rate ``λ``". :class:`Stochastic` answers with binomial and
Poisson draws from named random streams; :class:`MeanField` answers with ``n·p`` and ``λ`` (real
numbers), which gives the deterministic expected path in one pass, for previews and goal-seeking.

Large counts: NumPy's binomial and Poisson samplers are exact for any ``n`` and ``λ`` (BTPE and PTRS
algorithms), so no normal approximation is used.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.streams import Streams

__all__ = ["MeanField", "Sampler", "Stochastic"]

F = NDArray[np.float64]


class Sampler(Protocol):
    """Counts from probabilities and rates; all arrays broadcast together."""

    stochastic: bool

    def binomial(self, stream: str, n: ArrayLike, p: ArrayLike) -> F:
        """How many of ``n`` take a step that each takes with probability ``p``."""
        ...

    def poisson(self, stream: str, mean: ArrayLike) -> F:
        """How many arrive when ``mean`` are expected."""
        ...

    def multinomial(self, stream: str, n: ArrayLike, p: F) -> F:
        """Split ``n`` (shape S) over the last axis of ``p`` (shape S + (k,)).

        Rows of ``p`` sum to at most 1; whatever they leave over is dropped. Returns shape S + (k,).
        """
        ...


class Stochastic:
    """Random counts from named streams (one stream per decision)."""

    stochastic = True

    def __init__(self, streams: Streams) -> None:
        self.streams = streams

    def binomial(self, stream: str, n: ArrayLike, p: ArrayLike) -> F:
        """Binomial draws; ``n`` is rounded to whole people and clipped at zero."""
        # counts are whole numbers in this mode; rint only guards against float round-off
        trials = np.rint(np.asarray(n, dtype=np.float64)).astype(np.int64)
        prob = np.asarray(p, dtype=np.float64)
        chance: float | F = (
            min(max(float(prob), 0.0), 1.0) if prob.ndim == 0 else np.clip(prob, 0.0, 1.0)
        )
        return self.streams(stream).binomial(trials, chance).astype(np.float64)

    def poisson(self, stream: str, mean: ArrayLike) -> F:
        """Poisson draws; negative means count as zero."""
        lam = np.maximum(np.asarray(mean, dtype=np.float64), 0.0)
        return self.streams(stream).poisson(lam).astype(np.float64)

    def multinomial(self, stream: str, n: ArrayLike, p: F) -> F:
        """Sequential conditional binomials over the last axis of ``p`` (exactly multinomial)."""
        gen = self.streams(stream)
        left = np.maximum(np.rint(np.asarray(n, dtype=np.float64)), 0).astype(np.int64)
        p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        out = np.zeros(np.broadcast_shapes((*left.shape, p.shape[-1]), p.shape), dtype=np.float64)
        mass = np.ones(out.shape[:-1])
        for j in range(p.shape[-1]):
            pj = np.broadcast_to(p[..., j], mass.shape)
            q = np.divide(pj, mass, out=np.zeros_like(mass), where=mass > 1e-15)
            draw = gen.binomial(left, np.clip(q, 0.0, 1.0))
            out[..., j] = draw
            left = left - draw
            mass = mass - pj
        return out


class MeanField:
    """Expected values instead of draws: the deterministic mean path."""

    stochastic = False

    def binomial(self, stream: str, n: ArrayLike, p: ArrayLike) -> F:
        """``n · p``."""
        del stream
        n_arr = np.maximum(np.asarray(n, dtype=np.float64), 0.0)
        return np.asarray(n_arr * np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0))

    def poisson(self, stream: str, mean: ArrayLike) -> F:
        """The mean itself."""
        del stream
        return np.maximum(np.asarray(mean, dtype=np.float64), 0.0)

    def multinomial(self, stream: str, n: ArrayLike, p: F) -> F:
        """``n · p`` along the last axis."""
        del stream
        n_arr = np.maximum(np.asarray(n, dtype=np.float64), 0.0)
        return np.asarray(n_arr[..., None] * np.clip(p, 0.0, 1.0))
