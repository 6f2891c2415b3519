"""Interrupted, concurrent and refused runs: earlier complete results are never lost (issue 19).

Real ``deportsim`` processes, each with a catalog of its own in tmp.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from deportsim.cli import main
from deportsim.store import save

DEPORTSIM = Path(sys.executable).parent / "deportsim"
SMALL = ("baseline-fy2024", "--replicates", "2", "--years", "0.2")
#: long enough to be interrupted once it has started, even on a loaded machine (about 10 s
#: alone; the tests stop it within a second of its start)
LONG = ("directive-2025", "--replicates", "200", "--years", "2")


def _env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "DEPORTSIM_CATALOG": str(tmp / "catalog")}
    env.pop("DEPORTSIM_NO_CATALOG", None)
    return env


def _default_signals() -> None:
    # a test run in the background may ignore SIGINT, and a child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(tmp: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(DEPORTSIM), "run", *args], env=_env(tmp), cwd=tmp, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_signals,  # noqa: PLW1509
    )  # fmt: skip


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = _start(tmp, *args)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _partials(out: Path) -> list[Path]:
    return sorted(out.glob(".partial-*"))


def _wait_started(proc: subprocess.Popen[str], out: Path) -> None:
    """Until the run's staging folder exists (the model is running)."""
    deadline = time.monotonic() + 60
    while not (out / f".partial-{proc.pid}").is_dir():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)


def _copy_of(earlier: Path, out: Path) -> Path:
    """``out``, a copy of the earlier complete run's folder."""
    shutil.copytree(earlier, out)
    return out


