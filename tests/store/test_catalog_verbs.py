"""claims, requirements, compare-estimates, report, backtest and calibrate recorded in the catalog.

The claims' own evaluation (35 s and more) is replaced by a quick one that returns real
ClaimResult objects: the API, claims.json, the recording and the catalog's tables are the real
ones. The other three verbs run for real with tiny settings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from deportsim import api
from deportsim.analysis.claims import evaluate as claims_module
from deportsim.analysis.claims.spec import claim_specs
from deportsim.analysis.claims.verdicts import ClaimResult, Interval
from deportsim.analysis.requirements import find as requirements_module
from deportsim.cli.app import main
from deportsim.core.checksums import file_sha256
from deportsim.parameters import load_parameters
from deportsim.scenarios import load_scenario
from deportsim.store.catalog import list_runs, records
from deportsim.views.formatting import metric_text

DEPORTSIM = str(Path(sys.executable).parent / "deportsim")
# from the day after the latest data: the directive's 2025 is the published record
REQUIREMENTS = ("requirements", "directive-2025", "--years", "1", "--replicates", "3",
                "--start", "2026-04-01")  # fmt: skip
ESTIMATES = ("compare-estimates", "--replicates", "2")
REPORT = ("report", "baseline-fy2024", "--replicates", "2", "--years", "0.1", "--no-claims")
RECORDED = re.compile(r"^Recorded in the catalog as run (\S+) \(deportsim runs show \1\)$", re.M)


def quick_claims(
    replicates: int, seed: int = 0, on_claim: Callable[[str], None] | None = None, **_: Any
) -> list[ClaimResult]:
    """The first four claims with made-up results: seed 1 turns the first verdict to depends."""
    found = []
    for i, spec in enumerate(claim_specs()[:4]):
        if on_claim is not None:
            on_claim(spec.id)
        verdict = "depends" if seed == 1 and i == 0 else "supported"
        value = 1000.0 * (i + 1) + seed
        found.append(
            ClaimResult(spec, Interval(value - 10, value, value + 10), verdict, "officers",
                        f"Made up by the test ({replicates} replicates).")
        )  # fmt: skip
    return found


def cli(*args: str, code: int = 0) -> tuple[str, str]:
    """Run the CLI in this process; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as info,
    ):
        main(list(args))
    assert info.value.code == code, (out.getvalue(), err.getvalue())
    return out.getvalue(), err.getvalue()


def recorded_id(out: str) -> str:
    """The run id a command printed."""
    found = RECORDED.findall(out)
    assert len(found) == 1, out
    return str(found[0])


@dataclass(frozen=True)
class Made:
    """The catalog the module's commands recorded in, and the run id of each command."""

    folder: Path
    out: Path
    ids: dict[str, str]

    @property
    def cat(self) -> tuple[str, str]:
        """The --catalog option."""
        return ("--catalog", str(self.folder))

    def record(self, name: str) -> dict[str, Any]:
        """A command's record as ``runs show --format json`` gives it."""
        text, _ = cli("runs", "show", self.ids[name], "--format", "json", *self.cat)
        found: dict[str, Any] = json.loads(text)
        return found


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """Each verb run from the CLI into one catalog (claims and requirements twice)."""
    base = tmp_path_factory.mktemp("verbs")
    folder, out = base / "catalog", base / "out"
    cat = ("--catalog", str(folder))
    commands = {
        "claims": ("claims", "--replicates", "2", "--no-explain", "--out", str(out / "claims")),
        "claims1": ("claims", "--replicates", "2", "--seed", "1", "--no-explain",
                    "--out", str(out / "claims1")),
        "requirements": (*REQUIREMENTS, "--target", "removals_per_year=400000",
                         "--out", str(out / "req")),
        "requirements2": (*REQUIREMENTS, "--target", "removals_per_year=420000",
                          "--set", "arrests.officers=7000", "--out", str(out / "req2")),
        "estimates": (*ESTIMATES, "--out", str(out / "est")),
        "report": (*REPORT, "--out", str(out / "rep")),
    }  # fmt: skip
    ids = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(claims_module, "evaluate_claims", quick_claims)
        for name, args in commands.items():
            ids[name] = recorded_id(cli(*args, *cat)[0])
    return Made(folder, out, ids)


