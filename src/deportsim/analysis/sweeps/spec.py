"""A sweep's specification: everything that defines its numbers, as stored in ``sweep.json``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from deportsim.analysis.sweeps.design import Design, Range

__all__ = ["SweepSpec"]


@dataclass(frozen=True)
class SweepSpec:
    """Everything that defines a sweep's numbers (stored in ``sweep.json``)."""

    kind: Literal["sweep", "sensitivity"]
    scenario: str  # as given: a built-in name or a file path
    scenario_name: str
    scenario_hash: str
    start: str  # first simulated day, ISO
    days: int
    years: float
    replicates: int
    seed: int
    sets: tuple[str, ...]
    vary: tuple[Range, ...]
    design: Design
    samples: int
    batch_size: int
    common_seed: bool = False
    parameters: str | None = None  # a folder of parameter files, or None for the built-in
    metrics: tuple[str, ...] = ()  # the metrics a sensitivity analysis reads
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a sensitivity's base N

    @property
    def batches(self) -> int:
        """Number of batches."""
        return math.ceil(self.samples / self.batch_size)

    def to_json(self) -> dict[str, Any]:
        """The spec as plain JSON data."""
        data = asdict(self)
        data["sets"] = list(self.sets)
        data["metrics"] = list(self.metrics)
        data["vary"] = [asdict(r) for r in self.vary]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepSpec:
        """Read a spec written by :meth:`to_json`."""
        data = dict(data)
        data["sets"] = tuple(data["sets"])
        data["metrics"] = tuple(data.get("metrics", ()))
        data["vary"] = tuple(Range(**r) for r in data["vary"])
        return cls(**data)
