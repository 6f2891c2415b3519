"""What ``runs show`` and ``runs compare`` read of a run besides its record.

A run's own table (a claims run's verdicts, a requirements run's resources by year, a
compare-estimates run's costs: :data:`~deportsim.store.catalog.verbs.TABLES`), and its settings
and parameter values flattened to ``dotted.path -> text`` so that runs can be compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from deportsim.core.errors import Location, UserError
from deportsim.store.catalog.query import warn_unreadable
from deportsim.store.catalog.records import catalog_dir, run_folder
from deportsim.store.catalog.verbs import COMPARABLE, TABLES

__all__ = ["check_comparable", "kind_table", "settings"]


def kind_table(rec: dict[str, Any], catalog: Path | None) -> list[dict[str, Any]]:
    """The rows of a run's own table (claims.parquet, ...); [] if it has none (not complete)."""
    name = TABLES.get(str(rec.get("kind")))
    path = run_folder(catalog_dir(catalog), rec["id"]) / name if name else None
    if path is None or not path.is_file():
        return []
    try:
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    except (OSError, pa.ArrowException) as exc:  # damaged: shown without it
        warn_unreadable(path, exc)
        return []
    return rows


def _group(kind: str | None) -> int:
    """The index of the group of comparable kinds (unknown kinds compare by metrics)."""
    return next((i for i, kinds in enumerate(COMPARABLE) if kind in kinds), 0)


def check_comparable(recs: Sequence[dict[str, Any]]) -> None:
    """UserError (``RUN_ID``) unless every run is of one group of comparable kinds."""
    if len({_group(r.get("kind")) for r in recs}) > 1:
        kinds = " and ".join(dict.fromkeys(str(r.get("kind")) for r in recs))
        alone = ", ".join(f"{g[0]} with {g[0]}" for g in COMPARABLE[1:])
        raise UserError(
            f"runs of kinds {kinds} cannot be compared: compare {alone}, and "
            f"{', '.join(COMPARABLE[0][:-1])} and {COMPARABLE[0][-1]} runs by their metrics",
            Location("<command line>", path="RUN_ID"),
        )


def _flat(prefix: str, value: Any, into: dict[str, str]) -> None:
    """Nested settings as ``dotted.path -> text``, for comparing runs."""
    if isinstance(value, dict) and value and not {"unit", "steps"} <= set(value):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else str(k), v, into)
    elif isinstance(value, dict):  # a parameter from a manifest: its dated steps
        steps = value.get("steps", [])
        unit = value.get("unit", "")
        text = "; ".join(
            _value(s["value"]) + (f" from {s['from']}" if i else "") for i, s in enumerate(steps)
        )
        into[prefix] = f"{text} {unit}".strip()
    else:
        into[prefix] = _value(value)


def _value(value: Any) -> str:
    """A setting as text: numbers to 6 significant digits, regional values as JSON."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return json.dumps({k: _value(v) for k, v in value.items()}).replace('"', "")
    return value if isinstance(value, str) else json.dumps(value)


def settings(rec: dict[str, Any], catalog: Path | None) -> dict[str, str]:
    """A run's settings and every parameter value it used (from its manifest), flattened."""
    found: dict[str, str] = {}
    for key in ("kind", "scenario", "scenario_hash", "seed", "replicates", "version"):
        found[key] = str(rec[key])
    found["scenario_hash"] = found["scenario_hash"][:12]
    config = {k: v for k, v in (rec["config"] or {}).items() if k not in found}
    _flat("config", config, found)
    _flat("parameters", rec["parameters"] or {}, found)
    manifest = run_folder(catalog_dir(catalog), rec["id"]) / "manifest.json"
    if manifest.is_file():
        try:
            used = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
            _flat("", used, found)
        except (OSError, ValueError, RecursionError, AttributeError, TypeError, KeyError) as exc:
            warn_unreadable(manifest, exc)  # damaged: compared without its parameter values
    return found