def test_each_verb_is_recorded_complete_with_its_settings(made: Made) -> None:
    params = load_parameters()
    kinds = {"claims": "claims", "requirements": "requirements", "estimates": "estimates",
             "report": "report"}  # fmt: skip
    for name, kind in kinds.items():
        rec = made.record(name)
        assert rec["kind"] == kind
        assert rec["status"] == rec["state"] == "complete"
        assert rec["wall_time_s"] > 0 or name == "claims"  # made-up claims take no time
        assert rec["timings"]["wall_s"] == rec["wall_time_s"]
        assert rec["version"] == api.__version__
        assert rec["error"] is None
        assert rec["finished"] >= rec["started"]
    claims = made.record("claims")
    assert (claims["seed"], claims["replicates"]) == (0, 2)
    assert made.record("claims1")["seed"] == 1
    req = made.record("requirements2")
    sc = load_scenario("directive-2025", params)
    assert (req["scenario"], req["scenario_hash"]) == (sc.name, sc.content_hash)
    assert req["config"]["targets"] == ["removals_per_year=420000"]
    assert req["config"]["probability"] == 0.5
    assert req["config"]["days"] == 365
    assert req["parameters"]["sets"] == ["arrests.officers=7000"]
    assert req["summary"]["years"] == {"1": "met"}
    est = made.record("estimates")
    assert est["scenario"] == "one-million-a-year"
    assert est["replicates"] == 2
    rep = made.record("report")
    base = load_scenario("baseline-fy2024", params)
    assert rep["config"]["scenarios"] == {"baseline-fy2024": base.content_hash}
    assert rep["config"]["claims"] == "none"


def test_outputs_are_kept_and_tables_match_the_files(made: Made) -> None:
    claims = made.record("claims")
    kept = claims["outputs"]["claims.json"]
    assert kept["stored"] == "catalog"
    assert kept["sha256"] == file_sha256(made.out / "claims" / "claims.json")
    written = json.loads((made.out / "claims" / "claims.json").read_text())
    table = pq.read_table(claims["outputs"]["claims.parquet"]["path"]).to_pylist()
    assert [(r["run_id"], r["claim"], r["verdict"], r["p50"]) for r in table] == [
        (claims["id"], c["id"], c["verdict"], c["result"]["p50"]) for c in written
    ]
    assert claims["summary"]["verdicts"] == {"supported": 4, "not_supported": 0, "depends": 0}

    req = made.record("requirements")
    assert set(req["outputs"]) == {
        "requirements.json", "requirements-scenario.yaml", "requirements.parquet"
    }  # fmt: skip
    data = json.loads((made.out / "req" / "requirements.json").read_text())
    rows = pq.read_table(req["outputs"]["requirements.parquet"]["path"]).to_pylist()
    officers = next(r for r in rows if r["resource"] == "officers")
    assert officers["required"] == data["years"][0]["resources"]["officers"]["required"]
    assert officers["status"] == data["years"][0]["status"]

    est = made.record("estimates")
    data = json.loads((made.out / "est" / "estimates.json").read_text())
    rows = pq.read_table(est["outputs"]["estimates.parquet"]["path"]).to_pylist()
    assert [r["model_under_p50"] for r in rows] == [
        e["model_under_assumptions"]["p50"] for e in data["estimates"]
    ]

    rep = made.record("report")
    assert rep["outputs"]["report.html"]["stored"] == "catalog"
    assert rep["outputs"]["removals_vs_record.png"]["stored"] == "reference"
    assert "summary.parquet" in rep["outputs"]


def test_runs_list_and_show_each_kind(made: Made) -> None:
    out, _ = cli("runs", "list", *made.cat)
    for name, kind in (("claims", "claims"), ("requirements", "requirements"),
                       ("estimates", "estimates"), ("report", "report")):  # fmt: skip
        line = next(line for line in out.splitlines() if line.startswith(made.ids[name]))
        assert line.split()[1:2] == [kind]
        assert " complete " in line
    out, _ = cli("runs", "list", "--kind", "claims", "--format", "json", *made.cat)
    assert {r["id"] for r in json.loads(out)} == {made.ids["claims"], made.ids["claims1"]}

    out, _ = cli("runs", "show", made.ids["claims"], *made.cat)
    assert "claims (4): 4 supported, 0 not supported, 0 depends" in out
    assert re.search(r"^  claims\.parquet +[\d,]+ +catalog", out, re.M), out
    out, _ = cli("runs", "show", made.ids["requirements"], *made.cat)
    assert "targets: removals_per_year at least 400,000 (in at least 50% of replicates" in out
    assert re.search(r"^  1 +met +[\d,]+", out, re.M), out
    out, _ = cli("runs", "show", made.ids["estimates"], *made.cat)
    assert re.search(r"^  aic-2024 +\$88,000 +\$[\d,]+", out, re.M), out
    out, _ = cli("runs", "show", made.ids["report"], *made.cat)
    assert "report of baseline-fy2024: report.html, 8 charts" in out
    assert "removals_total" in out  # the scenario's metrics


