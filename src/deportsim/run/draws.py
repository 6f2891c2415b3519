"""Parameter uncertainty: each replicate's own draw of the uncertain parameters.

A run with parameter uncertainty (``deportsim run`` unless ``--fixed-parameters``) gives every
replicate its own values of the parameters that state an ``uncertainty`` range, on top of the
model's process noise. How a draw works (docs/model.md, "Parameter uncertainty"):

- Each drawn parameter has one named random stream, ``parameters.<path>``; replicate ``r`` takes
  the uniform number at position ``r`` of that stream
  (:meth:`~deportsim.engine.streams.Streams.replicate_states`), so a replicate's draw depends on
  the seed and its own number only: not on the batch size, threads or workers.
- The number is turned into a value ``v`` by the inverse of the stated distribution (triangular
  and PERT with the parameter's value as the mode; uniform; normal and lognormal with ``low`` and
  ``high`` as the 5th and 95th percentiles), in the parameter's canonical unit. The reference
  value is the parameter files' value on the run's first day, before any override.
- The draw is applied as a relative factor ``v / reference`` to the parameter's whole daily
  series, the scenario's dated overrides included: an override keeps the relative uncertainty of
  the value it replaces. Probabilities are then capped at 1, and shares that must add up to at
  most 1 (:data:`CAPPED`) are scaled down together on days they would exceed it; the sector
  shares (:data:`NORMALISED`) are rescaled to their undrawn total.
- The calibrated stays (:data:`deportsim.model.calibration.PARAMETERS`) are drawn jointly: a
  replicate takes one bootstrap row of the shipped calibration (stream
  ``parameters.calibrated.model_stays``), so their correlation is kept; their factor is the row's
  value over the best fit's.

- **Policy levers are exact** where a scenario or ``--set`` gives them: a parameter marked
  ``lever: true`` in its file (beds, hold rooms, officers, judges, flights, the arrest target)
  keeps the value the scenario or the user wrote in every replicate, on the days it is in force;
  on the other days (the file's own value, an estimate of the current state) it is drawn like any
  other parameter. The manifest says so under the parameter's draw (``exact_when_set``).
- Values fitted on the published record (:mod:`deportsim.model.record`, an override with its own
  ``spread``) are drawn from a triangular distribution over their bootstrap range, with the
  fitted value as the mode, on their own stream ``parameters.<path>``; the record's months
  themselves (``exact`` overrides) are never drawn: a replicate's factor leaves those days as
  recorded, and on them the arrest target moves against the booking share drawn so that ICE's
  book-ins stay as recorded.
- Values carried forward by the model to a run's first day (:mod:`deportsim.run.carry`: the
  people at large, for a run from the latest data) are drawn the same way, over their file's
  range moved with the value (the file's low and high times the carried value over the file's).
- A fitted value may also **walk** (a forecast's productivity, an override with ``walk``): on top
  of its draw, replicate ``r`` multiplies it by ``exp(W)``, where ``W`` starts at 0 and takes a
  normal step of standard deviation ``walk`` at the start of every 30-day month of the run
  (the first month included), from its own generator seeded by replicate ``r``'s state of the
  stream ``parameters.<path>.walk``: the level a forecast starts from drifts as ICE's arrests
  did from month to month (:meth:`deportsim.model.record.Record.monthly_moves`).

Not drawn (each listed with its reason in :meth:`ParameterDraws.record`): parameters with no
stated range; those set with ``--set`` (a user who sets a value asks for that value); regional
parameters (their ranges span the regions' values, not the uncertainty of one region's); those
whose reference value is 0 (switches that a scenario sets; a relative factor cannot move them);
and those whose reference value lies outside the stated range (the range describes another
period).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from deportsim.core.units import Kind
from deportsim.engine import Streams
from deportsim.model.accounts import factors
from deportsim.model.calibration import shipped_model_stays
from deportsim.model.inputs import Inputs
from deportsim.model.stages import read_inputs
from deportsim.model.stages.impacts import SECTORS
from deportsim.parameters import Override, Resolved
from deportsim.parameters.schema import Uncertainty
from deportsim.run.carry import CARRIED_ORIGIN

__all__ = [
    "CALIBRATED_STREAM",
    "CAPPED",
    "NORMALISED",
    "ParameterDraws",
    "draw_parameters",
    "quantile",
    "stream_name",
]

F = NDArray[np.float64]

#: The stream from which each replicate picks its bootstrap row of the calibrated stays.
CALIBRATED_STREAM = "parameters.calibrated.model_stays"
#: Shares that the model requires to add up to at most 1 (model/network.py ``_check_shares``).
CAPPED: tuple[tuple[str, ...], ...] = (
    ("arrests.collateral_share", "arrests.worksite_share", "arrests.courthouse_share"),
    ("courts.removal_order_share", "courts.relief_share", "courts.voluntary_departure_share"),
    ("removal.land_share", "removal.commercial_share"),
    ("economy.no_diploma_share", "economy.high_school_share"),
)
#: Shares that split a whole: rescaled after the draw to the total they had before it.
NORMALISED: tuple[tuple[str, ...], ...] = (tuple(f"impacts.sector_{s}" for s in SECTORS),)
#: The arrest target and the booking share: on the record's days, book-ins are what ICE recorded
#: whatever the booking share drawn, so the target (the arrests behind them) moves with its draw.
TARGET, BOOKED = "arrests.target_per_day", "arrests.book_in_probability"
#: z of the 95th percentile of a standard normal (normal and lognormal ranges are 5th-95th).
Z95 = 1.6448536269514722


def stream_name(path: str) -> str:
    """The random stream of a parameter's draws."""
    return f"parameters.{path}"


