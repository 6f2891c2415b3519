"""The plumbing of ``api.sweep`` and ``api.sensitivity``: check, create or resume, run, analyse.

A new sweep is checked whole (scenario, ``--set``, ``--vary``, options) before its folder is
made; a resumed one is checked against its folder (same model version, same scenario file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.analysis.sweeps import sensitivity as sa
from deportsim.analysis.sweeps import sweep as sw
from deportsim.analysis.sweeps.checks import check_samples
from deportsim.analysis.sweeps.design import (
    MAX_SAMPLES,
    Design,
    Range,
    check_ranges,
    grid_design,
    latin_hypercube,
    parse_vary,
    scale,
)
from deportsim.analysis.sweeps.folder import SweepFolder, new_run_id
from deportsim.analysis.sweeps.options import Execution, SweepStart
from deportsim.analysis.sweeps.sensitivity import Indices
from deportsim.analysis.sweeps.spec import SweepSpec
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import DiskFullError, disk_full, writable_folder
from deportsim.execution import Backend, choose_backend
from deportsim.parameters import parse_set
from deportsim.run import Prepared, RunConfig, prepare
from deportsim.store import catalog
from deportsim.store.catalog.records import CatalogChoice, warn_unrecorded

__all__ = ["SensitivityRun", "default_parent", "sensitivity", "stated_range", "sweep"]


def default_parent(scenario_name: str) -> Path:
    """Where a scenario's sweeps go unless told: ``out/<scenario>/sweeps/`` (one folder each)."""
    return Path("out") / scenario_name / "sweeps"


def sweep(
    cfg: RunConfig,
    vary: tuple[str, ...],
    samples: int,
    design: str,
    ex: Execution,
) -> sw.SweepRun:
    """The work of :func:`deportsim.api.sweep` (its options and defaults are described there)."""
    how = _how(ex)
    if ex.resume is not None:
        return _resume(ex.resume, out=ex.out, kind="sweep", how=how)
    if design not in {"lhs", "grid"}:
        raise UserError(f"unknown design {design!r}: lhs or grid", _CLI.with_path("--design"))
    chosen: Design = "lhs" if design == "lhs" else "grid"
    if not 1 <= samples <= MAX_SAMPLES:
        raise UserError(
            f"samples must be between 1 and {MAX_SAMPLES:,}", _CLI.with_path("--samples")
        )
    prep = prepare(cfg)
    ranges = [parse_vary(prep.params, text) for text in vary]
    check_ranges(ranges)
    unit = (
        latin_hypercube(samples, len(ranges), cfg.seed)
        if design == "lhs"
        else grid_design(samples, len(ranges))
    )
    return _start_sweep(
        prep,
        kind="sweep",
        ranges=tuple(ranges),
        design=chosen,
        values=scale(unit, ranges),
        out=ex.out,
        batch_size=ex.batch_size,
        how=how,
    )


def sensitivity(
    cfg: RunConfig,
    metrics: tuple[str, ...],
    vary: tuple[str, ...],
    n: int,
    ex: Execution,
) -> SensitivityRun:
    """The work of :func:`deportsim.api.sensitivity` (options and defaults described there)."""
    sa.check_metrics(metrics)
    analysed: list[tuple[list[Indices], list[Path]]] = []

    def analyse(done: sw.SweepRun) -> list[Path]:
        table = pq.read_table(done.folder.path / "results.parquet")
        wanted = metrics if ex.resume is None else (done.spec.metrics or metrics)
        indices = [sa.analyse(done.spec, table, m, done.spec.seed) for m in wanted]
        files = sa.write_sensitivity(done.folder.path, done.spec, indices, done.folder.run_id)
        analysed.append((indices, files))
        return files

    how = _how(ex, analyse)
    if ex.resume is not None:
        done = _resume(ex.resume, out=ex.out, kind="sensitivity", how=how)
    else:
        if n < 2 or n & (n - 1):
            raise UserError("N must be a power of 2 (e.g. 32, 64)", _CLI.with_path("--n"))
        prep = prepare(cfg)
        ranges = [
            parse_vary(prep.params, text) if "=" in text else stated_range(prep, text.strip())
            for text in vary
        ] or sa.default_ranges(prep.params, prep.scenario)
        check_ranges(ranges)
        if len(ranges) < 2:
            raise UserError("a sensitivity analysis needs at least 2 parameters", _VARY)
        unit = sa.saltelli_unit(len(ranges), n, cfg.seed)
        done = _start_sweep(
            prep,
            kind="sensitivity",
            ranges=tuple(ranges),
            design="sobol",
            values=sa.to_values(unit, ranges),
            out=ex.out,
            batch_size=ex.batch_size,
            how=how,
            metrics=tuple(metrics),
            extra={"base_samples": n},
        )
    ((indices, files),) = analysed
    return SensitivityRun(done, indices, files)


