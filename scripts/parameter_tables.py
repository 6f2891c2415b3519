"""Print the parameter tables of the docs, from `deportsim params --format json`.

    .venv/bin/python scripts/parameter_tables.py            # model.md, "All parameters, by stage"
    .venv/bin/python scripts/parameter_tables.py reference  # reference/parameters.md

Paste the output over the tables of that section ("All parameters" in the reference).
"""

from __future__ import annotations

import json
import sys
from itertools import groupby
from typing import Any

from deportsim import load_parameters
from deportsim.views.parameters import kind_label, parameter_rows, render_json


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
    elif p["kind"] == "calibrated":
        basis = "CALIBRATED to ICE's monthly ADP, FY2019-FY2024 (deportsim calibrate)"
    else:
        first = p["sources"][0]
        basis = f"sourced: {first['publisher']}, {first['title']} ({first['date']})"
    return f"| `{p['path']}` ({p['unit']}) | {values} | {basis} | {_spread(p['uncertainty'])} |"


def _spread(u: dict[str, Any] | None, distribution: bool = False) -> str:
    """A range as the tables show it: low–high, or ×low–×high of the value for a relative one."""
    if not u:
        return "—"
    times = "×" if u.get("relative") else ""
    head = f"{u['distribution']} " if distribution else ""
    return f"{head}{times}{_number(u['low'])}–{times}{_number(u['high'])}"


def _reference_row(p: dict[str, Any]) -> str:
    values = "<br>".join(f"{step['from']}: {_value(step['value'])}" for step in p["values"])
    spread = _spread(p["uncertainty"], distribution=True)
    basis = kind_label(p["kind"])
    return f"| `{p['path']}` | {p['unit']} | {values} | {spread} | {basis} | {p['applies']} |"


def main() -> None:
    """One table per parameter file, in path order (or one table: ``reference``)."""
    # the rows of `deportsim params --format json`, as JSON gives them
    params = json.loads(render_json(parameter_rows(load_parameters())))
    if sys.argv[1:] == ["reference"]:
        head = "path | unit | value(s) by effective date | uncertainty (low–high) | basis | applies"
        print(f"| {head} |")  # noqa: T201
        print("|---|---|---|---|---|---|")  # noqa: T201
        for p in params:
            print(_reference_row(p))  # noqa: T201
        return
    for group, items in groupby(params, key=lambda p: p["path"].split(".")[0]):
        print(f"#### {group}\n")  # noqa: T201
        print("| parameter | value | basis | range |\n|---|---|---|---|")  # noqa: T201
        for p in items:
            print(_row(p))  # noqa: T201
        print()  # noqa: T201


if __name__ == "__main__":
    main()
