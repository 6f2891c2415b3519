"""Load scenarios: named sets of dated parameter overrides, each with its policy source.

A scenario file looks like::

    name: directive-2025
    title: The 2025 mass-deportation directive
    description: >- ...
    policy_sources:
      - {publisher: The White House, title: ..., date: 2025-06-15}
    extends: baseline-fy2024        # optional: apply that scenario's overrides first
    overrides:
      - path: arrests.target_per_day
        value: 3000
        unit: persons/day           # optional; must measure the same thing as the parameter
        from: 2025-05-28            # optional; default: the start of the run
        until: 2027-01-01           # optional, exclusive; default: the end of the run
        known: 2025-06-02           # optional, for a measurement: when it was published
        note: White House goal of at least 3,000 arrests a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from deportsim.core.dates import iso_date
from deportsim.core.errors import Location, UserError, shown
from deportsim.core.privacy import screen_document
from deportsim.core.strict_yaml import YamlDoc, load_yaml
from deportsim.parameters.loader import ParameterSet, pydantic_error
from deportsim.parameters.resolve import Override, make_override
from deportsim.parameters.schema import Source

__all__ = ["SCENARIOS_DIR", "Scenario", "builtin_scenarios", "load_scenario"]

#: Built-in scenarios, shipped inside the package.
SCENARIOS_DIR = Path(__file__).parent

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
#: Longest file or folder name most file systems accept, in bytes.
_MAX_NAME_BYTES = 255


class _OverrideSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    path: str = Field(min_length=3)
    value: float | dict[str, float]
    unit: str | None = None
    start: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None
    known: dt.date | None = None
    note: str | None = None

    @field_validator("start", "until", "known", mode="before")
    @classmethod
    def _quoted_date(cls, value: object) -> object:
        return _iso_date(value)


def _iso_date(value: object) -> object:
    """Accept a quoted ISO date ("2025-06-01") as well as a YAML date."""
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            raise ValueError(f"bad date {shown(value)}: expected YYYY-MM-DD") from None
    return value


class _ScenarioSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str
    title: str = Field(min_length=5)
    description: str = Field(min_length=20)
    policy_sources: list[Source] = Field(min_length=1)
    extends: str | None = None
    start: dt.date | None = None
    record: Literal["follow", "ignore"] | None = None
    overrides: list[_OverrideSpec] = Field(default_factory=list)

    @field_validator("start", mode="before")
    @classmethod
    def _quoted_date(cls, value: object) -> object:
        return _iso_date(value)


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: its text fields, sources, default start, and validated overrides."""

    name: str
    title: str
    description: str
    sources: tuple[Source, ...]
    start: dt.date | None
    overrides: tuple[Override, ...]
    file: str
    content_hash: str  # sha256 of the scenario file and of every file it extends
    #: Runs on the published record where it is known (``record: follow``, inherited through
    #: ``extends`` unless the file says ``record: ignore``): :mod:`deportsim.model.record`.
    follows_record: bool = False
    #: How many of ``overrides`` (the first ones) the record replaces where it is known: those of
    #: the files that say ``record: follow`` themselves and of what they extend. The overrides of
    #: a file that only inherits it come after the record: a user's what-if about the past wins.
    planned: int = 0

    @property
    def builtin(self) -> bool:
        """True for a scenario shipped with deportsim."""
        return Path(self.file).parent == SCENARIOS_DIR


def builtin_scenarios() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


def _locate(ref: str, relative_to: Path | None = None, label: str = "SCENARIO") -> Path:
    """A scenario file: ``ref`` if it names a file, else the built-in scenario of that name."""
    where = Location("<command line>", path=label)
    _check_name(ref, where)
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    looks_like_file = path.suffix in {".yaml", ".yml"} or _is_file(path, where)
    if looks_like_file:
        if not _is_file(path, where):
            raise UserError("scenario file not found", Location(path))
        return path
    builtin = SCENARIOS_DIR / f"{ref}.yaml"
    if not _is_file(builtin, where):
        raise UserError(
            f"unknown scenario {shown(ref)}; built-in scenarios: "
            f"{', '.join(builtin_scenarios())} (or give a path to a .yaml file)",
            where,
        )
    return builtin


