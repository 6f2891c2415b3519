"""Published estimates of the economic cost of removals, read strictly from ``economy.yaml``.

Each anchor has its published headline (value or range, unit, the year it refers to, what it is
and its source), the removal path the study assumed (persons or workers a year over which years,
and its population base where stated), the parameter overrides its own figures imply, and a text
saying in words why the model's own figure differs. Every figure carries a source and a status
(confirmed, secondary, unconfirmed or derived); a derived figure shows its arithmetic. Unknown
keys, wrong types, missing sources and bad parameter paths are
:class:`~deportsim.core.errors.UserError` naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from deportsim.analysis.estimates.spec import Figure, Status
from deportsim.core.errors import UserError
from deportsim.core.privacy import screen_document
from deportsim.core.strict_yaml import YamlDoc, load_yaml
from deportsim.parameters import ParameterSet, parse_set
from deportsim.parameters.loader import pydantic_error
from deportsim.parameters.schema import Source

__all__ = [
    "ECONOMY_FILE", "MEASURES", "Anchor", "AnchorFile", "Headline", "RemovalPath",
    "load_anchors",
]  # fmt: skip

#: The shipped anchors, beside this module.
ECONOMY_FILE = Path(__file__).with_name("economy.yaml")
Measure = Literal["gdp_loss_share", "tax_revenue_lost_usd_real", "employment_change_us_born"]
#: What each headline measure is in the model (read by :mod:`.economy` for a calendar year).
MEASURES: dict[str, str] = {
    "gdp_loss_share": "output lost in the calendar year over its baseline GDP, percent",
    "tax_revenue_lost_usd_real": (
        "federal, state and local taxes lost in the calendar year, over the year's price level "
        "(the tax figures' own dollars)"
    ),
    "employment_change_us_born": (
        "change in US-born and authorized workers employed on the calendar year's last day"
    ),
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Sourced(_Strict):
    """A figure or assumption with a status, at least one source, and arithmetic if derived."""

    status: Status
    reasoning: str | None = None
    source: Source | list[Source]

    @field_validator("source")
    @classmethod
    def _some(cls, value: Source | list[Source]) -> Source | list[Source]:
        if isinstance(value, list) and not value:
            raise ValueError("at least one source is required")
        return value

    @model_validator(mode="after")
    def _says_why(self) -> _Sourced:
        if self.status in ("derived", "unconfirmed") and not self.reasoning:
            raise ValueError(
                "a derived or unconfirmed figure needs `reasoning` (the arithmetic, or why it "
                "was chosen)"
            )
        return self


class Headline(_Sourced):
    """The published figure: a value (and range), in the sign convention of its measure."""

    measure: Measure
    value: float
    low: float | None = None
    high: float | None = None
    unit: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1900, le=2100)  # None: the study gives none
    model_year: int | None = None  # where the reproduction reads it (default: ``year``)
    own_year: int | None = None  # where the model's own run reads it (default: ``model_year``)
    what: str = Field(min_length=3)

    @model_validator(mode="after")
    def _range(self) -> Headline:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both `low` and `high`, or neither")
        if (
            self.low is not None
            and self.high is not None
            and not (self.low <= self.value <= self.high)
        ):
            raise ValueError("`value` must lie between `low` and `high`")
        if self.year is None and self.model_year is None:
            raise ValueError("with no published `year`, give the `model_year` assumed")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The published range (the value twice when there is none)."""
        lo = self.value if self.low is None else self.low
        hi = self.value if self.high is None else self.high
        return lo, hi

    @property
    def read_in(self) -> int:
        """The calendar year in which the reproduction reads the measure."""
        year = self.model_year if self.model_year is not None else self.year
        if year is None:  # refused when the file is read
            raise ValueError("a headline with no year needs a model_year")
        return year

    @property
    def own_in(self) -> int:
        """The calendar year in which the model's own run reads the measure."""
        return self.own_year if self.own_year is not None else self.read_in


class PopulationBase(_Sourced):
    """The population a study's shares apply to; ``value`` null when it is not stated."""

    value: float | None = Field(default=None, gt=0)
    what: str = Field(min_length=3)


class RemovalPath(_Sourced):
    """People (or workers) removed a year, spread evenly over each year from first to last."""

    counts: Literal["persons", "workers"]
    per_year: float = Field(gt=0)
    first_year: int = Field(ge=2024, le=2100)
    last_year: int = Field(ge=2024, le=2100)
    what: str = Field(min_length=3)
    base: PopulationBase | None = None

    @model_validator(mode="after")
    def _order(self) -> RemovalPath:
        if self.last_year < self.first_year:
            raise ValueError("`last_year` must not be before `first_year`")
        return self


class Assumption(_Sourced):
    """One of the study's assumptions put into the model as ``--set`` overrides."""

    id: str
    label: str = Field(min_length=3)
    published: str = Field(min_length=2)
    sets: list[str] = Field(min_length=1)


class Anchor(_Strict):
    """A published economic estimate, its own assumptions and why the model differs."""

    id: str
    name: str = Field(min_length=3)
    headline: Headline
    other_figures: list[Figure] = Field(default_factory=list)
    path: RemovalPath
    assumptions: list[Assumption] = Field(default_factory=list)
    why_differs: str = Field(min_length=10)

    @property
    def sets(self) -> tuple[str, ...]:
        """Every override of the anchor's assumptions, in order."""
        return tuple(s for a in self.assumptions for s in a.sets)


class AnchorFile(_Strict):
    """The whole file: the model's own scenario, its horizon and the anchors."""

    description: str
    own_scenario: str
    own_until_year: int = Field(ge=2025, le=2100)
    own_reasoning: str = Field(min_length=10)
    tolerance: float = Field(gt=0, lt=1)
    anchors: list[Anchor] = Field(min_length=1)


def load_anchors(params: ParameterSet, path: Path | None = None) -> AnchorFile:
    """Read and check an anchors file (default: the shipped one) against the parameters."""
    doc = load_yaml(path or ECONOMY_FILE)
    screen_document(doc)
    try:
        spec = AnchorFile.model_validate(doc.data)
    except ValidationError as exc:
        raise pydantic_error(exc, doc, ()) from None
    _check(spec, doc, params)
    return spec


def _check(spec: AnchorFile, doc: YamlDoc, params: ParameterSet) -> None:
    """Checks across fields: unique ids, years inside the own run, parameter paths and values."""
    seen: set[str] = set()
    for i, anchor in enumerate(spec.anchors):
        where: tuple[str | int, ...] = ("anchors", i)
        if not _ID.match(anchor.id) or anchor.id in seen:
            raise UserError(
                f"anchor id {anchor.id!r} must be unique: lower-case letters, digits and hyphens",
                doc.loc((*where, "id")),
            )
        seen.add(anchor.id)
        if anchor.headline.own_in > spec.own_until_year:
            raise UserError(
                f"year {anchor.headline.own_in} is after own_until_year {spec.own_until_year}",
                doc.loc((*where, "headline")),
            )
        if anchor.headline.read_in < anchor.path.first_year:
            raise UserError(
                "the reproduction reads its figure before the removal path begins",
                doc.loc((*where, "headline")),
            )
        for j, a in enumerate(anchor.assumptions):
            for k, text in enumerate(a.sets):
                try:
                    parse_set(params, text)
                except UserError as exc:
                    raise UserError(
                        exc.message, doc.loc((*where, "assumptions", j, "sets", k))
                    ) from None
