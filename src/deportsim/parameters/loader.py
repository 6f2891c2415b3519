"""Load the parameter files strictly into a :class:`ParameterSet`.

Every value is checked (dates, region keys, units, ranges) and converted to its unit's canonical
form here, once. Any problem raises :class:`~deportsim.core.errors.UserError` naming file, line and
parameter path.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from deportsim.core.dates import iso_date
from deportsim.core.errors import Location, UserError
from deportsim.core.privacy import screen_document
from deportsim.core.strict_yaml import YamlDoc, load_yaml
from deportsim.core.units import Kind, Unit, UnitMismatchError, get_unit
from deportsim.parameters.schema import ParameterFile, ParameterSpec

__all__ = [
    "PARAMETERS_DIR",
    "Parameter",
    "ParameterSet",
    "check_range",
    "check_value",
    "load_parameters",
    "pydantic_error",
]

#: The built-in parameter files, shipped inside the package.
PARAMETERS_DIR = Path(__file__).parent

Value = float | tuple[float, ...]


#: The publisher named by the source of a parameter that deportsim calibrated itself.
CALIBRATION_PUBLISHER = "deportsim"


@dataclass(frozen=True)
class Parameter:
    """One parameter: its spec, its unit, and its values by effective date in canonical units.

    Regional values are tuples in the order of :attr:`ParameterSet.regions`.
    """

    path: str
    spec: ParameterSpec
    unit: Unit
    steps: tuple[tuple[dt.date, Value], ...]
    location: Location

    @property
    def regional(self) -> bool:
        """True when the parameter has one value per region."""
        return self.spec.by == "region"

    @property
    def is_assumption(self) -> bool:
        """True when no publication gives the value directly."""
        return self.spec.source is None

    @property
    def kind(self) -> str:
        """``assumption``, ``calibrated`` (fitted by deportsim to published data) or ``sourced``."""
        if self.is_assumption:
            return "assumption"
        calibrated = any(s.publisher == CALIBRATION_PUBLISHER for s in self.spec.sources())
        return "calibrated" if calibrated else "sourced"


@dataclass(frozen=True, repr=False)
class ParameterSet:
    """All parameters of the model, keyed by dotted path (``file.name``)."""

    regions: tuple[str, ...]
    region_names: dict[str, str]
    parameters: dict[str, Parameter]
    directory: Path
    #: What the model derived from these parameters alone and keeps with them (the arrest
    #: stage fitted on the record, :meth:`deportsim.model.record.Record.fit`): a set loaded once
    #: and used for many runs (a server's) fits once. Never copied to a changed set.
    derived: dict[Any, Any] = field(default_factory=dict, init=False, compare=False)

    def __repr__(self) -> str:
        return f"ParameterSet({len(self.parameters)} parameters from {self.directory})"

    def __contains__(self, path: object) -> bool:
        return path in self.parameters

    def __getitem__(self, path: str) -> Parameter:
        return self.parameters[path]

    def lookup(self, text: str, location: Location) -> tuple[Parameter, str | None]:
        """Resolve ``file.name`` or ``file.name.REGION`` to a parameter and optional region."""
        if text in self.parameters:
            return self.parameters[text], None
        head, _, region = text.rpartition(".")
        if head in self.parameters and self.parameters[head].regional:
            if region in self.regions:
                return self.parameters[head], region
            raise UserError(
                f"unknown region {region!r}; regions are {', '.join(self.regions)}",
                location.with_path(text),
            )
        near = difflib.get_close_matches(text, self.parameters, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise UserError(
            f"unknown parameter path{hint}; `deportsim params` lists them all",
            location.with_path(text),
        )


def pydantic_error(
    exc: ValidationError,
    doc: YamlDoc,
    prefix: tuple[str | int, ...],
    display: Callable[[tuple[str | int, ...]], str] | None = None,
) -> UserError:
    """Turn the most specific pydantic error into a one-line :class:`UserError` at its line.

    ``display`` turns the key path inside the file into the path shown to the user.
    """
    # with unions (one source or a list) pydantic reports every branch: the deepest is the real one
    err = max(exc.errors(), key=lambda e: len(e["loc"]))
    # pydantic inserts the union member it tried ("Source", "list[Source]", "float"): drop those,
    # unless the document has a key of that name there (a user's key "x[1]" is a key)
    kept: list[str | int] = []
    for part in err["loc"]:
        if isinstance(part, str) and _is_type_tag(part) and (*prefix, *kept, part) not in doc.lines:
            continue
        kept.append(part)
    loc = tuple(kept)
    path = (*prefix, *loc)
    shown = display(path) if display else ".".join(str(p) for p in path)
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = f"unknown key {loc[-1]!r}" if loc else "unknown key"
    elif err["type"] == "missing":
        msg = f"missing required key {loc[-1]!r}" if loc else "missing required key"
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return UserError(msg, doc.loc(path, shown))


_TYPE_TAGS = frozenset({"Source", "Assumption", "Uncertainty", "float", "int", "str", "bool"})


def _is_type_tag(part: str) -> bool:
    return "[" in part or part in _TYPE_TAGS


def check_range(kind: Kind, value: float) -> str | None:
    """Return why ``value`` is out of range for a unit of ``kind``, or None if it is fine."""
    if not math.isfinite(value):
        return f"value {value} is not a finite number"
    if kind is Kind.PROBABILITY and not 0.0 <= value <= 1.0:
        return f"probability {value:g} is outside [0, 1]"
    if value < 0:
        what = {Kind.COUNT: "capacity or count", Kind.DURATION: "duration"}.get(kind, "value")
        return f"negative {what} {value:g} is not allowed"
    return None


def check_value(spec: ParameterSpec, unit: Unit, value: float) -> str | None:
    """Why ``value`` (canonical units) is impossible for this parameter, or None if it is fine.

    The unit's kind rules first (:func:`check_range`), then the parameter's physical ``bounds``
    (stated in its file's unit, compared here in canonical units).
    """
    problem = check_range(unit.kind, value)
    if problem or spec.bounds is None:
        return problem
    b = spec.bounds
    if b.min is not None and value < b.min * unit.factor:
        return (
            f"{value / unit.factor:g} {unit.name} is below the physical minimum "
            f"{b.min:g} {unit.name} ({b.reasoning})"
        )
    if b.max is not None and value > b.max * unit.factor:
        return (
            f"{value / unit.factor:g} {unit.name} is above the physical maximum "
            f"{b.max:g} {unit.name} ({b.reasoning})"
        )
    return None


def _number(raw: Any, where: Location) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise UserError(f"expected a number, got {raw!r}", where)
    return float(raw)


def parse_date(raw: Any, where: Location) -> dt.date:
    """Parse an ISO date (YAML date or ``YYYY-MM-DD`` text) or raise a located error."""
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return iso_date(str(raw))
    except ValueError:
        raise UserError(f"bad date {raw!r}: expected YYYY-MM-DD", where) from None


def _value(
    raw: Any, spec: ParameterSpec, unit: Unit, regions: tuple[str, ...], where: Location
) -> Value:
    if spec.by == "region":
        if not isinstance(raw, dict):
            raise UserError("a `by: region` parameter needs one value per region", where)
        missing = [r for r in regions if r not in raw]
        extra = [r for r in raw if r not in regions]
        if extra:
            raise UserError(f"unknown region {extra[0]!r}; regions are {', '.join(regions)}", where)
        if missing:
            raise UserError(f"no value for region(s) {', '.join(missing)}", where)
        return tuple(
            _checked(raw[r], spec, unit, where.with_path(f"{where.path}.{r}")) for r in regions
        )
    return _checked(raw, spec, unit, where)


def _checked(raw: Any, spec: ParameterSpec, unit: Unit, where: Location) -> float:
    value = _number(raw, where)
    problem = check_value(spec, unit, value * unit.factor)
    if problem:
        raise UserError(problem, where)
    return value * unit.factor


def _load_file(doc: YamlDoc, stem: str, regions: tuple[str, ...]) -> dict[str, Parameter]:
    screen_document(doc)

    def display(path: tuple[str | int, ...]) -> str:
        # ("parameters", "bed_capacity", "source") is shown as "detention.bed_capacity.source"
        if len(path) >= 2 and path[0] == "parameters":
            return ".".join([stem, *(str(p) for p in path[1:])])
        return ".".join(str(p) for p in path)

    try:
        parsed = ParameterFile.model_validate(doc.data)
    except ValidationError as exc:
        raise pydantic_error(exc, doc, (), display) from None
    out: dict[str, Parameter] = {}
    for name, spec in parsed.parameters.items():
        path = f"{stem}.{name}"
        key = ("parameters", name)
        try:
            unit = get_unit(spec.unit)
        except UnitMismatchError as exc:
            raise UserError(str(exc), doc.loc((*key, "unit"), f"{path}.unit")) from None
        if spec.uncertainty is not None and not spec.uncertainty.relative:
            for bound in (spec.uncertainty.low, spec.uncertainty.high):
                problem = check_value(spec, unit, bound * unit.factor)
                if problem:
                    where = doc.loc((*key, "uncertainty"), f"{path}.uncertainty")
                    raise UserError(f"uncertainty bound: {problem}", where)
        steps = []
        for date_text, raw in spec.values.items():
            where = doc.loc((*key, "values", date_text), f"{path}.values.{date_text}")
            steps.append((parse_date(date_text, where), _value(raw, spec, unit, regions, where)))
        steps.sort(key=lambda s: s[0])
        out[path] = Parameter(path, spec, unit, tuple(steps), doc.loc(key, path))
    return out


def load_parameters(directory: Path | None = None) -> ParameterSet:
    """Read ``index.yaml`` and every parameter file it names; raise UserError on any problem."""
    directory = Path(directory) if directory is not None else PARAMETERS_DIR
    if not directory.is_dir():
        raise UserError("parameters folder not found", Location(directory))
    index = load_yaml(directory / "index.yaml")
    screen_document(index)  # its descriptions are free text too
    data = index.data
    if not isinstance(data, dict) or set(data) != {"description", "regions", "files"}:
        raise UserError("index.yaml must have exactly: description, regions, files", index.loc(()))
    regions_raw, files = data["regions"], data["files"]
    if not isinstance(regions_raw, dict) or not regions_raw:
        raise UserError("regions must map region codes to names", index.loc(("regions",)))
    if not isinstance(files, dict) or not files:
        raise UserError("files must map file stems to descriptions", index.loc(("files",)))
    regions = tuple(str(r) for r in regions_raw)
    on_disk = {p.stem for p in directory.glob("*.yaml")} - {"index"}
    for stem in sorted(on_disk - set(files)):
        raise UserError(f"{stem}.yaml is not listed in index.yaml", index.loc(("files",)))
    params: dict[str, Parameter] = {}
    for stem in files:
        path = directory / f"{stem}.yaml"
        if not path.exists():
            raise UserError(
                f"index.yaml lists {stem!r} but {path.name} does not exist",
                index.loc(("files", stem)),
            )
        params.update(_load_file(load_yaml(path), str(stem), regions))
    names = {str(k): str(v) for k, v in regions_raw.items()}
    return ParameterSet(regions, names, params, directory)
