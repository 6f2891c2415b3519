"""``deportsim compare-estimates`` says what each dollar figure it prints is.

Its table gives the model's medians over replicates; the lines after it give the deterministic
run (mean field) that splits each gap. Both are costs per removal in the file's dollar year, and
they differ, so no figure may be printed without its name.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from typing import Any

import pytest

from deportsim.cli.app import main


def _usd(value: float) -> str:
    return f"${value:,.0f}"


def _signed(value: float) -> str:
    return f"{'-' if value < 0 else '+'}${abs(value):,.0f}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The command's output (2 replicates, a wide terminal) and the estimates.json it wrote."""
    out = tmp_path_factory.mktemp("estimates")
    text = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "220")  # the table's rows on one line each
        with contextlib.redirect_stdout(text), pytest.raises(SystemExit) as info:
            main(["compare-estimates", "--replicates", "2", "--out", str(out), "--no-catalog"])
    assert info.value.code == 0, text.getvalue()
    return text.getvalue(), json.loads((out / "estimates.json").read_text())


def test_each_line_names_every_figure_and_its_unit(printed: tuple[str, dict[str, Any]]) -> None:
    text, data = printed
    year = data["dollar_year"]
    for est in data["estimates"]:
        head = f"{est['id']}, cost per removal in {year} USD: "
        (line,) = [s for s in text.splitlines() if s.startswith(head)]
        default, under = est["model_default"], est["model_under_assumptions"]
        named = [
            f"published {_usd(est['published']['value_model_dollars'])}",
            f"model default {_usd(default['mean_field'])}",
            f"with the estimate's assumptions {_usd(under['mean_field'])}",
            f"not in the model {_signed(est['gap']['not_explained'])}",
        ]
        top = sorted(est["contributions"], key=lambda c: -abs(c["usd"]))[:3]
        named += [f"{c['label']} {_signed(c['usd'])}" for c in top]
        if abs(est["gap"]["interaction"]) >= 500:
            named.append(f"together {_signed(est['gap']['interaction'])}")
        rest = line
        for piece in named:
            assert piece in rest, f"{est['id']}: {piece!r} in {line!r}"
            rest = rest.replace(piece, "", 1)
        assert "$" not in rest, f"{est['id']}: a dollar figure without its name: {rest!r}"
        assert "deterministic run" in line, "the line says which model figure it gives"
        assert "not the table's medians" in line


def test_the_table_gives_medians_and_says_so(printed: tuple[str, dict[str, Any]]) -> None:
    text, data = printed
    assert f"Cost per removal (USD of {data['dollar_year']})" in text
    assert "medians and 90% intervals over replicates" in text
    head = next(s for s in text.splitlines() if "published, per removal" in s)
    assert "model with its assumptions: median" in head
    assert "model default: median" in head
    for est in data["estimates"]:
        (row,) = [s for s in text.splitlines() if s.startswith(f"│ {est['name']} ")]
        cells = [c.strip() for c in row.strip("│").split("│")]
        under, default = est["model_under_assumptions"], est["model_default"]
        assert cells[2] == _usd(under["p50"]), f"{est['id']}: the median with its assumptions"
        assert cells[3] == f"{_usd(under['p05'])}-{_usd(under['p95'])}"
        assert cells[4] == _usd(default["p50"]), f"{est['id']}: the default's median"
        assert re.fullmatch(r"\$[\d,]+( \(\d{4} dollars: \$[\d,]+\))?", cells[1]), cells[1]
