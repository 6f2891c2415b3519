"""The report's section "The economy": the run's economic figures, and what matters most.

One small run (directive-2025, 4 replicates, a year, seed 3, parameters drawn) kept for the
report with its prepared inputs, so that the report also ranks the economic assumptions (Sobol
indices over their ranges, on the run's own series). Every figure of the section must be the
text of the median and 90% interval summary.json holds, formatted as ``deportsim run`` prints
them (:func:`deportsim.views.formatting.metric_text`).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from deportsim.analysis.economy.sensitivity import LABELS, METRIC_WORDS
from deportsim.model.stages.impacts import SECTORS
from deportsim.report import ScenarioRun, build_report
from deportsim.report.economy import (
    METRO_COLUMNS,
    NOT_CAPTURED,
    ROWS,
    SECTOR_COLUMNS,
    YEAR_ROWS,
    economy_text,
)
from deportsim.run import RunConfig, execute, prepare
from deportsim.views.formatting import metric_text
from deportsim.views.parameters import parameter_rows

CONFIG = RunConfig(
    scenario="directive-2025", replicates=4, years=1.0, seed=3, parameter_uncertainty=True
)


def _run(prepared: bool) -> ScenarioRun:
    prep = prepare(CONFIG)
    done = execute(prep)
    return ScenarioRun.from_sim(
        done.sim,
        done.summary,
        title=prep.scenario.title,
        description=prep.scenario.description,
        parameters=parameter_rows(
            prep.params, replace(prep.scenario, overrides=prep.resolved.overrides)
        ),
        sources=[],
        prepared=prep if prepared else None,
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The run as the report keeps it, and the report's page."""
    run = _run(prepared=True)
    out = tmp_path_factory.mktemp("economy")
    page = build_report([run], None, out)[0].read_text()
    return {"run": run, "page": page, "section": _section(page)}


def _section(page: str) -> str:
    found = re.search(r'<section id="economy">.*?</section>', page, flags=re.DOTALL)
    assert found, "the page has the section"
    return found.group(0)


def _figure(stats: dict[str, Any]) -> tuple[str, str]:
    unit = stats["unit"]
    interval = f"{metric_text(stats['p05'], unit)} – {metric_text(stats['p95'], unit)}"
    return metric_text(stats["p50"], unit), interval


def _cells(row: str) -> list[tuple[str, str]]:
    found = re.findall(r'<td class="num">([^<]*)<span>90%: ([^<]*)</span></td>', row)
    return [(html.unescape(m), html.unescape(i)) for m, i in found]


def _row(table: str, attribute: str, key: str) -> str:
    found = re.search(rf'<tr {attribute}="{key}">(.*?)</tr>', table, flags=re.DOTALL)
    assert found, f"a row for {key}"
    return found.group(1)


def _tables(section: str) -> list[str]:
    return re.findall(r'<table class="economy">.*?</table>', section, flags=re.DOTALL)


def test_the_section_is_titled_listed_and_placed_after_the_metros(made: dict[str, Any]) -> None:
    page, section = made["page"], made["section"]
    assert "<h2>The economy</h2>" in section
    assert '<li><a href="#economy">The economy</a></li>' in page, "in the contents"
    assert page.index('id="metros"') < page.index('id="economy"') < page.index('id="claims"')
    assert page.count('<section id="economy">') == 1


def test_the_runs_figures_are_its_summarys_medians_and_intervals(made: dict[str, Any]) -> None:
    run: ScenarioRun = made["run"]
    metrics = run.summary["metrics"]
    overall, years, sectors, metros = _tables(made["section"])
    for metric, _ in ROWS:  # the enforcement's cost among them
        assert _cells(_row(overall, "data-metric", metric)) == [_figure(metrics[metric])], metric
    by_year = run.summary["years"]
    assert len(by_year) == 2, "a year from 2025-01-20: two calendar years"
    for metric, _ in YEAR_ROWS:
        shown = _cells(_row(years, "data-metric", metric))
        assert shown == [_figure(by_year[y]["metrics"][metric]) for y in by_year], metric
    for sector in SECTORS:
        shown = _cells(_row(sectors, "data-metric", sector))
        assert shown == [_figure(metrics[f"{p}_{sector}"]) for p, _ in SECTOR_COLUMNS], sector
    regions = run.summary["regions"]
    assert len(regions) == 8
    for region, block in regions.items():
        shown = _cells(_row(metros, "data-region", region))
        assert shown == [_figure(block[m]) for m, _ in METRO_COLUMNS], region
    said = html.unescape(made["section"])
    cost, output = _figure(metrics["cost_total_usd"])[0], _figure(metrics["gdp_loss_usd"])[0]
    assert (
        f"the enforcement costs {cost} over the run (median); the output lost is {output}" in said
    )


def test_the_ranking_names_what_matters_most_for_output_and_taxes(made: dict[str, Any]) -> None:
    run: ScenarioRun = made["run"]
    assert run.economy is not None
    for metric in METRIC_WORDS:
        found = re.search(rf'<p data-sobol="{metric}">(.*?)</p>', made["section"], re.DOTALL)
        assert found, f"a sentence for {metric}"
        sentence = html.unescape(found.group(1))
        top = run.economy.indices[metric].top(1)[0]
        assert top in LABELS
        assert sentence.startswith(f"What matters most for {METRIC_WORDS[metric]} ({metric}) is")
        assert f"{LABELS[top]} ({top})" in sentence, sentence
        table = made["section"].split(f"<th>parameter ({metric})</th>")[1].split("</table>")[0]
        ranked = re.findall(r"<tr><td><code>([a-z_.]+)</code></td>", table)
        assert ranked[0] == top
        assert len(ranked) == len(run.economy.ranges) == 18
    taxes = run.economy.indices["tax_revenue_lost_usd"]
    assert taxes.top(1)[0] != "economy.relative_output", "output does not enter the taxes"
    assert "20,480 samples (N = 1,024)" in made["section"]
    assert "averaged over its 4 replicates" in made["section"]


def test_the_section_says_what_the_model_does_not_capture(made: dict[str, Any]) -> None:
    said = html.unescape(made["section"])
    assert NOT_CAPTURED in said
    for left_out in ("general equilibrium", "trade", "prices", "remittances"):
        assert left_out in NOT_CAPTURED


def test_the_section_in_plain_text_and_without_the_ranking(
    made: dict[str, Any], tmp_path: Path
) -> None:
    run: ScenarioRun = made["run"]
    text = economy_text([run])
    median, interval = _figure(run.summary["metrics"]["gdp_loss_usd"])
    assert f"Output (GDP) lost over the run, nominal dollars: {median} (90%: {interval})" in text
    assert run.economy is not None
    assert run.economy.sentence("gdp_loss_usd") in text
    plain = _run(prepared=False)
    assert plain.economy is None
    section = _section(build_report([plain], None, tmp_path)[0].read_text())
    assert "was not computed for this report" in section
    assert 'data-sobol="' not in section
    assert _tables(section)[0] == _tables(made["section"])[0], "the same run, the same figures"
