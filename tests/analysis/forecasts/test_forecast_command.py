"""The forecast verb of the API: forecast.json's shape, its bytes, and nothing read from later.

The vintage proof: a forecast as of a date gives the same bytes whether the reader sees every
figure, only those whose data date is on or before the as-of date, or every later figure
doubled. Anything published later that leaked in would change them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from deportsim import api
from deportsim.analysis.forecasts.evaluate import HORIZONS, Row, evaluate
from deportsim.analysis.forecasts.scores import Scores
from deportsim.analysis.forecasts.targets import MODEL, check_targets
from deportsim.official.national import Figure, versions
from deportsim.official.vintage import MonthlySeries, Rule, Vintage, month_end

AS_OF = dt.date(2025, 9, 30)
SERIES = ("detained_adp", "book_ins_ice", "book_ins_cbp", "removals", "book_outs")
Reader = Callable[[str, str, str], Sequence[Figure]]


def _reader(later: Callable[[Figure], Figure | None]) -> Reader:
    """Every published figure, those dated after AS_OF passed through ``later`` (None: hidden)."""

    def read(table: str, agency: str, category: str) -> Sequence[Figure]:
        found = []
        for f in versions(table, agency, category=category):
            if f.data_date is not None and f.data_date <= AS_OF:
                found.append(f)
            elif (g := later(f)) is not None:
                found.append(g)
        return found

    return read


def _forecast(out: Path, read: Reader | None = None, seed: int = 0, months: int = 6) -> bytes:
    api.forecast("directive-2025", AS_OF, months, replicates=5, seed=seed, out=out, read=read,
                 catalog=False)  # fmt: skip
    return (out / "forecast.json").read_bytes()


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A forecast as of AS_OF, the reader seeing every figure published to this day."""
    out = tmp_path_factory.mktemp("forecast")
    _forecast(out)
    return out


def test_nothing_published_after_the_as_of_date_changes_a_byte(
    everything: Path, tmp_path: Path
) -> None:
    seen = (everything / "forecast.json").read_bytes()
    assert _forecast(tmp_path / "cut", _reader(lambda _f: None)) == seen
    doubled = _reader(lambda f: replace(f, value=2.0 * f.value))  # later figures all wrong
    assert _forecast(tmp_path / "doubled", doubled) == seen
    doc = json.loads(seen)
    # the proof bites: later workbooks exist and are left out of the vintage
    later = {f.file for f in versions("adp", "all") if f.data_date and f.data_date > AS_OF}
    assert later
    assert not later & set(doc["data_vintage"]["workbooks"])
    assert all(day <= AS_OF.isoformat() for day in doc["data_vintage"]["workbooks"].values())


def test_forecast_json_has_the_contract_s_shape(everything: Path) -> None:
    text = (everything / "forecast.json").read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2) + "\n"  # 2-space indents, keys in the model's order
    assert doc["as_of"] == "2025-09-30"
    assert isinstance(doc["data_vintage"], dict)
    assert doc["data_vintage"]["as_of"] == "2025-09-30"
    assert set(SERIES) <= set(doc["series"])
    origin = doc["origin"]
    months = [f"2025-{m:02d}" for m in range(9, 13)] + ["2026-01", "2026-02"]
    for name in SERIES:
        rows = doc["series"][name]
        assert [r["month"] for r in rows] == months
        for r in rows:
            assert set(r) == {"month", "p05", "p25", "p50", "p75", "p95", "observed"}
            assert r["p05"] <= r["p25"] <= r["p50"] <= r["p75"] <= r["p95"]
            # months after the vintage's last one were not known on the as-of date
            assert r["month"] > origin
            assert r["observed"] is None


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(
    everything: Path, tmp_path: Path
) -> None:
    assert _forecast(tmp_path / "again") == (everything / "forecast.json").read_bytes()
    assert (tmp_path / "again" / "forecast.png").read_bytes() == (
        everything / "forecast.png"
    ).read_bytes()
    assert _forecast(tmp_path / "other", seed=1) != (everything / "forecast.json").read_bytes()


