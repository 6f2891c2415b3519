"""The results catalog: concurrent writers lose nothing, a killed run is never complete."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from deportsim import api
from deportsim.cli.app import main
from deportsim.core.checksums import file_sha256
from deportsim.core.errors import UserError
from deportsim.store import catalog
from deportsim.store.catalog import records

DEPORTSIM = str(Path(sys.executable).parent / "deportsim")
SMALL = ("--replicates", "2", "--years", "0.25", "--fixed-parameters")

# One writer process: N records through the library API, each with a summary.parquet whose
# metric value says which writer and record wrote it.
WRITER = """
import sys
from pathlib import Path
from deportsim.store import catalog
import time
folder, writer, n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
gate = folder.parent / "gate"
(gate / f"ready-{writer}").touch()
while not (gate / "go").exists():  # all writers start writing at the same moment
    time.sleep(0.005)
for k in range(n):
    rec = catalog.begin("test", scenario=f"w{writer}", seed=k, replicates=1, catalog=folder,
                        parameters={"writer": writer, "k": k})
    time.sleep(0.05)  # other writers write meanwhile
    value = 1000.0 * writer + k
    path = catalog.write_metrics(rec, {"value": {"unit": "x", "mean": value, "p05": value,
                                                 "p50": value, "p95": value}})
    rec.finish(outputs=catalog.keep(rec, {"summary.parquet": path}), timings={"wall_s": 0.1})
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> tuple[str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    assert info.value.code == code, (out, err)
    return out, err


def _listed(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> list[dict[str, Any]]:
    out, _ = _run(capsys, "runs", "list", "--format", "json", "--limit", "0",
                  "--catalog", str(folder), *args)  # fmt: skip
    found: list[dict[str, Any]] = json.loads(out)
    return found


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "DEPORTSIM_CATALOG": str(folder), "COLUMNS": "100"}


def test_two_runs_at_once_are_both_recorded_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "catalog"
    procs = [
        subprocess.Popen(
            [DEPORTSIM, "run", name, *SMALL, "--out", str(tmp_path / name)],
            env=_env(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("baseline-fy2024", "directive-2025")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "Recorded in the catalog as run " in out
    runs = _listed(capsys, folder)
    assert sorted(r["scenario"] for r in runs) == ["baseline-fy2024", "directive-2025"]
    for r in runs:
        assert r["state"] == "complete"
        assert r["status"] == "complete"
        assert r["wall_time_s"] > 0
        assert set(r["outputs"]) == {
            "summary.json", "summary.parquet", "manifest.json", "timeseries.parquet",
        }  # fmt: skip
        for o in r["outputs"].values():  # every file intact: its checksum as recorded
            assert file_sha256(Path(o["path"])) == o["sha256"]
        assert r["outputs"]["timeseries.parquet"]["stored"] == "reference"
        summary = json.loads((tmp_path / r["scenario"] / "summary.json").read_text())
        rows = pq.read_table(r["outputs"]["summary.parquet"]["path"]).to_pylist()
        assert {x["metric"]: x["mean"] for x in rows} == {
            k: v["mean"] for k, v in summary["metrics"].items()
        }
        assert {x["run_id"] for x in rows} == {r["id"]}


def test_eight_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    folder, writers, each = tmp_path / "catalog", 8, 5
    gate = tmp_path / "gate"  # made before the writers start: each says it is ready in it
    gate.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(w), str(each)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    deadline = time.monotonic() + 60
    while len(list(gate.glob("ready-*"))) < writers and time.monotonic() < deadline:
        time.sleep(0.01)
    (gate / "go").touch()
    seen_complete: set[str] = set()
    while any(p.poll() is None for p in procs):  # read while they write: never a broken record
        for r in catalog.list_runs(folder):
            assert r["state"] in {"running", "complete"}, r
            if r["state"] == "complete":
                assert Path(r["outputs"]["summary.parquet"]["path"]).is_file()
                seen_complete.add(r["id"])
        time.sleep(0.05)
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0, err
    runs = catalog.list_runs(folder)
    assert len(runs) == writers * each
    assert len({r["id"] for r in runs}) == writers * each
    assert {(r["parameters"]["writer"], r["parameters"]["k"]) for r in runs} == {
        (w, k) for w in range(writers) for k in range(each)
    }
    assert all(r["state"] == "complete" for r in runs)
    assert seen_complete <= {r["id"] for r in runs}
    starts = sorted(r["started"] for r in runs)
    assert starts[1] < min(r["finished"] for r in runs)  # records were open side by side
    values = catalog.connect(folder).execute("SELECT run_id, mean FROM metrics").fetchall()
    by_id = {r["id"]: r["parameters"] for r in runs}
    assert len(values) == writers * each
    for run_id, mean in values:
        assert mean == 1000.0 * by_id[run_id]["writer"] + by_id[run_id]["k"]
    assert not list(folder.rglob("*.part"))  # no temporary file left behind


def test_a_run_killed_midway_stays_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "catalog"
    proc = subprocess.Popen(
        [DEPORTSIM, "run", "--replicates", "2000", "--years", "4", "--out", str(tmp_path / "k")],
        env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list((folder / "records").glob("*.json")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    time.sleep(0.3)  # well into the run
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    [run] = _listed(capsys, folder)
    assert run["status"] == "incomplete"
    assert run["state"] == "incomplete"  # its process is gone: not "running", never "complete"
    assert run["finished"] is None
    assert not (folder / "runs" / run["id"] / "summary.parquet").exists()
    assert _listed(capsys, folder, "--status", "complete") == []
    out, _ = _run(capsys, "runs", "list", "--catalog", str(folder))
    assert run["id"] in out
    assert "incomplete" in out
    assert "complete " not in out.replace("incomplete", "")
    out, _ = _run(capsys, "runs", "show", run["id"][:17], "--catalog", str(folder))
    assert re.search(r"^status +incomplete$", out, re.MULTILINE), out
    _, err = _run(capsys, "runs", "export", run["id"], "--out", str(tmp_path / "e"),
                  "--catalog", str(folder), code=2)  # fmt: skip
    assert "only complete runs can be exported" in err
    manifest = json.loads((tmp_path / "k" / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"


def _small_run(
    folder: Path, out: Path, scenario: str = "baseline-fy2024", *sets: str, overwrite: bool = False
) -> str:
    cfg = api.RunConfig(scenario=scenario, replicates=2, years=0.25, sets=sets)
    done = api.run_prepared(api.prepare(cfg), out, catalog=folder, overwrite=overwrite)
    assert done.run_id is not None
    return done.run_id


def test_list_show_compare_export_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "catalog"
    a = _small_run(folder, tmp_path / "a")
    b = _small_run(folder, tmp_path / "b", "directive-2025", "arrests.officers=9000")
    cat = ("--catalog", str(folder))
    out, _ = _run(capsys, "runs", "list", *cat)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "kind", "scenario", "status", "started", "(UTC)", "wall",
                                "time", "replicates", "seed", "version"]  # fmt: skip
    assert lines[1].startswith(b)  # newest first
    assert lines[2].startswith(a)
    assert lines[-1] == f"2 of 2 runs in {folder}"
    out, _ = _run(capsys, "runs", "list", "--scenario", "directive-2025", *cat)
    assert b in out
    assert a not in out
    out, _ = _run(capsys, "runs", "list", "--limit", "1", *cat)
    assert "1 of 2 runs" in out
    assert "(1 older: --limit 0 shows all)" in out

    out, _ = _run(capsys, "runs", "show", "last", *cat)
    assert out.splitlines()[0].split() == ["run", b]
    assert '"arrests.officers=9000"' in out
    assert "removals_total" in out
    assert "timeseries.parquet" in out

    out, _ = _run(capsys, "runs", "compare", a, b, *cat)
    assert f"run 1  {a}  baseline-fy2024" in out
    assert f"run 2  {b}  directive-2025" in out
    row = next(line for line in out.splitlines() if line.startswith("arrests_total"))
    ma = catalog.query.read_metrics([a, b], folder)
    assert f"{ma[a]['arrests_total']['p50']:,.0f}" in row
    assert f"{ma[b]['arrests_total']['p50']:,.0f}" in row
    differ = out.split("settings and parameters that differ:")[1]
    assert "arrests.officers" in differ
    assert "6000 officers" in differ
    assert "9000 officers" in differ
    assert "\nseed " not in differ  # the same in both runs
    out_last, _ = _run(capsys, "runs", "compare", "--last", "2", *cat)
    assert out_last == out


def test_export_copies_checked_files_or_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "catalog"
    a = _small_run(folder, tmp_path / "a")
    b = _small_run(folder, tmp_path / "b", "directive-2025")
    cat = ("--catalog", str(folder))
    ma = catalog.query.read_metrics([a, b], folder)
    exp = tmp_path / "exported"
    out, _ = _run(capsys, "runs", "export", a, "--out", str(exp), *cat)
    assert f"Exported to {exp / a}/" in out
    for name in ("summary.json", "timeseries.parquet", "manifest.json"):
        assert file_sha256(exp / a / name) == file_sha256(tmp_path / "a" / name)
    assert json.loads((exp / a / "record.json").read_text())["id"] == a
    _run(capsys, "runs", "export", a, b, "--out", str(exp), "--format", "parquet", *cat)
    table = pq.read_table(exp / "runs-summary.parquet").to_pylist()
    assert [r["run_id"] for r in table][:1] == [a]
    assert {r["run_id"] for r in table} == {a, b}
    assert len(table) == 2 * len(ma[a])
    _run(capsys, "runs", "export", b, "--out", str(exp), "--format", "csv", *cat)
    assert (exp / "runs-summary.csv").read_text().startswith("run_id,scenario,kind,seed,")

    # a later run into the same folder (asked to overwrite it) replaces timeseries.parquet: the
    # export says so
    _small_run(folder, tmp_path / "a", "record-2012-pace", overwrite=True)
    out, _ = _run(capsys, "runs", "export", a, "--out", str(tmp_path / "again"), *cat)
    assert "Not exported" in out
    assert "timeseries.parquet" in out
    assert "has changed since the run" in out
    assert (tmp_path / "again" / a / "summary.json").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("runs", "show", "nosuchrun"), "RUN_ID: no run 'nosuchrun' in the catalog"),
        (("runs", "compare", "2026", "nosuch"), "RUN_ID: no run '2026' in the catalog"),
        (("runs", "export", "nosuch"), "RUN_ID: no run 'nosuch' in the catalog"),
        (("runs", "list", "--status", "done"), "--status: unknown status 'done'"),
        (("runs", "compare", "--last", "1"), "at least two runs"),
    ],
)
def test_bad_ids_and_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    _, err = _run(capsys, *args, "--catalog", str(tmp_path), code=2)
    assert err.startswith("deportsim: error: <command line>: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_stray_file_in_the_catalog_is_skipped(tmp_path: Path) -> None:
    catalog.begin("test", scenario="s", catalog=tmp_path).finish()
    (tmp_path / "records" / "broken.json").write_text('{"id": "x", "sta')
    (tmp_path / "records" / "empty.json").write_text("")
    (tmp_path / "records" / ".20250101-000000-abcdef.json.123.part").write_text("{}")
    [run] = catalog.list_runs(tmp_path)
    assert (run["scenario"], run["state"]) == ("s", "complete")


def test_an_ambiguous_prefix_is_refused(tmp_path: Path) -> None:
    for k in range(2):
        catalog.begin("test", scenario="s", seed=k, catalog=tmp_path).finish()
    with pytest.raises(UserError, match="matches 2 runs"):
        catalog.find("20", tmp_path)
    assert catalog.find("last", tmp_path)["seed"] == 1


def test_an_unwritable_catalog_warns_once_and_the_run_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [DEPORTSIM, "run", *SMALL, "--out", str(tmp_path / "o"), "--catalog", str(blocker)],
        capture_output=True, text=True, check=False, timeout=120, env=_env(tmp_path / "x"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"deportsim: warning: not recorded in the catalog {blocker}: Not a directory "
        "(set DEPORTSIM_CATALOG, or DEPORTSIM_NO_CATALOG=1 to stop recording)"
    ]
    assert "Recorded in the catalog" not in done.stdout
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["status"] == "complete"


def test_no_catalog_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "catalog"
    _run(capsys, "run", *SMALL, "--out", str(tmp_path / "o"), "--catalog", str(folder),
         "--no-catalog")  # fmt: skip
    monkeypatch.setenv("DEPORTSIM_CATALOG", str(folder))
    monkeypatch.setenv("DEPORTSIM_NO_CATALOG", "1")
    out, _ = _run(capsys, "run", *SMALL, "--out", str(tmp_path / "o"), "--overwrite")
    assert "Recorded in the catalog" not in out
    assert not folder.exists()
    monkeypatch.delenv("DEPORTSIM_NO_CATALOG")
    out, _ = _run(capsys, "runs", "list")
    assert out == f"No runs in the catalog {folder}\n"


def test_the_default_catalog_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEPORTSIM_CATALOG")
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", "/data/here")
    assert catalog.catalog_dir() == Path("/data/here/catalog")
    monkeypatch.setenv("DEPORTSIM_CATALOG", "/elsewhere")
    assert catalog.catalog_dir() == Path("/elsewhere")
    assert catalog.catalog_dir(Path("/given")) == Path("/given")


def test_an_interrupted_run_is_marked_interrupted_and_can_be_resumed(tmp_path: Path) -> None:
    prep = api.prepare(api.RunConfig(replicates=2, years=0.25))

    def stop(t: int) -> None:
        if t == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.run_prepared(prep, tmp_path / "o", on_day=stop, catalog=tmp_path)
    [run] = catalog.list_runs(tmp_path)
    assert (run["status"], run["state"], run["error"]) == (
        "interrupted", "interrupted", "KeyboardInterrupt"
    )  # fmt: skip
    again = catalog.resume(run["id"][:16], tmp_path)
    assert again.id == run["id"]
    [run] = catalog.list_runs(tmp_path)
    assert run["state"] == "running"  # this process took it up
    assert len(run["resumed"]) == 1
    again.finish(timings={"wall_s": 1.0})
    assert catalog.list_runs(tmp_path)[0]["state"] == "complete"
    with pytest.raises(UserError, match="is complete: only an incomplete, interrupted or failed"):
        catalog.resume(run["id"], tmp_path)


def test_a_caller_s_own_run_id_is_taken_up_again(tmp_path: Path) -> None:
    first = catalog.begin("sweep", scenario="s", catalog=tmp_path, run_id="sweep-s-1")
    first.fail("stopped")
    again = catalog.begin("sweep", scenario="s", catalog=tmp_path, run_id="sweep-s-1")
    again.finish()
    [run] = catalog.list_runs(tmp_path)
    assert (run["id"], run["state"]) == ("sweep-s-1", "complete")
    assert run["started"] == first.data["started"]
    assert run["resumed"] == [again.data["resumed"][0]]
    with pytest.raises(ValueError, match="letters, digits"):
        catalog.begin("sweep", catalog=tmp_path, run_id="../escape")


def test_a_record_whose_process_is_gone_is_not_running() -> None:
    me = records.identity()
    assert not records.process_gone(me)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert records.process_gone({**me, "pid": dead.pid, "proc_start": None})
    assert records.process_gone({**me, "proc_start": me["proc_start"] + 1})  # pid taken again
    assert not records.process_gone({**me, "host": "another-host"})  # cannot tell: not gone
    assert catalog.display_status({**me, "status": "incomplete", "host": "another"}) == "incomplete"
    assert catalog.display_status({**me, "status": "incomplete"}) == "running"


def test_run_ids_sort_by_time_and_differ() -> None:
    import datetime as dt  # noqa: PLC0415

    t = dt.datetime(2025, 1, 20, 9, 30, tzinfo=dt.UTC)
    ids = {records.new_run_id(t) for _ in range(50)}
    assert len(ids) > 45  # 24 random bits each
    assert all(i.startswith("20250120-093000-") for i in ids)
    assert records.new_run_id(t + dt.timedelta(seconds=1)) > max(ids)
