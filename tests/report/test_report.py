"""The HTML report: files, captions and bands, claims, errors, and rendering in Chromium.

The report is built twice for the whole module (small runs: 5 replicates, 2 years): once through
the command line comparing two scenarios, with a claims file, and once for one scenario through
the library. Chromium is Debian's (``make test`` installs it); the test fails if it is missing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from browser import opened
from deportsim import api
from deportsim.api import answers
from deportsim.cli.app import main
from deportsim.parameters import ParameterSet
from deportsim.report import CHARTS, build, build_report, check_claims
from deportsim.report.charts import PALETTE
from deportsim.report.series import band, rolling_band
from deportsim.store.outputs import lock_output
from deportsim.views.parameters import parameter_rows

CHART_FILES = [
    "arrests_by_channel.png", "detained_vs_capacity.png", "released_no_bed.png",
    "court_backlog.png", "removals_vs_record.png", "cost_by_component.png",
    "consequences_by_region.png", "metro_arrests.png",
]  # fmt: skip

CLAIMS = [
    {
        "id": "arrests-3000-per-day",
        "claim": "ICE can make at least 3,000 arrests a day",
        "source": "White House goal, May 2025",
        "metric": "arrests per day, mean over 2026",
        "result": {"p05": 1850.0, "p50": 1900.0, "p95": 1950.0},
        "verdict": "not_supported",
        "binding_constraint": "officers",
        "scenario": "directive-2025",
        "explanation": "Officers <limit> arrests & depletion follows.",
    },
    {
        "id": "largest-in-history",
        "claim": "the largest deportation program in history",
        "source": "presidential directive, 15 Jun 2025",
        "metric": "most removals in any 12 months",
        "result": {"p05": 600000, "p50": 640000, "p95": 650000},
        "verdict": "depends",
        "binding_constraint": None,
        "explanation": "Depends on the beds funded from July 2026.",
    },
]


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out, captured.err


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """directive-2025 against baseline-fy2024, through the CLI, with a claims file."""
    folder = tmp_path_factory.mktemp("compared")
    claims = folder / "claims.json"
    claims.write_text(json.dumps(CLAIMS))
    out = folder / "report"
    with pytest.raises(SystemExit) as info:
        main(["report", "directive-2025", "--compare", "baseline-fy2024", "--replicates", "5",
              "--years", "2", "--claims", str(claims), "--out", str(out)])  # fmt: skip
    assert info.value.code == 0
    return out


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """record-2012-pace alone, through the library, without claims."""
    out = tmp_path_factory.mktemp("single")
    api.report(api.RunConfig(scenario="record-2012-pace", replicates=5, years=2.0), out=out)
    return out


def _figures(page: str) -> list[str]:
    return re.findall(r"<figure\b.*?</figure>", page, flags=re.DOTALL)


@pytest.mark.parametrize("which", ["compared", "single"])
def test_every_chart_has_its_png_an_embedded_copy_and_a_caption(
    which: str, request: pytest.FixtureRequest
) -> None:
    out: Path = request.getfixturevalue(which)
    page = (out / "report.html").read_text()
    figures = _figures(page)
    assert len(figures) == len(CHARTS) == len(CHART_FILES), "one figure per chart"
    for name, figure in zip(CHART_FILES, figures, strict=True):
        png = (out / name).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), f"{name} is a PNG"
        embedded = re.search(r'src="data:image/png;base64,([^"]+)"', figure)
        assert embedded, f"{name}: the chart is embedded as a data: URI"
        assert base64.b64decode(embedded.group(1)) == png, f"{name}: the page shows the file"
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.DOTALL)
        assert caption, f"{name} has a caption"
        text = caption.group(1)
        assert "5th to 95th percentile" in text, f"{name}: the caption says what the band is"
        assert "median of 5 replicates" in text, f"{name}: the caption says what the line is"
    assert sorted(p.name for p in out.iterdir()) == sorted(["report.html", *CHART_FILES])


def test_the_page_has_nothing_to_fetch(compared: Path) -> None:
    page = (compared / "report.html").read_text()
    assert "<script" not in page.lower(), "no scripts at all"
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|ftp:)""", page, re.I)
    assert not re.search(r"url\(|@import", page, re.I), "no CSS that loads anything"
    assert "default-src 'none'; img-src data:" in page, "a CSP forbids any other load"


