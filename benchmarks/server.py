"""Benchmark the HTTP API (``deportsim serve``) on a warm server: one JSON line per case.

python benchmarks/server.py --case latency
python benchmarks/server.py --case load [--duration 120] [--clients 200] [--reads KINDS]

Each case starts its own server (2 workers, its state in a temporary folder), waits until it is
warm (workers and previews loaded, the status computed, a default-size run complete), measures,
and stops it. The clients run in this process on the same machine: they share its cores with the
server and its workers (the load case reports the CPU time of each).

``latency``: (a) a cached result, ``GET /v1/runs/{id}/summary`` of a complete run, 500 times in a
row (target p95 < 50 ms); (b) a default-size run (``{"replicates": 100}``, to the end of the term)
from ``POST /v1/runs`` to its ``end`` event, with 3 seeds (target median < 3 s), and from the POST
to the first ``progress`` event of its event stream (target < 300 ms); (c) a mean-field preview,
``POST /v1/previews`` with ``detention.bed_capacity`` set to a new value each time, so that none
is cached (target p95 < 300 ms). For reference, the run's other results, one request at a time.

``load``: ``--clients`` asyncio clients, each with an httpx client of its own, for ``--duration``
seconds. Nine in ten read (``--reads``: the run's summary, metros and daily series of removals,
``GET /v1/status`` and ``GET /v1/runs/{id}``, drawn with weights 3, 2, 2, 2, 3); one in ten are
runners, each starting a new small run (2-4 replicates, 0.1 years, a seed of its own: a real new
job) and polling ``GET /v1/runs/{id}`` until it is complete, again and again. The server's
per-client job limit counts jobs by IP address and every client here is 127.0.0.1, so it runs
with ``--max-jobs-per-client`` above the number of runners; with at most one run per runner in
flight, the jobs queued stay under the server's limit of 64 (503 above). Errors: any 5xx, any 4xx
(none is expected: 429 cannot happen with that limit) and any transport error (a request taking
over 60 s, a refused or dropped connection); the target is none. Also: p50/p95/p99 latency per
kind of request, throughput (requests answered over the time until the last one ended), and the
server's peak memory: the sum of VmHWM (peak RSS) over its process and its workers, and the
largest sum of their RSS sampled every 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

#: Seconds a server may take to start answering (its workers warm up meanwhile).
START_S = 180.0
#: Requests of the cached-result latency test.
CACHED_REQUESTS = 500
#: Seeds of the default-size run.
RUN_SEEDS = (11, 12, 13)
#: Previews, each with a bed capacity of its own.
PREVIEWS = 40
#: Requests of each of the other reads (the series index takes tens of seconds: once).
OTHER_READS = {
    "metros": 20, "run": 20, "status": 20, "series_metric_json": 5, "series_metric_csv": 5,
    "chart_png": 5, "chart_svg": 5, "series_index": 1,
}  # fmt: skip
#: What the load's readers ask for, with weights.
READS = {"summary": 3, "metros": 2, "series": 2, "status": 2, "run": 3}
#: Share of the load's clients that start runs.
RUNNERS_SHARE = 0.1
#: Seconds a load's request may take before it counts as an error (a transport error).
CLIENT_TIMEOUT_S = 60.0
#: Seconds between two polls of a runner's run.
POLL_S = 0.25
#: Seconds between two samples of the server's memory during the load.
MEMORY_EVERY_S = 0.5
TARGETS = {
    "cached_p95_ms": 50.0,
    "run_median_s": 3.0,
    "first_progress_ms": 300.0,
    "preview_p95_ms": 300.0,
    "errors": 0,
}


@dataclass
class Server:
    """A ``deportsim serve`` process of this benchmark."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        """The server's process and every process under it (its workers)."""
        children: dict[int, list[int]] = defaultdict(list)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(stat.parent.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds (user and system) so far: the server's process, and its workers together."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {"server": 0.0, "workers": 0.0}
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            role = "server" if pid == self.process.pid else "workers"
            used[role] += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return used

    def memory_mb(self, key: str) -> float:
        """``key`` (VmRSS: now, VmHWM: peak) of /proc/PID/status, summed over :meth:`pids`."""
        total_kb = 0
        for pid in self.pids():
            try:
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            except OSError:
                continue
            total_kb += sum(int(ln.split()[1]) for ln in lines if ln.startswith(f"{key}:"))
        return round(total_kb / 1024, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(state: Path, *args: str) -> Iterator[Server]:
    """``deportsim serve`` with 2 workers and ``args``, answering; stopped after the block."""
    port = _free_port()
    log = state.parent / "server.log"
    cmd = [sys.executable, "-m", "deportsim.cli", "serve", "--port", str(port), "--state",
           str(state), "--workers", "2", *args]  # fmt: skip
    with log.open("ab") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + START_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{server.url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within {START_S:g} s")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


def _wait(c: httpx.Client, job: dict[str, Any], timeout: float = 300.0) -> dict[str, Any]:
    """The job once it has ended (complete, or an AssertionError)."""
    deadline = time.monotonic() + timeout
    while (view := c.get(f"/v1/jobs/{job['id']}").json())["status"] in {"queued", "running"}:
        assert time.monotonic() < deadline, f"{job['id']} did not end in {timeout:g} s"
        time.sleep(0.1)
    assert view["status"] == "complete", view
    return dict(view)


def warm(c: httpx.Client) -> str:
    """Warm the server: both workers busy once, previews loaded, the status computed.

    Returns the id of a complete run of the default size, whose results the reads fetch.
    """
    small = [c.post("/v1/runs", json={"replicates": 2, "years": 0.1, "seed": s}).json()
             for s in (1, 2)]  # fmt: skip
    for job in small:
        _wait(c, job)
    c.post("/v1/previews", json={"years": 0.1}).raise_for_status()
    status = c.get("/v1/status")
    if status.status_code == 202:
        _wait(c, status.json())
    assert c.get("/v1/status").status_code == 200
    return str(_wait(c, c.post("/v1/runs", json={"replicates": 100, "seed": 1}).json())["id"])


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def _quantiles(samples: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of ``samples`` (seconds) in milliseconds, and their number."""
    if len(samples) < 2:
        only = _ms(samples[0]) if samples else float("nan")
        return {"n": len(samples), "p50_ms": only, "p95_ms": only, "p99_ms": only}
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50_ms": _ms(q[49]), "p95_ms": _ms(q[94]),
            "p99_ms": _ms(q[98])}  # fmt: skip


def _timed_run(c: httpx.Client, seed: int) -> dict[str, Any]:
    """A default-size run: seconds from the POST to its first events and to its end."""
    t0 = time.perf_counter()
    job = c.post("/v1/runs", json={"replicates": 100, "seed": seed})
    posted = time.perf_counter() - t0
    assert job.status_code == 202, job.text
    jid = job.json()["id"]
    first = running = simulating = end = worker_s = None
    with c.stream("GET", f"/v1/jobs/{jid}/events", timeout=120) as stream:
        name = None
        for line in stream.iter_lines():
            now = time.perf_counter() - t0
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
                continue
            if not line.startswith("data: "):
                continue
            data = json.loads(line.removeprefix("data: "))
            if name == "progress":
                first = first if first is not None else now
                if running is None and data.get("status") == "running":
                    running = now
                if simulating is None and str(data.get("stage", "")).startswith("simulating"):
                    simulating = now
            elif name == "end":
                end = now
                assert data["status"] == "complete", data
                worker_s = (data.get("progress") or {}).get("elapsed_s")
                break
    assert first is not None, f"{jid}: no progress event"
    assert end is not None, f"{jid}: no end event"
    return {"seed": seed, "post_ms": _ms(posted), "first_progress_ms": _ms(first),
            "first_running_ms": None if running is None else _ms(running),
            "first_simulating_ms": None if simulating is None else _ms(simulating),
            "complete_s": round(end, 3), "worker_s": worker_s}  # fmt: skip


def latency() -> dict[str, Any]:
    """The latency case (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp) / "state") as server:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            t0 = time.perf_counter()
            rid = warm(c)
            warm_s = time.perf_counter() - t0
            cached = []
            for _ in range(CACHED_REQUESTS):
                t = time.perf_counter()
                r = c.get(f"/v1/runs/{rid}/summary")
                cached.append(time.perf_counter() - t)
                assert r.status_code == 200
            size = len(r.content)
            runs = [_timed_run(c, seed) for seed in RUN_SEEDS]
            previews = []
            for k in range(PREVIEWS):
                body = {"sets": [f"detention.bed_capacity={60_000 + 500 * k}"]}
                t = time.perf_counter()
                r = c.post("/v1/previews", json=body)
                previews.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text
            t = time.perf_counter()
            assert c.post("/v1/previews", json=body).status_code == 200  # the last one, again
            preview_again = time.perf_counter() - t
            peak_before_reads = server.memory_mb("VmHWM")
            reads = _reads(c, rid)
        peak = server.memory_mb("VmHWM")
    cached_q = _quantiles(cached)
    preview_q = _quantiles(previews)
    run_s = statistics.median(r["complete_s"] for r in runs)
    first_ms = statistics.median(r["first_progress_ms"] for r in runs)
    return {
        "benchmark": "server", "case": "latency", "workers": 2, "warm_up_s": round(warm_s, 1),
        "cached_summary": {**cached_q, "bytes": size},
        "run_100": {"median_s": run_s, "first_progress_median_ms": first_ms, "runs": runs},
        "preview": {**preview_q, "days": "to 2029-01-20", "cached_ms": _ms(preview_again)},
        "targets": TARGETS,
        "met": {"cached_p95": cached_q["p95_ms"] < TARGETS["cached_p95_ms"],
                "run_median": run_s < TARGETS["run_median_s"],
                "first_progress": first_ms < TARGETS["first_progress_ms"],
                "preview_p95": preview_q["p95_ms"] < TARGETS["preview_p95_ms"]},
        "other_reads": reads,
        "server_peak_rss_mb": {"before_other_reads": peak_before_reads, "at_end": peak},
    }  # fmt: skip


def _reads(c: httpx.Client, rid: str) -> dict[str, dict[str, Any]]:
    """The run's other results, one request after another: the load's reads, for reference."""
    run = f"/v1/runs/{rid}"
    urls = {"metros": f"{run}/metros", "run": run, "status": "/v1/status",
            "series_metric_json": f"{run}/series/removals",
            "series_metric_csv": f"{run}/series/removals?format=csv",
            "chart_png": f"{run}/charts/removals", "chart_svg": f"{run}/charts/removals?format=svg",
            "series_index": f"{run}/series"}  # fmt: skip
    figures = {}
    for kind, url in urls.items():
        times = []
        for _ in range(OTHER_READS[kind]):
            t = time.perf_counter()
            r = c.get(url, timeout=300)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.text)
        figures[kind] = {"n": len(times), "median_ms": _ms(statistics.median(times)),
                         "bytes": len(r.content)}  # fmt: skip
    return figures


@dataclass
class Tally:
    """What the load's clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    runs_done: int = 0

    def error(self, what: str) -> None:
        self.errors[what] += 1
        if len(self.examples) < 10:
            self.examples.append(what)


async def _request(
    client: httpx.AsyncClient, tally: Tally, kind: str, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    """One request, timed and tallied under ``kind``; None on a transport error."""
    t = time.perf_counter()
    try:
        r = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        tally.error(f"{kind}: {type(exc).__name__}")
        return None
    tally.latencies[kind].append(time.perf_counter() - t)
    tally.statuses[kind][r.status_code] += 1
    if r.status_code >= 400:
        tally.error(f"{kind}: {r.status_code} {r.text[:200]}")
    return r


async def _reader(
    client: httpx.AsyncClient, tally: Tally, index: int, rid: str, *, reads: list[str], stop: float
) -> None:
    rng = random.Random(index)  # noqa: S311 - not a secret: the mix of requests
    run = f"/v1/runs/{rid}"
    urls = {"summary": f"{run}/summary", "metros": f"{run}/metros",
            "series": f"{run}/series/removals", "status": "/v1/status", "run": run}  # fmt: skip
    weights = [READS[k] for k in reads]
    while time.monotonic() < stop:
        kind = rng.choices(reads, weights)[0]
        await _request(client, tally, kind, "GET", urls[kind])


async def _runner(client: httpx.AsyncClient, tally: Tally, index: int, stop: float) -> None:
    rng = random.Random(index)  # noqa: S311 - not a secret: the runs' sizes
    seed = 1_000_000 * (index + 1)
    while time.monotonic() < stop:
        seed += 1
        body = {"replicates": rng.randint(2, 4), "years": 0.1, "seed": seed}
        r = await _request(client, tally, "new_run", "POST", "/v1/runs", json=body)
        if r is None or r.status_code not in {200, 202}:
            await asyncio.sleep(POLL_S)
            continue
        jid = r.json()["id"]
        while time.monotonic() < stop:
            await asyncio.sleep(POLL_S)
            r = await _request(client, tally, "poll", "GET", f"/v1/runs/{jid}")
            if r is not None and r.status_code == 200:
                status = r.json()["status"]
                if status == "complete":
                    tally.runs_done += 1
                    break
                if status not in {"queued", "running"}:
                    tally.error(f"poll: run {jid} {status}")
                    break


async def _memory(server: Server, stop: float, peaks: list[float]) -> None:
    while time.monotonic() < stop:
        peaks.append(await asyncio.to_thread(server.memory_mb, "VmRSS"))
        await asyncio.sleep(MEMORY_EVERY_S)


async def _load(
    server: Server, rid: str, clients: int, duration: float, reads: list[str]
) -> dict[str, Any]:
    tally = Tally()
    runners = max(1, round(clients * RUNNERS_SHARE))
    rss: list[float] = []
    # a client of its own for each (one connection each, as separate users have), sharing one TLS
    # context: httpx builds one per client otherwise (tens of ms each), and one client shared by
    # all spends more time in its connection pool than the server spends answering
    tls = ssl.create_default_context()
    async with contextlib.AsyncExitStack() as stack:
        pool = [await stack.enter_async_context(
                    httpx.AsyncClient(base_url=server.url, timeout=CLIENT_TIMEOUT_S, verify=tls))
                for _ in range(clients)]  # fmt: skip
        cpu0, mine0 = server.cpu_s(), time.process_time()
        t0 = time.monotonic()
        stop = t0 + duration
        tasks = [_runner(pool[i], tally, i, stop) for i in range(runners)]
        tasks += [_reader(pool[i], tally, i, rid, reads=reads, stop=stop)
                  for i in range(runners, clients)]  # fmt: skip
        await asyncio.gather(*tasks, _memory(server, stop, rss))
        elapsed = time.monotonic() - t0
        cpu1, mine1 = server.cpu_s(), time.process_time()
    total = sum(len(v) for v in tally.latencies.values())
    return {
        "clients": clients, "runners": runners, "reads": reads, "duration_s": duration,
        "elapsed_s": round(elapsed, 1),
        "requests": total, "throughput_rps": round(total / elapsed, 1),
        "errors": sum(tally.errors.values()), "errors_by_kind": dict(tally.errors),
        "error_examples": tally.examples, "runs_completed": tally.runs_done,
        "by_kind": {k: {**_quantiles(v), "statuses": dict(tally.statuses[k])}
                    for k, v in sorted(tally.latencies.items())},
        "server_rss_sum_peak_mb": max(rss) if rss else None,
        "cpu_s": {"server": round(cpu1["server"] - cpu0["server"], 1),
                  "workers": round(cpu1["workers"] - cpu0["workers"], 1),
                  "clients": round(mine1 - mine0, 1),
                  "available": round((os.cpu_count() or 1) * elapsed, 1)},
    }  # fmt: skip


def load(clients: int, duration: float, reads: list[str]) -> dict[str, Any]:
    """The load case (see the module's docstring)."""
    runners = max(1, round(clients * RUNNERS_SHARE))
    per_client = str(max(64, 2 * runners))
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(Path(tmp) / "state", "--max-jobs-per-client", per_client) as server,
    ):
        with httpx.Client(base_url=server.url, timeout=120) as c:
            rid = warm(c)
        figures = asyncio.run(_load(server, rid, clients, duration, reads))
        with httpx.Client(base_url=server.url, timeout=120) as c:
            health = c.get("/v1/health").json()
        peak = server.memory_mb("VmHWM")
        processes = len(server.pids())
    return {
        "benchmark": "server", "case": "load", "workers": 2,
        "max_jobs_per_client": int(per_client), **figures,
        "jobs_started": health.get("jobs_started"), "server_processes": processes,
        "server_peak_rss_mb": peak, "target_errors": TARGETS["errors"],
        "met": {"errors": figures["errors"] == TARGETS["errors"]},
    }  # fmt: skip


def main() -> None:
    """Run one case and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=("latency", "load"), required=True)
    parser.add_argument("--duration", type=float, default=120.0, help="load: seconds")
    parser.add_argument("--clients", type=int, default=200, help="load: concurrent clients")
    parser.add_argument("--reads", default=",".join(READS),
                        help=f"load: what readers ask for, some of {','.join(READS)}")  # fmt: skip
    args = parser.parse_args()
    reads = [k for k in args.reads.split(",") if k]
    if not reads or set(reads) - set(READS):
        parser.error(f"--reads: some of {','.join(READS)}")
    figures = latency() if args.case == "latency" else load(args.clients, args.duration, reads)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
