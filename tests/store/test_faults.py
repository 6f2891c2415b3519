"""Faults: a full disk, a read-only catalog, damaged records, concurrent writers (issue 19).

Each leaves the catalog and the output folders consistent, and later commands work. The disks are
real: small tmpfs file systems mounted in a user and mount namespace of the test's own (``unshare
-rm``), seen by no other process, needing no root. Each such scenario runs inside the namespace as
this file run as a script (``python test_faults.py SCENARIO TMP``): it mounts, fills and frees its
disks, runs real ``deportsim`` commands and prints what it saw as JSON, which the tests check.
Without ``unshare`` or user namespaces these tests fail, loudly: they are never skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DEPORTSIM = str(Path(sys.executable).parent / "deportsim")
SMALL = ("baseline-fy2024", "--replicates", "2", "--years", "0.2")
#: a run still running long after it has started, whatever the machine's load (about 30 s; it is
#: stopped as soon as the test has what it needs): to be interrupted, or to hold its folder
LONG = ("directive-2025", "--replicates", "200", "--years", "4")
SWEEP = ("baseline-fy2024", "--vary", "arrests.officers=5000:7000", "--samples", "4",
         "--replicates", "2", "--years", "0.2", "--workers", "1")  # fmt: skip
KIB = 1024
UNRECORDED = "(set DEPORTSIM_CATALOG, or DEPORTSIM_NO_CATALOG=1 to stop recording)"
FULL = "the disk is full (No space left on device)"


# --- the scenarios, each run inside a namespace of its own, and their helpers --------------


def _env(catalog: Path) -> dict[str, str]:
    env = {**os.environ, "DEPORTSIM_CATALOG": str(catalog), "COLUMNS": "100"}
    env.pop("DEPORTSIM_NO_CATALOG", None)
    return env


def _default_signals() -> None:
    # a test run in the background may ignore SIGINT, and a child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(tmp: Path, catalog: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [DEPORTSIM, *args], env=_env(catalog), cwd=tmp, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, preexec_fn=_default_signals,  # noqa: PLW1509
    )  # fmt: skip


def _ended(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=120)
    return {"code": proc.returncode, "out": out, "err": err}


def _deportsim(tmp: Path, catalog: Path, *args: str) -> dict[str, Any]:
    """Run a command: its exit code, stdout and stderr."""
    return _ended(_start(tmp, catalog, *args))


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder``, hidden ones included: relative path -> SHA-256."""
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("filler-")
    }


def _manifest(out: Path) -> Any:
    path = out / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _intact(catalog: Path) -> dict[str, bool]:
    """Each complete record's id: whether every output has the checksum it gives."""
    found = {}
    for path in (catalog / "records").glob("*.json"):
        rec = json.loads(path.read_text())
        if rec["status"] == "complete":
            found[rec["id"]] = all(
                hashlib.sha256(Path(o["path"]).read_bytes()).hexdigest() == o["sha256"]
                for o in rec["outputs"].values()
            )
    return found


def _mount(disk: Path, options: str) -> None:
    disk.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disk)], check=True)  # noqa: S607


def _leave_free(disk: Path, free: int) -> None:
    """Fill ``disk`` (a tmpfs: what is written takes memory) until ``free`` bytes are left."""
    st = os.statvfs(disk)
    fill = st.f_bavail * st.f_frsize - free
    assert fill >= 0, f"{disk} has less than {free} bytes free already"
    with (disk / f"filler-{len(list(disk.glob('filler-*')))}").open("wb") as fh:
        fh.write(b"\1" * fill)


def _free(disk: Path) -> None:
    for filler in disk.glob("filler-*"):
        filler.unlink()


def _wait_started(proc: subprocess.Popen[str], out: Path) -> None:
    """Until the run's staging folder exists (the model is running)."""
    deadline = time.monotonic() + 60
    while not (out / f".partial-{proc.pid}").is_dir():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)


