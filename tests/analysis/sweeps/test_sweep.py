"""deportsim sweep and sensitivity on local processes: designs, seeds, resume, Sobol, errors."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from deportsim import api
from deportsim.analysis.sweeps import sweep as sw
from deportsim.analysis.sweeps.design import Range, grid_design, latin_hypercube, sample_seed, scale
from deportsim.analysis.sweeps.sensitivity import to_values
from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.store import catalog

EXE = str(Path(sys.executable).parent / "deportsim")
VARY = ("arrests.at_large_arrests_per_officer_day=0.08:0.25", "costs.bed_day=130:200")
SMALL = api.RunConfig(scenario="directive-2025", replicates=2, seed=7, years=1.0)
SAMPLES = 12


def _sweep(out: Path, workers: int, batch_size: int | None = None) -> sw.SweepRun:
    ex = api.Execution(out=out, workers=workers, batch_size=batch_size)
    return api.sweep(SMALL, VARY, samples=SAMPLES, execution=ex)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> sw.SweepRun:
    return _sweep(tmp_path_factory.mktemp("w1"), workers=1)


def test_the_results_hold_every_sample_and_replicate_with_its_values(
    one_worker: sw.SweepRun,
) -> None:
    table = pq.read_table(one_worker.folder.path / "results.parquet")
    assert table.num_rows == SAMPLES * 2
    assert table.column("sample").to_pylist() == [i for i in range(SAMPLES) for _ in range(2)]
    officers = table.column("arrests.at_large_arrests_per_officer_day").to_numpy()
    assert ((officers >= 0.08) & (officers <= 0.25)).all()
    assert len(set(officers.tolist())) == SAMPLES  # one value per sample
    status = json.loads((one_worker.folder.path / "sweep.json").read_text())
    assert status["status"] == "complete"
    assert status["results_sha256"] == one_worker.summary["results_sha256"]


def test_more_workers_and_other_batches_give_identical_numbers(
    one_worker: sw.SweepRun, tmp_path: Path
) -> None:
    two = _sweep(tmp_path, workers=2, batch_size=5)
    assert two.spec.batches == 3 != one_worker.spec.batches
    a = pq.read_table(one_worker.folder.path / "results.parquet")
    b = pq.read_table(two.folder.path / "results.parquet")
    assert a.equals(b)
    assert two.summary["results_sha256"] == one_worker.summary["results_sha256"]


def test_more_officer_productivity_means_more_arrests_across_samples(
    one_worker: sw.SweepRun,
) -> None:
    corr = one_worker.summary["metrics"]["arrests_total"]["rank_correlation"]
    assert corr["arrests.at_large_arrests_per_officer_day"] > 0.8


def test_each_sample_has_its_own_seed_from_the_sweep_seed_and_its_index() -> None:
    seeds = [sample_seed(7, i) for i in range(50)]
    assert len(set(seeds)) == 50
    assert all(0 <= s < 2**63 for s in seeds)
    assert seeds == [sample_seed(7, i) for i in range(50)]
    assert sample_seed(8, 0) != seeds[0]


def test_latin_hypercube_hits_every_stratum_once_within_the_bounds() -> None:
    u = latin_hypercube(40, 3, seed=1)
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 40).astype(int)) == list(range(40))
    ranges = [Range("a", 2.0, 5.0), Range("b", -1.0, 1.0), Range("c", 0.0, 1e6)]
    values = scale(u, ranges)
    for j, r in enumerate(ranges):
        assert (values[:, j] >= r.low).all()
        assert (values[:, j] < r.high).all()


def test_a_grid_spans_both_bounds() -> None:
    g = grid_design(30, 2)  # 5 levels per axis
    assert g.shape == (25, 2)
    assert set(g[:, 0]) == {0.0, 0.25, 0.5, 0.75, 1.0}


def test_stated_distributions_map_the_unit_cube_inside_their_ranges() -> None:
    u = np.linspace(0.001, 0.999, 999)[:, None].repeat(3, axis=1)
    ranges = [
        Range("t", 1.0, 3.0, "triangular", 1.5),
        Range("p", 0.0, 1.0, "pert", 0.2),
        Range("l", 10.0, 20.0, "lognormal", 14.0),
    ]
    v = to_values(u, ranges)
    assert v[:, 0].min() >= 1.0
    assert v[:, 0].max() <= 3.0
    assert np.median(v[:, 0]) < 2.0  # mode 1.5 pulls the median below the middle
    assert v[:, 1].min() >= 0.0
    assert v[:, 1].max() <= 1.0
    p05, p95 = np.quantile(v[:, 2], [0.05, 0.95])
    assert abs(p05 - 10.0) < 0.2
    assert abs(p95 - 20.0) < 0.4


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("nope.x=1:2", "nope.x: unknown parameter path"),
        ("costs.bed_day=200:130", "LOW must be below HIGH"),
        ("costs.bed_day=a:b", "with two numbers"),
        ("costs.bed_day", "expected PATH=LOW:HIGH"),
        ("arrests.book_in_probability=0.5:1.5", "outside [0, 1]"),
    ],
)
def test_a_bad_vary_exits_2_with_one_line(
    vary: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "--vary", vary, "--samples", "2", "--out", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "--vary" in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_samples_the_model_cannot_run_are_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: a range whose samples break a cross-parameter rule used to fail mid-sweep, with
    a folder made, a failed record and the error naming ``<parameters>``."""
    cat = tmp_path / "catalog"
    out = tmp_path / "sweeps"
    args = ["sweep", "directive-2025", "--vary", "removal.land_share=0.2:0.9", "--set",
            "removal.commercial_share=0.5", "--samples", "4", "--replicates", "1", "--years",
            "0.1", "--workers", "1", "--out", str(out), "--catalog", str(cat)]  # fmt: skip
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("deportsim: error: --vary: removal.land_share: sample "), err
    assert "the land and commercial shares of removals add up to" in err
    assert not out.exists()
    assert not list(cat.rglob("*.json"))  # no record


