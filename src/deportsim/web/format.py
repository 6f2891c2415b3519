"""The API's JSON as a reader sees it on a page: numbers with their units, sources as citations.

Nothing here computes a result: each function turns a value the HTTP API answered into text,
with the command line's own number formats (:mod:`deportsim.views.formatting`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from deportsim.views.formatting import claim_number, metric_text
from deportsim.views.parameters import citation

__all__ = [
    "REGION_NAMES",
    "VERDICTS",
    "cite",
    "claim_row",
    "day_text",
    "indices_csv",
    "lever_row",
    "parameter_row",
    "reading_text",
    "sensitivity_view",
    "status_view",
]

#: The model's regions of arrest, as a reader knows them.
REGION_NAMES = {
    "US": "United States", "LA": "Los Angeles", "NY": "New York", "CHI": "Chicago",
    "HOU": "Houston", "DFW": "Dallas–Fort Worth", "MIA": "Miami", "DC": "Washington DC",
    "REST": "Rest of the country",
}  # fmt: skip
#: A claim's verdict in words.
VERDICTS = {"supported": "supported", "not_supported": "not supported", "depends": "depends"}
#: A unit after a claim's number.
_CLAIM_UNITS = {"persons/day": "a day", "persons/year": "a year", "persons": "people", "share": ""}
#: The monthly series of the Now page: title, and the header of its table's values.
_MONTHLY = {
    "ice_book_ins": ("ICE book-ins a day", "book-ins a day"),
    "detained": ("People in ICE detention on an average day", "people detained"),
    "removals_from_detention": ("Removals from ICE detention a day", "removals a day"),
}


def day_text(iso: str) -> str:
    """``31 March 2026`` from ``2026-03-31``."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def reading_text(r: Mapping[str, Any]) -> str:
    """A status figure: observed as a number, estimated as ``median (low – high)``."""
    unit = str(r["unit"])
    text = metric_text(r["value"], unit)
    if r.get("low") is not None and r.get("high") is not None:
        text += f" ({metric_text(r['low'], unit)} – {metric_text(r['high'], unit)})"
    return text


def status_view(status: Mapping[str, Any]) -> dict[str, Any]:
    """status.json with each figure's text and the monthly charts' rows, for the Now page."""
    view = dict(status)
    view["now"] = [{**r, "text": reading_text(r)} for r in status["now"]]
    view["so_far"] = [{**r, "text": reading_text(r)} for r in status["so_far"]]
    view["as_of_text"] = day_text(status["as_of"])
    view["since_text"] = day_text(status["since"])
    view["month_text"] = f"{dt.date.fromisoformat(status['month'] + '-01'):%B %Y}"
    goals = status.get("goals", {})
    view["charts"] = [
        {"key": key, "title": title, "unit": status["units"][key], "unit_text": unit_text,
         "rows": [{"month": p["month"], "value": p["per_day"]} for p in status["monthly"][key]],
         "goals": [{"label": g["label"], "value": g["per_day"]} for g in goals.get(key, [])]}
        for key, (title, unit_text) in _MONTHLY.items() if key in status["monthly"]
    ]  # fmt: skip
    return view


#: The first month of ICE's series drawn beside a run (the fiscal year before the directive).
FIRST_MONTH = "2023-10"


def observed_series(status: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """ICE's monthly series of status.json as points to draw: the month's middle and value."""
    if status is None:
        return {}
    return {
        key: [{"date": f"{p['month']}-15", "value": p["per_day"]} for p in points
              if p["month"] >= FIRST_MONTH]
        for key, points in status["monthly"].items()
    }  # fmt: skip


def cite(source: Any) -> str:
    """A source (a dict of publisher, title, date, table) as one line; a string as it is."""
    if isinstance(source, Mapping):
        return citation(dict(source))  # as `deportsim params` and its CSV write it
    return "" if source is None else str(source)


def _value(value: Any, unit: str) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_value(v, unit)}" for k, v in value.items())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.4g}" if abs(value) < 100 else metric_text(float(value), unit)
    return str(value)


