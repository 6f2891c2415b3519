"""The report's section "Which assumptions matter most": a real sensitivity analysis shown.

One small sensitivity analysis for the whole module (8 parameters, N = 8: 80 samples of 1
replicate over a quarter of a year, through the library, recorded in the tests' catalog), and
one report of it through the command line (2 replicates, no claims). Bad ``--sensitivity``
inputs are refused before any scenario runs, with one line naming the file and the option.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from browser import opened
from deportsim import api
from deportsim.analysis.sweeps.runner import SensitivityRun
from deportsim.analysis.sweeps.sensitivity import Indices
from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.report import check_sensitivity, read_sensitivity
from deportsim.store import catalog

METRICS = ("removals_total", "cost_total_usd")
#: Eight parameters with stated ranges that baseline-fy2024 leaves alone.
VARY = (
    "removal.delay_days", "removal.delayed_share", "removal.staging_days", "costs.bed_day",
    "costs.judge_year", "costs.officer_year", "arrests.at_large_arrests_per_officer_day",
    "detention.stay_contested",
)  # fmt: skip
SMALL = ("--no-claims", "--replicates", "2", "--years", "0.25")


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> SensitivityRun:
    """Sobol indices of two metrics over eight parameters of baseline-fy2024."""
    cfg = api.RunConfig(scenario="baseline-fy2024", replicates=1, seed=3, years=0.25)
    out = tmp_path_factory.mktemp("sensitivity")
    return api.sensitivity(cfg, METRICS, VARY, n=8, execution=api.Execution(out=out, workers=1))


@pytest.fixture(scope="module")
def reported(
    analysis: SensitivityRun, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """The report of baseline-fy2024 with that analysis, through the CLI; its folder and output."""
    out = tmp_path_factory.mktemp("report") / "report"
    printed = io.StringIO()
    args = ["report", "baseline-fy2024", *SMALL, "--sensitivity", str(analysis.sweep.folder.path)]
    with contextlib.redirect_stdout(printed), pytest.raises(SystemExit) as info:
        main([*args, "--out", str(out)])
    assert info.value.code == 0
    return out, printed.getvalue()


def _section(page: str) -> str:
    found = re.search(r'<section id="sensitivity">.*?</section>', page, flags=re.DOTALL)
    assert found, "the page has the section"
    return found.group(0)


def _json(analysis: SensitivityRun) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((analysis.sweep.folder.path / "sensitivity.json").read_text())
    return data


def test_the_page_names_each_metrics_top_3_by_total_index(
    analysis: SensitivityRun, reported: tuple[Path, str]
) -> None:
    out, printed = reported
    section = _section((out / "report.html").read_text())
    computed: dict[str, Indices] = {ind.metric: ind for ind in analysis.indices}
    assert set(computed) == set(METRICS)
    data = _json(analysis)
    for metric in METRICS:
        top = computed[metric].top(3)
        assert top == data["metrics"][metric]["top3"], "the file holds the analysis' top 3"
        named = ", ".join(f"<code>{p}</code>" for p in top)
        assert f"Top 3 for {metric}: {named}." in section, f"{metric}: the top 3, in order"
        assert f"Top 3 for {metric}: {', '.join(top)}" in printed, "the command prints them"
        # the table's rows: rank, parameter, ST and S1 with their intervals, in that order
        table = section.split(f"<h3>{metric}:")[1].split("</table>")[0]
        rows = re.findall(r"<tr><td>(\d)</td><td><code>([^<]+)</code>", table)
        assert rows == [(str(i + 1), p) for i, p in enumerate(top)]
        best = data["metrics"][metric]["parameters"][0]
        low, high = best["ST"] - best["ST_conf"], best["ST"] + best["ST_conf"]
        assert f"{best['ST']:.2f}<span>95%: {low:.2f} to {high:.2f}</span>" in table
        assert f"{best['S1']:.2f}<span>95%: " in table
    assert "plays a part in about" in section, "the indices in words"
    assert "The total index (ST) of a parameter is the share of the spread" in section
    assert "scenario <strong>baseline-fy2024</strong>, 8 parameters varied" in section
    assert "N = 8 base samples (80 samples" in section
    assert "seed 3, over 0.25 years" in section
    assert "Note:" not in section, "same scenario and years: nothing to warn about"


def test_each_metric_has_its_tornado_chart_embedded_and_beside_the_page(
    analysis: SensitivityRun, reported: tuple[Path, str]
) -> None:
    out, printed = reported
    page = (out / "report.html").read_text()
    assert '<a href="#sensitivity">Which assumptions matter most</a>' in page, "in the contents"
    section = _section(page)
    for metric in METRICS:
        png = (out / f"tornado-{metric}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        figure = re.search(rf'<figure id="tornado-{metric}">.*?</figure>', section, re.DOTALL)
        assert figure, f"{metric}: a figure in the section"
        embedded = re.search(r'src="data:image/png;base64,([^"]+)"', figure.group(0))
        assert embedded
        assert base64.b64decode(embedded.group(1)) == png, "the page shows the file"
    assert "with 10 charts as PNG files beside it" in printed, "8 charts and 2 tornado charts"
    folder = analysis.sweep.folder.path
    assert f"--sensitivity {folder}</pre>" in page, "the command to reproduce names it"


def test_chromium_shows_the_section(reported: tuple[Path, str]) -> None:
    out, _ = reported
    with opened(out / "report.html") as seen:
        text = seen.page.inner_text("#sensitivity")
        widths = seen.page.eval_on_selector_all(
            "#sensitivity figure img", "els => els.map(e => e.naturalWidth)"
        )
        visible = seen.page.is_visible("#sensitivity table.sensitivity")
    assert seen.other_requests == [], "no request"
    assert seen.errors == [], "no console or page errors"
    assert "Which assumptions matter most" in text
    assert "Top 3 for removals_total:" in text
    assert "Top 3 for cost_total_usd:" in text
    assert len(widths) == 2, "both tornado charts are on the page"
    assert all(w > 500 for w in widths), f"each chart decodes: {widths}"
    assert visible, "the table is shown"


def test_another_scenario_or_length_is_said_plainly_and_none_says_how(
    analysis: SensitivityRun, tmp_path: Path
) -> None:
    sens = read_sensitivity(analysis.sweep.folder.path / "sensitivity.json")
    cfg = api.RunConfig(scenario="directive-2025", replicates=2, years=0.3)
    page = api.report(cfg, out=tmp_path / "other", sensitivity=sens).paths[0].read_text()
    section = _section(page)
    assert (
        "This analysis was made for scenario baseline-fy2024, not for directive-2025, the "
        "scenario of this report" in section
    )
    assert "It simulated 0.25 years; this report&#x27;s runs simulate 0.3 years." in section
    cfg = api.RunConfig(scenario="baseline-fy2024", replicates=2, years=0.1)
    paths = api.report(cfg, out=tmp_path / "none").paths
    section = _section(paths[0].read_text())
    assert "No sensitivity analysis was given for this report." in section
    assert "<code>deportsim sensitivity baseline-fy2024</code>" in section
    assert "<code>deportsim report baseline-fy2024 --sensitivity FOLDER</code>" in section
    assert not any(p.name.startswith("tornado-") for p in paths), "no analysis, no chart"


@pytest.mark.usefixtures("reported")  # a report recorded in the catalog
def test_a_run_id_is_found_in_the_catalog(analysis: SensitivityRun) -> None:
    data = _json(analysis)
    by_id = read_sensitivity(data["run_id"])
    assert by_id.summary == check_sensitivity(data), "the same analysis"
    assert by_id.top(3) == {m: data["metrics"][m]["top3"] for m in METRICS}
    assert by_id.years == 0.25, "its settings from the sweep.json beside it"
    report_id = catalog.list_runs(kind="report")[0]["id"]
    with pytest.raises(UserError, match="is a report, not a sensitivity analysis"):
        read_sensitivity(report_id)


def _broken(data: dict[str, Any]) -> list[tuple[str, object, str]]:
    """Ways to spoil a sensitivity.json: (name, content, what the message says)."""
    first = data["metrics"]["removals_total"]
    spoilt: list[tuple[str, object, str]] = []

    def change(name: str, message: str, edit: Any) -> None:
        copy = json.loads(json.dumps(data))
        edit(copy)
        spoilt.append((name, copy, message))

    spoilt.append(("list", [data], "not a JSON object"))
    change("missing", "seed: Field required", lambda d: d.pop("seed"))
    change("unknown", "colour: Extra inputs are not permitted", lambda d: d.update(colour=1))
    change("text", "samples: Input should be a valid integer", lambda d: d.update(samples="80"))
    change(
        "nan",
        "metrics.removals_total.parameters.0.ST: Input should be a finite number",
        lambda d: d["metrics"]["removals_total"]["parameters"][0].update(ST=float("nan")),
    )
    change(
        "order",
        "metrics.removals_total.top3: not the first three parameters",
        lambda d: d["metrics"]["removals_total"].update(top3=first["top3"][::-1]),
    )
    change(
        "ranking",
        "metrics.cost_total_usd.parameters: not ranked by total index",
        lambda d: d["metrics"]["cost_total_usd"]["parameters"][-1].update(ST=2.0),
    )
    change(
        "metric",
        "metrics.../evil: unknown metric",
        lambda d: d["metrics"].update({"../evil": d["metrics"]["removals_total"]}),
    )
    change("samples", "samples: 81 is not base_samples", lambda d: d.update(samples=81))
    return spoilt


def test_bad_sensitivity_inputs_exit_2_before_any_run_and_write_nothing(
    analysis: SensitivityRun,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_run(*_: object, **__: object) -> None:
        raise AssertionError("a scenario ran before --sensitivity was checked")

    monkeypatch.setattr(api, "execute", no_run)
    empty = tmp_path / "empty"
    empty.mkdir()
    not_json = tmp_path / "not.json"
    not_json.write_text("{oops")
    cases: list[tuple[Path, str]] = [
        (tmp_path / "nosuch.json", "no such file or folder, nor a run in the catalog"),
        (empty, "no sensitivity.json in this folder"),
        (not_json, "not JSON"),
    ]
    for name, content, message in _broken(_json(analysis)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(content))  # NaN is written as JSON's non-standard NaN
        cases.append((path, message))
    out = tmp_path / "out"
    for path, message in cases:
        with pytest.raises(SystemExit) as info:
            main(["report", "baseline-fy2024", *SMALL, "--sensitivity", str(path),
                  "--out", str(out)])  # fmt: skip
        err = capsys.readouterr().err
        assert info.value.code == 2, (path.name, err)
        assert str(path) in err, f"the file is named: {err}"
        assert "--sensitivity" in err, f"the option is named: {err}"
        assert message in err, err
        assert len(err.strip().splitlines()) == 1, f"one line: {err}"
        with pytest.raises(UserError, match=re.escape(message)):
            api.report(api.RunConfig(scenario="baseline-fy2024"), out=out, sensitivity=path)
    assert not out.exists(), "nothing is written"
