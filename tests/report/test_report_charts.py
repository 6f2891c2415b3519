"""What the report's charts draw: goal lines, ICE's figures beside the model, credits, metros.

One run of directive-2025 (2 replicates, a year and a half from 20 January 2025, so that the run
spans ICE's latest months) read as the report reads it, and ICE's figures from the published
record it follows. The figures are inspected before they are rendered; the credits are checked
on every figure a report draws and in the PNG files' pixels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from deportsim._version import __version__
from deportsim.analysis.claims.spec import claim_specs
from deportsim.model.record import Record, published_record
from deportsim.official.vintage import add_months
from deportsim.parameters import ParameterSet
from deportsim.report import Observed, ScenarioRun, build_report, chartkit
from deportsim.report.charts import arrests_figure, detained_figure, removals_figure
from deportsim.report.series import band
from deportsim.run import RunConfig, execute, prepare

START = dt.date(2025, 1, 20)
OBSERVED_CHARTS = {"arrests_by_channel", "detained_vs_capacity", "removals_vs_record"}


@pytest.fixture(scope="module")
def record() -> Record:
    """ICE's figures as a run reads them."""
    return published_record()


@pytest.fixture(scope="module")
def run(params: ParameterSet) -> tuple[ScenarioRun, Any]:
    """directive-2025 over a year and a half, as the report keeps it, and the run's series."""
    cfg = RunConfig(scenario="directive-2025", replicates=2, years=1.5, start=START)
    prep = prepare(cfg, params)
    done = execute(prep)
    kept = ScenarioRun.from_sim(
        done.sim, done.summary, title="t", description="d", parameters=[], sources=[]
    )
    return kept, done.sim


def _spec(claim: str, figure: str) -> float:
    return next(s for s in claim_specs() if s.id == claim).figures[figure].value


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def _at(line: Line2D, value: float) -> bool:
    y = np.asarray(line.get_ydata(), dtype=float)
    return y.size > 0 and bool(np.all(y == value))


def _observed(ax: Any) -> tuple[np.ndarray, np.ndarray]:
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "observed (ICE)"]
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata(), dtype=float)


def _latest(record: Record, name: str, kept: ScenarioRun) -> str | None:
    """The label of the latest-data marker, if the series' last month ends inside the run."""
    last = record.months(name)[-1]
    inside = kept.start < last.after <= kept.end + dt.timedelta(days=1)
    return f"latest data: {last.first:%b %Y}" if inside else None


def _monthly(record: Record, name: str, kept: ScenarioRun, value: str) -> dict[str, float]:
    """The months whose middle falls in the run (those the record fills in left out)."""
    return {
        str(np.datetime64(m.first + dt.timedelta(days=14), "D")): getattr(m, value)
        for m in record.months(name)
        if m.source != "interpolated" and kept.start <= m.first + dt.timedelta(days=14) <= kept.end
    }


def test_arrests_reach_for_the_goal_and_book_ins_meet_ices(
    run: tuple[ScenarioRun, Any], record: Record
) -> None:
    kept, _ = run
    fig, drawn = arrests_figure([kept], Observed.from_record(record))
    arrests, book_ins = fig.axes[0], fig.axes[1]
    goal = _spec("arrests-3000-per-day", "goal")
    assert any(_at(line, goal) for line in arrests.get_lines()), "a line at the goal"
    assert f"goal: {goal:,.0f} a day" in [t.get_text() for t in arrests.texts]
    assert arrests.get_ylim()[1] > goal, "the goal is inside the panel"
    expected = _monthly(record, "book_ins_ice", kept, "per_day")
    assert drawn
    assert len(expected) >= 12, "ICE's months of 2025 and 2026 fall in the run"
    x, y = _observed(book_ins)
    assert [str(d) for d in x.astype("datetime64[D]")] == list(expected)
    assert np.allclose(y, list(expected.values()))
    assert y.max() < book_ins.get_ylim()[1], "no point is cut off"
    marker = _latest(record, "book_ins_ice", kept)
    assert (marker in [t.get_text() for t in book_ins.texts]) if marker else True
    assert "observed (ICE)" in _texts(fig), "the legend names them"


def test_detained_against_beds_funded_and_ices_daily_population(
    run: tuple[ScenarioRun, Any], record: Record
) -> None:
    kept, _ = run
    fig, drawn = detained_figure([kept], Observed.from_record(record))
    ax = fig.axes[0]
    beds = band(kept.national["detention_capacity"], kept.start).p50
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--" and len(ln.get_ydata())]
    assert any(np.allclose(np.asarray(ln.get_ydata(), float), beds) for ln in dashed)
    assert "beds funded (the run's bed capacity)" in _texts(fig)
    expected = _monthly(record, "detained_adp", kept, "value")
    assert drawn
    x, y = _observed(ax)
    assert [str(d) for d in x.astype("datetime64[D]")] == list(expected)
    assert np.allclose(y, list(expected.values()))
    marker = _latest(record, "detained_adp", kept)
    assert (marker in [t.get_text() for t in ax.texts]) if marker else True