def quantile(u: F, spec: Uncertainty, reference: float, scale: float) -> F:
    """Values of the distribution ``spec`` at probabilities ``u``, in canonical units.

    ``scale`` converts the file's unit to the canonical one; ``reference`` (canonical) is the
    mode of the triangular and PERT distributions.
    """
    lo, hi = spec.low * scale, spec.high * scale
    width = hi - lo
    if width <= 0:
        return np.full_like(u, lo)
    if spec.distribution == "uniform":
        return lo + u * width
    if spec.distribution == "triangular":
        c = (reference - lo) / width
        left = lo + np.sqrt(u * width * (reference - lo))
        right = hi - np.sqrt((1.0 - u) * width * (hi - reference))
        return np.where(u < c, left, right)
    if spec.distribution == "pert":
        a = 1.0 + 4.0 * (reference - lo) / width
        b = 1.0 + 4.0 * (hi - reference) / width
        return lo + width * special.betaincinv(a, b, u)
    z = special.ndtri(u)
    if spec.distribution == "normal":
        return (lo + hi) / 2.0 + z * width / (2.0 * Z95)
    # lognormal: low and high are its 5th and 95th percentiles (low > 0, checked by the schema)
    mu, sigma = (np.log(lo) + np.log(hi)) / 2.0, (np.log(hi) - np.log(lo)) / (2.0 * Z95)
    return np.asarray(np.exp(mu + sigma * z), dtype=np.float64)


def _uniforms(streams: Streams, name: str, replicates: int) -> F:
    """One uniform number in (0, 1) per replicate, from replicate ``r``'s place in ``name``."""
    words = streams.replicate_states(name, 0, replicates)[:, 0] >> np.uint64(11)
    return (words.astype(np.float64) + 0.5) * 2.0**-53


@functools.cache
def _calibrated() -> tuple[dict[str, float], tuple[dict[str, float], ...]]:
    """The shipped calibration of the stays: best fit and bootstrap rows (read once)."""
    stays = shipped_model_stays()
    return stays.best(), tuple(stays.bootstrap())