_CLI = Location("<command line>")
_VARY = Location("--vary")


@dataclass(frozen=True)
class SensitivityRun:
    """A finished sensitivity analysis: its sweep, the indices per metric and files written."""

    sweep: sw.SweepRun
    indices: list[Indices]
    files: list[Path]


def _how(ex: Execution, after: Callable[[sw.SweepRun], list[Path]] | None = None) -> _How:
    """The backend (reached later) and reporting, with ``after`` as the sweep's last step."""
    backend = choose_backend(ex.workers, ex.scheduler)
    return _How(backend, ex.progress, ex.on_start, ex.catalog, after)


@dataclass(frozen=True)
class _How:
    """How a sweep runs and reports: backend, progress, catalog, and a last step (analysis)."""

    backend: Backend
    progress: Callable[[int, int], None] | None
    on_start: Callable[[SweepStart], None] | None
    catalog: CatalogChoice
    after: Callable[[sw.SweepRun], list[Path]] | None = None


def stated_range(prep: Prepared, path: str) -> Range:
    """``--vary PATH``: the parameter's stated uncertainty range (UserError if it has none)."""
    p, region = prep.params.lookup(path, _VARY)
    u = p.spec.uncertainty
    if region is not None or p.regional or u is None or not u.low < u.high:
        raise UserError(
            "has no stated uncertainty range for one value; give PATH=LOW:HIGH",
            _VARY.with_path(path),
        )
    first = next(iter(p.spec.values.values()))
    mode = float(first) if isinstance(first, float | int) else None
    if u.relative and mode is not None:  # multiples of the value: of the file's first one
        return Range(p.path, u.low * mode, u.high * mode, u.distribution, mode)
    return Range(p.path, u.low, u.high, u.distribution, mode)