def test_the_chart_is_a_png_without_the_software_s_name(everything: Path) -> None:
    png = (everything / "forecast.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"matplotlib" not in png.lower()


def test_a_failed_forecast_leaves_an_earlier_one_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _forecast(out, months=2)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(api.UserError, match="--as-of"):
        api.forecast("directive-2025", "2010-01-01", 2, replicates=5, out=out, catalog=False)
    with pytest.raises(api.UserError, match="--months"):
        api.forecast("directive-2025", AS_OF, 61, replicates=5, out=out, catalog=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not (tmp_path / "nothing").exists()
    with pytest.raises(api.UserError, match="--as-of: bad date"):
        api.forecast("directive-2025", "30/09/2025", out=tmp_path / "nothing", catalog=False)
    assert not (tmp_path / "nothing").exists()


# --- the evaluation's targets and rows -------------------------------------------------------


def _row(series: str, method: str, h: int, mape: float, wis: float, cov90: float = 0.9) -> Row:
    return Row(series, method, h, "from 2024-10", Scores(mape, 0.5, cov90, wis, 10), 0)


def test_the_targets_are_met_or_not_with_their_figures() -> None:
    rows = [
        _row("detained_adp", MODEL, 3, 0.05, 100.0, cov90=0.7),
        _row("detained_adp", "persistence", 3, 0.1, 150.0),
        _row("detained_adp", MODEL, 6, 0.05, 300.0),
        _row("detained_adp", "trend", 6, 0.1, 200.0),
        _row("book_ins_ice", MODEL, 3, 0.13, 10.0),
        _row("removals", MODEL, 3, 0.12, 10.0),
        Row("book_ins_ice", MODEL, 6, "from 2024-10", None, 3),
    ]
    found = {t.id: t for t in check_targets(rows, "from 2024-10")}
    assert found["detained_adp-mape-3"].met is True
    assert found["detained_adp-mape-3"].figure == "5.0%"
    assert found["detained_adp-coverage90-3"].met is False
    assert found["book_ins_ice-mape-3"].met is False
    assert found["removals-mape-3"].met is True  # at most 12%: 12% is met
    assert found["detained_adp-wis-3"].met is True
    assert found["detained_adp-wis-6"].met is False
    assert "best naive 200 (trend)" in found["detained_adp-wis-6"].figure
    assert found["book_ins_ice-wis-6"].met is None  # nothing scored: never "met"
    assert found["book_ins_ice-wis-6"].verdict == "not scored"
    assert check_targets(rows, "all")[0].met is None  # another window: nothing there


def test_evaluate_tells_its_progress_and_rows_turn_into_json() -> None:
    months = [f"20{y:02d}-{m:02d}" for y in range(17, 27) for m in range(1, 13)][:114]
    line = 1_000.0 + 10.0 * np.arange(len(months))

    def known_at(as_of: dt.date, rule: Rule) -> Vintage:
        keep = [i for i, m in enumerate(months) if month_end(m) <= as_of]
        s = MonthlySeries("detained_adp", tuple(months[i] for i in keep), line[keep], ())
        return Vintage(as_of, {"detained_adp": s}, {}, rule)

    told: list[tuple[int, int]] = []
    rows = evaluate(series=("detained_adp",), first_origin="2026-01", windows=(),
                    latest=known_at(dt.date(2026, 7, 1), "cut"), known_at=known_at,
                    progress=lambda done, total: told.append((done, total)))  # fmt: skip
    assert told == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]  # origins 2026-01 .. 2026-05
    doc = rows[0].to_json()
    assert set(doc) == {"series", "method", "horizon", "window", "n", "mape", "coverage50",
                        "coverage90", "wis", "skipped"}  # fmt: skip
    assert {r.horizon for r in rows} == set(HORIZONS)
    empty = next(r for r in rows if r.scores is None).to_json()  # 6 months ahead: past the data
    assert (empty["n"], empty["mape"], empty["wis"]) == (0, None, None)
