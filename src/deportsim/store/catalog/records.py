"""Run records: one small JSON file per run, written whole or not at all.

The catalog is a folder::

    CATALOG/records/<run id>.json  one line of JSON per run: settings, status, timings, outputs
    CATALOG/runs/<run id>/         the run's own files (summary.parquet, summary.json, ...)

Each run writes only its own record and its own folder, always to a temporary name first and then
renamed over the real one (an atomic step on POSIX file systems), so any number of processes can
record runs at once without a lock and nothing they write is ever lost or half-written. A run
writes its record with ``"status": "incomplete"`` when it starts and replaces it with
``"complete"`` when it ends, ``"interrupted"`` if SIGINT or SIGTERM stopped it (Ctrl-C, ``kill``),
or ``"failed"`` on an error: a run killed outright (SIGKILL) keeps its ``incomplete`` record, and
:func:`process_gone` tells a run still going on from one whose process has died.

Recording never makes a run fail: when the catalog cannot be written (a read-only or full disk),
the run goes on unrecorded (:class:`RunRecord` then does nothing) and, if it ends well, one
warning line says so on stderr. A record that could not be written whole is withdrawn: the
record file and folder this run made are removed, so the catalog never keeps a half-recorded
run (an ``incomplete`` record whose process ended with the run complete).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from deportsim._version import __version__
from deportsim.core.folders import write_atomic
from deportsim.core.paths import data_dir
from deportsim.core.processes import process_ended, start_time

__all__ = [
    "CATALOG_ENV",
    "INTERRUPTED",
    "NO_CATALOG_ENV",
    "STATUSES",
    "CatalogChoice",
    "RunRecord",
    "begin",
    "catalog_dir",
    "disabled",
    "identity",
    "new_run_id",
    "process_gone",
    "record_path",
    "run_folder",
    "warn_unrecorded",
    "write_json_atomic",
]

#: Statuses shown: ``running`` is an ``incomplete`` record whose process is still alive.
STATUSES = ("complete", "running", "incomplete", "interrupted", "failed")
CATALOG_ENV = "DEPORTSIM_CATALOG"
NO_CATALOG_ENV = "DEPORTSIM_NO_CATALOG"

#: The status of a run stopped by SIGINT or SIGTERM (a KeyboardInterrupt in the process).
INTERRUPTED = "interrupted"

#: Where to record: None, the default folder (:func:`catalog_dir`); a path; False, nowhere.
CatalogChoice = Path | Literal[False] | None

_warned = False


def catalog_dir(override: Path | None = None) -> Path:
    """The catalog folder: ``override``, else ``$DEPORTSIM_CATALOG``, else ``DATA_DIR/catalog``.

    ``DATA_DIR`` is the user data directory of the official-statistics store
    (:func:`deportsim.core.paths.data_dir`: ``$DEPORTSIM_DATA_DIR``, ``$XDG_DATA_HOME/deportsim``
    or ``~/.local/share/deportsim``).
    """
    if override is not None:
        return override.expanduser()
    if env := os.environ.get(CATALOG_ENV):
        return Path(env).expanduser()
    return data_dir() / "catalog"


def disabled() -> bool:
    """True when ``$DEPORTSIM_NO_CATALOG`` is set to anything but empty or ``0``."""
    return os.environ.get(NO_CATALOG_ENV, "").strip() not in {"", "0"}


def record_path(catalog: Path, run_id: str) -> Path:
    """The record file of a run."""
    return catalog / "records" / f"{run_id}.json"


def run_folder(catalog: Path, run_id: str) -> Path:
    """The folder of a run's own files."""
    return catalog / "runs" / run_id


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run id: UTC time to the second and 6 random hex digits, e.g. ``20250120-093000-3f9a2c``.

    Ids sort by start time; :func:`begin` reserves each by creating its folder, so two processes
    can never take the same one.
    """
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _write_json_line(data: Mapping[str, Any], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def write_json_atomic(data: Mapping[str, Any], path: Path) -> None:
    """Write ``data`` as one line of JSON: to a temporary file, synced, renamed over ``path``."""
    write_atomic(path, lambda tmp: _write_json_line(data, tmp))


def process_gone(record: Mapping[str, Any]) -> bool:
    """True when the process that wrote an ``incomplete`` record has certainly ended.

    Only processes on this host can be checked; a record from another host counts as gone only
    if it says so itself. A process id taken again by a later process (another start time) or a
    zombie (killed, not yet reaped) counts as gone.
    """
    pid = record.get("pid")
    if record.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    started = record.get("proc_start")
    return process_ended(pid, started if isinstance(started, int) else None)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def identity() -> dict[str, Any]:
    """This process as a record names it: ``pid``, ``host``, ``proc_start`` and ``started`` now."""
    pid = os.getpid()
    return {
        "pid": pid, "host": socket.gethostname(), "proc_start": start_time(pid)[0],
        "started": _now(),
    }  # fmt: skip


def warn_unrecorded(catalog: Path, exc: OSError) -> None:
    """One line on stderr, once per process: the run goes on without its record."""
    global _warned  # noqa: PLW0603 - one warning per process, whatever the number of runs
    if not _warned:
        _warned = True
        text = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
        reason = " ".join(text.split())
        print(  # noqa: T201 - a warning line, not a Python warning (a run must never fail on it)
            f"deportsim: warning: not recorded in the catalog {catalog}: {reason} "
            f"(set {CATALOG_ENV}, or {NO_CATALOG_ENV}=1 to stop recording)",
            file=sys.stderr,
        )


@dataclass
class RunRecord:
    """The catalog record of one run; :meth:`finish` or :meth:`fail` it when the run ends.

    ``data`` is the record as written. A record whose catalog could not be written (or with
    recording turned off) has ``catalog`` None: every method then does nothing, and ``problem``
    (the catalog and the error, if it could not be written) is told in one warning line when the
    run finishes. ``fresh``: this process reserved the run id (:func:`begin` without ``run_id``),
    so withdrawing the record removes its file and folder.
    """

    catalog: Path | None
    data: dict[str, Any] = field(default_factory=dict)
    fresh: bool = False
    problem: tuple[Path, OSError] | None = None

    @property
    def id(self) -> str | None:
        """The run id, or None when the run is not recorded."""
        return self.data.get("id") if self.catalog is not None else None

    @property
    def folder(self) -> Path | None:
        """The run's own folder in the catalog (exists once begun), or None when not recorded."""
        return run_folder(self.catalog, self.data["id"]) if self.catalog is not None else None

    def withdraw(self, exc: OSError) -> None:
        """Stop recording after a write failed: the run goes on unrecorded.

        A record of this process's own id is removed with its folder (nothing half-written stays
        in the catalog; removing needs no space, so a full disk allows it); a record taken up
        again (a resumed sweep's) keeps what it held. Nothing is printed here: :meth:`finish`
        warns once, and a run that fails says so itself, in its one line.
        """
        catalog = self.catalog
        if catalog is None:
            return
        self.catalog = None
        self.problem = (catalog, exc)
        if self.fresh:
            with contextlib.suppress(OSError):  # read-only: nothing of this run's was written
                record_path(catalog, self.data["id"]).unlink(missing_ok=True)
            shutil.rmtree(run_folder(catalog, self.data["id"]), ignore_errors=True)

    def write(self, **fields: Any) -> None:
        """Update fields and write the record again (whole, atomically); withdraw on failure."""
        if self.catalog is None:
            return
        self.data.update(fields)
        try:
            write_json_atomic(self.data, record_path(self.catalog, self.data["id"]))
        except OSError as exc:
            self.withdraw(exc)

    def finish(
        self,
        outputs: Mapping[str, Mapping[str, Any]] | None = None,
        timings: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> None:
        """Mark the run complete, with its outputs and timings (seconds).

        ``outputs``: name -> ``{"path", "sha256", "bytes", "stored"}``; see
        :func:`deportsim.store.catalog.outputs.keep` to store files in the run's folder and describe
        them. Call it only once every output is in place: ``complete`` is written last. A run
        that could not be recorded warns here, once (:func:`warn_unrecorded`).
        """
        if self.catalog is not None:
            finished = _now()
            wall = dict(timings or {}).get("wall_s")
            if wall is None:
                started = dt.datetime.fromisoformat(self.data.get("started", finished))
                wall = (dt.datetime.fromisoformat(finished) - started).total_seconds()
            self.write(
                status="complete", finished=finished, wall_time_s=round(wall, 3),
                timings={k: round(v, 3) for k, v in (timings or {}).items()},
                outputs=dict(outputs or {}), **fields,
            )  # fmt: skip
        if self.problem is not None:
            warn_unrecorded(*self.problem)

    def fail(self, error: BaseException | str) -> None:
        """Mark the run ``interrupted`` (a KeyboardInterrupt: Ctrl-C, SIGTERM) or ``failed``.

        It is never shown as complete. ``error``: for an interruption, the signal's name
        (``SIGINT``, ``SIGTERM``) or ``KeyboardInterrupt``; else the exception's type and text.
        """
        if isinstance(error, KeyboardInterrupt):
            self.write(status=INTERRUPTED, finished=_now(), error=str(error) or "KeyboardInterrupt")
            return
        if isinstance(error, BaseException):
            text = f"{type(error).__name__}: {error}".rstrip(": ")
        else:
            text = error
        self.write(status="failed", finished=_now(), error=text)


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def _take(catalog: Path, run_id: str, data: dict[str, Any]) -> str:
    """Use the caller's run id; if its record exists, keep its first start and note this one."""
    (catalog / "records").mkdir(parents=True, exist_ok=True)
    run_folder(catalog, run_id).mkdir(parents=True, exist_ok=True)
    try:
        earlier = json.loads(record_path(catalog, run_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return run_id
    if isinstance(earlier, dict) and isinstance(earlier.get("started"), str):
        resumed = earlier.get("resumed")
        done = [t for t in resumed if isinstance(t, str)] if isinstance(resumed, list) else []
        data["resumed"] = [*done, data["started"]]
        data["started"] = earlier["started"]  # a damaged record's other fields are not kept
    return run_id


def _reserve(catalog: Path) -> str:
    """A fresh run id whose folder this process has created (so no other process has it)."""
    (catalog / "records").mkdir(parents=True, exist_ok=True)
    while True:
        run_id = new_run_id()
        try:
            run_folder(catalog, run_id).mkdir(parents=True)
        except FileExistsError:
            continue
        return run_id


def begin(
    kind: str = "run",
    *,
    scenario: str | None = None,
    scenario_hash: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    seed: int | None = None,
    replicates: int | None = None,
    config: Mapping[str, Any] | None = None,
    out: Path | None = None,
    catalog: CatalogChoice = None,
    run_id: str | None = None,
) -> RunRecord:
    """Record the start of a run (status ``incomplete``); return its :class:`RunRecord`.

    ``kind``: ``run``, ``sweep``, ``sensitivity``, ...; ``parameters``: what the user chose (for
    a run, its ``--set`` options and parameter files; for a sweep, the ranges varied), compared by
    ``deportsim runs compare``; ``config``: any other settings (years, start, samples, ...);
    ``out``: the folder where the run writes its own files. ``catalog``: None for the default
    folder (:func:`catalog_dir`), a folder, or False not to record (also when
    ``$DEPORTSIM_NO_CATALOG`` is set). ``run_id``: an id of the caller's own (letters, digits,
    ``.``, ``_``, ``-``; for example a sweep's folder name) instead of a new one: a record with
    that id already in the catalog is taken up again (its first start kept, this one added to
    ``resumed``), so a stopped run resumed under its id stays one entry.

    Never raises for the catalog's sake: if it cannot be written, the returned record does
    nothing and its :meth:`~RunRecord.finish` says so in one warning line. Typical use::

        record = begin("sweep", scenario=sc.name, scenario_hash=sc.content_hash,
                       parameters={"vary": vary}, seed=seed, config={"samples": n})
        try:
            ...  # the work; record.folder (if not None) may hold files of the run's own
        except BaseException as exc:
            record.fail(exc)
            raise
        record.finish(outputs=keep(record, {...}), timings={"wall_s": ...})
    """
    if catalog is False or disabled():
        return RunRecord(None)
    folder = catalog_dir(catalog)
    data: dict[str, Any] = {
        "kind": kind, "status": "incomplete", "scenario": scenario, "scenario_hash": scenario_hash,
        "seed": seed, "replicates": replicates, "version": __version__,
        "parameters": dict(parameters or {}), "config": dict(config or {}),
        "out": str(out.resolve()) if out is not None else None,
        "command": list(sys.argv), "cwd": str(Path.cwd()), **identity(), "finished": None,
        "wall_time_s": None, "timings": {}, "outputs": {}, "error": None,
    }  # fmt: skip
    if run_id is not None and not _ID.fullmatch(run_id):
        raise ValueError(f"a run id is letters, digits, '.', '_' and '-' only: {run_id!r}")
    try:
        data["id"] = _reserve(folder) if run_id is None else _take(folder, run_id, data)
    except OSError as exc:
        return RunRecord(None, problem=(folder, exc))
    record = RunRecord(folder, {"id": data.pop("id"), **data}, fresh=run_id is None)
    record.write()
    return record