def parameter_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of ``GET /v1/parameters`` as the parameters page shows it."""
    unit = str(row["unit"])
    values = []
    for v in row["values"]:
        when = f"from {v['from']}" + (f" to {v['until']}" if v.get("until") else "")
        origin = "" if v.get("origin") == "parameters" else f" ({v['origin']})"
        values.append(f"{when}: {_value(v['value'], unit)} {unit}{origin}")
    u = row.get("uncertainty")
    if u:
        scale = " × the value" if u.get("relative") else f" {unit}"
        uncertainty = f"{u['distribution']}, {_value(u['low'], unit)} to {_value(u['high'], unit)}"
        uncertainty += scale
    else:
        uncertainty = "none (not drawn)"
    sources = [cite(s) for s in row.get("sources") or ()]
    text = " ".join([str(row["path"]), str(row.get("description", "")), *sources,
                     str(row.get("assumption") or "")]).lower()  # fmt: skip
    return {
        "path": row["path"], "description": row.get("description", ""), "kind": row["kind"],
        "dated": values, "uncertainty": uncertainty, "sources": sources,
        "assumption": row.get("assumption"), "search": text,
    }  # fmt: skip


def lever_row(lever: Mapping[str, Any], shown: float | None) -> dict[str, Any]:
    """A lever of ``GET /v1/levers`` with its texts; ``shown``: the value its input holds."""
    unit = str(lever["unit"])

    def text(v: float | None) -> str:
        if v is None:
            return ""
        return f"{v:.3g}" if abs(v) < 10 else metric_text(v, unit)

    value = float(lever["value"])
    return {
        **lever,
        "shown": f"{shown if shown is not None else value:g}",
        "value_text": f"{text(value)} {unit}",
        "low_text": text(lever.get("low")), "high_text": text(lever.get("high")),
    }  # fmt: skip


def claim_row(c: Mapping[str, Any]) -> dict[str, Any]:
    """A claim of claims.json with its texts, for the claims page."""
    unit = str(c.get("unit") or "")
    result = c.get("result") or {}
    binds = c.get("binding_constraint")
    return {
        **c,
        "verdict_text": VERDICTS.get(str(c["verdict"]), str(c["verdict"])),
        "p05": claim_number(result.get("p05"), unit), "p50": claim_number(result.get("p50"), unit),
        "p95": claim_number(result.get("p95"), unit),
        "unit_text": _CLAIM_UNITS.get(unit, unit if unit not in {"ratio"} else ""),
        "binds": str(binds).replace("_", " ") if binds else None,
        "source_text": cite(c.get("source")),
        "include": (c.get("intervals") or {}).get("include", []),
    }  # fmt: skip


def metro_grid(
    rows: Sequence[Mapping[str, Any]], metrics: Sequence[str]
) -> list[tuple[str, list[dict[str, str]]]]:
    """The metro table's rows (a row per region and metric) as a grid: regions × ``metrics``."""
    cells: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        unit = str(r["unit"])
        cells.setdefault(str(r["region"]), {})[str(r["metric"])] = {
            "text": metric_text(r.get("p50"), unit),
            "interval": f"{metric_text(r.get('p05'), unit)} – {metric_text(r.get('p95'), unit)}",
        }
    empty = {"text": "n/a", "interval": ""}
    return [(region, [by.get(m, empty) for m in metrics]) for region, by in cells.items()]


#: Parameters a tornado chart shows (the most influential).
TORNADO_BARS = 12
#: Metrics' names for a reader, on the sensitivity page.
METRIC_TITLES = {
    "removals_total": "removals over the run",
    "cost_total_usd": "the cost of enforcement",
    "arrests_total": "arrests over the run",
    "detained_mean": "people in detention on an average day",
    "us_citizen_children_affected_total": "US-citizen children whose parent was removed",
}


def _index(value: float | None, conf: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} ± {conf:.2f}" if conf is not None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{max(value, 0.0):.0%}"


def sensitivity_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """sensitivity.json as the page shows it: per metric, the indices, words and bars."""
    metrics = []
    for metric, ind in doc["metrics"].items():
        params = ind["parameters"]
        title = METRIC_TITLES.get(metric, metric.replace("_", " "))
        top = [p for p in params[:3] if p["ST"] is not None]
        if top:
            first = top[0]
            rest = ", then ".join(f"{p['path']} ({_share(p['ST'])})" for p in top[1:])
            words = (
                f"For {title}, the assumption that matters most is {first['path']}: it is "
                f"involved in about {_share(first['ST'])} of the spread in the result (total "
                f"index {_index(first['ST'], first['ST_conf'])})"
                + (f", then {rest}." if rest else ".")
            )
            if first["ST_conf"] is not None and first["ST_conf"] > first["ST"]:
                words += (" With this few samples the indices are uncertain (each one's "
                          "confidence interval is wider than the index): a larger n narrows "
                          "them.")  # fmt: skip
        else:
            words = f"For {title}, no index could be estimated (the result did not vary)."
        metrics.append({
            "metric": metric, "title": title, "words": words,
            "rows": [{"path": p["path"], "st": _index(p["ST"], p["ST_conf"]),
                      "s1": _index(p["S1"], p["S1_conf"])} for p in params],
            "bars": [{"path": p["path"], "ST": p["ST"] or 0.0, "ST_conf": p["ST_conf"] or 0.0,
                      "S1": p["S1"] or 0.0} for p in params[:TORNADO_BARS]],
        })  # fmt: skip
    conf = doc.get("conf_level")
    return {"metrics": metrics, "method": doc.get("method", ""),
            "conf": f"{conf:.0%}" if isinstance(conf, int | float) else ""}  # fmt: skip


def indices_csv(doc: Mapping[str, Any], metric: str) -> str:
    """One metric's indices of sensitivity.json as CSV, with the analysis it is from."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["metric", "parameter", "ST", "ST_conf", "S1", "S1_conf", "source"])
    source = (f"deportsim sensitivity, scenario {doc.get('scenario')}, {doc.get('samples')} "
              f"samples, seed {doc.get('seed')}")  # fmt: skip
    for p in doc["metrics"][metric]["parameters"]:
        writer.writerow([metric, p["path"], p["ST"], p["ST_conf"], p["S1"], p["S1_conf"], source])
    return buf.getvalue()