def _digests(out: Path) -> dict[str, str]:
    files = sorted(p for p in out.iterdir() if p.is_file())
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _records(tmp: Path) -> list[dict[str, object]]:
    files = sorted((tmp / "catalog" / "records").glob("*.json"))
    return [json.loads(p.read_text()) for p in files]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a complete earlier run."""
    tmp = tmp_path_factory.mktemp("earlier")
    done = _run(tmp, *SMALL, "--out", str(tmp / "x"))
    assert done.returncode == 0, done.stderr
    return tmp / "x"


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_exits_with_the_signal_and_keeps_earlier_results(
    tmp_path: Path, earlier: Path, sig: signal.Signals, code: int
) -> None:
    out = _copy_of(earlier, tmp_path / "x")
    before = _digests(out)
    proc = _start(tmp_path, *LONG, "--out", str(out), "--overwrite")
    _wait_started(proc, out)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.strip().splitlines() == [
        f"deportsim: interrupted ({sig.name}); unfinished results were not kept"
    ]
    assert _digests(out) == before, "the earlier complete results are untouched"
    assert _partials(out) == []
    [record] = _records(tmp_path)
    assert (record["status"], record["error"]) == ("interrupted", sig.name)
    again = _run(tmp_path, *SMALL, "--out", str(out))  # the next command: refused, nothing touched
    assert again.returncode == 2
    assert _digests(out) == before
    assert _partials(out) == []


def test_a_complete_earlier_run_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "x"
    assert _run(tmp_path, *SMALL, "--out", str(out)).returncode == 0
    before = _digests(out)
    refused = _run(tmp_path, *SMALL, "--seed", "1", "--out", str(out))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"deportsim: error: {out}: --out: holds the complete results of an earlier run; pass "
        "--overwrite to replace them, or choose another --out"
    ]
    assert _digests(out) == before
    replaced = _run(tmp_path, *SMALL, "--seed", "1", "--out", str(out), "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads((out / "manifest.json").read_text())[("seed")] == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "summary.json", "timeseries.parquet",
    ]  # fmt: skip
    # the default folder, out/<scenario>/, always takes the latest run (`make run` twice)
    for _ in range(2):
        assert _run(tmp_path, *SMALL).returncode == 0


def test_a_second_run_into_a_folder_in_use_is_refused_at_once(tmp_path: Path) -> None:
    out = tmp_path / "x"
    first = _start(tmp_path, *LONG, "--out", str(out))
    _wait_started(first, out)
    second = _run(tmp_path, *SMALL, "--out", str(out))
    assert second.returncode == 2
    assert second.stderr.splitlines() == [
        f"deportsim: error: {out}: --out: another deportsim run is writing to this folder; wait "
        "until it ends or choose another --out"
    ]
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert [r["status"] for r in _records(tmp_path)] == ["complete"]


def test_partial_folders_of_dead_processes_are_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "x"
    gone = subprocess.Popen(["true"])  # noqa: S607
    gone.wait()
    stale = out / f".partial-{gone.pid}"
    (stale / "sub").mkdir(parents=True)
    (stale / "timeseries.parquet").write_bytes(b"x" * 1000)
    alive = out / f".partial-{os.getpid()}"  # a live process's (e.g. a report being written)
    alive.mkdir()
    done = _run(tmp_path, *SMALL, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert _partials(out) == [alive]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--replicates", "100000", "--years", "50"),
            "--replicates/--years: 100,000 replicates over 50 years need about",
        ),
        (("--start", "9999-12-31", "--years", "1"), "--start: a run from 9999-12-31 over 1 years"),
        (("--start", "2100-06-01", "--years", "1"), "would end after 2100-12-31"),
    ],
)
def test_runs_beyond_the_limits_are_refused_before_anything_is_written(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = _run(tmp_path, "baseline-fy2024", *args, "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert message in line
    assert not (tmp_path / "x").exists()


def test_a_folder_where_a_result_file_goes_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "x"
    (out / "summary.json").mkdir(parents=True)
    done = _run(tmp_path, *SMALL, "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"deportsim: error: {out}: --out: summary.json there is not a file (a folder?), so the "
        "run's summary.json cannot be written; remove it or choose another --out"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]


def test_a_full_disk_is_one_line_and_keeps_earlier_results(
    tmp_path: Path,
    earlier: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _copy_of(earlier, tmp_path / "x")
    before = _digests(out)

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(save, "write_outputs", full)
    monkeypatch.setenv("DEPORTSIM_CATALOG", str(tmp_path / "catalog"))
    with pytest.raises(SystemExit) as info:
        main(["run", *SMALL, "--out", str(out), "--overwrite"])
    assert info.value.code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"deportsim: error: {out}: --out: the disk is full (No space left")
    assert _digests(out) == before
    assert _partials(out) == []
    [record] = _records(tmp_path)
    assert record["status"] == "failed"


class _SignalOnCollection:
    """Sends ``sig`` to this process when collected: its handler's exception is then discarded."""

    def __init__(self, sig: signal.Signals) -> None:
        self.sig = sig

    def __del__(self) -> None:
        os.kill(os.getpid(), self.sig)  # the handler runs here, and what it raises is dropped


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_whose_exception_python_discards_still_stops_the_run(
    tmp_path: Path,
    earlier: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sig: signal.Signals,
    code: int,
) -> None:
    """A handler that runs inside a finalizer (in CI: an import's module-lock callback) raises
    where Python prints "Exception ignored" and goes on: before, the run then finished and
    replaced the earlier results, and still said they were not kept."""
    out = _copy_of(earlier, tmp_path / "x")
    before = _digests(out)
    execute = save.execute

    def signalled(*args: Any, **kwargs: Any) -> Any:
        _SignalOnCollection(sig)  # collected at once: the signal arrives in its finalizer
        return execute(*args, **kwargs)

    monkeypatch.setattr(save, "execute", signalled)
    monkeypatch.setenv("DEPORTSIM_CATALOG", str(tmp_path / "catalog"))
    monkeypatch.delenv("DEPORTSIM_NO_CATALOG", raising=False)
    old = signal.signal(sig, signal.default_int_handler)  # not ignored (a background test run)
    try:
        with pytest.raises(SystemExit) as info:
            main(["run", *SMALL, "--out", str(out), "--overwrite"])
    finally:
        signal.signal(sig, old)
    assert info.value.code == code
    assert capsys.readouterr().err.splitlines() == [
        f"deportsim: interrupted ({sig.name}); unfinished results were not kept"
    ]  # and no "Exception ignored" traceback
    assert _digests(out) == before
    assert _partials(out) == []
    [record] = _records(tmp_path)
    assert (record["status"], record["error"]) == ("interrupted", sig.name)
