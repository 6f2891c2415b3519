"""Print the tables of docs/model.md, "All parameters, by stage" (`deportsim params --format json`).

    .venv/bin/python scripts/parameter_tables.py

Paste the output over the tables of that section (one table per parameter file).
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from deportsim import load_parameters
from deportsim.paramview import parameter_rows, render_json


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def _value(v: float | dict[str, float]) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{region} {_number(x)}" for region, x in v.items())
    return _number(v)


def _row(p: dict[str, Any]) -> str:
    values = "; ".join(f"{step['from']}: {_value(step['value'])}" for step in p["values"])
    if p["kind"] == "assumption":
        basis = "ASSUMPTION"
    else:
        first = p["sources"][0]
        basis = f"sourced: {first['publisher']}, {first['title']} ({first['date']})"
    u = p["uncertainty"]
    spread = f"{_number(u['low'])}–{_number(u['high'])}" if u else "—"
    return f"| `{p['path']}` ({p['unit']}) | {values} | {basis} | {spread} |"


def main() -> None:
    """One table per parameter file, in path order."""
    # the rows of `deportsim params --format json`, as JSON gives them
    params = json.loads(render_json(parameter_rows(load_parameters())))
    for group, items in groupby(params, key=lambda p: p["path"].split(".")[0]):
        print(f"#### {group}\n")  # noqa: T201
        print("| parameter | value | basis | range |\n|---|---|---|---|")  # noqa: T201
        for p in items:
            print(_row(p))  # noqa: T201
        print()  # noqa: T201


if __name__ == "__main__":
    main()
