"""The report reads from the top: bottom line, verdicts, charts, then the rest; its figures quote.

One small run (directive-2025, 4 replicates, half a year, seed 3) made twice through the library
with the same settings: once written as a run (its summary.json), once as a report with every
shipped claim. Every figure of the page must be the same text as the median and 90% interval
summary.json holds, formatted by the function ``deportsim run`` prints them with
(:func:`deportsim.views.formatting.metric_text`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from browser import opened
from deportsim import api
from deportsim.analysis.claims.spec import claim_specs
from deportsim.report.bottom_line import bottom_line
from deportsim.report.metros import METRO_COLUMNS
from deportsim.report.runs import ScenarioRun
from deportsim.views.formatting import metric_text

CONFIG = api.RunConfig(scenario="directive-2025", replicates=4, years=0.5, seed=3)
VERDICT_KEYS = ("not_supported", "supported", "depends")


def _claims() -> list[dict[str, Any]]:
    """Every shipped claim, as claims.json holds it, with long numbers and constraint names."""
    out = []
    for i, spec in enumerate(claim_specs()):
        base = {"share": 0.4, "ratio": 0.9}.get(spec.unit, 1_234_567.0 * (i + 1))
        out.append({
            "id": spec.id, "claim": spec.claim, "source": spec.source, "metric": spec.metric,
            "unit": spec.unit, "scenario": spec.scenario,
            "result": {"p05": base * 0.9, "p50": base, "p95": base * 1.1},
            "verdict": VERDICT_KEYS[i % 3],
            "binding_constraint": "reachable_population" if i % 2 else "officers",
            "explanation": f"Because of {spec.metric}. " * 4,
        })  # fmt: skip
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The run's summary.json, the report's page and the claims it shows."""
    folder = tmp_path_factory.mktemp("page")
    claims = _claims()
    api.run(CONFIG, folder / "run")
    page = api.report(CONFIG, out=folder / "report", claims=claims).paths[0]
    return {
        "summary": json.loads((folder / "run" / "summary.json").read_text()),
        "page": page.read_text(),
        "path": page,
        "claims": claims,
    }


def _section(page: str, key: str) -> str:
    found = re.search(rf'<section id="{key}".*?</section>', page, flags=re.DOTALL)
    assert found, f"the page has the section {key}"
    return found.group(0)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _figure(stats: dict[str, Any]) -> tuple[str, str]:
    unit = stats["unit"]
    interval = f"{metric_text(stats['p05'], unit)} – {metric_text(stats['p95'], unit)}"
    return metric_text(stats["p50"], unit), interval


def test_every_headline_figure_is_the_summarys_median_as_the_run_prints_it(
    made: dict[str, Any],
) -> None:
    metrics = made["summary"]["metrics"]
    table = _section(made["page"], "headline")
    rows = re.findall(r'<tr data-metric="([a-z0-9_]*)"><td>.*?</td>(.*?)</tr>', table, re.DOTALL)
    named = [m for m, _ in rows if m]
    assert len(named) == len(set(named)) >= 14, "every headline metric has its row"
    assert len(rows) == len(named) + 1, "and the best 12 months, computed from the days"
    for metric, cells in rows:
        shown = re.fullmatch(r'<td class="num">([^<]*)<span>([^<]*)</span></td>', cells.strip())
        assert shown, f"{metric}: one median and its interval"
        if not metric:
            continue
        median, interval = _figure(metrics[metric])
        assert html.unescape(shown.group(1)) == median, f"{metric}: the median of summary.json"
        assert html.unescape(shown.group(2)) == f"90%: {interval}", f"{metric}: its interval"


def test_the_bottom_line_quotes_the_summarys_medians_against_the_goals(
    made: dict[str, Any],
) -> None:
    metrics = made["summary"]["metrics"]
    said = _text(_section(made["page"], "bottom-line"))
    for metric in ("arrests_per_day_mean", "removals_per_year_mean", "detained_mean"):
        median, interval = _figure(metrics[metric])
        assert f"{median} (median; 90% interval {interval})" in said, metric
    figures = {s.id: s.figures for s in claim_specs()}
    assert f"the goal of {figures['arrests-3000-per-day']['goal'].value:,.0f} a day" in said
    assert f"{figures['millions-per-year']['one_million'].value:,.0f} a year" in said
    assert f"FY2012 record of {figures['largest-in-history']['record'].value:,.0f}" in said
    beds = metrics["detention_capacity_peak"]
    assert f"at most {metric_text(beds['p50'], beds['unit'])} beds" in said
    # the claim of the arrests goal, tested on this scenario, names what binds
    arrests = next(c for c in made["claims"] if c["id"] == "arrests-3000-per-day")
    assert f"what binds: {arrests['binding_constraint'].replace('_', ' ')}" in said
    assert 2 <= said.count(". ") + 1 <= 4, "two or three sentences (and the label)"


def _run(summary: dict[str, Any], name: str = "directive-2025") -> ScenarioRun:
    """A ScenarioRun holding only a summary: what the bottom line reads."""
    return ScenarioRun(name, "", "", None, 1, 1, 0, (), {}, {}, {}, summary, [], [])  # type: ignore[arg-type]