def _check_name(ref: str, where: Location) -> None:
    """Refuse a scenario name or path no file system could hold, before using it as a path."""
    if not ref or "\0" in ref:
        raise UserError(f"not a valid scenario name or file path: {shown(ref)}", where)
    for part in Path(ref).parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > _MAX_NAME_BYTES:
            raise UserError(
                f"not a valid scenario name or file path: a name of {size:,} bytes (a file or "
                f"folder name is at most {_MAX_NAME_BYTES} bytes): {shown(part)}",
                where,
            )


def _is_file(path: Path, where: Location) -> bool:
    """``path.is_file()``, with the system's refusal (a path too long, ...) as a UserError."""
    try:
        return path.is_file()
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(
            f"cannot use {shown(str(path))} as a scenario file: {reason}", where
        ) from None


def _parse(doc: YamlDoc) -> _ScenarioSpec:
    screen_document(doc)
    try:
        spec = _ScenarioSpec.model_validate(doc.data)
    except ValidationError as exc:
        # error locations use the YAML key ("from"), not the Python field name ("start")
        raise pydantic_error(exc, doc, ()) from None
    if not _NAME.fullmatch(spec.name):
        raise UserError(
            "scenario name must be 2 to 63 characters: lower-case letters, digits and hyphens, "
            "starting with a letter or digit",
            doc.loc(("name",)),
        )
    return spec


def load_scenario(
    ref: str,
    params: ParameterSet,
    *,
    label: str = "SCENARIO",
    _seen: tuple[str, ...] = (),
    _relative_to: Path | None = None,
) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path; validate every override.

    ``extends: other`` names a built-in scenario or a file path relative to this file's folder;
    the base's overrides come first and its ``start`` applies unless this file gives its own.
    ``label`` names the command-line option that gave ``ref``, for error messages.
    """
    path = _locate(ref, _relative_to, label)
    key = str(path.resolve())
    if key in _seen:
        raise UserError("scenario extends itself (a cycle of `extends`)", Location(path))
    doc = load_yaml(path)
    spec = _parse(doc)
    digest = hashlib.sha256(path.read_bytes())
    overrides: list[Override] = []
    start = spec.start
    follows = spec.record == "follow"
    planned = 0
    if spec.extends is not None:
        try:
            base = load_scenario(
                spec.extends, params, _seen=(*_seen, key), _relative_to=path.parent
            )
        except UserError as exc:
            if exc.location is not None and exc.location.file == "<command line>":
                raise UserError(exc.message, doc.loc(("extends",))) from None
            raise
        overrides.extend(base.overrides)
        digest.update(base.content_hash.encode())
        start = start or base.start
        follows = base.follows_record if spec.record is None else follows
        planned = base.planned
    for i, ov in enumerate(spec.overrides):
        where = doc.loc(("overrides", i, "path"))
        overrides.append(
            make_override(
                params,
                ov.path,
                ov.value,
                unit_text=ov.unit,
                start=ov.start,
                until=ov.until,
                where=where,
                origin=f"scenario {spec.name}",
                where_of={k: doc.loc(("overrides", i, k)) for k in ("value", "unit", "until")},
                note=" ".join(ov.note.split()) if ov.note else None,
                known=ov.known,
            )
        )
    return Scenario(
        name=spec.name,
        title=spec.title,
        description=" ".join(spec.description.split()),
        sources=tuple(spec.policy_sources),
        start=start,
        overrides=tuple(overrides),
        file=str(path),
        content_hash=digest.hexdigest(),
        follows_record=follows,
        planned=len(overrides) if spec.record == "follow" else (planned if follows else 0),
    )
