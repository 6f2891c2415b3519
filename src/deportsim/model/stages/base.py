"""What each stage module declares, and how :class:`~deportsim.model.inputs.Inputs` is read.

A stage declares, as data, every parameter it reads (:class:`Read`: the parameter path, the unit
the model uses, a daily series or the first day's value, and the ``Inputs`` field it fills) and
any value it fixes without a parameter (:class:`Given`). :class:`Stage` is one row of the table
of stages (:data:`deportsim.model.stages.STAGES`): its parameter file, the network stations and
captures it builds, the series it produces and its reads. :func:`read_fields` reads every stage's
declarations into the keyword arguments of ``Inputs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from deportsim.parameters import Resolved

__all__ = [
    "DAILY",
    "HISTORY",
    "HISTORY_DAYS",
    "PASS_THROUGH",
    "START",
    "Given",
    "Read",
    "Stage",
    "read_fields",
]

F = NDArray[np.float64]
Applies = Literal["daily", "start", "history"]

#: A daily series: shape (days,), or (days, regions) for a regional parameter.
DAILY: Applies = "daily"
#: The first day's value (the parameter ``applies: start``): a number, or (regions,) if regional.
START: Applies = "start"
#: A daily series that also covers the :data:`HISTORY_DAYS` days before the run: shape
#: (HISTORY_DAYS + days,), for a stage whose day depends on how a parameter changed before it.
HISTORY: Applies = "history"
#: How many days before a run a :data:`HISTORY` series covers (two years).
HISTORY_DAYS = 730
#: Mean stay of a pass-through station, in days: so short that the chance of leaving on the day
#: of arrival rounds to exactly 1, so everyone leaves that day and no count is drawn.
PASS_THROUGH = 1e-17


@dataclass(frozen=True)
class Read:
    """One parameter a stage reads, and the ``Inputs`` field it fills.

    Attributes:
        field: the :class:`~deportsim.model.inputs.Inputs` field.
        path: the parameter, ``file.name``; the file is the stage's own.
        unit: the unit the model uses (the value is converted to it).
        applies: :data:`DAILY` (a series), :data:`START` (the first day's value) or
            :data:`HISTORY` (a series that starts :data:`HISTORY_DAYS` before the run).
        key: for a field that is a dict, the key this parameter fills.
        derive: the field is this function of the values read (else the values themselves;
            a first-day value that is not regional is a ``float``).
        note: where the field combines parameters of more than one stage, or reads a parameter
            in a way that is not obvious from the names, why.
    """

    field: str
    path: str
    unit: str
    applies: Applies
    key: str | None = None
    derive: Callable[[F], F] | None = None
    note: str = ""

    def value(self, p: Resolved) -> Any:
        """The value of the field (or of its key) for the run ``p``."""
        if self.applies == DAILY:
            raw = p.daily(self.path, self.unit)
        elif self.applies == HISTORY:
            raw = p.history(self.path, self.unit, HISTORY_DAYS)
        else:
            raw = p.first(self.path, self.unit)
        if self.derive is not None:
            return self.derive(raw)
        return float(raw) if self.applies == START else raw


@dataclass(frozen=True)
class Given:
    """A value of an ``Inputs`` field (or of one key of it) that no parameter sets."""

    field: str
    value: float
    reason: str
    key: str | None = None


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline: one row of the table of stages.

    Attributes:
        name: the stage, also the name of its module in :mod:`deportsim.model.stages`.
        parameters: its parameter file in ``src/deportsim/parameters/``.
        description: what the stage is, in one line.
        stations: the stations of the network it builds (:mod:`deportsim.model.network`).
        captures: the captures it builds, as ``station.capture``.
        series: the daily series it produces (:mod:`deportsim.model.accounts`).
        reads: what it reads from its parameter file, in the order ``Inputs`` keeps dict keys.
    """

    name: str
    parameters: str
    description: str
    stations: tuple[str, ...]
    captures: tuple[str, ...]
    series: tuple[str, ...]
    reads: tuple[Read | Given, ...]

    @property
    def paths(self) -> frozenset[str]:
        """The parameters the stage reads."""
        return frozenset(r.path for r in self.reads if isinstance(r, Read))


def read_fields(stages: tuple[Stage, ...], p: Resolved) -> dict[str, Any]:
    """Every field the stages fill, read from the run ``p``, by ``Inputs`` field name.

    Dict fields are filled key by key in the order of the stages and their reads.
    """
    fields: dict[str, Any] = {}
    for stage in stages:
        for r in stage.reads:
            value = r.value(p) if isinstance(r, Read) else r.value
            if r.key is None:
                if r.field in fields:
                    raise ValueError(f"stage {stage.name}: {r.field} is filled twice")
                fields[r.field] = value
            else:
                fields.setdefault(r.field, {})[r.key] = value
    return fields