def test_runs_compare_sets_runs_of_a_kind_side_by_side(made: Made) -> None:
    ids = made.ids
    out, _ = cli("runs", "compare", ids["claims"], ids["claims1"], *made.cat)
    first = claim_specs()[0].id
    row = next(line for line in out.splitlines() if line.startswith(first))
    assert row.split()[1:4] == ["supported", "depends", "1,000"]
    assert row.endswith("1,001  verdict differs")
    assert "3 of 4 claims with the same verdict" in out
    assert re.search(r"^seed +0 +1$", out, re.M), out

    out, _ = cli("runs", "compare", ids["requirements"], ids["requirements2"], *made.cat)
    assert "removals_per_year at least 400,000  removals_per_year at least 420,000" in out
    assert re.search(r"^ +officers +[\d,]+ +[\d,]+$", out, re.M), out
    assert "arrests.officers" in out.split("settings and parameters that differ:")[1]

    _, err = cli("runs", "compare", ids["claims"], ids["requirements"], *made.cat, code=2)
    assert "runs of kinds claims and requirements cannot be compared" in err
    _, err = cli("runs", "compare", ids["estimates"], ids["report"], *made.cat, code=2)
    assert "cannot be compared" in err


def test_runs_export_files_and_tables(made: Made, tmp_path: Path) -> None:
    ids = made.ids
    cli("runs", "export", ids["requirements"], "--out", str(tmp_path), *made.cat)
    got = tmp_path / ids["requirements"]
    for name in ("requirements.json", "requirements-scenario.yaml"):
        assert file_sha256(got / name) == file_sha256(made.out / "req" / name)
    out, _ = cli("runs", "export", ids["claims"], ids["claims1"], "--format", "csv",
                 "--out", str(tmp_path), *made.cat)  # fmt: skip
    assert f"in {tmp_path / 'runs-claims.csv'}" in out
    lines = (tmp_path / "runs-claims.csv").read_text().splitlines()
    assert lines[0].startswith("run_id,scenario,kind,seed,replicates,version,claim,verdict,")
    assert len(lines) == 1 + 8
    cli("runs", "export", ids["report"], "--format", "parquet", "--out", str(tmp_path), *made.cat)
    assert pq.read_table(tmp_path / "runs-summary.parquet").column("kind").to_pylist()[0] == (
        "report"
    )
    _, err = cli("runs", "export", ids["claims"], ids["estimates"], "--format", "csv",
                 "--out", str(tmp_path), *made.cat, code=2)  # fmt: skip
    assert "export them one kind at a time" in err


def _one(folder: Path) -> dict[str, Any]:
    [rec] = list_runs(folder)
    return rec


def test_a_claims_or_requirements_run_that_raises_midway_is_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the model broke")

    monkeypatch.setattr(claims_module, "evaluate_claims", boom)
    with pytest.raises(RuntimeError, match="the model broke"):
        api.claims(replicates=2, out=tmp_path / "c", catalog=tmp_path / "cat1")
    rec = _one(tmp_path / "cat1")
    assert (rec["kind"], rec["state"]) == ("claims", "failed")
    assert rec["error"] == "RuntimeError: the model broke"
    assert not (tmp_path / "c" / "claims.json").exists()

    monkeypatch.setattr(requirements_module, "find_requirements", boom)
    cfg = api.RunConfig(scenario="directive-2025", replicates=2, years=1, start=dt.date(2026, 4, 1))
    with pytest.raises(RuntimeError):
        api.requirements(cfg, ["removals_per_year=400000"], out=tmp_path / "r",
                         catalog=tmp_path / "cat2")  # fmt: skip
    rec = _one(tmp_path / "cat2")
    assert (rec["kind"], rec["state"], rec["scenario"]) == (
        "requirements", "failed", "directive-2025"
    )  # fmt: skip
    assert not (tmp_path / "r" / "requirements.json").exists()


def test_a_catalog_that_fails_keeps_the_command_s_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "_warned", False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    out, err = cli(*REQUIREMENTS, "--target", "removals_per_year=400000",
                   "--out", str(tmp_path / "a"), "--catalog", str(blocker))  # fmt: skip
    assert "warning: not recorded in the catalog" in err
    assert "Recorded in the catalog" not in out
    assert (tmp_path / "a" / "requirements.json").is_file()

    # the catalog fails only when the outputs are stored: the record is withdrawn, never left
    # incomplete (or complete) for a command that ended well
    def full(*_: Any, **__: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(records, "_warned", False)
    # the recorder module's own reference to keep
    monkeypatch.setattr(importlib.import_module("deportsim.store.catalog.recorder"), "keep", full)
    out, err = cli(*ESTIMATES, "--out", str(tmp_path / "b"), "--catalog", str(tmp_path / "cat"))
    assert [line for line in err.splitlines() if "warning" in line] == [
        f"deportsim: warning: not recorded in the catalog {tmp_path / 'cat'}: No space left on "
        "device (set DEPORTSIM_CATALOG, or DEPORTSIM_NO_CATALOG=1 to stop recording)"
    ]
    assert "Recorded in the catalog" not in out
    assert json.loads((tmp_path / "b" / "estimates.json").read_text())["estimates"]
    assert list_runs(tmp_path / "cat") == []
    assert list((tmp_path / "cat" / "runs").iterdir()) == []  # its folder withdrawn too

    out, _ = cli(*REPORT, "--out", str(tmp_path / "c"), "--no-catalog")
    assert "Recorded in the catalog" not in out
    assert (tmp_path / "c" / "report.html").is_file()
    assert list_runs(tmp_path / "cat") == []


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "DEPORTSIM_CATALOG": str(folder), "COLUMNS": "100"}