def _full_outputs(tmp: Path) -> dict[str, Any]:
    """A full disk under ``--out``: while the run writes its files, and before it starts."""
    disk, catalog, out = tmp / "disk", tmp / "catalog", tmp / "disk" / "x"
    _mount(disk, "size=1m")
    seen: dict[str, Any] = {"first": _deportsim(tmp, catalog, "run", *SMALL, "--out", str(out))}
    seen["earlier"] = _files(out)
    _leave_free(disk, 16 * KIB)  # the earlier run (about 140 KB) fits, a second one's files not
    seen["during"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(out), "--overwrite")
    seen["during"]["files"] = _files(out)
    _leave_free(disk, 0)
    seen["before"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(disk / "y"))
    seen["before"]["files"] = _files(disk / "y")
    _mount(tmp / "tiny", "size=1m,nr_inodes=1")  # no inode left: not even a folder can be made
    seen["no_inode"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(tmp / "tiny" / "a"))
    _free(disk)
    seen["after"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(out), "--overwrite")
    seen["after"]["files"] = _files(out)
    seen["after"]["manifest"] = _manifest(out)
    seen["list"] = _deportsim(tmp, catalog, "runs", "list", "--format", "json", "--limit", "0")
    seen["intact"] = _intact(catalog)
    return seen


def _full_catalog(tmp: Path) -> dict[str, Any]:
    """A full disk under the catalog: while a run's record is completed, and before it starts."""
    disk, catalog = tmp / "disk", tmp / "disk" / "catalog"
    _mount(disk, "size=1m")
    seen: dict[str, Any] = {
        "first": _deportsim(tmp, catalog, "run", *SMALL, "--out", str(tmp / "a"))
    }
    seen["earlier"] = _files(catalog)
    for name, free in (("during", 16 * KIB), ("before", 0)):
        # 16 KiB: the record (4 KiB) is written, the summary and manifest (56 KB) are not
        _leave_free(disk, free)
        seen[name] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(tmp / name))
        seen[name]["catalog"] = _files(catalog)
        seen[name]["manifest"] = _manifest(tmp / name)
    _free(disk)
    seen["after"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(tmp / "after"))
    seen["list"] = _deportsim(tmp, catalog, "runs", "list", "--format", "json", "--limit", "0")
    seen["intact"] = _intact(catalog)
    return seen


def _full_sweep(tmp: Path) -> dict[str, Any]:
    """A full disk under a sweep's folder midway through its batches; then resumed."""
    disk, catalog = tmp / "disk", tmp / "catalog"
    _mount(disk, "size=1m")
    _leave_free(disk, 48 * KIB)  # the samples and two of its four batches (18 KB each)
    seen: dict[str, Any] = {"full": _deportsim(tmp, catalog, "sweep", *SWEEP, "--out", str(disk))}
    seen["full"]["files"] = _files(disk)
    _free(disk)
    [folder] = [p for p in disk.iterdir() if p.is_dir()] or [disk / "none"]
    seen["id"] = folder.name
    seen["resumed"] = _deportsim(
        tmp, catalog, "sweep", "--resume", folder.name, "--out", str(disk), "--workers", "1"
    )
    seen["resumed"]["files"] = _files(disk)
    seen["list"] = _deportsim(tmp, catalog, "runs", "list", "--format", "json", "--limit", "0")
    return seen


def _read_only(tmp: Path) -> dict[str, Any]:
    """A read-only disk holding the catalog (and an earlier run's folder)."""
    disk, catalog, out = tmp / "disk", tmp / "disk" / "catalog", tmp / "disk" / "x"
    _mount(disk, "size=1m")
    seen: dict[str, Any] = {"first": _deportsim(tmp, catalog, "run", *SMALL, "--out", str(out))}
    seen["earlier"] = _files(disk)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)  # noqa: S607
    seen["run"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(tmp / "a"))
    seen["run"]["manifest"] = _manifest(tmp / "a")
    seen["into"] = _deportsim(tmp, catalog, "run", *SMALL, "--out", str(out), "--overwrite")
    proc = _start(tmp, catalog, "run", *LONG, "--out", str(tmp / "b"))
    _wait_started(proc, tmp / "b")
    proc.send_signal(signal.SIGINT)
    seen["interrupted"] = _ended(proc)
    seen["list"] = _deportsim(tmp, catalog, "runs", "list", "--format", "json")
    seen["export"] = _deportsim(tmp, catalog, "runs", "export", "last", "--out", str(tmp / "e"))
    seen["after"] = _files(disk)
    return seen


