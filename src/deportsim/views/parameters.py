"""Views of the parameters for people: rows with values by date, unit, uncertainty and source.

Values are shown in each parameter's own unit (as written in its file), with a scenario's
overrides listed after the file's values.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:  # annotations only: the command line's help loads no parameter files
    from deportsim.parameters import Parameter, ParameterSet
    from deportsim.scenarios import Scenario

__all__ = [
    "citation", "kind_label", "parameter_rows", "render_csv", "render_json", "render_table",
]  # fmt: skip


def _display(value: float | tuple[float, ...], param: Parameter, regions: tuple[str, ...]) -> Any:
    factor = param.unit.factor
    if isinstance(value, tuple):
        return {r: round(v / factor, 10) for r, v in zip(regions, value, strict=True)}
    return round(value / factor, 10)


def parameter_rows(params: ParameterSet, scenario: Scenario | None = None) -> list[dict[str, Any]]:
    """One dict per parameter, sorted by path, ready for JSON, CSV or a table."""
    rows = []
    for path, param in sorted(params.parameters.items()):
        spec = param.spec
        values: list[dict[str, Any]] = [
            {
                "from": d.isoformat(),
                "until": None,
                "value": _display(v, param, params.regions),
                "origin": "parameters",
            }
            for d, v in param.steps
        ]
        for ov in scenario.overrides if scenario else ():
            if ov.path != path:
                continue
            shown = _display(ov.value, param, params.regions)
            values.append(
                {
                    "from": ov.start.isoformat() if ov.start else "run start",
                    "until": ov.until.isoformat() if ov.until else None,
                    "value": {ov.region: shown} if ov.region else shown,
                    "origin": ov.origin,
                    "note": ov.note,
                }
            )
        rows.append(
            {
                "path": path,
                "description": spec.description,
                "unit": spec.unit,
                "by": spec.by,
                "applies": spec.applies,
                "values": values,
                "uncertainty": spec.uncertainty.model_dump(exclude_none=True)
                if spec.uncertainty
                else None,
                "kind": param.kind,
                "sources": [s.model_dump(exclude_none=True) for s in spec.sources()],
                "assumption": spec.assumption.reasoning if spec.assumption else None,
                "file": Path(param.location.file or "").name,
                "line": param.location.line,
            }
        )
    return rows


def render_json(rows: list[dict[str, Any]]) -> str:
    """All rows as a JSON list."""
    return json.dumps(rows, indent=2, ensure_ascii=False)


def citation(src: dict[str, Any]) -> str:
    """A source of a parameter row as one line: publisher, title, date, table, URL."""
    parts = [src["publisher"], src["title"], src["date"], src.get("table"), src.get("url")]
    return ", ".join(str(p) for p in parts if p)


def render_csv(rows: list[dict[str, Any]]) -> str:
    """One CSV line per parameter, date and region."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "region", "from", "until", "value", "unit", "origin", "kind",
                "distribution", "low", "high", "source", "assumption", "note"])  # fmt: skip
    for row in rows:
        unc = row["uncertainty"] or {}
        source = " | ".join(citation(s) for s in row["sources"])
        for v in row["values"]:
            items = v["value"].items() if isinstance(v["value"], dict) else [("", v["value"])]
            base = v["origin"] == "parameters"  # a scenario's value carries its own note
            kind, low, high = (
                (row["kind"], unc.get("low", ""), unc.get("high", ""))
                if base
                else ("scenario", "", "")
            )
            for region, value in items:
                w.writerow(
                    [row["path"], region, v["from"], v["until"] or "", value, row["unit"],
                     v["origin"], kind, unc.get("distribution", "") if base else "", low, high,
                     source if base else "", (row["assumption"] or "") if base else "",
                     v.get("note") or ""]
                )  # fmt: skip
    return buf.getvalue()


def _values_text(values: list[dict[str, Any]]) -> str:
    lines = []
    for v in values:
        value = v["value"]
        shown = (
            ", ".join(f"{k} {x:g}" for k, x in value.items())
            if isinstance(value, dict)
            else f"{value:g}"
        )
        span = f"{v['from']}" + (f" to {v['until']}" if v["until"] else "")
        origin = "" if v["origin"] == "parameters" else f"  [{v['origin']}]"
        note = f" — {v['note']}" if v.get("note") else ""
        lines.append(f"{span}: {shown}{origin}{note}")
    return "\n".join(lines)


def kind_label(kind: str) -> str:
    """How tables show a parameter's kind: ``sourced``, ``ASSUMPTION`` or ``CALIBRATED``."""
    return kind if kind == "sourced" else kind.upper()


def render_table(rows: list[dict[str, Any]], console: Console, scenario: str | None) -> None:
    """Every parameter as a block: path, unit and kind, then values, range and source indented.

    Blocks read at any terminal width, where a many-column table would fold every cell.
    """
    title = "deportsim parameters" + (f" with scenario {scenario}" if scenario else "")
    console.print(Text(title, style="bold"))
    for row in rows:
        kind = kind_label(row["kind"])
        head = Text(row["path"], style="bold cyan")
        head.append(f"  [{row['unit']}]  {kind}")
        console.print()
        console.print(head, soft_wrap=True)
        body = [f"{row['description']}", *_values_text(row["values"]).splitlines()]
        unc = row["uncertainty"]
        if unc:
            times = "× " if unc.get("relative") else ""
            body.append(f"range: {unc['distribution']} {times}{unc['low']:g} to "
                        f"{times}{unc['high']:g}" + (" the value" if times else ""))  # fmt: skip
        if row["assumption"]:
            body.append(f"assumption: {row['assumption']}")
        body.extend(f"source: {citation(src)}" for src in row["sources"])
        for line in body:
            console.print(Padding(Text(line), (0, 0, 0, 4)))
