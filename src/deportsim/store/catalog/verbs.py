"""What the catalog keeps of each kind of command, read from the command's own output files.

:func:`describe` turns a finished command's JSON outputs (claims.json, requirements.json,
estimates.json; their layouts are in docs/reference/results.md) into small Parquet tables kept
in the run's folder, which ``deportsim runs compare`` and ``runs export`` read, and a short
summary kept in the record, which ``deportsim runs show`` prints. Reading the files, not the
analysis objects, keeps the catalog independent of how each analysis is computed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

__all__ = ["COMPARABLE", "TABLES", "describe"]

#: The Parquet table each kind keeps (beside summary.parquet for kinds with metrics).
TABLES = {
    "claims": "claims.parquet",
    "requirements": "requirements.parquet",
    "estimates": "estimates.parquet",
}

#: Kinds that ``runs compare`` sets side by side: runs of one group only.
COMPARABLE = (
    ("run", "sweep", "sensitivity", "report"),  # by their metrics (summary.parquet)
    ("claims",),
    ("requirements",),
    ("estimates",),
)

Described = tuple[dict[str, pa.Table], dict[str, Any]]


def _read(files: Mapping[str, Path], name: str) -> Any:
    return json.loads(files[name].read_text(encoding="utf-8"))


def _claims(files: Mapping[str, Path]) -> Described:
    """claims.parquet: one row per claim; summary: verdict counts."""
    claims = _read(files, "claims.json")
    table = pa.table({
        "claim": pa.array([c["id"] for c in claims], pa.string()),
        "verdict": pa.array([c["verdict"] for c in claims], pa.string()),
        "metric": pa.array([c.get("metric") for c in claims], pa.string()),
        "unit": pa.array([c.get("unit") for c in claims], pa.string()),
        **{
            q: pa.array([float(c["result"][q]) for c in claims], pa.float64())
            for q in ("p05", "p50", "p95")
        },
        "binding_constraint": pa.array([c["binding_constraint"] for c in claims], pa.string()),
        "claim_scenario": pa.array([c.get("scenario") for c in claims], pa.string()),
    })  # fmt: skip
    counts = Counter(c["verdict"] for c in claims)
    verdicts = {v: counts.get(v, 0) for v in ("supported", "not_supported", "depends")}
    scenarios = sorted({c["scenario"] for c in claims if c.get("scenario")})
    return {TABLES["claims"]: table}, {"claims": len(claims), "verdicts": verdicts,
                                       "scenarios": scenarios}  # fmt: skip


def _requirements(files: Mapping[str, Path]) -> Described:
    """requirements.parquet: one row per year and resource; summary: targets, years' status."""
    data = _read(files, "requirements.json")
    rows = [
        {"year": y["year"], "from": y["from"], "until": y["until"], "status": y["status"],
         "resource": name, "unit": r.get("unit"), "required": r.get("required"),
         "scenario_level": r.get("scenario"), "more": r.get("more")}
        for y in data["years"]
        for name, r in (y.get("resources") or {}).items()
    ]  # fmt: skip
    schema = pa.schema([
        ("year", pa.int64()), ("from", pa.string()), ("until", pa.string()),
        ("status", pa.string()), ("resource", pa.string()), ("unit", pa.string()),
        ("required", pa.float64()), ("scenario_level", pa.float64()), ("more", pa.float64()),
    ])  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=schema)
    targets = [
        f"{t['metric']} {'at most' if t['kind'] == 'at_most' else 'at least'} {t['value']:,.0f}"
        for t in data["targets"]
    ]
    summary = {
        "targets": targets,
        "probability": data.get("probability"),
        "from_year": data.get("from_year"),
        "years": {str(y["year"]): y["status"] for y in data["years"]},
    }
    return {TABLES["requirements"]: table}, summary


def _estimates(files: Mapping[str, Path]) -> Described:
    """estimates.parquet: one row per published estimate; summary: base scenario, dollar year."""
    data = _read(files, "estimates.json")
    found = data["estimates"]

    def column(get: Callable[[dict[str, Any]], Any]) -> pa.Array:
        return pa.array([None if get(e) is None else float(get(e)) for e in found], pa.float64())

    table = pa.table({
        "estimate": pa.array([e["id"] for e in found], pa.string()),
        "name": pa.array([e["name"] for e in found], pa.string()),
        "published_usd": column(lambda e: e["published"].get("value_model_dollars")),
        "model_default_p50": column(lambda e: e["model_default"]["p50"]),
        "model_under_p05": column(lambda e: e["model_under_assumptions"]["p05"]),
        "model_under_p50": column(lambda e: e["model_under_assumptions"]["p50"]),
        "model_under_p95": column(lambda e: e["model_under_assumptions"]["p95"]),
        "not_explained": column(lambda e: e["gap"].get("not_explained")),
    })  # fmt: skip
    summary = {
        "base_scenario": data.get("base_scenario"),
        "dollar_year": data.get("dollar_year"),
        "estimates": [e["id"] for e in found],
    }
    return {TABLES["estimates"]: table}, summary


def _report(files: Mapping[str, Path]) -> Described:
    """No table (its metrics are the first scenario's summary.parquet); summary: its files."""
    charts = sorted(name for name in files if name.endswith(".png"))
    return {}, {"page": "report.html" if "report.html" in files else None, "charts": charts}


_DESCRIBE: dict[str, Callable[[Mapping[str, Path]], Described]] = {
    "claims": _claims,
    "requirements": _requirements,
    "estimates": _estimates,
    "report": _report,
}


def describe(kind: str, files: Mapping[str, Path]) -> Described:
    """The tables (file name -> table, without ``run_id``) and summary a run of ``kind`` keeps.

    ``files``: the command's outputs by name. Kinds without a description give nothing. Raises
    OSError or ValueError (KeyError and TypeError included as ValueError) if an output cannot
    be read or is not what its name says.
    """
    how = _DESCRIBE.get(kind)
    if how is None:
        return {}, {}
    try:
        return how(files)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{kind}: an output is not as expected ({exc!r})") from exc
