"""Refuse a sweep whose samples the model cannot be built from, before anything is written.

Each sample's values are checked as a run's would be (:func:`deportsim.model.network.conflicts`:
shares adding up past 1, pools larger than the population); a range whose corner breaks a rule
is found before the sweep's folder or catalog record exist. About 3 ms per sample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.sweeps.design import Range, sample_override
from deportsim.core.errors import Location, UserError
from deportsim.model import read_inputs
from deportsim.model.network import conflicts
from deportsim.parameters import Resolved

__all__ = ["check_samples"]


def check_samples(base: Resolved, ranges: Sequence[Range], values: NDArray[np.float64]) -> None:
    """UserError naming the ``--vary`` ranges and the first sample that breaks a rule.

    ``base`` is the sweep's run without the samples' values (the scenario and ``--set``).
    """
    params = base.params
    for i, row in enumerate(values):
        sets = tuple(
            sample_override(params, r.path, float(v)) for r, v in zip(ranges, row, strict=True)
        )
        resolved = Resolved(params, base.start, base.days, base.overrides + sets)
        found = conflicts(read_inputs(resolved))
        if not found:
            continue
        first = found[0]
        varied = [r.path for r in ranges if r.path in first.paths] or [r.path for r in ranges]
        shown = ", ".join(f"{r.path}={v:g}" for r, v in zip(ranges, row, strict=True))
        raise UserError(
            f"sample {i + 1} of {len(values)} ({shown}): {first.message}; narrow the range so "
            f"that every sample is possible (parameters involved: {', '.join(first.paths)})",
            Location("--vary", path=", ".join(varied)),
        )