@dataclass(frozen=True)
class ParameterDraws:
    """Every replicate's factors on the drawn parameters of one run.

    ``factors`` has shape (replicates, len(paths)): replicate ``r`` runs with each parameter's
    daily series (after overrides) times its factor. ``drawn`` describes each drawn parameter's
    distribution, ``not_drawn`` gives the reason each parameter with a range was left fixed.
    """

    base: Resolved
    paths: tuple[str, ...]
    factors: F
    drawn: dict[str, dict[str, Any]]
    not_drawn: dict[str, str]
    streams: tuple[str, ...]
    #: Days of each parameter that the published record sets (never drawn), where it does.
    exact: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    #: Per walking parameter, each replicate's daily multiplier (replicates, days).
    walks: dict[str, F] = field(default_factory=dict)

    @property
    def replicates(self) -> int:
        """Number of replicates drawn for."""
        return int(self.factors.shape[0])

    def resolved(self, r: int) -> Resolved:
        """Replicate ``r``'s parameter values."""
        arrays: dict[str, F] = {}
        scale = {p: float(f) for p, f in zip(self.paths, self.factors[r], strict=True)}
        for path, f in zip(self.paths, self.factors[r], strict=True):
            base = self.base.canonical(path)
            mask = self.exact.get(path)
            arr = base * f if mask is None else np.where(_along(mask, base), base, base * f)
            if path in self.walks:
                arr = arr * _along_days(self.walks[path][r], arr)
            if self.base.params[path].unit.kind is Kind.PROBABILITY:
                arr = np.minimum(arr, 1.0)
            arrays[path] = arr
        recorded = self.exact.get(TARGET)
        if recorded is not None and BOOKED in arrays:  # book-ins as recorded: arrests uncertain
            planned, drawn = self.base.canonical(BOOKED), arrays[BOOKED]
            undo = np.divide(planned, drawn, out=np.ones_like(planned), where=drawn > 0)
            arrays[TARGET] = self.base.canonical(TARGET) * np.where(recorded, undo, 1.0)
        for group in CAPPED:
            if not any(p in arrays for p in group):
                continue
            total = sum(arrays.get(p, self.base.canonical(p)) for p in group)
            over = np.maximum(np.asarray(total, dtype=np.float64), 1.0)
            for p in group:
                arrays[p] = arrays.get(p, self.base.canonical(p)) / over
        for group in NORMALISED:
            if not any(p in arrays for p in group):
                continue
            before = sum(self.base.canonical(p) for p in group)
            after = sum(arrays.get(p, self.base.canonical(p)) for p in group)
            ratio = np.divide(before, after, out=np.ones_like(before), where=after > 0)
            for p in group:
                arrays[p] = arrays.get(p, self.base.canonical(p)) * ratio
        return self.base.replaced(arrays, scale=scale)

    def inputs(self, r: int) -> Inputs:
        """Replicate ``r``'s inputs to the model."""
        return read_inputs(self.resolved(r))

    def series_factors(self, first: int, end: int) -> dict[str, F]:
        """Daily factors of the computed regional series of replicates ``first .. end - 1``.

        Shape (replicates, days): the per-replicate form of
        :func:`deportsim.model.accounts.factors` (the impacts parameters may be drawn).
        """
        rows = [factors(self.inputs(r)) for r in range(first, end)]
        return {name: np.stack([row[name] for row in rows]) for name in rows[0]}

    def record(self) -> dict[str, Any]:
        """What the manifest says about the draws: each drawn parameter, each one left fixed."""
        return {
            "parameters": self.drawn,
            "not_drawn": self.not_drawn,
            "streams": list(self.streams),
        }


def _along(mask: NDArray[np.bool_], arr: F) -> NDArray[np.bool_]:
    """A (days,) mask shaped to broadcast over ``arr`` (days,) or (days, regions)."""
    return mask if arr.ndim == 1 else mask[:, None]


