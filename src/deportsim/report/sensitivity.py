"""A sensitivity analysis for the report: a ``sensitivity.json`` found, read and checked.

``deportsim sensitivity`` writes ``sensitivity.json`` (Sobol indices per metric and parameter,
see :func:`deportsim.analysis.sweeps.sensitivity.write_sensitivity`). :func:`read_sensitivity` takes
that file, the folder holding it, or the run id the catalog recorded it under, and checks its
shape strictly (pydantic): a file that is not such a summary (a missing field, an unknown one,
text for a number, NaN, parameters that do not match the varied ones, a ranking out of order)
is a UserError naming the file and ``--sensitivity``. The report reads nothing else of it.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from deportsim.analysis.sweeps.sensitivity import Indices
from deportsim.core.errors import Location, UserError
from deportsim.core.privacy import screen_data
from deportsim.run.results import METRICS
from deportsim.store import catalog as runs

__all__ = [
    "FILE",
    "OPTION",
    "MetricIndices",
    "ParameterIndices",
    "Sensitivity",
    "SensitivitySummary",
    "VariedParameter",
    "check_sensitivity",
    "read_sensitivity",
]

#: The file ``deportsim sensitivity`` writes in its run's folder, and the report's option.
FILE = "sensitivity.json"
OPTION = "--sensitivity"

_Finite = Annotated[float, Field(allow_inf_nan=False)]
_Count = Annotated[int, Field(ge=1)]
_WHAT = "not a sensitivity summary as deportsim sensitivity writes it"


class _Strict(BaseModel):
    """No conversions (text is not a number), no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class VariedParameter(_Strict):
    """A parameter the analysis varied: its range and distribution, in its own unit."""

    path: str = Field(min_length=1)
    low: _Finite
    high: _Finite
    distribution: Literal["uniform", "triangular", "pert", "normal", "lognormal"]
    mode: _Finite | None


class ParameterIndices(_Strict):
    """One parameter's indices for one metric (null: the metric did not vary)."""

    path: str = Field(min_length=1)
    S1: _Finite | None
    S1_conf: _Finite | None
    ST: _Finite | None
    ST_conf: _Finite | None


class MetricIndices(_Strict):
    """One metric's indices, parameters from the largest total index down."""

    unit: str
    variance: _Finite | None
    top3: list[str]
    parameters: list[ParameterIndices]

    @property
    def varied(self) -> bool:
        """False for a metric that did not vary (or was undefined in some samples): no indices."""
        return any(p.ST is not None for p in self.parameters)


class SensitivitySummary(_Strict):
    """The content of ``sensitivity.json``."""

    run_id: str
    scenario: str = Field(min_length=1)
    method: str
    base_samples: _Count | None
    samples: _Count
    replicates: _Count
    seed: int
    common_random_numbers: bool
    conf_level: _Finite = Field(gt=0, lt=1)
    resamples: _Count
    parameters: list[VariedParameter] = Field(min_length=2)
    metrics: dict[str, MetricIndices] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SensitivitySummary:
        varied = [p.path for p in self.parameters]
        if len(set(varied)) != len(varied):
            raise ValueError("parameters: a parameter is listed twice")
        if self.base_samples is not None and self.samples != self.base_samples * (len(varied) + 2):
            raise ValueError(
                f"samples: {self.samples} is not base_samples × (parameters + 2) = "
                f"{self.base_samples} × {len(varied) + 2}"
            )
        for name, m in self.metrics.items():
            where = f"metrics.{name}"
            if name not in METRICS:
                raise ValueError(f"{where}: unknown metric")
            paths = [p.path for p in m.parameters]
            if sorted(paths) != sorted(varied):
                raise ValueError(f"{where}.parameters: not the parameters varied")
            if m.top3 != paths[:3]:
                raise ValueError(f"{where}.top3: not the first three parameters")
            # ranked as Indices.ranked() ranks: an index that is not a number as -1
            ranks = [-1.0 if p.ST is None else p.ST for p in m.parameters]
            if any(a < b for a, b in itertools.pairwise(ranks)):
                raise ValueError(f"{where}.parameters: not ranked by total index (ST)")
        return self

    def indices(self, metric: str) -> Indices:
        """A metric's indices as :mod:`deportsim.analysis.sweeps.sensitivity` computes them."""
        m = self.metrics[metric]

        def column(key: str) -> Any:
            values = [getattr(p, key) for p in m.parameters]
            return np.array([math.nan if v is None else v for v in values], dtype=np.float64)

        return Indices(
            metric=metric,
            unit=m.unit,
            paths=tuple(p.path for p in m.parameters),
            s1=column("S1"),
            s1_conf=column("S1_conf"),
            st=column("ST"),
            st_conf=column("ST_conf"),
            variance=math.nan if m.variance is None else m.variance,
        )


