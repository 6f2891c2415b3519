"""The published cost estimates and their assumptions, read strictly from ``estimates.yaml``.

Each estimate has its published cost per removal (value, dollar year, what it counts and its
source), other figures it published, and the assumptions that explain it, each with its source, a
status (confirmed, secondary, unconfirmed or derived) and the model's parameter overrides that put
it into the model. Unknown keys, wrong types, missing sources and bad parameter paths are
:class:`~deportsim.core.errors.UserError` naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from deportsim.core.errors import UserError
from deportsim.core.privacy import screen_document
from deportsim.core.strict_yaml import YamlDoc, load_yaml
from deportsim.parameters import ParameterSet, parse_set
from deportsim.parameters.loader import pydantic_error
from deportsim.parameters.schema import Source

__all__ = [
    "COMPONENTS", "ESTIMATES_FILE", "MEASURES", "Assumption", "Estimate", "EstimateFile",
    "load_estimates",
]  # fmt: skip

#: The shipped estimates, beside this module.
ESTIMATES_FILE = Path(__file__).with_name("estimates.yaml")
#: What an estimate may count, and the model's cost series of each: an arrest's cost includes the
#: officers' time, which the model counts by the year.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "arrests": ("cost_officers", "cost_arrests"),
    "detention": ("cost_detention",),
    "atd": ("cost_atd",),
    "courts": ("cost_courts",),
    "transport": ("cost_transport",),
}
Status = Literal["confirmed", "secondary", "unconfirmed", "derived"]
Component = Literal["arrests", "detention", "atd", "courts", "transport"]
Measure = Literal[
    "interior_share", "at_large_share", "arrest_cost", "detained_share", "stay", "bed_day",
    "removals_per_year",
]  # fmt: skip
#: What the model shows beside an assumption (computed in
#: :mod:`deportsim.analysis.estimates.compare`).
MEASURES: tuple[str, ...] = get_args(Measure)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _sources(value: Source | list[Source]) -> list[Source]:
    out = value if isinstance(value, list) else [value]
    if not out:
        raise ValueError("at least one source is required")
    return out


class SetSpec(_Strict):
    """One parameter override; ``dollars`` marks a value in another year's dollars."""

    path: str
    value: float
    dollars: int | None = None


class Figure(_Strict):
    """A figure the estimate published besides its cost per removal."""

    value: float
    unit: str
    dollar_year: int | None = None
    what: str = Field(min_length=3)
    status: Status
    source: Source | list[Source]

    @field_validator("source")
    @classmethod
    def _some(cls, value: Source | list[Source]) -> Source | list[Source]:
        _sources(value)
        return value


class Published(Figure):
    """The estimate's cost per removal and the cost components it counts."""

    unit: Literal["USD/removal"]
    dollar_year: int
    counts: list[Component] = Field(min_length=1)


class Assumption(_Strict):
    """One assumption behind an estimate and the overrides that put it into the model."""

    id: str
    label: str = Field(min_length=3)
    published: str = Field(min_length=2)
    status: Status
    measure: Measure | None = None
    reasoning: str | None = None
    source: Source | list[Source]
    sets: list[SetSpec] = Field(min_length=1)

    @field_validator("source")
    @classmethod
    def _some(cls, value: Source | list[Source]) -> Source | list[Source]:
        _sources(value)
        return value

    @model_validator(mode="after")
    def _derived_says_how(self) -> Assumption:
        if self.status == "derived" and not self.reasoning:
            raise ValueError("a derived assumption needs `reasoning` showing the arithmetic")
        return self


class Estimate(_Strict):
    """A published estimate: its figure, its other figures and its assumptions."""

    id: str
    name: str = Field(min_length=3)
    published: Published
    other_figures: list[Figure] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(min_length=1)
    not_mapped: str = Field(min_length=3)


class Deflator(_Strict):
    """Price index used to state older figures in the model's dollars."""

    series: str
    index: dict[str, float]
    same_within_years: int = Field(ge=0)
    reasoning: str
    source: Source


class EstimateFile(_Strict):
    """The whole file: base scenario, the model's dollar year, deflator and estimates."""

    description: str
    base_scenario: str
    base_reasoning: str
    model_dollar_year: int
    deflator: Deflator
    estimates: list[Estimate] = Field(min_length=1)

    def factor(self, dollar_year: int) -> float:
        """Multiplier from ``dollar_year`` dollars to the model's dollars (1 when close)."""
        if abs(dollar_year - self.model_dollar_year) <= self.deflator.same_within_years:
            return 1.0
        idx = self.deflator.index
        return idx[str(self.model_dollar_year)] / idx[str(dollar_year)]

    def sets(self, assumption: Assumption) -> tuple[str, ...]:
        """The assumption's overrides as ``--set`` texts, values in the model's dollars."""
        out = []
        for s in assumption.sets:
            value = s.value * (self.factor(s.dollars) if s.dollars is not None else 1.0)
            out.append(f"{s.path}={value:.10g}")
        return tuple(out)


def load_estimates(params: ParameterSet, path: Path | None = None) -> EstimateFile:
    """Read and check an estimates file (default: the shipped one) against the parameters."""
    doc = load_yaml(path or ESTIMATES_FILE)
    screen_document(doc)
    try:
        spec = EstimateFile.model_validate(doc.data)
    except ValidationError as exc:
        raise pydantic_error(exc, doc, ()) from None
    _check(spec, doc, params)
    return spec


def _check(spec: EstimateFile, doc: YamlDoc, params: ParameterSet) -> None:
    """Checks across fields: ids, years the deflator must know, parameter paths and values."""
    seen: set[str] = set()
    for i, est in enumerate(spec.estimates):
        where = ("estimates", i)
        if not _ID.match(est.id) or est.id in seen:
            raise UserError(
                f"estimate id {est.id!r} must be unique: lower-case letters, digits and hyphens",
                doc.loc((*where, "id")),
            )
        seen.add(est.id)
        _need_year(spec, doc, est.published.dollar_year, (*where, "published", "dollar_year"))
        ids: set[str] = set()
        for j, a in enumerate(est.assumptions):
            at = (*where, "assumptions", j)
            if not _ID.match(a.id) or a.id in ids:
                raise UserError(
                    f"assumption id {a.id!r} must be unique within its estimate",
                    doc.loc((*at, "id")),
                )
            ids.add(a.id)
            for k, s in enumerate(a.sets):
                if s.dollars is not None:
                    _need_year(spec, doc, s.dollars, (*at, "sets", k, "dollars"))
            for k, text in enumerate(spec.sets(a)):
                try:
                    parse_set(params, text)
                except UserError as exc:
                    raise UserError(exc.message, doc.loc((*at, "sets", k, "path"))) from None


def _need_year(spec: EstimateFile, doc: YamlDoc, year: int, key: tuple[str | int, ...]) -> None:
    """Refuse a dollar year the deflator cannot convert to the model's dollars."""
    close = abs(year - spec.model_dollar_year) <= spec.deflator.same_within_years
    have = {str(year), str(spec.model_dollar_year)} <= set(spec.deflator.index)
    if not (close or have):
        raise UserError(
            f"dollar year {year} needs CPI values for {year} and {spec.model_dollar_year} in "
            "deflator.index",
            doc.loc(key),
        )