def test_the_bottom_line_follows_the_summary_and_the_claims(made: dict[str, Any]) -> None:
    summary = made["summary"]
    metrics = summary["metrics"]
    goal = claim_specs()[0].figures["goal"].value
    high = {"unit": "persons/day", "mean": goal * 2, "p05": goal * 1.5, "p50": goal * 2,
            "p95": goal * 2.5}  # fmt: skip
    above = {**summary, "metrics": {**metrics, "arrests_per_day_mean": high}}
    assert f"above the goal of {goal:,.0f} a day" in bottom_line(_run(above), None)[0]
    assert f"short of the goal of {goal:,.0f} a day" in bottom_line(_run(summary), None)[0]
    none = {**metrics["released_to_atd_total"], "p05": 0.0, "p50": 0.0, "p95": 0.0}
    free = {**summary, "metrics": {**metrics, "released_to_atd_total": none}}
    assert "beds do not bind" in bottom_line(_run(free), None)[2]
    some = {**metrics["released_to_atd_total"], "p05": 10.0, "p50": 2000.0, "p95": 3000.0}
    full = {**summary, "metrics": {**metrics, "released_to_atd_total": some}}
    assert (
        "beds bind: 2,000 (median; 90% interval 10 – 3,000) people"
        in bottom_line(_run(full), None)[2]
    )
    tested = [{"id": "arrests-3000-per-day", "scenario": "directive-2025",
               "binding_constraint": "reachable_population"}]  # fmt: skip
    assert "what binds: reachable population" in bottom_line(_run(summary), tested)[0]
    other = [{**tested[0], "scenario": "baseline-fy2024"}]
    assert "what binds" not in bottom_line(_run(summary), other)[0], "another scenario's claim"


def test_the_page_reads_bottom_line_verdicts_charts_then_the_rest_parameters_last(
    made: dict[str, Any],
) -> None:
    page = made["page"]
    at = {
        key: page.index(marker)
        for key, marker in (
            ("header", "<header>"), ("bottom", 'id="bottom-line"'), ("verdicts", 'id="verdicts"'),
            ("chart", "<figure"), ("headline", 'id="headline"'), ("metros", 'id="metros"'),
            ("claims", 'id="claims"'), ("method", 'id="method"'), ("reproduce", 'id="reproduce"'),
            ("parameters", 'id="parameters"'),
        )
    }  # fmt: skip
    assert list(at) == sorted(at, key=at.__getitem__), f"in this order: {at}"
    assert page.index("</header>") < at["bottom"], "the bottom line right after the title"
    params = _section(page, "parameters")
    summary = re.search(r"<details><summary>([\d,]+) parameters", params)
    assert summary, "the parameters are collapsed under a line that counts them"
    rows = params.count("<tr><td><code>")
    assert int(summary.group(1).replace(",", "")) == rows > 50
    assert params.rstrip().endswith("</details></section>")
    assert page.index(params) + len(params) == page.index("</main>")


def test_the_verdicts_give_each_claim_in_one_row(made: dict[str, Any]) -> None:
    table = _section(made["page"], "verdicts")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table, re.DOTALL)
    assert len(rows) == len(made["claims"])
    for (claim, verdict, reason), c in zip(rows, made["claims"], strict=True):
        assert html.unescape(claim) == c["claim"]
        assert f'class="verdict v-{c["verdict"]}"' in verdict
        p50 = c["result"]["p50"]
        number = {"share": f"{p50:.1%}", "ratio": f"{p50:.3g}"}.get(c["unit"], f"{p50:,.0f}")
        assert f"model median {number}" in html.unescape(reason), reason
        assert f"binds: {c['binding_constraint'].replace('_', ' ')}" in reason


def test_the_metro_table_gives_each_regions_medians(made: dict[str, Any]) -> None:
    regions = made["summary"]["regions"]
    assert {"LA", "NY", "CHI"} <= set(regions)
    table = _section(made["page"], "metros")
    for region, metrics in regions.items():
        row = re.search(rf'<tr data-region="{region}" data-run="0">(.*?)</tr>', table, re.DOTALL)
        assert row, f"{region} has its row"
        cells = re.findall(r'<td class="num">([^<]*)<span>90%: ([^<]*)</span></td>', row.group(1))
        assert len(cells) == len(METRO_COLUMNS)
        for (median, interval), (metric, _) in zip(cells, METRO_COLUMNS, strict=True):
            assert (html.unescape(median), html.unescape(interval)) == _figure(metrics[metric])


def test_chromium_shows_the_bottom_line_and_the_verdicts_on_the_first_screen(
    made: dict[str, Any],
) -> None:
    with opened(made["path"], width=1400, height=900) as seen:
        boxes = {}
        for key in ("bottom-line", "verdicts"):
            found = seen.page.locator(f"#{key}")
            assert found.is_visible(), f"{key} is visible"
            boxes[key] = found.bounding_box()
        rows = seen.page.locator("#verdicts tbody tr").count()
        chart = seen.page.locator("figure").first.bounding_box()
    assert seen.errors == []
    assert rows == len(made["claims"]), "every claim's verdict"
    for key, box in boxes.items():
        assert box is not None
        assert box["height"] > 20, f"{key} is drawn"
        assert box["y"] + box["height"] <= 900, f"{key} ends within the first screen: {box}"
    assert boxes["bottom-line"]["y"] < boxes["verdicts"]["y"]
    assert chart is not None
    assert chart["y"] >= boxes["verdicts"]["y"] + boxes["verdicts"]["height"], "charts after"
