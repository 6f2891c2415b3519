"""Jobs of the HTTP API kept on disk: a request, its state, its progress and its files.

Each job has a folder ``<jobs>/<id>/`` (:class:`JobFolder`):

- ``job.json``: the job's record (:data:`STATUSES`), written atomically, only by the server;
- ``progress.json``: how far the worker has gone, written atomically by the worker;
- ``cancel``: present once a cancellation was asked for; the worker stops at its next report;
- ``out/``: the verb's files; ``out/result.json`` is written last, atomically, by the worker,
  and only a job whose ``result.json`` exists is complete. A job killed before it (the server or
  its worker stopped outright) has files that are never served.

:class:`JobStore` lists the folders. Opened by a server, it marks the jobs that were queued or
running when an earlier server stopped as ``interrupted`` (or ``complete``, if their worker had
written ``result.json`` before the server went): a later identical request computes such a job
afresh in a clean ``out/``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from deportsim.core.folders import write_text_atomic

__all__ = [
    "ACTIVE",
    "ENDED",
    "STATUSES",
    "JobFolder",
    "JobStatus",
    "JobStore",
    "now",
]

JobStatus = Literal["queued", "running", "complete", "failed", "cancelled", "interrupted"]
#: Every status a job can have.
STATUSES: tuple[JobStatus, ...] = (
    "queued", "running", "complete", "failed", "cancelled", "interrupted",
)  # fmt: skip
#: Statuses of a job that is still to end.
ACTIVE: frozenset[str] = frozenset({"queued", "running"})
#: Statuses after which a job does nothing more.
ENDED: frozenset[str] = frozenset(STATUSES) - ACTIVE

_ID = re.compile(r"[a-z0-9-]{4,64}")


def now() -> str:
    """The time now, UTC, ISO 8601 to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class JobFolder:
    """One job's folder (see the module docstring)."""

    path: Path

    @property
    def id(self) -> str:
        """The job's id: its folder's name."""
        return self.path.name

    @property
    def out(self) -> Path:
        """Where the verb writes its files."""
        return self.path / "out"

    @property
    def result_path(self) -> Path:
        """``out/result.json``: written last; its presence makes the job complete."""
        return self.out / "result.json"

    def record(self) -> dict[str, Any] | None:
        """``job.json``, or None if absent or unreadable."""
        return _read_json(self.path / "job.json")

    def write_record(self, record: dict[str, Any]) -> None:
        """Replace ``job.json`` (atomically)."""
        write_text_atomic(self.path / "job.json", json.dumps(record, indent=1, sort_keys=True))

    def update(self, **fields: Any) -> dict[str, Any]:
        """Change some fields of ``job.json``; the new record."""
        record = self.record() or {}
        record.update(fields)
        self.write_record(record)
        return record

    def progress(self) -> dict[str, Any] | None:
        """``progress.json`` as the worker last wrote it, or None."""
        return _read_json(self.path / "progress.json")

    def write_progress(self, progress: dict[str, Any]) -> None:
        """Replace ``progress.json`` (atomically): the worker's report."""
        write_text_atomic(self.path / "progress.json", json.dumps(progress))

    def result(self) -> dict[str, Any] | None:
        """``out/result.json``, or None while the job is not complete."""
        return _read_json(self.result_path)

    def write_result(self, result: dict[str, Any]) -> None:
        """Write ``out/result.json`` (atomically): the last step of a job that succeeded."""
        write_text_atomic(self.result_path, json.dumps(result, indent=1, sort_keys=True))

    def ask_cancel(self) -> None:
        """Ask the worker to stop (the ``cancel`` file)."""
        (self.path / "cancel").touch()

    @property
    def cancel_asked(self) -> bool:
        """Whether a cancellation was asked for."""
        return (self.path / "cancel").exists()

    def reset(self) -> None:
        """Clear what an earlier attempt left: its files, progress and cancellation."""
        shutil.rmtree(self.out, ignore_errors=True)
        for name in ("progress.json", "cancel"):
            (self.path / name).unlink(missing_ok=True)
        self.out.mkdir(parents=True, exist_ok=True)

    def file(self, name: str) -> Path | None:
        """A file the job wrote, by its name under ``out/`` (None if absent or outside)."""
        root = self.out.resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            return None
        return path


class JobStore:
    """The folders of jobs under ``root`` (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def folder(self, job_id: str) -> JobFolder | None:
        """The job ``job_id``'s folder if it has a record, else None (ids are checked)."""
        if not _ID.fullmatch(job_id):
            return None
        f = JobFolder(self.root / job_id)
        return f if (f.path / "job.json").is_file() else None

    def create(self, job_id: str, record: dict[str, Any]) -> JobFolder:
        """A new job's folder, with its record and an empty ``out/``."""
        if not _ID.fullmatch(job_id):
            raise ValueError(f"not a job id: {job_id!r}")
        f = JobFolder(self.root / job_id)
        f.path.mkdir(parents=True, exist_ok=True)
        f.reset()
        f.write_record(record)
        return f

    def __iter__(self) -> Iterator[JobFolder]:
        for path in sorted(self.root.iterdir()):
            if path.is_dir() and (path / "job.json").is_file():
                yield JobFolder(path)

    def recover(self) -> list[str]:
        """Mark the jobs an earlier server left queued or running; the ids marked interrupted.

        A job whose worker wrote ``result.json`` before the server stopped is complete.
        """
        marked = []
        for f in self:
            record = f.record()
            if record is None or record.get("status") not in ACTIVE:
                continue
            if f.result() is not None:
                f.update(status="complete", finished=record.get("finished") or now())
                continue
            f.update(status="interrupted", finished=now(),
                     error={"title": "interrupted",
                            "detail": "the server stopped before this job ended; ask for it "
                                      "again to compute it afresh"})  # fmt: skip
            marked.append(f.id)
        return marked
