"""Scenario documents sent by users, checked and kept under their content's hash.

The HTTP API's ``POST /v1/scenarios`` takes a scenario document (the YAML of a scenario file),
checks it as ``deportsim run FILE`` would (the same messages, with the line and path at fault)
and keeps it in a folder as ``sc-<hash>.yaml``: its id is the first 16 hex digits of the SHA-256
of its text, so the same document always gets the same id and a link to it stays short.

A stored document may extend a built-in scenario, or another stored one by its id; nothing else
(no file of the server's is ever read on a user's behalf).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deportsim.core.errors import Location, UserError
from deportsim.core.folders import write_text_atomic
from deportsim.core.privacy import person_level_text, refusal_message
from deportsim.parameters import load_parameters
from deportsim.scenarios import load_scenario
from deportsim.scenarios.loader import SCENARIOS_DIR, builtin_scenarios

__all__ = [
    "STORED_ID",
    "StoredScenario",
    "builtin_file",
    "scenario_ref",
    "store_scenario",
    "stored_scenarios",
]

#: A stored scenario's id.
STORED_ID = re.compile(r"sc-[0-9a-f]{16}")
#: The request field that holds a document, as its errors name it.
FIELD = "document"


@dataclass(frozen=True)
class StoredScenario:
    """A scenario document kept by :func:`store_scenario`."""

    id: str
    name: str
    title: str
    description: str
    content_hash: str
    overrides: int
    created: bool  # False: the same document was already stored

    def to_json(self) -> dict[str, Any]:
        """The fields, as the HTTP API returns them."""
        return {
            "id": self.id, "name": self.name, "title": self.title,
            "description": self.description, "content_hash": self.content_hash,
            "overrides": self.overrides,
        }  # fmt: skip


def builtin_file(name: str) -> Path:
    """The file of the built-in scenario ``name``."""
    return SCENARIOS_DIR / f"{name}.yaml"


def scenario_ref(name: str, folder: Path | None) -> str:
    """What :func:`~deportsim.scenarios.load_scenario` takes for a built-in name or stored id.

    A stored id names its file in ``folder``; anything else must be a built-in scenario's name
    (UserError naming ``scenario`` otherwise: never a path on the server).
    """
    where = Location("<request>", path="scenario")
    reason = person_level_text(name)
    if reason is not None:  # refused without repeating it
        raise UserError(refusal_message(reason), where)
    if STORED_ID.fullmatch(name):
        path = None if folder is None else folder / f"{name}.yaml"
        if path is None or not path.is_file():
            raise UserError(f"no stored scenario {name}; POST /v1/scenarios stores one", where)
        return str(path)
    if name not in builtin_scenarios():
        raise UserError(
            f"unknown scenario {name!r}; built-in scenarios: {', '.join(builtin_scenarios())}, "
            "or the id of a stored one (sc-...)",
            where,
        )
    return name


def _extends(text: str) -> Any:
    """The document's ``extends`` (None if it has none or does not parse: the loader says)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return doc.get("extends") if isinstance(doc, dict) else None


def _check_extends(text: str, folder: Path) -> None:
    base = _extends(text)
    if base is None:
        return
    where = Location(FIELD, path="extends")
    name = str(base).removesuffix(".yaml")
    if isinstance(base, str) and STORED_ID.fullmatch(name):
        if not (folder / f"{name}.yaml").is_file():
            raise UserError(f"no stored scenario {name} to extend", where)
        return
    if not isinstance(base, str) or base not in builtin_scenarios():
        raise UserError(
            "a stored scenario may extend a built-in scenario "
            f"({', '.join(builtin_scenarios())}) or a stored one (sc-...), nothing else",
            where,
        )


def store_scenario(text: str, folder: Path) -> StoredScenario:
    """Check a scenario document and keep it in ``folder``; UserError naming its line and path.

    Errors name the document as ``document`` (the request field), with the line in it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _check_extends(text, folder)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    sid = f"sc-{digest[:16]}"
    final = folder / f"{sid}.yaml"
    trial = folder / f".check-{secrets.token_hex(6)}.yaml"
    trial.write_text(text, encoding="utf-8")
    try:
        text_extends = _extends(text)
        if isinstance(text_extends, str) and STORED_ID.fullmatch(text_extends):
            # a stored id names its file beside this one
            text = text.replace(f"extends: {text_extends}", f"extends: {text_extends}.yaml", 1)
            trial.write_text(text, encoding="utf-8")
        sc = load_scenario(str(trial), load_parameters(), label=FIELD)
    except UserError as exc:
        loc = exc.location
        if loc is not None and loc.file is not None and Path(loc.file).name == trial.name:
            raise UserError(exc.message, Location(FIELD, loc.line, loc.path)) from None
        raise
    finally:
        trial.unlink(missing_ok=True)
    created = not final.exists()
    if created:
        write_text_atomic(final, text)
    return StoredScenario(sid, sc.name, sc.title, sc.description, sc.content_hash,
                          len(sc.overrides), created)  # fmt: skip


def stored_scenarios(folder: Path) -> list[tuple[str, str]]:
    """The id and title of each scenario stored in ``folder`` (checked when it was stored)."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("sc-*.yaml")):
        if STORED_ID.fullmatch(path.stem):
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            found.append((path.stem, str(doc.get("title", path.stem))))
    return found
