"""``deportsim forecast``, end to end: its table and files, its one-line errors, --evaluate --quick.

In process (``deportsim.cli.app.main``) for speed, and once through the installed script.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from deportsim.cli.app import main

DEPORTSIM = Path(sys.executable).parent / "deportsim"
SMALL = ("--months", "2", "--replicates", "5")
SERIES = ("detained_adp", "book_ins_ice", "book_ins_cbp", "removals", "book_outs")


@dataclass
class Done:
    code: int
    out: str
    err: str


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    return Done(code if isinstance(code, int) else 1, captured.out, captured.err)


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a forecast made by the command line (recorded in a catalog of its own)."""
    base = tmp_path_factory.mktemp("forecast")
    out = base / "out"
    done = subprocess.run(
        [str(DEPORTSIM), "forecast", "directive-2025", "--as-of", "2025-09-30", *SMALL,
         "--out", str(out), "--catalog", str(base / "catalog")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (base / "stdout.txt").write_text(done.stdout)
    return out


def test_it_prints_each_series_median_and_interval_and_where_the_files_are(earlier: Path) -> None:
    text = (earlier.parent / "stdout.txt").read_text()
    lines = text.splitlines()
    assert lines[0].startswith("Forecast of directive-2025 as of 2025-09-30: from the people "
                               "detained in 2025-08")  # fmt: skip
    for name in SERIES:
        assert name in text
    assert "2025-09" in text
    assert "2025-10" in text
    assert "90% interval" in text
    assert lines[-1] == f"Results in {earlier}/ (forecast.json, forecast.png)"
    assert any(line.startswith("Recorded in the catalog as run ") for line in lines)
    doc = json.loads((earlier / "forecast.json").read_text())
    assert [r["month"] for r in doc["series"]["removals"]] == ["2025-09", "2025-10"]
    records = list((earlier.parent / "catalog" / "records").glob("*.json"))
    assert [json.loads(p.read_text())["kind"] for p in records] == ["forecast"]


BAD = {
    "as-of not a date": (["directive-2025", "--as-of", "2025-9-30"], "--as-of"),
    "as-of before any data": (["directive-2025", "--as-of", "2015-01-01"], "--as-of"),
    "months 0": (["directive-2025", "--as-of", "2025-09-30", "--months", "0"], "--months"),
    "months 61": (["directive-2025", "--as-of", "2025-09-30", "--months", "61"], "--months"),
    "no as-of": (["directive-2025"], "--as-of"),
    "neither": ([], "SCENARIO"),
    "both": (["directive-2025", "--evaluate"], "SCENARIO"),
    "unknown scenario": (["nosuch", "--as-of", "2025-09-30"], "SCENARIO"),
    "bad first origin": (["--evaluate", "--first-origin", "2025-10-01"], "--first-origin"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_flag_is_one_line_naming_it_and_the_earlier_forecast_stays(
    case: str, earlier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, flag = BAD[case]
    before = _files(earlier)
    done = _cli(capsys, "forecast", *args, "--replicates", "5", "--out", str(earlier))
    assert done.code == 2, done.err
    assert done.err.count("\n") == 1, done.err
    assert done.err.startswith(f"deportsim: error: <command line>: {flag}: "), done.err
    assert _files(earlier) == before


def test_evaluate_quick_writes_the_three_files_and_the_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "evaluation"
    done = _cli(capsys, "forecast", "--evaluate", "--quick", "--out", str(out), "--no-catalog")
    assert done.code == 0, done.err
    assert sorted(p.name for p in out.iterdir()) == [
        "evaluation.json", "evaluation.md", "evaluation.png",
    ]  # fmt: skip
    assert "Issue 20's targets, origins from 2025-06:" in done.out
    assert done.out.splitlines()[-1] == (
        f"Results in {out}/ (evaluation.json, evaluation.md, evaluation.png)"
    )
    doc = json.loads((out / "evaluation.json").read_text())
    assert (doc["first_origin"], doc["replicates"]) == ("2025-06", 10)
    assert set(doc["methods"]) == {"model", "persistence", "seasonal", "trend"}
    keys = {"series", "method", "horizon", "window", "n", "mape", "coverage50", "coverage90",
            "wis", "skipped"}  # fmt: skip
    assert all(set(r) == keys for r in doc["rows"])
    assert {(r["series"], r["method"]) for r in doc["rows"]} == {
        (s, m) for s in SERIES for m in doc["methods"]
    }
    assert len(doc["targets"]) == 8
    assert {t["verdict"] for t in doc["targets"]} <= {"met", "not met", "not scored"}
    md = (out / "evaluation.md").read_text()
    assert md.count("| series | method | months ahead |") == 2
    assert "| detained_adp | model | 3 | from 2025-06 |" in md
    assert "Issue 20's targets" in md
    assert md.count("\n- ") == 8
    assert (out / "evaluation.png").read_bytes().startswith(b"\x89PNG")
