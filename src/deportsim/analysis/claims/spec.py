"""The claims file: each claim of the claims guide and the figures it is compared with.

The claims and their figures are data (``claims.yaml``, beside this module), each figure with its
source or labelled as an assumption; :func:`claim_specs` reads and checks them.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from deportsim.core.privacy import screen_document
from deportsim.core.strict_yaml import load_yaml
from deportsim.parameters.loader import pydantic_error
from deportsim.parameters.schema import Source

__all__ = ["ClaimSpec", "Figure", "claim_specs"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Figure(_Strict):
    """A figure a claim is compared with: its source, or the assumption it is."""

    value: float
    unit: str
    source: Source | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Figure:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("a figure needs a source or an assumption (one of them)")
        return self


class ClaimSpec(_Strict):
    """One claim of the claims guide: who said it, what is tested, and under which scenario."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    claim: str
    source: str
    metric: str
    unit: Literal["persons", "persons/day", "persons/year", "share", "ratio"]
    scenario: str
    figures: dict[str, Figure] = Field(default_factory=dict)


class _File(_Strict):
    claims: list[ClaimSpec]


@functools.cache
def claim_specs() -> tuple[ClaimSpec, ...]:
    """The shipped claims, in the order of the claims guide (checked when first read)."""
    name = "claims.yaml"
    text = resources.files("deportsim.analysis.claims").joinpath(name).read_text(encoding="utf-8")
    doc = load_yaml(name, text)
    screen_document(doc)
    try:
        specs = _File.model_validate(doc.data, strict=False).claims
    except ValidationError as exc:
        raise pydantic_error(exc, doc, ()) from None
    return tuple(specs)