def test_chromium_opens_the_report_without_requests_or_errors(compared: Path) -> None:
    shot = compared.parent / "screenshot.png"
    with opened(compared / "report.html") as seen:
        widths = seen.page.eval_on_selector_all("figure img", "els => els.map(e => e.naturalWidth)")
        seen.page.screenshot(path=str(shot), full_page=False)
    assert seen.other_requests == [], "the report makes no network request"
    assert seen.errors == [], "no console or page errors"
    assert len(widths) == len(CHART_FILES), "every chart is on the page"
    assert all(w > 500 for w in widths), f"every chart image decodes: {widths}"
    pixels = mpimg.imread(shot)[:, :, :3]
    ink = (pixels < 0.9).any(axis=2).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert ink > 0.03, f"the screenshot is not blank: {ink:.1%} of pixels are not white"
    assert colours > 50, f"the screenshot shows text and colour: {colours} distinct colours"


def _share_near(path: Path, colour: str) -> float:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    pixels = mpimg.imread(path)[:, :, :3]
    return float((np.abs(pixels - rgb).max(axis=2) < 0.03).mean())


def test_compare_overlays_each_scenario_in_its_colour(compared: Path, single: Path) -> None:
    page = (compared / "report.html").read_text()
    for figure in _figures(page):
        assert "scenarios directive-2025 and baseline-fy2024" in figure, "captions name both"
    chart = compared / "detained_vs_capacity.png"
    for colour in PALETTE[:2]:
        assert _share_near(chart, colour) > 0.001, f"{colour} is drawn"
    assert _share_near(single / "detained_vs_capacity.png", PALETTE[1]) == 0.0, "one colour"
    table = re.search(r'<section id="headline">.*?</section>', page, flags=re.DOTALL)
    assert table
    header = re.search(r"<thead>(.*?)</thead>", table.group(0), flags=re.DOTALL)
    assert header
    assert "directive-2025" in header.group(1)
    assert "baseline-fy2024" in header.group(1)
    # every row: a label and one median with its interval per scenario
    rows = re.findall(
        r'<tr data-metric="[^"]*"><td>[^<]+</td>(.*?)</tr>', table.group(0), re.DOTALL
    )
    assert len(rows) >= 14
    assert all(row.count("90%: ") == 2 for row in rows)
    command = (
        "deportsim report directive-2025 --compare baseline-fy2024 --replicates 5 --seed 0 "
        "--years 2 --start 2025-01-20"
    )
    assert f"<pre>{command}</pre>" in page, "the page says how to reproduce it"


def test_claims_and_parameters_are_listed_and_escaped(
    compared: Path, single: Path, params: ParameterSet
) -> None:
    page = (compared / "report.html").read_text()
    assert "Officers &lt;limit&gt; arrests &amp; depletion follows." in page, "text is escaped"
    assert ">not supported<" in page
    assert ">depends<" in page
    assert "1,900" in page
    assert "Claims were not tested" in (single / "report.html").read_text()
    for row in parameter_rows(params):
        assert f"<code>{row['path']}</code>" in page, f"{row['path']} is listed"
    assert "[scenario directive-2025]" in page, "the scenario's dated changes are listed"
    assert "Known limitations" in page
    assert "409,849" in page


def test_same_seed_same_report(tmp_path: Path) -> None:
    cfg = api.RunConfig(
        scenario="baseline-fy2024", replicates=3, years=0.25, sets=("arrests.officers=9000",)
    )
    first = api.report(cfg, out=tmp_path / "a").paths
    second = api.report(cfg, out=tmp_path / "b").paths
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"
    page = first[0].read_text()
    assert "at the pace of the past 30 days" in page, "a run under a year is annualised"
    assert "run shorter than a year" in page
    assert "from run start: 9,000 [--set]" in page, "the run's --set is listed with the parameter"


def test_bands_are_quantiles_of_the_aggregated_series() -> None:
    daily = np.arange(100 * 14, dtype=np.float64).reshape(100, 14)  # replicate r: 14r .. 14r+13
    b = band(daily, dt.date(2025, 1, 1), "week")
    weekly = np.stack([daily[:, :7].mean(axis=1), daily[:, 7:].mean(axis=1)], axis=1)
    assert np.allclose(b.p05, np.quantile(weekly, 0.05, axis=0))
    assert np.allclose(b.p50, np.quantile(weekly, 0.5, axis=0))
    assert np.allclose(b.p95, np.quantile(weekly, 0.95, axis=0))
    assert list(b.x.astype(str)) == ["2025-01-01", "2025-01-08"]
    months = band(np.ones((3, 45)), dt.date(2025, 1, 20), "month", scale=2.0)
    assert list(months.x.astype(str)) == ["2025-01-20", "2025-02-01", "2025-03-01"]
    assert np.allclose(months.p50, 2.0)
    ones = np.ones((4, 400))
    r = rolling_band(ones, dt.date(2025, 1, 1), 365)
    assert np.allclose(r.p50, 365.0), "a 365-day window of ones sums to 365"
    assert str(r.x[0]) == "2025-12-31"
    assert str(r.x[-1]) == "2026-02-04", "the run's last day closes the series"


