"""Random kills of real ``deportsim`` commands: what issue 19 must show (docs/reliability.md).

    .venv/bin/python benchmarks/kill_campaign.py --kills 100 --seed 1 --json /tmp/kills.json

Each kill picks at random (a NumPy Generator seeded by ``--seed``) a command among ``run``,
``sweep`` and ``requirements``, a signal among SIGKILL, SIGINT and SIGTERM and a delay within
the command's typical duration (measured first, on the same command making the earlier result).
The command writes into an output folder that already holds a complete earlier result of the same
verb (made once, copied in), with a catalog of its own, and is sent the signal (to its process
only, as ``kill PID`` does) unless it has ended by then. Then:

- the exit code: 130 for SIGINT, 143 for SIGTERM (with one line, no traceback), -9 for SIGKILL,
  or 0 if the command finished before the signal landed (its results then complete and recorded
  complete). A signal sent in the first :data:`STARTUP_LIMIT_S` seconds, before the process has
  a handler (the Python interpreter itself is starting), may only kill it;
- no catalog record is ``complete`` unless its outputs are the files it names (checksums), and
  no result in the folder looks complete (a ``complete`` manifest or sweep, a requirements.json)
  unless it is;
- the earlier result is byte for byte the same unless the killed command's own complete result
  replaced it;
- no process of the command is left running (its worker processes included);
- the next command (a small normal one of the same verb) into the same folder exits 0, no
  partial folder or file (``.partial-*``, ``.*.part``) is left after it, and the killed
  command's record is still not ``complete`` (SIGKILL: ``incomplete``, its process gone;
  SIGINT, SIGTERM: ``interrupted``).

Prints a markdown table by command and signal (also written to ``--json`` with every kill) and
exits 1 if any of these is broken. It also counts, without failing, the *late* kills: a signal
that landed once the command's results were complete and in place (they are kept; a SIGINT or
SIGTERM then still exits 130 or 143). 100 kills take about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow.parquet as pq
import yaml

from deportsim.analysis.sweeps.folder import table_hash

DEPORTSIM = Path(sys.executable).parent / "deportsim"
SIGNALS = ("SIGKILL", "SIGINT", "SIGTERM")
#: What a command killed by each signal exits with (negative: killed by that signal).
EXPECTED = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}
#: The record a killed command leaves: SIGKILL, ``incomplete``; SIGINT and SIGTERM,
#: ``interrupted`` (``failed`` before the catalog had that status).
RECORDS = {
    "SIGKILL": {"incomplete"},
    "SIGINT": {"interrupted", "failed"},
    "SIGTERM": {"interrupted", "failed"},
}
#: A signal sent this soon after the start, before the process has a handler for it, may just
#: kill it: the Python interpreter is starting (0.02-0.05 s on 2 cores), and no code of
#: deportsim's can run before it has. (A shell shows such a death as 130 or 143 too.)
STARTUP_LIMIT_S = 0.1
#: Seconds a killed command's other processes (sweep workers) may take to end after it.
ORPHAN_GRACE_S = 5.0
#: Seconds a command may take to exit once signalled, and a next command to run.
EXIT_TIMEOUT_S = 60.0
NEXT_TIMEOUT_S = 180.0


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_VARY = "--vary costs.bed_day=130:200 --vary arrests.at_large_arrests_per_officer_day=0.08:0.25"
_NEXT = {
    "run": _words("baseline-fy2024 --replicates 2 --years 0.2 --overwrite"),
    "sweep": _words(
        "baseline-fy2024 --vary costs.bed_day=130:200 --samples 2 --replicates 2 --years 0.2 "
        "--workers 1"
    ),
    "requirements": _words(
        "baseline-fy2024 --target removals_per_year=300000 --years 0.5 --replicates 2"
    ),
}
_TARGET = "--target removals_per_year=400000"
#: ``campaign``: multi-second commands (about 5, 7 and 3.5 s on 2 idle cores); ``quick``:
#: shorter ones, for the test suite.
PROFILES: dict[str, dict[str, tuple[str, ...]]] = {
    "campaign": {
        "run": _words("directive-2025 --replicates 100 --years 1"),
        "sweep": _words(
            f"directive-2025 {_VARY} --samples 16 --replicates 5 --years 1 --workers 2"
        ),
        "requirements": _words(f"directive-2025 {_TARGET} --years 1 --replicates 20"),
    },
    "quick": {
        "run": _words("directive-2025 --replicates 30 --years 1"),
        "sweep": _words(f"directive-2025 {_VARY} --samples 4 --replicates 2 --years 1 --workers 2"),
        "requirements": _words(f"directive-2025 {_TARGET} --years 1 --replicates 5"),
    },
}


@dataclass(frozen=True)
class Verb:
    """A command to kill (``args``, given ``--seed`` and ``--out``) and the next one to run."""

    name: str
    args: tuple[str, ...]
    next: tuple[str, ...]

    def command(self, seed: int, out: Path) -> list[str]:
        """The killed command (also the earlier result's, with seed 0)."""
        extra = ["--overwrite"] if self.name == "run" else []
        where = ["--seed", str(seed), "--out", str(out), *extra]
        return [str(DEPORTSIM), self.name, *self.args, *where]

    def next_command(self, out: Path) -> list[str]:
        """A small normal command of the same verb into the same folder."""
        return [str(DEPORTSIM), self.name, *self.next, "--out", str(out)]


def verbs(profile: str = "campaign") -> dict[str, Verb]:
    """The three commands of a profile, by verb."""
    return {name: Verb(name, args, _NEXT[name]) for name, args in PROFILES[profile].items()}


# --- processes ----------------------------------------------------------------------------------


def _env(catalog: Path) -> dict[str, str]:
    env = {**os.environ, "DEPORTSIM_CATALOG": str(catalog)}
    for name in ("DEPORTSIM_NO_CATALOG", "DEPORTSIM_SCHEDULER"):
        env.pop(name, None)
    return env


def _default_signals() -> None:
    # a campaign run in the background may ignore SIGINT, and a child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: Sequence[str], cwd: Path, catalog: Path, log: Path) -> subprocess.Popen[bytes]:
    """A command in a process group of its own (so that its workers can be found later)."""
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        return subprocess.Popen(
            list(args), cwd=cwd, env=_env(catalog), stdout=out, stderr=err,
            start_new_session=True, preexec_fn=_default_signals,  # noqa: PLW1509
        )  # fmt: skip


def _group(pgid: int) -> list[tuple[int, str]]:
    """The live (not zombie) processes of a process group: pid and command line."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            fields = stat[stat.rfind(")") + 2 :].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(proc.name), cmd.strip()[:120]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def end_group(pgid: int, grace: float = ORPHAN_GRACE_S) -> list[str]:
    """Wait up to ``grace`` s for a command's processes to end; kill those left, return them."""
    deadline = time.monotonic() + grace
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, _ in left:  # processes this campaign started, ended by their id
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return [f"{pid} {cmd}" for pid, cmd in left]


def _run(args: Sequence[str], cwd: Path, catalog: Path, log: Path) -> tuple[int, float]:
    """Run a command to its end: its exit code and wall time."""
    t0 = time.monotonic()
    proc = _start(args, cwd, catalog, log)
    try:
        code = proc.wait(timeout=NEXT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    end_group(proc.pid)
    return code, time.monotonic() - t0


def _handles_sigterm(pid: int) -> bool | None:
    """Whether process ``pid`` has a handler for SIGTERM (``SigCgt``); None if it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    return None


# --- set-up: the earlier results and the commands' durations ------------------------------------


@dataclass(frozen=True)
class Setup:
    """Where the campaign works, the earlier complete results and the commands' durations."""

    work: Path
    verbs: dict[str, Verb]
    earlier: dict[str, Path]  # verb -> a folder holding its complete earlier result
    durations: dict[str, float]  # verb -> seconds its command took (making the earlier result)
    python_startup_s: float  # seconds this Python takes to start and run nothing


def _python_startup() -> float:
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.monotonic() - t0)
    return statistics.median(times)


def prepare(work: Path, profile: str = "campaign", only: Iterable[str] | None = None) -> Setup:
    """Make each verb's earlier complete result (seed 0) once, timing it."""
    chosen = {k: v for k, v in verbs(profile).items() if only is None or k in set(only)}
    earlier, durations = {}, {}
    base = work / "earlier"
    base.mkdir(parents=True, exist_ok=True)
    for name, verb in chosen.items():
        out = base / name
        code, wall = _run(verb.command(0, out), base, base / "catalog", base / name)
        if code != 0:
            err = (base / f"{name}.err").read_text(errors="replace")
            raise RuntimeError(f"the earlier {name} failed ({code}): {err}")
        earlier[name], durations[name] = out, wall
    return Setup(work, chosen, earlier, durations, _python_startup())


# --- what a folder and a catalog hold -----------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> SHA-256)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): _sha256(p) for p in files}


def leftovers(folder: Path) -> list[str]:
    """Partial folders (``.partial-PID``) and temporary files (``.NAME.PID.part``) under it."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob(".*")
        if p.name.startswith(".partial-") or p.name.endswith(".part")
    )


def records(catalog: Path) -> list[dict[str, Any]]:
    """The catalog's records (an unreadable one as ``{"unreadable": name}``)."""
    found = []
    for p in sorted((catalog / "records").glob("*.json")):
        try:
            found.append(json.loads(p.read_text()))
        except ValueError:
            found.append({"unreadable": p.name})
    return found


def record_problems(recs: Iterable[dict[str, Any]]) -> list[str]:
    """Records shown ``complete`` whose outputs are not the files they name."""
    bad = []
    for rec in recs:
        if "unreadable" in rec:
            bad.append(f"record {rec['unreadable']} is not JSON")
        if rec.get("status") != "complete":
            continue
        if not rec.get("outputs"):
            bad.append(f"record {rec.get('id')} complete with no outputs")
        for name, out in (rec.get("outputs") or {}).items():
            path = Path(out["path"])
            if not path.is_file():
                bad.append(f"record {rec.get('id')} complete, {name} missing")
            elif path.stat().st_size != out["bytes"] or _sha256(path) != out["sha256"]:
                bad.append(f"record {rec.get('id')} complete, {name} not the file recorded")
    return bad


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _run_state(out: Path) -> tuple[bool, int | None, list[str]]:
    """A run's folder: (complete and whole, its seed, problems of a complete-looking result)."""
    manifest = _json(out / "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("status") != "complete":
        return False, None, []
    bad = []
    outputs = manifest.get("outputs") or {}
    if set(outputs) != {"summary.json", "timeseries.parquet"}:
        bad.append("manifest complete without its outputs")
    for name, o in outputs.items():
        path = out / name
        if not path.is_file() or path.stat().st_size != o["bytes"] or _sha256(path) != o["sha256"]:
            bad.append(f"manifest complete, {name} not the file it names")
    return not bad, manifest.get("seed"), bad


def _sweep_states(out: Path) -> list[tuple[str, bool, int | None, list[str]]]:
    """Each sweep's folder in ``out``: (name, complete and whole, seed, problems)."""
    found = []
    for status_file in sorted(out.glob("*/sweep.json")):
        folder, status = status_file.parent, _json(status_file)
        if not isinstance(status, dict):
            found.append((folder.name, False, None, ["sweep.json unreadable"]))
            continue
        seed = (status.get("spec") or {}).get("seed")
        if status.get("status") != "complete":
            found.append((folder.name, False, seed, []))
            continue
        try:
            digest = table_hash(pq.read_table(folder / "results.parquet"))
        except OSError:
            digest = None
        summary = _json(folder / "summary.json")
        bad = []
        if digest is None or digest != status.get("results_sha256"):
            bad.append(f"{folder.name}: sweep complete, results.parquet not its results")
        if not isinstance(summary, dict) or summary.get("results_sha256") != digest:
            bad.append(f"{folder.name}: sweep complete, summary.json missing or not its own")
        found.append((folder.name, not bad, seed, bad))
    return found


def _requirements_state(out: Path) -> tuple[bool, int | None, list[str]]:
    """A requirements folder: (both files there and of one run, its seed, problems)."""
    doc = _json(out / "requirements.json")
    if not isinstance(doc, dict):
        return False, None, []
    try:
        said = yaml.safe_load((out / "requirements-scenario.yaml").read_text())["description"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return False, doc.get("seed"), ["requirements.json without its scenario file"]
    mine = f"({doc.get('replicates')} replicates, seed {doc.get('seed')})"
    if mine not in " ".join(str(said).split()):
        return False, doc.get("seed"), ["requirements.json and its scenario file of two runs"]
    return True, doc.get("seed"), []


def result_state(
    verb: str, out: Path, seed: int, earlier: str | None = None
) -> tuple[bool, list[str]]:
    """Whether ``out`` holds the command's own complete result (of ``seed``; for a sweep, in a
    folder other than ``earlier``), and the results there that look complete but are not."""
    if verb == "sweep":
        states = _sweep_states(out)
        mine = any(whole and got == seed and name != earlier for name, whole, got, _ in states)
        return mine, [b for *_, bad in states for b in bad]
    whole, got, bad = (_run_state if verb == "run" else _requirements_state)(out)
    return whole and got == seed, bad


# --- one kill -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kill:
    """One planned kill: the command, the signal and how long after its start it is sent."""

    index: int
    verb: str
    signal: str
    delay: float
    seed: int  # the killed command's --seed (the earlier result has seed 0)


def plan(
    kills: int,
    seed: int,
    setup: Setup,
    signals: Sequence[str] = SIGNALS,
    window: tuple[float, float] = (0.0, 1.0),
) -> list[Kill]:
    """``kills`` random kills: command, signal, and a delay in ``window`` x the command's time."""
    rng = np.random.default_rng(seed)
    names = sorted(setup.verbs)
    planned = []
    for i in range(kills):
        verb = names[int(rng.integers(len(names)))]
        sig = signals[int(rng.integers(len(signals)))]
        delay = float(rng.uniform(*window)) * setup.durations[verb]
        planned.append(Kill(i, verb, sig, round(delay, 3), seed=1 + int(rng.integers(1_000_000))))
    return planned


@dataclass
class Outcome:
    """What one kill did; ``problems`` lists the invariants it broke (empty: all kept)."""

    kill: Kill
    sent: bool = False  # False: the command had ended before the delay
    handled: bool | None = None  # had the process a SIGTERM handler when signalled?
    returncode: int | None = None
    exit_s: float | None = None  # from the signal to the exit
    stderr_tail: list[str] = field(default_factory=list)
    new_complete: bool = False  # the folder holds the killed command's own complete result
    late: bool = False  # signalled after its results were complete: they stay, it says not
    startup_death: bool = False  # killed while Python itself was starting (accepted)
    record: str | None = None  # the killed command's catalog record status (None: no record)
    record_after_next: str | None = None
    false_complete: list[str] = field(default_factory=list)
    earlier_lost: list[str] = field(default_factory=list)
    processes_left: list[str] = field(default_factory=list)
    next_returncode: int | None = None
    leftovers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    wall_s: float | None = None  # the whole kill, the next command included


def _kill(o: Outcome, proc: subprocess.Popen[bytes], here: Path) -> None:
    """Send the signal after the delay (unless the command has ended); wait for the end."""
    k = o.kill
    t0 = time.monotonic()
    while proc.poll() is None and (left := k.delay - (time.monotonic() - t0)) > 0:
        time.sleep(min(0.01, left))
    sent_at = time.monotonic()
    if proc.poll() is None:
        o.handled = _handles_sigterm(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.Signals[k.signal])
            o.sent = True
    try:
        o.returncode = proc.wait(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        o.problems.append(f"still running {EXIT_TIMEOUT_S:.0f} s after {k.signal}")
        proc.kill()
        o.returncode = proc.wait()
    o.exit_s = round(time.monotonic() - sent_at, 3) if o.sent else None
    o.processes_left = end_group(proc.pid)
    o.stderr_tail = (here / "killed.err").read_text(errors="replace").splitlines()[-12:]


def _exit_ok(o: Outcome) -> bool:
    k, code = o.kill, o.returncode
    if not o.sent or code == 0:  # it ended first: its results complete and recorded so
        return code == 0 and o.new_complete and o.record == "complete"
    if code == EXPECTED[k.signal]:
        if k.signal == "SIGKILL":
            return True
        text = "\n".join(o.stderr_tail)
        return "Traceback" not in text and "interrupted" in (o.stderr_tail or [""])[-1]
    if k.signal != "SIGKILL" and code == -signal.Signals[k.signal] and not o.handled:
        o.startup_death = k.delay <= STARTUP_LIMIT_S and o.record is None
        return o.startup_death
    return False


def run_kill(k: Kill, setup: Setup, keep: bool = False) -> Outcome:
    """Start ``k``'s command into a copy of the earlier result, kill it, check, run the next."""
    o, t0 = Outcome(k), time.monotonic()
    verb = setup.verbs[k.verb]
    here = setup.work / f"kill-{k.index:03d}"
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    out, catalog = here / "out", here / "catalog"
    shutil.copytree(setup.earlier[k.verb], out)
    before = digests(out)
    earlier_sweep = next((p.name for p in out.iterdir() if p.is_dir()), None)

    proc = _start(verb.command(k.seed, out), here, catalog, here / "killed")
    _kill(o, proc, here)

    # what the killed command left: its record, results that look complete, the earlier result
    o.new_complete, o.false_complete = result_state(k.verb, out, k.seed, earlier_sweep)
    mine = [r for r in records(catalog) if r.get("pid") == proc.pid]
    o.record = mine[-1].get("status") if mine else None
    o.false_complete += record_problems(mine)
    if o.record == "complete" and not o.new_complete:
        o.false_complete.append(f"record complete, but no complete {k.verb} of its own")
    if not (o.new_complete and k.verb != "sweep"):  # a new sweep has a folder of its own
        now = digests(out)
        o.earlier_lost = sorted(name for name, h in before.items() if now.get(name) != h)
    o.late = o.sent and o.returncode == EXPECTED[k.signal] and o.new_complete
    exit_ok = _exit_ok(o)

    # the next command into the same folder
    o.next_returncode, _ = _run(verb.next_command(out), here, catalog, here / "next")
    o.leftovers = leftovers(out)
    after = records(catalog)
    mine = [r for r in after if r.get("pid") == proc.pid]
    o.record_after_next = mine[-1].get("status") if mine else None
    o.false_complete += record_problems(r for r in after if r.get("pid") != proc.pid)

    o.problems += _problems(o, exit_ok)
    o.wall_s = round(time.monotonic() - t0, 2)
    if not keep and not o.problems:
        shutil.rmtree(here, ignore_errors=True)
    return o


def _problems(o: Outcome, exit_ok: bool) -> list[str]:
    k, found = o.kill, []
    if not exit_ok:
        last = (o.stderr_tail or ["(nothing)"])[-1]
        found.append(f"exit code {o.returncode} after {k.signal} (sent: {o.sent}); last: {last}")
    if o.false_complete:
        found.append("shown complete but not: " + "; ".join(o.false_complete))
    if o.earlier_lost:
        found.append("earlier result changed: " + ", ".join(o.earlier_lost))
    if o.processes_left:
        found.append("processes left running: " + "; ".join(o.processes_left))
    if o.next_returncode != 0:
        found.append(f"the next command exited {o.next_returncode}")
    if o.leftovers:
        found.append("left after the next command: " + ", ".join(o.leftovers))
    if not o.new_complete and o.record_after_next not in {None, *RECORDS[k.signal]}:
        found.append(f"the killed command's record is {o.record_after_next} after {k.signal}")
    return found


# --- the campaign and its table -----------------------------------------------------------------

COLUMNS = {
    "command": "command", "signal": "signal", "kills": "kills", "exit_codes": "exit codes seen",
    "wrong_exit": "wrong exit", "finished_first": "finished first", "late": "late",
    "false_complete": "false complete", "earlier_lost": "earlier lost",
    "partials_left": "partials left after next", "processes_left": "processes left",
    "next_failed": "next failed", "max_exit_s": "max s to exit",
}  # fmt: skip


def _codes(outcomes: Iterable[Outcome]) -> str:
    counts = Counter(o.returncode for o in outcomes)
    return ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items(), key=lambda c: str(c[0])))


def _row(verb: str, sig: str, group: list[Outcome]) -> dict[str, Any]:
    exits = [o.exit_s for o in group if o.exit_s is not None]
    return {
        "command": verb,
        "signal": sig,
        "kills": len(group),
        "exit_codes": _codes(group),
        "wrong_exit": sum(any(p.startswith("exit code") for p in o.problems) for o in group),
        "finished_first": sum(o.returncode == 0 for o in group),
        "late": sum(o.late for o in group),
        "false_complete": sum(bool(o.false_complete) for o in group),
        "earlier_lost": sum(bool(o.earlier_lost) for o in group),
        "partials_left": sum(bool(o.leftovers) for o in group),
        "processes_left": sum(bool(o.processes_left) for o in group),
        "next_failed": sum(o.next_returncode != 0 for o in group),
        "max_exit_s": round(max(exits), 2) if exits else None,
    }


def rows(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """One row per command and signal drawn, then the total."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.kill.verb, o.kill.signal), []).append(o)
    keys = sorted(groups, key=lambda g: (g[0], SIGNALS.index(g[1])))
    return [*(_row(v, s, groups[v, s]) for v, s in keys), _row("all", "all", list(outcomes))]


def markdown(table: Sequence[dict[str, Any]]) -> str:
    """The rows as a markdown table."""
    lines = ["| " + " | ".join(COLUMNS.values()) + " |", "|" + "---|" * len(COLUMNS)]
    for row in table:
        cells = ("" if row[k] is None else str(row[k]) for k in COLUMNS)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def campaign(
    kills: int, seed: int, setup: Setup, keep: bool = False, log: IO[str] | None = None
) -> list[Outcome]:
    """Plan and carry out ``kills`` random kills, one after the other."""
    outcomes = []
    for k in plan(kills, seed, setup):
        o = run_kill(k, setup, keep)
        outcomes.append(o)
        if log is not None:
            state = "ok" if not o.problems else "BROKEN: " + " | ".join(o.problems)
            print(
                f"kill {k.index + 1:3d}/{kills} {k.verb:12s} {k.signal:7s} at {k.delay:5.2f} s: "
                f"exit {o.returncode}, {state}",
                file=log, flush=True,
            )  # fmt: skip
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the campaign; print the table; 1 if any invariant was broken."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the table and every kill here")
    parser.add_argument("--profile", choices=tuple(PROFILES), default="campaign")
    parser.add_argument("--work", type=Path, help="work here, and keep every kill's folder")
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kill-campaign-") as tmp:
        setup = prepare(args.work or Path(tmp), args.profile)
        times = ", ".join(f"{k} {v:.2f}" for k, v in setup.durations.items())
        startup = f"Python start-up {setup.python_startup_s:.3f}"
        print(f"durations (s): {times}; {startup}", file=sys.stderr)
        keep = args.work is not None
        outcomes = campaign(args.kills, args.seed, setup, keep=keep, log=sys.stderr)
    wall = time.monotonic() - t0
    table = rows(outcomes)
    broken = [o for o in outcomes if o.problems]
    print(markdown(table))
    print(f"\n{len(outcomes)} kills in {wall:.0f} s; invariants broken in {len(broken)}")
    if args.json is not None:
        report = {
            "kills": args.kills, "seed": args.seed, "profile": args.profile,
            "wall_s": round(wall, 1), "durations_s": setup.durations,
            "python_startup_s": setup.python_startup_s, "table": table,
            "broken": [asdict(o) for o in broken], "every_kill": [asdict(o) for o in outcomes],
        }  # fmt: skip
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