def test_a_killed_requirements_run_stays_incomplete(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    proc = subprocess.Popen(
        [DEPORTSIM, "requirements", "directive-2025", "--years", "4", "--replicates", "200",
         "--target", "removals_per_year=900000", "--out", str(tmp_path / "k")],
        env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not list((folder / "records").glob("*.json")) and time.monotonic() < deadline:
            assert proc.poll() is None, "the search ended before it could be killed"
            time.sleep(0.05)
        [running] = list_runs(folder)
        assert (running["kind"], running["status"], running["state"]) == (
            "requirements", "incomplete", "running"
        )  # fmt: skip
        time.sleep(0.3)  # into the search
        assert proc.poll() is None, "the search ended before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    rec = _one(folder)
    assert (rec["status"], rec["state"], rec["finished"]) == ("incomplete", "incomplete", None)
    assert list_runs(folder, status="complete") == []
    assert not (tmp_path / "k" / "requirements.json").exists()
    out, _ = cli("runs", "list", "--catalog", str(folder))
    assert "incomplete" in out
    assert "complete " not in out.replace("incomplete", "")


def test_two_verbs_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    commands = [
        [*REQUIREMENTS, "--target", "removals_per_year=400000", "--out", str(tmp_path / "r")],
        [*ESTIMATES, "--out", str(tmp_path / "e")],
        [*REPORT, "--out", str(tmp_path / "p")],
    ]
    procs = [
        subprocess.Popen([DEPORTSIM, *c], env=_env(folder), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for c in commands
    ]  # fmt: skip
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        ids.append(recorded_id(out))
    found = {r["id"]: r for r in list_runs(folder)}
    assert set(found) == set(ids)
    assert [found[i]["kind"] for i in ids] == ["requirements", "estimates", "report"]
    for rec in found.values():
        assert rec["state"] == "complete"
        for name, kept in rec["outputs"].items():
            assert file_sha256(Path(kept["path"])) == kept["sha256"], name


@pytest.mark.parametrize(
    ("value", "unit", "shown", "compared"),
    [
        (None, "persons", "n/a", "-"),
        (1234.4, "persons", "1,234", "1,234"),
        (0.8125, "ratio", "1", "0.812"),
        (2_345_000_000.0, "USD", "$2.3B", "$2.35B"),
        (17_695.6, "USD/person", "$17,696", "$17,696"),
    ],
)
def test_one_number_format_for_every_table(
    value: float | None, unit: str, shown: str, compared: str
) -> None:
    assert metric_text(value, unit) == shown
    assert metric_text(value, unit, missing="-", precise=True) == compared


def test_backtest_and_calibrate_are_recorded_and_a_bad_file_records_nothing(
    tmp_path: Path,
) -> None:
    cat = ("--catalog", str(tmp_path / "cat"))
    cal_out, bt_out = tmp_path / "cal", tmp_path / "bt"
    cal_id = recorded_id(cli("calibrate", "--bootstrap", "2", "--out", str(cal_out), *cat)[0])
    bt_id = recorded_id(
        cli("backtest", "--calibration", str(cal_out / "calibration.yaml"), "--out",
            str(bt_out), *cat)[0]
    )  # fmt: skip
    found = {r["id"]: r for r in list_runs(tmp_path / "cat")}
    assert {found[cal_id]["kind"], found[bt_id]["kind"]} == {"calibration", "backtest"}
    assert {found[cal_id]["state"], found[bt_id]["state"]} == {"complete"}
    text, _ = cli("runs", "show", bt_id, "--format", "json", *cat)
    record = json.loads(text)
    assert record["config"]["calibration"] == str(cal_out / "calibration.yaml")
    kept = record["outputs"]["backtest.json"]
    assert kept["sha256"] == file_sha256(bt_out / "backtest.json")
    # a file that is not a calibration is the user's mistake: exit 2, nothing recorded
    bad = tmp_path / "bad.yaml"
    bad.write_text("not: a calibration\n")
    cli("backtest", "--calibration", str(bad), "--out", str(tmp_path / "bt2"), *cat, code=2)
    assert len(list_runs(tmp_path / "cat")) == 2
    assert not (tmp_path / "bt2").exists()