def test_user_mistakes_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    bad = tmp_path / "claims.json"
    bad.write_text(json.dumps([{**CLAIMS[0], "verdict": "true"}]))
    cases = [
        (["report", "nosuch"], "unknown scenario 'nosuch'"),
        (["report", "baseline-fy2024", "--compare", "nosuch"], "--compare: unknown scenario"),
        (["report", "baseline-fy2024", "--compare", "baseline-fy2024"], "given twice"),
        (["report", "baseline-fy2024", "--claims", str(bad)], f"{bad}: claim 1"),
        (["report", "baseline-fy2024", "--replicates", "0"], "--replicates"),
        (["report", "baseline-fy2024", "--claims", str(bad), "--no-claims"], "not both"),
    ]
    for args, message in cases:
        code, _, err = _cli(capsys, *args, "--out", str(out))
        assert code == 2, args
        assert message in err, err
        assert len(err.strip().splitlines()) == 1, "one line"
    assert not out.exists(), "nothing is written before every input is checked"
    with pytest.raises(Exception, match="not a list of claims"):
        check_claims({"id": "x"})


def test_a_failing_chart_leaves_no_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_runs: object, _observed: object) -> None:
        raise RuntimeError("chart failed")

    monkeypatch.setattr(build, "CHARTS", (*CHARTS[:2], broken))
    runs = []  # an empty report is refused before anything is drawn or written
    with pytest.raises(ValueError, match="at least one run"):
        build_report(runs, None, tmp_path / "none")
    with pytest.raises(RuntimeError, match="chart failed"):
        api.report(api.RunConfig(scenario="baseline-fy2024", replicates=2, years=0.1),
                   out=tmp_path / "x")  # fmt: skip
    assert list((tmp_path / "x").iterdir()) == [], "no page, no charts, no staging folder"
    assert not (tmp_path / "none").exists()


def test_a_report_into_a_folder_in_use_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    """Issue 19: ``report`` took no folder lock, so it could write beside a run in progress."""
    out = tmp_path / "x"
    busy = "another deportsim run is writing to this folder"
    # the lock held as a run in another process holds it
    with lock_output(out), pytest.raises(api.UserError, match=busy):
        api.report(api.RunConfig(scenario="baseline-fy2024", replicates=2, years=0.1),
                   out=out, claims=None)  # fmt: skip
    assert list(out.iterdir()) == []


class _Tested:
    """Stands for a claim result of ``api.claims``: what the report reads of it."""

    def __init__(self, entry: dict[str, object]) -> None:
        self.entry = entry

    def to_json(self) -> dict[str, object]:
        return self.entry


def test_without_a_claims_file_the_claims_are_tested_after_the_inputs_are_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int]] = []

    def fake_claims(replicates: int, seed: int, **_: object) -> list[_Tested]:
        calls.append((replicates, seed))
        return [_Tested({**CLAIMS[0], "unit": "persons/day"})]

    monkeypatch.setattr(answers, "claims", fake_claims)  # what the report tests them with
    code, _, err = _cli(capsys, "report", "nosuch", "--out", str(tmp_path))
    assert (code, calls) == (2, []), "a mistake is reported before the claims are tested"
    args = ["report", "baseline-fy2024", "--replicates", "2", "--years", "0.1", "--seed", "7"]
    code, _, err = _cli(capsys, *args, "--out", str(tmp_path))
    assert code == 0, err
    assert calls == [(2, 7)], "claims are tested with the report's replicates and seed"
    assert "1,900 persons/day" in (tmp_path / "report.html").read_text()
    code, _, err = _cli(capsys, *args, "--no-claims", "--out", str(tmp_path))
    assert (code, calls) == (0, [(2, 7)]), "--no-claims tests nothing"
    assert "Claims were not tested" in (tmp_path / "report.html").read_text()
