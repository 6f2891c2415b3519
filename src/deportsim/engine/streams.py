"""Named random streams: one independent generator per stochastic decision.

Each stream is derived from the run seed, the stream's name and the replicate batch, so adding a
new random decision (a new name) never shifts the numbers drawn by the others, and two scenarios
run with the same seed differ because of the scenario, not because of noise.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
from numpy.typing import NDArray

__all__ = ["Streams"]


@functools.lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[int, ...]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """A family of named :class:`numpy.random.Generator` streams for one seed and batch."""

    def __init__(self, seed: int, batch: int = 0) -> None:
        if seed < 0 or batch < 0:
            raise ValueError("seed and batch must be non-negative integers")
        self.seed = seed
        self.batch = batch
        self._streams: dict[str, np.random.Generator] = {}
        self._state_names: dict[str, None] = {}
        #: Each stream's state words generated so far (a prefix of the same sequence at any length)
        self._words: dict[str, NDArray[np.uint64]] = {}

    def __call__(self, name: str) -> np.random.Generator:
        """The generator for ``name`` (created on first use, then reused)."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(*_name_words(name), self.batch))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    def replicate_states(self, name: str, first: int, count: int) -> NDArray[np.uint64]:
        """Generator states of ``name`` for replicates ``first .. first + count - 1``.

        Shape (count, 4): one xoshiro256** state per replicate (:mod:`deportsim.engine.rng`),
        taken from the stream's ``SeedSequence`` at the replicate's own position, so a
        replicate's state does not depend on which others are drawn with it.
        """
        if first < 0 or count < 0:
            raise ValueError("first and count must be non-negative")
        self._state_names.setdefault(name)
        need = 4 * (first + count)
        words = self._words.get(name)
        if words is None or words.size < need:
            # a SeedSequence's words are the same whatever their number: generate ahead (twice
            # what is known) so that replicates asked for one by one do not each start again
            size = max(need, 2 * (0 if words is None else words.size))
            seq = np.random.SeedSequence(self.seed, spawn_key=(*_name_words(name), self.batch))
            words = np.asarray(seq.generate_state(size, np.uint64), dtype=np.uint64)
            self._words[name] = words  # one assignment: a thread sees the old or the new array
        states: NDArray[np.uint64] = words[4 * first : need].astype(np.uint64).reshape(count, 4)
        states[~states.any(axis=1), 0] = 1  # xoshiro256** must not start from all zeros
        return states

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the streams used so far, in order of first use."""
        return tuple(dict.fromkeys([*self._streams, *self._state_names]))