def test_resume_of_an_unknown_sweep_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "--resume", "sweep-nothing", "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert "--resume: no sweep 'sweep-nothing'" in capsys.readouterr().err


def test_a_killed_sweep_resumes_without_recomputing_finished_batches(
    one_worker: sw.SweepRun, tmp_path: Path
) -> None:
    """SIGKILL the sweep midway; --resume runs only the missing batches, same numbers."""
    cmd = [
        EXE,
        "sweep",
        "directive-2025",
        "--vary",
        VARY[0],
        "--vary",
        VARY[1],
        "--samples",
        "12",
        "--replicates",
        "2",
        "--seed",
        "7",
        "--years",
        "1",
        "--workers",
        "1",
        "--batch-size",
        "1",
        "--out",
        str(tmp_path),
    ]
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 60
    batches: list[Path] = []
    while len(batches) < 3:
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline
        time.sleep(0.05)
        batches = sorted(tmp_path.glob("sweep-*/batches/batch-*.parquet"))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    folder = batches[0].parent.parent
    assert json.loads((folder / "sweep.json").read_text())["status"] == "running"
    assert not (folder / "results.parquet").exists()
    assert catalog.find(folder.name)["status"] == "incomplete"  # never shown as complete
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("batches/batch-*.parquet")}
    assert 3 <= len(before) < SAMPLES
    done = subprocess.run(
        # no --out: the run id is looked up in the catalog, which knows the sweep's folder
        [EXE, "sweep", "--resume", folder.name, "--workers", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"Ran {SAMPLES - len(before)} batches ({len(before)} already done)" in done.stdout
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("batches/batch-*.parquet")}
    assert len(after) == SAMPLES
    assert {k: after[k] for k in before} == before  # finished batches were not rewritten
    assert catalog.find(folder.name)["status"] == "complete"
    resumed = pq.read_table(folder / "results.parquet")
    assert resumed.equals(pq.read_table(one_worker.folder.path / "results.parquet"))
    sha = re.search(r"results sha256 ([0-9a-f]{16})", done.stdout)
    assert sha is not None
    assert one_worker.summary["results_sha256"].startswith(sha.group(1))


def test_sobol_indices_on_a_tiny_design(tmp_path: Path) -> None:
    cfg = api.RunConfig(scenario="directive-2025", replicates=1, seed=3, years=0.25)
    vary = (
        "arrests.at_large_arrests_per_officer_day",  # its stated range and distribution
        "costs.bed_day",
        "costs.officer_year=150000:260000",
    )
    res = api.sensitivity(
        cfg,
        ("cost_total_usd", "arrests_total"),
        vary,
        n=8,
        execution=api.Execution(out=tmp_path, workers=1),
    )
    assert res.sweep.spec.samples == 8 * (3 + 2)
    doc = json.loads((res.sweep.folder.path / "sensitivity.json").read_text())
    assert [p["distribution"] for p in doc["parameters"]] == ["triangular", "triangular", "uniform"]
    cost = doc["metrics"]["cost_total_usd"]
    assert sorted(cost["top3"]) == sorted(p.partition("=")[0] for p in vary)
    for p in cost["parameters"]:
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            assert isinstance(p[key], float), (p, key)
        assert p["S1_conf"] >= 0
        assert p["ST_conf"] >= 0
    st = {p["path"]: p["ST"] for p in cost["parameters"]}
    assert st["costs.officer_year"] > 0.1
    assert st["costs.bed_day"] > 0.1
    # what beds and officers cost cannot change how many people are arrested: a metric with
    # no variance has no indices (null), not made-up ones
    arrests = doc["metrics"]["arrests_total"]
    assert all(p["ST"] is None for p in arrests["parameters"]) or arrests["variance"] > 0
    assert (res.sweep.folder.path / "tornado-cost_total_usd.png").read_bytes()[:4] == b"\x89PNG"


def test_sensitivity_refuses_an_n_that_is_not_a_power_of_two(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="power of 2"):
        api.sensitivity(SMALL, n=12, execution=api.Execution(out=tmp_path))


def test_the_sweep_is_recorded_in_the_catalog_under_its_folder_name(
    one_worker: sw.SweepRun,
) -> None:
    record = catalog.find(one_worker.folder.run_id)
    assert record["status"] == "complete"
    assert record["kind"] == "sweep"
    assert record["seed"] == 7