SCENARIOS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "outputs": _full_outputs,
    "catalog": _full_catalog,
    "sweep": _full_sweep,
    "read-only": _read_only,
}


# --- the tests ------------------------------------------------------------------------------


def _in_namespace(scenario: str, tmp: Path) -> dict[str, Any]:
    """Run a scenario in a user and mount namespace of its own; what it saw."""
    unshare = shutil.which("unshare")
    assert unshare is not None, "the fault tests need unshare (util-linux): they are not skipped"
    done = subprocess.run(
        [unshare, "--map-root-user", "--mount", sys.executable, __file__, scenario, str(tmp)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (
        f"the {scenario} scenario failed in its namespace (are user namespaces allowed?):\n"
        f"{done.stderr}"
    )
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


def _one_line(done: dict[str, Any]) -> str:
    """The one line a command wrote on stderr (no traceback)."""
    lines = done["err"].splitlines()
    assert len(lines) == 1, done["err"]
    line: str = lines[0]
    return line


def _listed(done: dict[str, Any]) -> list[dict[str, Any]]:
    assert done["code"] == 0, done["err"]
    assert "Traceback" not in done["err"]
    found: list[dict[str, Any]] = json.loads(done["out"])
    return found


def _checked(run: dict[str, Any]) -> None:
    """Every output of a complete run has the checksum its record gives."""
    for o in run["outputs"].values():
        assert hashlib.sha256(Path(o["path"]).read_bytes()).hexdigest() == o["sha256"], o


def test_a_full_disk_under_the_output_folder_keeps_earlier_results(tmp_path: Path) -> None:
    seen = _in_namespace("outputs", tmp_path)
    disk, out = tmp_path / "disk", tmp_path / "disk" / "x"
    assert seen["first"]["code"] == 0, seen["first"]["err"]
    assert sorted(seen["earlier"]) == ["manifest.json", "summary.json", "timeseries.parquet"]

    during = seen["during"]  # the disk fills while timeseries.parquet is written
    assert during["code"] == 1
    assert _one_line(during).startswith(f"deportsim: error: {out}: --out: {FULL}: the run's")
    assert during["files"] == seen["earlier"], "earlier results byte for byte, no .partial-*"

    before = seen["before"]  # no room for the first (incomplete) manifest
    assert before["code"] == 1
    assert _one_line(before).startswith(f"deportsim: error: {disk / 'y'}: --out: {FULL}: ")
    assert before["files"] == {}

    assert seen["no_inode"]["code"] == 1
    assert _one_line(seen["no_inode"]) == (
        f"deportsim: error: {tmp_path / 'tiny' / 'a'}: {FULL}: cannot create the output "
        "folder; free some space or choose another folder"
    )

    after = seen["after"]  # space freed: the next run works and replaces the earlier one
    assert after["code"] == 0, after["err"]
    assert sorted(after["files"]) == ["manifest.json", "summary.json", "timeseries.parquet"]
    assert after["manifest"]["status"] == "complete"
    for name, o in after["manifest"]["outputs"].items():
        assert after["files"][name] == o["sha256"]
    runs = _listed(seen["list"])
    assert [r["state"] for r in runs] == ["complete", "failed", "complete"]  # newest first
    assert "No space left on device" in runs[1]["error"]
    assert seen["intact"] == {r["id"]: True for r in runs if r["state"] == "complete"}


def test_a_full_disk_under_the_catalog_leaves_the_run_unrecorded(tmp_path: Path) -> None:
    seen = _in_namespace("catalog", tmp_path)
    catalog = tmp_path / "disk" / "catalog"
    assert seen["first"]["code"] == 0, seen["first"]["err"]
    assert len([f for f in seen["earlier"] if f.startswith("records/")]) == 1
    for name in ("during", "before"):
        done = seen[name]
        assert done["code"] == 0, done["err"]  # recording never makes a run fail
        assert _one_line(done) == (
            f"deportsim: warning: not recorded in the catalog {catalog}: No space left on device "
            f"{UNRECORDED}"
        )
        assert "Recorded in the catalog" not in done["out"]
        assert done["manifest"]["status"] == "complete"
        # the record and the files begun for the run are withdrawn: nothing half-written stays
        assert done["catalog"] == seen["earlier"], name
    assert seen["after"]["code"] == 0, seen["after"]["err"]
    assert "Recorded in the catalog as run" in seen["after"]["out"]
    runs = _listed(seen["list"])
    assert [r["state"] for r in runs] == ["complete", "complete"]
    assert seen["intact"] == {r["id"]: True for r in runs}


def test_a_full_disk_under_a_sweep_is_one_line_and_the_sweep_resumes(tmp_path: Path) -> None:
    seen = _in_namespace("sweep", tmp_path)
    full = seen["full"]
    assert full["code"] == 1
    lines = [line for line in full["err"].splitlines() if line.startswith("deportsim:")]
    assert "Traceback" not in full["err"]
    assert len(lines) == 1, full["err"]
    assert FULL in lines[0]
    assert not [f for f in full["files"] if f.endswith(".part")], "no half-written file left"
    sweep = seen["id"]
    assert lines[0].endswith(f"free some space, then: deportsim sweep --resume {sweep}"), lines[0]
    assert f"{sweep}/sweep.json" in full["files"]
    resumed = seen["resumed"]
    assert resumed["code"] == 0, resumed["err"]
    assert f"{sweep}/results.parquet" in resumed["files"]
    [run] = _listed(seen["list"])
    assert (run["id"], run["kind"], run["state"]) == (sweep, "sweep", "complete")
    assert len(run["resumed"]) == 1


def test_a_read_only_catalog_records_nothing_and_can_be_read(tmp_path: Path) -> None:
    seen = _in_namespace("read-only", tmp_path)
    disk, catalog = tmp_path / "disk", tmp_path / "disk" / "catalog"
    assert seen["first"]["code"] == 0, seen["first"]["err"]
    run = seen["run"]  # the run goes on, unrecorded, and says so in one line
    assert run["code"] == 0, run["err"]
    assert _one_line(run) == (
        f"deportsim: warning: not recorded in the catalog {catalog}: Read-only file system "
        f"{UNRECORDED}"
    )
    assert "Recorded in the catalog" not in run["out"]
    assert run["manifest"]["status"] == "complete"
    assert seen["into"]["code"] == 2  # an output folder on the read-only disk: refused
    assert _one_line(seen["into"]) == (
        f"deportsim: error: {disk / 'x'}: output folder is not writable"
    )
    # interrupted, the run says so in its one line: no second line about the catalog
    assert seen["interrupted"]["code"] == 130
    assert _one_line(seen["interrupted"]) == (
        "deportsim: interrupted (SIGINT); unfinished results were not kept"
    )
    [listed] = _listed(seen["list"])
    assert listed["state"] == "complete"
    assert seen["export"]["code"] == 0, seen["export"]["err"]
    assert (tmp_path / "e" / listed["id"] / "summary.json").is_file()
    assert seen["after"] == seen["earlier"], "the read-only disk is as it was"


def test_runs_at_once_into_one_catalog_and_one_folder(tmp_path: Path) -> None:
    from deportsim.store import catalog as cat  # noqa: PLC0415 - the script part needs none

    catalog, same = tmp_path / "catalog", tmp_path / "same"
    first = _start(tmp_path, catalog, "run", *LONG, "--out", str(same))
    others = [
        _start(tmp_path, catalog, "run", *SMALL, "--seed", str(k), "--out", str(tmp_path / f"o{k}"))
        for k in range(2)
    ]
    _wait_started(first, same)
    second = _ended(_start(tmp_path, catalog, "run", *SMALL, "--out", str(same)))
    assert second["code"] == 2  # refused at once: the first still holds the folder
    assert _one_line(second) == (
        f"deportsim: error: {same}: --out: another deportsim run is writing to this folder; wait "
        "until it ends or choose another --out"
    )
    first.send_signal(signal.SIGTERM)  # and the first one stopped while the others write
    stopped = _ended(first)
    assert stopped["code"] == 143
    line = "deportsim: interrupted (SIGTERM); unfinished results were not kept"
    assert _one_line(stopped) == line
    while any(p.poll() is None for p in others):  # read while they write: never a half record
        for r in cat.list_runs(catalog):
            assert r["state"] in {"running", "complete", "interrupted"}, r
        time.sleep(0.05)
    for proc in others:
        done = _ended(proc)
        assert done["code"] == 0, done["err"]
        assert done["err"] == ""
    runs = {r["out"]: r for r in cat.list_runs(catalog)}
    assert sorted(runs) == sorted(str(p) for p in (same, tmp_path / "o0", tmp_path / "o1"))
    assert (runs[str(same)]["state"], runs[str(same)]["error"]) == ("interrupted", "SIGTERM")
    assert [p.name for p in same.iterdir()] == ["manifest.json"]  # no .partial-* left
    assert json.loads((same / "manifest.json").read_text())["status"] == "incomplete"
    for out in (tmp_path / "o0", tmp_path / "o1"):
        assert runs[str(out)]["state"] == "complete"
        _checked(runs[str(out)])
        assert sorted(p.name for p in out.iterdir()) == [
            "manifest.json", "summary.json", "timeseries.parquet",
        ]  # fmt: skip
    ids = sorted(r["id"] for r in runs.values())
    assert sorted(p.name for p in (catalog / "runs").iterdir()) == ids
    assert sorted(p.stem for p in (catalog / "records").iterdir()) == ids, "no temporary file"


# --- damaged records (no namespace needed) ---------------------------------------------------

BAD = "20990101-000000-bad000"  # the newest id: `runs show last` must pass over it


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from deportsim.cli.app import main  # noqa: PLC0415

    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    code = info.value.code
    assert isinstance(code, int)
    return code, out, err


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A catalog with two complete runs (copied by each test), and their ids, oldest first."""
    from deportsim import api  # noqa: PLC0415

    tmp = tmp_path_factory.mktemp("two")
    ids = []
    for name in ("baseline-fy2024", "directive-2025"):
        cfg = api.RunConfig(scenario=name, replicates=2, years=0.2)
        done = api.run_prepared(api.prepare(cfg), tmp / name, catalog=tmp / "catalog")
        assert done.run_id is not None
        ids.append(done.run_id)
    return tmp / "catalog", ids


def _record_text(catalog: Path, run_id: str, **changes: Any) -> str:
    data = json.loads((catalog / "records" / f"{run_id}.json").read_text())
    return json.dumps({**data, "id": BAD, **changes}) + "\n"


GARBAGE = random.Random(19).randbytes(4096)  # noqa: S311 - not a secret: garbage


def _truncated(path: Path, good: str) -> None:
    path.write_text(good[: len(good) // 2])


def _huge(path: Path, _: str) -> None:
    with path.open("wb") as fh:
        fh.truncate(5 * 2**20)  # 5 MiB of zeros


DAMAGES: dict[str, tuple[Callable[[Path, str], None], str]] = {
    "truncated": (_truncated, "not JSON: "),
    "empty": (lambda p, _: p.write_bytes(b""), "empty"),
    "binary": (lambda p, _: p.write_bytes(GARBAGE), "not UTF-8 text"),
    "a list": (lambda p, _: p.write_text("[1, 2, 3]\n"), "not a record: a list"),
    "two records": (lambda p, good: p.write_text(good + good), "not JSON: Extra data"),
    "deep": (lambda p, _: p.write_text("[" * 100_000 + "]" * 100_000), "not JSON: maximum"),
    "huge": (_huge, "5,242,880 bytes, too large for a record"),
    "a folder": (lambda p, _: p.mkdir(), "not a file"),
    "a fifo": (lambda p, _: os.mkfifo(p), "not a file"),
}


def _shape(**changes: Any) -> Callable[[Path, str], None]:
    def write(path: Path, good: str) -> None:
        path.write_text(json.dumps({**json.loads(good), **changes}) + "\n")

    return write


DAMAGES |= {
    "outputs a string": (_shape(outputs="oops"), "its 'outputs' is a string, not an object"),
    "an output without path": (_shape(outputs={"summary.json": {"bytes": 1}}), "its 'outputs'"),
    "command of numbers": (_shape(command=[1, 2]), "its 'command' is a list, not a list of str"),
    "seed below 0": (_shape(seed=-5), "its 'seed' is a number, not a whole number from 0"),
    "another id": (_shape(id="20250101-000000-other0"), "its id '20250101-000000-other0' is not"),
    "an id of a number": (_shape(id=5), "its id 5 is not its file's name"),
    "config a list": (_shape(config=[1]), "its 'config' is a list, not an object"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_record_is_skipped_and_named(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    two_runs: tuple[Path, list[str]],
    damage: str,
) -> None:
    source, (a, b) = two_runs
    catalog = tmp_path / "catalog"
    shutil.copytree(source, catalog)
    bad = catalog / "records" / f"{BAD}.json"
    write, reason = DAMAGES[damage]
    write(bad, _record_text(source, b))
    cat = ("--catalog", str(catalog))

    code, out, err = _cli(capsys, "runs", "list", *cat)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:3]] == [b, a]
    [warning] = err.splitlines()
    assert warning.startswith(
        f"deportsim: warning: {bad}: skipped, not a readable catalog record ({reason}"
    )
    for ref in (BAD, BAD[:12]):  # its id, or a unique start of it
        code, _, err = _cli(capsys, "runs", "show", ref, *cat)
        assert code == 2
        [line] = err.splitlines()
        assert line.startswith(f"deportsim: error: {bad}: RUN_ID: run {BAD}'s catalog record is "
                               f"damaged ({reason}")  # fmt: skip
        assert line.endswith("cannot be read; remove the file to clear it from the catalog")
    code, out, _ = _cli(capsys, "runs", "show", "last", *cat)
    assert (code, out.split()[:2]) == (0, ["run", b])


def test_a_catalog_with_every_damage_at_once_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_runs: tuple[Path, list[str]]
) -> None:
    from deportsim.store import catalog as store  # noqa: PLC0415

    source, (a, b) = two_runs
    catalog = tmp_path / "catalog"
    shutil.copytree(source, catalog)
    for k, (write, _) in enumerate(DAMAGES.values()):
        write(catalog / "records" / f"{BAD[:-2]}{k:02d}.json", _record_text(source, b))
    cat = ("--catalog", str(catalog))
    code, out, err = _cli(capsys, "runs", "list", *cat)
    assert code == 0
    assert out.splitlines()[-1] == f"2 of 2 runs in {catalog}"
    assert len(err.splitlines()) == 6  # five named, then how many more
    assert err.splitlines()[-1] == (
        f"deportsim: warning: {len(DAMAGES) - 5} more damaged records skipped in "
        f"{catalog / 'records'}"
    )
    for args in (("compare", a, b), ("compare", "--last", "2"), ("list", "--status", "failed")):
        code, _, err = _cli(capsys, "runs", *args, *cat)
        assert code == 0, err
    for fmt in ("files", "csv"):
        code, _, err = _cli(capsys, "runs", "export", a, b, "--out", str(tmp_path / "e"),
                            "--format", fmt, *cat)  # fmt: skip
        assert code == 0, err
    code, out, err = _cli(capsys, "run", *SMALL, "--out", str(tmp_path / "new"), *cat)
    assert code == 0, err
    assert "Recorded in the catalog as run" in out
    assert len(store.list_runs(catalog)) == 3
    assert len(list((catalog / "records").iterdir())) == 3 + len(DAMAGES)  # none touched


def test_an_ambiguous_start_of_an_id_counts_damaged_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_runs: tuple[Path, list[str]]
) -> None:
    source, (_, b) = two_runs
    catalog = tmp_path / "catalog"
    shutil.copytree(source, catalog)
    other = f"{b[:-1]}{'0' if b[-1] != '0' else '1'}"  # the same start as b
    (catalog / "records" / f"{other}.json").write_text("{")
    code, _, err = _cli(capsys, "runs", "show", b[:-1], "--catalog", str(catalog))
    assert code == 2
    assert f"'{b[:-1]}' matches 2 runs" in err
    code, out, _ = _cli(capsys, "runs", "show", b, "--catalog", str(catalog))
    assert (code, out.split()[:2]) == (0, ["run", b])  # its whole id: no doubt


def test_damaged_files_of_a_run_s_folder_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_runs: tuple[Path, list[str]]
) -> None:
    source, (a, b) = two_runs
    catalog = tmp_path / "catalog"
    shutil.copytree(source, catalog)
    parquet = catalog / "runs" / b / "summary.parquet"
    parquet.write_bytes(b"PAR1 not really")
    (catalog / "runs" / b / "manifest.json").write_text("[")
    cat = ("--catalog", str(catalog))
    code, out, err = _cli(capsys, "runs", "show", b, *cat)
    assert code == 0
    assert "metrics (mean" not in out
    assert [line.split(": ")[2] for line in err.splitlines()] == [str(parquet)]
    code, out, err = _cli(capsys, "runs", "compare", a, b, *cat)
    assert code == 0
    assert f"no metrics (not complete): {b}" in out
    code, _, err = _cli(capsys, "runs", "export", a, b, "--out", str(tmp_path / "e"),
                        "--format", "parquet", *cat)  # fmt: skip
    assert code == 2
    assert _one_line({"err": err}).startswith(
        f"deportsim: error: {parquet}: run {b}'s table in the catalog is damaged ("
    )


def test_an_interrupted_run_has_a_status_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deportsim.store import catalog  # noqa: PLC0415
    from deportsim.store.catalog import records  # noqa: PLC0415

    stopped = catalog.begin("run", scenario="s", seed=1, catalog=tmp_path)
    stopped.fail(KeyboardInterrupt())
    broken = catalog.begin("run", scenario="s", seed=2, catalog=tmp_path)
    broken.fail(RuntimeError("the model broke"))
    old = catalog.begin("run", scenario="s", seed=3, catalog=tmp_path)
    old.write(status="failed", error="Interrupted: SIGTERM")  # as written before 0.2
    assert stopped.data["status"] == "interrupted"
    assert stopped.data["error"] == "KeyboardInterrupt"
    cat = ("--catalog", str(tmp_path))
    code, out, _ = _cli(capsys, "runs", "list", "--status", "interrupted", "--format", "json", *cat)
    assert code == 0
    assert sorted((r["seed"], r["status"], r["state"]) for r in json.loads(out)) == [
        (1, "interrupted", "interrupted"), (3, "failed", "interrupted"),
    ]  # fmt: skip
    code, out, _ = _cli(capsys, "runs", "list", "--status", "failed", "--format", "json", *cat)
    assert [r["seed"] for r in json.loads(out)] == [2]
    code, out, _ = _cli(capsys, "runs", "show", str(old.id), *cat)
    assert "interrupted (Interrupted: SIGTERM)" in out
    again = catalog.resume(str(stopped.id), tmp_path)  # an interrupted run can be taken up again
    again.finish()
    assert catalog.find(str(stopped.id), tmp_path)["state"] == "complete"
    # a sweep's id taken up again over a damaged record: its start is kept only if it is one
    (tmp_path / "records" / "sweep-x.json").write_text('{"started": 5, "resumed": 7}')
    rec = records.begin("sweep", catalog=tmp_path, run_id="sweep-x")
    rec.finish()
    assert catalog.find("sweep-x", tmp_path)["resumed"] is None


if __name__ == "__main__":  # inside the namespace: one scenario, what it saw as JSON on stdout
    print(json.dumps(SCENARIOS[sys.argv[1]](Path(sys.argv[2]))))  # noqa: T201