def test_removals_against_a_million_the_record_and_ices_12_month_totals(
    run: tuple[ScenarioRun, Any], record: Record
) -> None:
    kept, _ = run
    fig, drawn = removals_figure([kept], Observed.from_record(record))
    ax = fig.axes[0]
    million = _spec("millions-per-year", "one_million")
    fy2012 = _spec("largest-in-history", "record")
    texts = [t.get_text() for t in ax.texts]
    for value, label in ((million, f"goal: {million:,.0f} a year"),
                         (fy2012, f"FY2012 record: {fy2012:,.0f} a year (ICE)")):  # fmt: skip
        assert any(_at(line, value) for line in ax.get_lines()), f"a line at {value:,.0f}"
        assert label in texts
    assert ax.get_ylim()[1] > million
    assert drawn
    x, y = _observed(ax)
    months = record.months("removals")
    last_days = [str(np.datetime64(m.after - dt.timedelta(days=1), "D")) for m in months]
    assert len(x) >= 6
    for day, total in zip(x.astype("datetime64[D]"), y, strict=True):
        i = last_days.index(str(day))  # each point is the last day of a month
        window = months[i - 11 : i + 1]
        assert [m.month for m in window] == [add_months(months[i].month, k) for k in range(-11, 1)]
        assert total == pytest.approx(sum(m.value for m in window)), f"12 months to {day}"
        assert kept.start <= day.astype(object) <= kept.end


def test_no_observed_figures_outside_the_record_and_no_data_credit(
    run: tuple[ScenarioRun, Any], record: Record
) -> None:
    kept, _ = run
    after = record.months("book_ins_ice")[-1].after + dt.timedelta(days=3 * 366)
    later = dataclasses.replace(kept, start=after)  # a run that starts years after the record
    for make in (arrests_figure, detained_figure, removals_figure):
        for runs, observed in (([kept], Observed()), ([later], Observed.from_record(record))):
            fig, drawn = make(runs, observed)
            assert not drawn, f"{make.__name__}: nothing observed to draw"
            assert not any(t.startswith("latest data") for t in _texts(fig))
            assert "observed (ICE)" not in _texts(fig)


def _foot(path: Path) -> float:
    """Share of dark pixels in the bottom 2% of a PNG's right half, where the credit is."""
    pixels = mpimg.imread(path)[:, :, :3]
    rows = max(int(pixels.shape[0] * 0.02), 8)
    foot = pixels[-rows:, pixels.shape[1] // 2 :]
    return float((foot < 0.6).any(axis=2).mean())


def test_every_chart_carries_its_credit_and_the_metros_share_one_scale(
    run: tuple[ScenarioRun, Any],
    record: Record,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept, sim = run
    drawn: list[Figure] = []
    real = chartkit.png

    def keep(fig: Figure) -> bytes:
        drawn.append(fig)
        return real(fig)

    monkeypatch.setattr(chartkit, "png", keep)
    paths = build_report([kept], None, tmp_path, observed=Observed.from_record(record))
    charts = [p for p in paths if p.suffix == ".png"]
    assert len(drawn) == len(charts) >= 8
    base = f"deportsim {__version__} · scenario directive-2025 · model estimate"
    for path, fig in zip(charts, drawn, strict=True):
        expected = base + (" · data: ICE detention statistics" if path.stem in OBSERVED_CHARTS
                           else "")  # fmt: skip
        assert expected in _texts(fig), f"{path.name}: its credit"
        assert _foot(path) > 0.002, f"{path.name}: the credit is drawn at its foot"
    metro = drawn[[p.stem for p in charts].index("metro_arrests")]
    panels = [ax for ax in metro.axes if ax.get_visible()]
    regions = [g for g in kept.regions if g != "REST"]
    assert len(panels) == len(regions) == 7, "a panel per metro, the rest of the US aside"
    assert {"Los Angeles", "New York", "Chicago"} <= {ax.get_title() for ax in panels}
    assert all(panels[0].get_shared_y_axes().joined(panels[0], ax) for ax in panels)
    assert len({ax.get_ylim() for ax in panels}) == 1, "one scale"
    for ax, region in zip(panels, regions, strict=True):
        medians = band(sim.region("arrests")[:, :, kept.regions.index(region)], kept.start).p50
        assert any(np.allclose(np.asarray(ln.get_ydata(), float), medians)
                   for ln in ax.get_lines()), f"{region}: its median line"  # fmt: skip
