"""What ``deportsim runs show`` and ``runs compare`` print for each kind of run.

Runs with metrics (``run``, ``sweep``, ``sensitivity``, ``report``) are shown and compared by
their metrics (:mod:`deportsim.cli.runs`); this module shows the tables the other kinds keep
(read by :mod:`deportsim.store.catalog.show`): a claims run's verdicts and medians, a
requirements run's resources by year, a compare-estimates run's costs per removal. Plain aligned
text, as the rest of ``deportsim runs``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

__all__ = ["columns", "compare_lines", "summary_lines"]

_VERDICTS = {"supported": "supported", "not_supported": "not supported", "depends": "depends"}


def columns(rows: list[list[str]], right: Collection[int] = ()) -> list[str]:
    """Rows of cells as lines of aligned columns (two spaces apart)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _claim_value(value: float | None, unit: str | None) -> str:
    if value is None:
        return "-"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _usd(value: float | None) -> str:
    if value is None:
        return "-"
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def summary_lines(rec: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """The short summary ``runs show`` prints after a run's outputs (none for other kinds).

    ``rows``: the run's own table (:func:`deportsim.store.catalog.show.kind_table`).
    """
    kind, summary = rec.get("kind"), rec.get("summary") or {}
    if kind == "claims" and summary:
        counts = summary.get("verdicts", {})
        said = ", ".join(f"{counts.get(v, 0)} {text}" for v, text in _VERDICTS.items())
        lines = [f"claims ({summary.get('claims', len(rows))}): {said}"]
        table = [["  claim", "verdict", "median", "90% interval", "binding constraint"]]
        table += [
            [f"  {r['claim']}", _VERDICTS.get(r["verdict"], r["verdict"]),
             _claim_value(r["p50"], r["unit"]),
             f"{_claim_value(r['p05'], r['unit'])} – {_claim_value(r['p95'], r['unit'])}",
             r["binding_constraint"].replace("_", " ")]
            for r in rows
        ]  # fmt: skip
        return lines + (columns(table, right={2, 3}) if rows else [])
    if kind == "requirements" and summary:
        lines = [
            f"targets: {', '.join(summary.get('targets', []))} (in at least "
            f"{_share(summary.get('probability'))} of replicates, from year "
            f"{summary.get('from_year')})"
        ]
        resources = list(dict.fromkeys(r["resource"] for r in rows))
        table = [["  year", "status", *resources]]
        for year, status in summary.get("years", {}).items():
            found = {r["resource"]: r["required"] for r in rows if str(r["year"]) == year}
            table.append([f"  {year}", status, *(_count(found.get(n)) for n in resources)])
        return [*lines, "required each year:", *columns(table, right=range(2, len(table[0])))]
    if kind == "estimates" and summary:
        lines = [
            f"cost per removal, base {summary.get('base_scenario')}, USD of "
            f"{summary.get('dollar_year')}:"
        ]
        table = [["  estimate", "published", "model, its assumptions", "not in the model"]]
        table += [
            [f"  {r['estimate']}", _usd(r["published_usd"]), _usd(r["model_under_p50"]),
             _usd(r["not_explained"])]
            for r in rows
        ]  # fmt: skip
        return lines + columns(table, right={1, 2, 3})
    if kind == "report" and summary:
        scenarios = ", ".join((rec.get("config") or {}).get("scenarios", {}))
        return [f"report of {scenarios}: {summary.get('page')}, "
                f"{len(summary.get('charts', []))} charts"]  # fmt: skip
    return []


def compare_lines(
    recs: Sequence[dict[str, Any]], tables: Sequence[list[dict[str, Any]]] | None
) -> list[str] | None:
    """The side-by-side table of runs of a kind with a table, or None (compared by metrics).

    ``tables``: each run's own table (:func:`deportsim.store.catalog.show.kind_table`), or None
    for kinds that have none.
    """
    if tables is None:
        return None
    kind, rows = recs[0].get("kind"), list(tables)
    heads = [f"run {i}" for i in range(1, len(recs) + 1)]
    if kind == "claims":
        return _compare_claims(rows, heads)
    if kind == "requirements":
        return _compare_requirements(recs, rows, heads)
    return _compare_estimates(rows, heads)


def _keyed(tables: list[list[dict[str, Any]]], key: str) -> tuple[list[Any], list[dict[Any, Any]]]:
    """The keys in first-seen order, and each run's rows by key."""
    by_run = [{r[key]: r for r in t} for t in tables]
    keys = list(dict.fromkeys(k for t in tables for k in (r[key] for r in t)))
    return keys, by_run


def _compare_claims(tables: list[list[dict[str, Any]]], heads: list[str]) -> list[str]:
    keys, by_run = _keyed(tables, "claim")
    table = [["claim", *(f"{h} verdict" for h in heads), *(f"{h} median" for h in heads), ""]]
    for k in keys:
        rows = [b.get(k) for b in by_run]
        verdicts = [_VERDICTS.get(r["verdict"], r["verdict"]) if r else "-" for r in rows]
        medians = [_claim_value(r["p50"], r["unit"]) if r else "-" for r in rows]
        changed = "verdict differs" if len(set(verdicts)) > 1 else ""
        table.append([k, *verdicts, *medians, changed])
    n = len(heads)
    lines = columns(table, right=range(1 + n, 1 + 2 * n))
    same = sum(1 for row in table[1:] if not row[-1])
    return ["claims: verdict and median (90% interval in runs show)", *lines,
            f"{same} of {len(keys)} claims with the same verdict"]  # fmt: skip


def _compare_requirements(
    recs: Sequence[dict[str, Any]], tables: list[list[dict[str, Any]]], heads: list[str]
) -> list[str]:
    table = [["year", "required", *heads]]
    targets = [", ".join((r.get("summary") or {}).get("targets", [])) or "-" for r in recs]
    table.append(["", "targets", *targets])
    keys: list[tuple[int, str]] = list(
        dict.fromkeys((r["year"], r["resource"]) for t in tables for r in t)
    )
    by_run = [{(r["year"], r["resource"]): r for r in t} for t in tables]
    statuses = [{r["year"]: r["status"] for r in t} for t in tables]
    for year in dict.fromkeys(y for y, _ in keys):
        table.append([str(year), "status", *(s.get(year, "-") for s in statuses)])
        for y, resource in keys:
            if y == year:
                cells = [_count((b.get((y, resource)) or {}).get("required")) for b in by_run]
                table.append(["", resource, *cells])
    return ["requirements: resources required each year", *columns(table)]


def _compare_estimates(tables: list[list[dict[str, Any]]], heads: list[str]) -> list[str]:
    keys, by_run = _keyed(tables, "estimate")
    table = [["estimate", "published", *heads]]
    for k in keys:
        rows = [b.get(k) for b in by_run]
        published = next((r["published_usd"] for r in rows if r), None)
        table.append([k, _usd(published), *(_usd(r["model_under_p50"] if r else None)
                                            for r in rows)])  # fmt: skip
    lines = columns(table, right=range(1, len(table[0])))
    return ["cost per removal, model with each estimate's assumptions (median):", *lines]
