"""Claims for the report: the ``claims.json`` shape of the interface contract, read and checked.

A claim is ``{"id", "claim", "source", "metric", "result": {"p05", "p50", "p95"}, "verdict",
"binding_constraint", "explanation"}`` with ``verdict`` one of ``supported``, ``not_supported``,
``depends``. ``binding_constraint`` may be null (nothing binds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deportsim.core.errors import Location, UserError
from deportsim.core.privacy import screen_data

__all__ = ["VERDICTS", "check_claims", "read_claims"]

#: The verdicts the contract allows, and how the report words them.
VERDICTS = {"supported": "supported", "not_supported": "not supported", "depends": "depends"}
_TEXT = ("id", "claim", "source", "metric", "explanation")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _result_ok(result: object) -> bool:
    return isinstance(result, dict) and all(
        k in result and (result[k] is None or _number(result[k])) for k in ("p05", "p50", "p95")
    )


def _problem(item: object) -> str | None:
    """What is wrong with one claim, or None."""
    if not isinstance(item, dict):
        return "is not an object"
    missing = [k for k in (*_TEXT, "result", "verdict", "binding_constraint") if k not in item]
    bad = [k for k in _TEXT if k in item and not isinstance(item[k], str)]
    constraint = item.get("binding_constraint")
    problems = [
        (bool(missing), f"lacks {', '.join(missing)}"),
        (bool(bad), f"{', '.join(bad)} must be text"),
        (
            item.get("verdict") not in VERDICTS,
            f"verdict {item.get('verdict')!r} is not one of {', '.join(VERDICTS)}",
        ),
        (not (constraint is None or isinstance(constraint, str)), "binding_constraint must be "
         "text or null"),
        (not _result_ok(item.get("result")), "result must hold numbers p05, p50 and p95"),
    ]  # fmt: skip
    return next((text for failed, text in problems if failed), None)


def check_claims(data: object, origin: str | Path = "<claims>") -> list[dict[str, Any]]:
    """``data`` as a list of claims, or UserError naming ``origin`` and the first bad claim."""
    if not isinstance(data, list):
        raise UserError("not a list of claims (as deportsim claims writes)", Location(origin))
    screen_data(data, Location(origin))
    for i, item in enumerate(data):
        problem = _problem(item)
        if problem is not None:
            name = item.get("id") if isinstance(item, dict) else None
            where = f"claim {i + 1}" + (f" ({name})" if isinstance(name, str) else "")
            raise UserError(f"{where} {problem}", Location(origin))
    return list(data)


def read_claims(path: Path) -> list[dict[str, Any]]:
    """Read and check a claims.json written by ``deportsim claims``; UserError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", Location(path)) from None
    except UnicodeDecodeError:
        raise UserError("not a text file", Location(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not JSON: {exc.msg}", Location(path, exc.lineno)) from None
    return check_claims(data, path)