def _start_sweep(
    prep: Prepared,
    *,
    kind: Literal["sweep", "sensitivity"],
    ranges: tuple[Range, ...],
    design: Design,
    values: NDArray[np.float64],
    out: Path | None,
    batch_size: int | None,
    how: _How,
    metrics: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> sw.SweepRun:
    cfg = prep.config
    n = len(values)
    if batch_size is not None and batch_size < 1:
        raise UserError("batch size must be at least 1", _CLI.with_path("--batch-size"))
    # batches sized for the workers there are (a cluster's are counted when it is reached)
    size = batch_size or sw.default_batch_size(n, how.backend.connect())
    spec = SweepSpec(
        kind=kind,
        scenario=cfg.scenario,
        scenario_name=prep.scenario.name,
        scenario_hash=prep.scenario.content_hash,
        start=prep.start.isoformat(),
        days=prep.days,
        years=cfg.years,
        replicates=cfg.replicates,
        seed=cfg.seed,
        sets=tuple(cfg.sets),
        vary=ranges,
        design=design,
        samples=n,
        batch_size=size,
        common_seed=kind == "sensitivity",
        parameters=str(cfg.parameters) if cfg.parameters is not None else None,
        metrics=metrics,
        extra=extra or {},
    )
    check_samples(prep.resolved, ranges, values)
    parent = writable_folder(out if out is not None else default_parent(prep.scenario.name))
    folder = SweepFolder(parent / new_run_id(prep.scenario.name, kind))
    folder.create(spec, values)
    return _run_folder(folder, spec=spec, prep=prep, how=how)


def _run_folder(
    folder: SweepFolder,
    *,
    spec: SweepSpec,
    prep: Prepared,
    how: _How,
) -> sw.SweepRun:
    """Run a sweep's missing batches (and ``how.after``), recorded in the catalog."""
    backend = how.backend
    if how.on_start is not None:
        how.on_start(
            SweepStart(
                folder.run_id,
                folder.path,
                spec.samples,
                spec.batches,
                len(folder.finished(spec)),
                backend.label,
            )
        )
    base = prep.scenario.overrides + tuple(parse_set(prep.params, s) for s in spec.sets)
    custom = prep.params if spec.parameters is not None else None
    # the catalog's id is the folder's name: a resumed sweep takes its record up again
    record = catalog.begin(
        spec.kind,
        scenario=spec.scenario_name,
        scenario_hash=spec.scenario_hash,
        parameters={"vary": [asdict(r) for r in spec.vary], "sets": list(spec.sets)},
        seed=spec.seed,
        replicates=spec.replicates,
        config={
            "samples": spec.samples,
            "design": spec.design,
            "years": spec.years,
            "start": spec.start,
            "days": spec.days,
            "batch_size": spec.batch_size,
            "common_seed": spec.common_seed,
            "backend": backend.label,
        },
        out=folder.path,
        catalog=how.catalog,
        run_id=folder.run_id,
    )
    try:
        done = sw.run_sweep(folder, base, backend, custom, how.progress)
        extra = how.after(done) if how.after is not None else []
        files = {
            name: folder.path / name for name in ("sweep.json", "summary.json", "results.parquet")
        }
        files |= {p.name: p for p in extra}
        try:
            outputs = catalog.keep(record, files, copy=("summary.json", "sensitivity.json"))
            catalog.write_metrics(record, done.summary["metrics"])
        except OSError as exc:  # the sweep has succeeded; only its record is missing
            warn_unrecorded(record.catalog or folder.path, exc)
            return done
    except BaseException as exc:
        record.fail(exc)
        if isinstance(exc, OSError) and disk_full(exc):  # the batches done are kept: go on
            raise DiskFullError(
                f"the disk is full ({DiskFullError.reason(exc)}): the sweep stopped with "
                f"{len(folder.finished(spec))} of {spec.batches} batches done, which are kept; "
                f"free some space, then: deportsim sweep --resume {folder.run_id}",
                Location(folder.path, path="--out"),
            ) from exc
        raise
    record.finish(
        outputs=outputs,
        timings={"wall_s": done.seconds},
        results_sha256=done.summary["results_sha256"],
    )
    return done


def _resume(
    resume: str,
    *,
    out: Path | None,
    kind: Literal["sweep", "sensitivity"],
    how: _How,
) -> sw.SweepRun:
    """Continue a sweep from its folder: a path, or a run id under ``out`` or in the catalog."""
    given = Path(resume)
    if (given / "sweep.json").exists():
        path = given
    elif out is not None:
        path = out / resume
    else:  # under the default folder of whichever scenario it ran
        found = sorted(Path("out").glob(f"*/sweeps/{resume}/sweep.json"))
        path = found[0].parent if found else given
    if not (path / "sweep.json").exists() and how.catalog is not False:
        try:  # a sweep recorded in the catalog knows its folder
            recorded = catalog.find(resume, how.catalog or None, label="--resume").get("out")
        except (UserError, OSError):
            recorded = None
        if recorded:
            path = Path(recorded)
    if not (path / "sweep.json").exists():
        where = f"{out}/" if out is not None else "out/*/sweeps/ or the catalog"
        raise UserError(f"no sweep {resume!r} in {where}", _CLI.with_path("--resume"))
    folder = SweepFolder(path)
    status = folder.read_status()
    spec = folder.spec()
    if spec.kind != kind:
        raise UserError(
            f"is a {spec.kind}, not a {kind}: resume it with deportsim {spec.kind}",
            _CLI.with_path("--resume"),
        )
    if status.get("model_version") != __version__:
        raise UserError(
            f"was started with deportsim {status.get('model_version')}; this is {__version__} "
            "and would give other numbers",
            _CLI.with_path("--resume"),
        )
    start = dt.date.fromisoformat(spec.start)
    cfg = RunConfig(
        scenario=spec.scenario,
        replicates=spec.replicates,
        seed=spec.seed,
        years=spec.years,
        start=start,
        sets=spec.sets,
        parameters=Path(spec.parameters) if spec.parameters else None,
    )
    prep = prepare(cfg)
    if prep.scenario.content_hash != spec.scenario_hash:
        raise UserError(
            "its scenario file has changed since the sweep started", _CLI.with_path("--resume")
        )
    return _run_folder(folder, spec=spec, prep=prep, how=how)
