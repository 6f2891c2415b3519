"""Jobs' folders: records written whole, recovery after a server stopped, files kept inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from deportsim.store.jobs import JobStore


def test_recovery_marks_unfinished_jobs_interrupted_and_finished_ones_complete(
    tmp_path: Path,
) -> None:
    store = JobStore(tmp_path / "jobs")
    running = store.create("run-aaaa", {"id": "run-aaaa", "status": "running"})
    queued = store.create("run-bbbb", {"id": "run-bbbb", "status": "queued"})
    finished = store.create("run-cccc", {"id": "run-cccc", "status": "running"})
    finished.write_result({"main": "summary.json", "files": []})
    failed = store.create("run-dddd", {"id": "run-dddd", "status": "failed"})
    (running.out / "summary.json").write_text("{}")  # a file written before the kill
    assert sorted(store.recover()) == ["run-aaaa", "run-bbbb"]
    assert running.record()["status"] == "interrupted"  # type: ignore[index]
    assert queued.record()["status"] == "interrupted"  # type: ignore[index]
    assert finished.record()["status"] == "complete"  # type: ignore[index]
    assert failed.record()["status"] == "failed"  # type: ignore[index]
    assert running.result() is None
    running.reset()  # asked again: a clean folder
    assert list(running.out.iterdir()) == []


def test_ids_and_file_names_cannot_leave_the_store(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs")
    f = store.create("run-eeee", {"id": "run-eeee", "status": "complete"})
    (f.out / "summary.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("no")
    assert f.file("summary.json") == (f.out / "summary.json").resolve()
    assert f.file("../../secret.txt") is None
    assert f.file("missing.json") is None
    assert store.folder("../secret") is None
    assert store.folder("RUN-EEEE") is None
    assert store.folder("run-ffff") is None
    with pytest.raises(ValueError, match="not a job id"):
        store.create("../x", {})


def test_cancel_and_progress_are_files_of_the_job(tmp_path: Path) -> None:
    f = JobStore(tmp_path / "jobs").create("claims-1234", {"status": "queued"})
    assert not f.cancel_asked
    f.ask_cancel()
    assert f.cancel_asked
    f.write_progress({"stage": "claim C1", "fraction": 0.25})
    assert f.progress() == {"stage": "claim C1", "fraction": 0.25}
    assert f.update(status="running")["status"] == "running"
