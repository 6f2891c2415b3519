"""The levers of a what-if: the policy parameters a reader changes, with their value and source.

``levers.yaml`` beside this module lists them (officers, the arrest target, the focus on metros,
jail cooperation by metro, beds, judges, removal seats, arrivals), each a parameter path with a
label and an input step. :func:`levers` gives each one's unit, its value under a scenario on the
first day of a run with the given options (what ``--set`` would replace), its source or
assumption, its uncertainty range and its physical bounds, all read from the parameter files and
the scenario: the web app's what-if page (``GET /v1/levers``) shows them beside each input.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deportsim.api.job_requests import check_request, parameters
from deportsim.api.requests import PreviewRequest
from deportsim.core.strict_yaml import load_yaml

__all__ = ["Lever", "LeverSet", "lever_specs", "levers"]

LEVERS_FILE = Path(__file__).with_name("levers.yaml")


@dataclass(frozen=True)
class Lever:
    """One lever: its parameter, what a reader reads beside its input, and its value."""

    path: str  # as --set takes it: ``arrests.officers``, ``arrests.focus_weight.LA``
    group: str
    label: str
    unit: str
    value: float  # the scenario's value on the run's first day, in ``unit``
    step: float
    minimum: float  # the physical bounds: an input outside them is refused
    maximum: float | None
    kind: str  # sourced, calibrated or assumption (the parameter files' value)
    source: str  # the publication, or the assumption's reasoning, of the parameter files' value
    low: float | None  # the uncertainty range (absolute, in ``unit``), if the value is uncertain
    high: float | None
    description: str
    #: Where the value on the first day comes from: ``parameters`` (the files), ``scenario
    #: NAME`` (one of its overrides) or ``--set``; ``note``: the override's reasoning or source.
    origin: str = "parameters"
    note: str | None = None


@dataclass(frozen=True)
class LeverSet:
    """The levers of a scenario for a run from ``start`` (its first day)."""

    scenario: str
    start: str
    levers: list[Lever]


@functools.cache
def lever_specs() -> tuple[dict[str, Any], ...]:
    """The entries of ``levers.yaml``: group, path, label, step."""
    doc = load_yaml(LEVERS_FILE)
    return tuple(dict(entry) for entry in doc.data["levers"])


def _source(param: Any) -> str:
    spec = param.spec
    sources = [s.cite() for s in spec.sources()]
    if sources:
        return " | ".join(sources)
    return str(spec.assumption.reasoning) if spec.assumption else ""


def _range(spec: Any, value: float) -> tuple[float | None, float | None]:
    u = spec.uncertainty
    if u is None:
        return None, None
    if u.relative:
        return u.low * value, u.high * value
    return u.low, u.high


def _override(prep: Any, name: str, region: str | None) -> Any:
    """The last override of ``name`` (``region``) in force on the run's first day, if any."""
    day = prep.start
    found = None
    for ov in prep.resolved.overrides:
        if ov.path != name or (ov.region is not None and ov.region != region):
            continue
        if (ov.start is None or ov.start <= day) and (ov.until is None or day < ov.until):
            found = ov
    return found


def levers(request: PreviewRequest | None = None, scenarios: Path | None = None) -> LeverSet:
    """The levers under ``request``'s scenario, on the first day of its run (its options').

    The run is prepared as ``deportsim run`` would prepare it (the scenario's overrides, the
    request's ``sets``, the start from the latest data), and each lever's value read on its first
    day. A mistake in the request is a :class:`~deportsim.core.errors.UserError`.
    """
    request = request or PreviewRequest()
    prep = check_request(request, scenarios)
    assert prep is not None  # noqa: S101 (a preview request always prepares its run)
    params = parameters()
    regions = params.regions
    out = []
    for entry in lever_specs():
        path = str(entry["path"])
        head, _, region = path.rpartition(".")
        name, code = (head, region) if head in params.parameters else (path, None)
        param = params[name]
        spec = param.spec
        daily = prep.resolved.daily(name, spec.unit)
        day = daily[prep.bridge]
        value = float(day[regions.index(code)] if code is not None else day)
        bounds = spec.bounds
        low, high = _range(spec, value)
        ov = _override(prep, name, code)
        lever = Lever(
            path=path, group=str(entry["group"]), label=str(entry["label"]), unit=spec.unit,
            value=value, step=float(entry["step"]),
            minimum=bounds.min if bounds is not None and bounds.min is not None else 0.0,
            maximum=(bounds.max if bounds is not None and bounds.max is not None
                     else 1.0 if spec.unit == "probability" else None),
            kind=param.kind, source=_source(param), low=low, high=high,
            description=spec.description,
            origin=ov.origin if ov is not None else "parameters",
            note=ov.note if ov is not None else None,
        )  # fmt: skip
        out.append(lever)
    return LeverSet(prep.scenario.name, prep.start.isoformat(), out)