def _along_days(daily: F, arr: F) -> F:
    """A (days,) series shaped to broadcast over ``arr`` (days,) or (days, regions)."""
    return daily if arr.ndim == 1 else daily[:, None]


#: Days in a month of a walk (:attr:`ParameterDraws.walks`).
WALK_MONTH_DAYS = 30


def _walks(
    resolved: Resolved, streams: Streams, replicates: int, paths: list[str]
) -> dict[str, tuple[float, F]]:
    """Each walking parameter's step and daily multipliers, (replicates, days): module docstring."""
    out: dict[str, tuple[float, F]] = {}
    for path in paths:
        ov = _whole_run(resolved, path)
        sigma = ov.walk if ov is not None else None
        if not sigma:
            continue
        months = -(-resolved.days // WALK_MONTH_DAYS)
        states = streams.replicate_states(f"{stream_name(path)}.walk", 0, replicates)
        steps = np.stack([np.random.default_rng(list(map(int, st))).standard_normal(months)
                          for st in states])  # fmt: skip
        level = np.exp(sigma * np.cumsum(steps, axis=1))
        out[path] = sigma, np.repeat(level, WALK_MONTH_DAYS, axis=1)[:, : resolved.days]
    return out


def _describe(
    drawn: dict[str, dict[str, Any]], resolved: Resolved, walks: dict[str, tuple[float, F]]
) -> None:
    """Add to the manifest's description of each draw: its walk, and a lever's exact values."""
    for path, (sigma, _) in walks.items():
        drawn[path] |= {"walk": {"monthly_log_sd": sigma, "month_days": WALK_MONTH_DAYS,
                                 "stream": f"{stream_name(path)}.walk"}}  # fmt: skip
    for path, how in drawn.items():
        if resolved.params[path].spec.lever:
            how["exact_when_set"] = "a scenario's or --set value is kept as written"


def _exact_days(resolved: Resolved) -> dict[str, NDArray[np.bool_]]:
    """Per parameter, the days an exact value is in force.

    The published record's, and a policy lever's as a scenario or ``--set`` gives it
    (``lever: true`` in its file).
    """
    out: dict[str, NDArray[np.bool_]] = {}
    for ov in resolved.overrides:
        lever = resolved.params[ov.path].spec.lever and not ov.origin.startswith("record")
        if not (ov.exact or lever):
            continue
        mask = out.setdefault(ov.path, np.zeros(resolved.days, dtype=bool))
        mask[resolved.window(ov.start, ov.until)] = True
    return out


def _whole_run(resolved: Resolved, path: str) -> Override | None:
    """The override that sets ``path`` for the whole run (the last one given), or None."""
    return next((ov for ov in reversed(resolved.overrides)
                 if ov.path == path and ov.start is None and ov.until is None), None)  # fmt: skip


def _spread(resolved: Resolved, path: str) -> tuple[float, float, float] | None:
    """A fitted whole-run value's own range: (value, low, high), or None."""
    ov = _whole_run(resolved, path)
    if ov is None or ov.spread is None or not isinstance(ov.value, float):
        return None
    return ov.value, ov.spread[0], ov.spread[1]


#: How a value with its own range is drawn, by the origin of the override that gives it.
_SPREADS = {
    CARRIED_ORIGIN: "triangular (carried forward by the model: the file's range moved with "
    "the value, deportsim.run.carry)",
    "": "triangular (fitted on the record, bootstrap 5-95%)",
}


def _origin(resolved: Resolved, path: str) -> str:
    ov = _whole_run(resolved, path)
    return ov.origin if ov is not None else ""


def _reason(resolved: Resolved, path: str, reference: float, sets: set[str]) -> str | None:
    """Why a parameter with a range is not drawn, or None when it is."""
    param = resolved.params[path]
    spec = param.spec.uncertainty
    assert spec is not None  # noqa: S101 - only parameters with a range are asked about
    if path in sets:
        return "set on the command line (--set): kept at the value given"
    if param.regional:
        return "regional: its range spans the regions' values, not one region's uncertainty"
    if reference == 0:
        return "its value is 0 (a switch that scenarios set): a relative draw cannot move it"
    scale = reference if spec.relative else param.unit.factor
    lo, hi = spec.low * scale, spec.high * scale
    if not lo - 1e-12 * abs(lo) <= reference <= hi + 1e-12 * abs(hi):
        return f"its value on the first day ({reference:g}) is outside its range"
    return None


def draw_parameters(resolved: Resolved, replicates: int, seed: int) -> ParameterDraws:
    """Draw every uncertain parameter for ``replicates`` replicates of a run with ``seed``.

    ``resolved`` is the run's parameters after its overrides; those set on the command line
    (origin ``--set``) are not drawn.
    """
    params = resolved.params
    files = Resolved(params, resolved.start, resolved.days, ())  # before any override
    sets = {ov.path for ov in resolved.overrides if ov.origin == "--set"}
    streams = Streams(seed)
    best, rows = _calibrated()
    pick = _uniforms(streams, CALIBRATED_STREAM, replicates) * len(rows)
    row_of = np.minimum(pick.astype(np.int64), len(rows) - 1)
    paths: list[str] = []
    columns: list[F] = []
    drawn: dict[str, dict[str, Any]] = {}
    not_drawn: dict[str, str] = {}
    for path, param in sorted(params.parameters.items()):
        spec = param.spec.uncertainty
        if spec is None:
            continue
        reference = float(files.canonical(path).reshape(resolved.days, -1)[0, 0])
        fitted = None if path in sets else _spread(resolved, path)
        if fitted is not None and fitted[0] == 0.0:  # a relative draw cannot move 0
            not_drawn[path] = "fitted on the record at 0: a relative draw cannot move it"
            continue
        reason = None if fitted is not None else _reason(resolved, path, reference, sets)
        if reason is not None:
            not_drawn[path] = reason
            continue
        unit = param.unit.canonical
        if fitted is not None:  # a value fitted on the record, drawn from its bootstrap range
            reference, lo, hi = fitted
            name = stream_name(path)
            u = _uniforms(streams, name, replicates)
            range_ = Uncertainty(distribution="triangular", low=lo, high=hi)
            values = quantile(u, range_, reference, 1.0)
            how = {"distribution": _SPREADS.get(_origin(resolved, path), _SPREADS[""]),
                   "low": lo, "high": hi, "stream": name}  # fmt: skip
        elif path in best:
            values = np.array([row[path] / best[path] for row in rows])[row_of] * reference
            how = {"distribution": "calibrated bootstrap", "rows": len(rows),
                   "stream": CALIBRATED_STREAM}  # fmt: skip
        else:
            name = stream_name(path)
            u = _uniforms(streams, name, replicates)
            scale = reference if spec.relative else param.unit.factor
            values = quantile(u, spec, reference, scale)
            how = {"distribution": spec.distribution, "low": spec.low * scale,
                   "high": spec.high * scale, "stream": name,
                   **({"relative": [spec.low, spec.high]} if spec.relative else {})}  # fmt: skip
        values = np.maximum(values, 0.0)
        if param.unit.kind is Kind.PROBABILITY:
            values = np.minimum(values, 1.0)
        paths.append(path)
        columns.append(values / reference)
        drawn[path] = {"unit": unit, "reference": reference, **how}
    matrix = np.stack(columns, axis=1) if columns else np.ones((replicates, 0))
    walks = _walks(resolved, streams, replicates, paths)
    _describe(drawn, resolved, walks)
    return ParameterDraws(
        resolved, tuple(paths), matrix, drawn, not_drawn, streams.names, _exact_days(resolved),
        {path: daily for path, (_, daily) in walks.items()},
    )  # fmt: skip