@dataclass(frozen=True)
class Sensitivity:
    """A sensitivity analysis the report shows, and where it came from.

    ``source``: the path or run id as given (the page's command to reproduce repeats it);
    ``file``: the ``sensitivity.json`` read. ``years``, ``start`` and ``sets``: the analysis'
    run length, first day and ``--set`` overrides, from the ``sweep.json`` beside the file when
    there (None otherwise; ``sensitivity.json`` itself does not hold them).
    """

    summary: SensitivitySummary
    source: str
    file: Path
    years: float | None = None
    start: str | None = None
    sets: tuple[str, ...] = ()

    def top(self, k: int = 3) -> dict[str, list[str]]:
        """Each metric's ``k`` parameters with the largest total indices (none if it has none)."""
        return {
            m: self.summary.indices(m).top(k) if indices.varied else []
            for m, indices in self.summary.metrics.items()
        }


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    text = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return (f"{where}: {text}" if where else text) + more


def check_sensitivity(data: object, origin: str | Path = "<sensitivity>") -> SensitivitySummary:
    """``data`` (a parsed ``sensitivity.json``) checked; UserError naming ``origin`` if bad."""
    where = Location(origin, path=OPTION)
    if not isinstance(data, dict):
        raise UserError(f"{_WHAT}: not a JSON object", where)
    try:
        return SensitivitySummary.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{_WHAT}: {_first_error(exc)}", where) from None


def _from_catalog(ref: str, catalog: Path | None) -> Path | None:
    """The ``sensitivity.json`` of a run recorded in the catalog under ``ref``, or None."""
    try:
        record = runs.find(ref, catalog, label=OPTION)
    except (UserError, OSError):
        return None
    if record.get("kind") != "sensitivity":
        raise UserError(
            f"run {record.get('id')} in the catalog is a {record.get('kind')}, not a "
            "sensitivity analysis",
            Location("<command line>", path=OPTION),
        )
    folder = Path(str(record.get("out") or ""))
    if record.get("out") and (folder / FILE).is_file():
        return folder / FILE  # the run's own folder, with its sweep.json
    stored = (record.get("outputs") or {}).get(FILE) or {}
    return Path(stored["path"]) if stored.get("path") else None


def _spec_beside(file: Path, run_id: str) -> dict[str, Any]:
    """The settings of run ``run_id`` in the ``sweep.json`` beside ``file``, or {}.

    Optional, so never an error: a missing or unreadable file, or another run's, gives {}.
    """
    try:
        sweep = json.loads((file.parent / "sweep.json").read_text(encoding="utf-8"))
        spec = sweep["spec"] if sweep["run_id"] == run_id else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return spec if isinstance(spec, dict) else {}


def read_sensitivity(ref: str | Path, catalog: Path | None = None) -> Sensitivity:
    """Read and check a sensitivity analysis: a ``sensitivity.json``, its folder, or a run id.

    A run id (or a unique prefix of it, or ``last``) is looked up in the catalog (``catalog``,
    else the default one) when no file or folder has that name. Raises UserError naming the
    file and ``--sensitivity`` for a missing file, a folder without ``sensitivity.json``, or a
    file that is not a sensitivity summary.
    """
    source = str(ref)
    path = Path(ref)
    if path.is_dir():
        if not (path / FILE).is_file():
            raise UserError(
                f"no {FILE} in this folder (deportsim sensitivity writes one in its run's folder)",
                Location(path, path=OPTION),
            )
        path = path / FILE
    elif not path.exists():
        found = _from_catalog(source, catalog) if len(path.parts) == 1 else None
        if found is None:
            raise UserError(
                f"no such file or folder, nor a run in the catalog (give the {FILE} written by "
                "deportsim sensitivity, its folder, or its run id)",
                Location(path, path=OPTION),
            )
        path = found
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", Location(path, path=OPTION)) from None
    except UnicodeDecodeError:
        raise UserError("not a text file", Location(path, path=OPTION)) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"not JSON: {exc.msg}", Location(path, exc.lineno, OPTION)) from None
    screen_data(data, Location(path, path=OPTION))
    summary = check_sensitivity(data, path)
    spec = _spec_beside(path, summary.run_id)
    years = spec.get("years")
    start = spec.get("start")
    sets = spec.get("sets")
    return Sensitivity(
        summary=summary,
        source=source,
        file=path,
        years=float(years) if isinstance(years, int | float) else None,
        start=start if isinstance(start, str) else None,
        sets=tuple(str(s) for s in sets) if isinstance(sets, list) else (),
    )
