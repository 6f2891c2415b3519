"""Forecasts: the model's from the state known on a date, and their rolling-origin evaluation.

Both verbs check every input first (UserError naming the option) and write nothing until their
results are computed: then, with the output folder locked, into a staging folder in it
(``.partial-PID/``) whose files are moved into place one by one, the JSON last. A forecast or an
evaluation that fails or is stopped never costs the files of an earlier one in the folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from deportsim.analysis.forecasts.baselines import BASELINES, add_months
from deportsim.analysis.forecasts.evaluate import (
    HORIZONS,
    OUT_OF_SAMPLE,
    Progress,
    baseline_method,
    evaluate,
    origins,
)
from deportsim.analysis.forecasts.model import forecast as model_forecast
from deportsim.analysis.forecasts.model import model_method
from deportsim.analysis.forecasts.targets import MODEL, check_targets
from deportsim.api.results import EvaluationAnswer, ForecastAnswer
from deportsim.core.dates import iso_date
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import DiskFullError
from deportsim.core.signals import check_stop, held
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.official.vintage import Reader, vintage
from deportsim.parameters import load_parameters
from deportsim.run import RunConfig
from deportsim.run.config import check_config
from deportsim.scenarios import load_scenario
from deportsim.store.catalog.recorder import recording
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.outputs import lock_output, stage
from deportsim.store.save import default_out, remove_stale_partials
from deportsim.views.forecasts import evaluation_markdown

__all__ = [
    "EVALUATION_FILES", "EVALUATION_OUT", "EVALUATION_SCENARIO", "FORECAST_FILES", "MAX_MONTHS",
    "QUICK_FIRST_ORIGIN", "QUICK_REPLICATES", "forecast", "forecast_evaluation",
]  # fmt: skip

#: forecast's files, in the order they are moved into place.
FORECAST_FILES = ("forecast.png", "forecast.json")
#: The evaluation's files, in the order they are moved into place.
EVALUATION_FILES = ("evaluation.png", "evaluation.md", "evaluation.json")
#: The evaluation's default output folder.
EVALUATION_OUT = Path("out/forecast-evaluation")
#: The scenario whose forecasts the evaluation scores.
EVALUATION_SCENARIO = "directive-2025"
#: The most months a forecast may run.
MAX_MONTHS = 60
#: ``quick``: the evaluation's first origin and replicates (a few seconds, for tests).
QUICK_FIRST_ORIGIN = "2025-06"
QUICK_REPLICATES = 10

_CLI = Location("<command line>")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _as_of(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return iso_date(value)
    except ValueError:
        raise UserError(
            f"bad date {value!r}: expected YYYY-MM-DD", _CLI.with_path("--as-of")
        ) from None


def _check_out(out: Path, names: tuple[str, ...]) -> None:
    """UserError now if ``out`` could not take the files; nothing is created here."""
    where = Location(out, path="--out")
    for name in names:
        if (out / name).exists() and not (out / name).is_file():
            raise UserError(
                f"{name} there is not a file (a folder?), so it cannot be written; remove it or "
                "choose another --out",
                where,
            )
    probe = out
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent  # the folder that would hold the new ones
    if not probe.is_dir():
        raise UserError(f"cannot create output folder: {probe} is not a folder", where)
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError("output folder is not writable", where)


def _put(
    out: Path,
    files: Mapping[str, bytes],
    kind: str,
    *,
    started: float,
    catalog: CatalogChoice,
    on_record: Callable[[str], None] | None,
    **fields: Any,
) -> tuple[Path, ...]:
    """Write ``files`` into ``out`` (staged, then moved in order) and record them as ``kind``."""
    with lock_output(out):  # another command writing here: refused at once
        remove_stale_partials(out)
        with recording(
            kind, out=out, catalog=catalog, on_record=on_record, started=started, **fields
        ) as rec:
            tmp = stage(out)
            try:
                for name, data in files.items():
                    (tmp / name).write_bytes(data)
                check_stop()  # asked to stop, its exception lost: nothing is put in place
                with held():  # the files in place together, or the earlier ones kept
                    for name in files:
                        (tmp / name).replace(out / name)
            except OSError as exc:
                DiskFullError.check(exc, out)
                raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            paths = tuple(out / name for name in files)
            rec.keep({p.name: p for p in paths}, copy=[n for n in files if not n.endswith(".png")])
    return paths


def forecast(
    scenario: str,
    as_of: dt.date | str,
    months: int = 6,
    *,
    replicates: int = 100,
    seed: int = 0,
    out: Path | None = None,
    read: Reader | None = None,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> ForecastAnswer:
    """The model's forecast of ``months`` months from the state published by ``as_of``.

    :func:`deportsim.analysis.forecasts.model.forecast` (rule ``published``): the run starts on
    the first day after the last complete month ICE had published by ``as_of`` (a date, or
    ``YYYY-MM-DD``), from that month's detained population, and reads nothing published later.
    Writes ``forecast.json`` (``Forecast.to_json()``, 2-space indents: the same inputs, seed and
    version give the same bytes) and ``forecast.png`` into ``out`` (default
    ``out/<scenario>/``), recorded in the catalog as a run of kind ``forecast``. ``read``: every
    published version of a series (default: the local store, else the curated table). UserError
    (nothing written) for a bad ``--as-of`` (not a date, or before any data), ``--months``
    outside 1-60, bad ``--replicates`` or ``--seed``, an unknown scenario or an output folder
    that cannot be written.
    """
    day = _as_of(as_of)
    if not 1 <= months <= MAX_MONTHS:
        raise UserError(f"months must be between 1 and {MAX_MONTHS}", _CLI.with_path("--months"))
    years = (months + 2) * 31 / DAYS_PER_YEAR  # at most: the months and a late origin's gap
    check_config(RunConfig(scenario=scenario, replicates=replicates, seed=seed, years=years))
    sc = load_scenario(scenario, load_parameters())
    target = out if out is not None else default_out(sc.name)
    _check_out(target, FORECAST_FILES)
    started = time.perf_counter()
    made = model_forecast(scenario, day, months, replicates=replicates, seed=seed, read=read)
    # Matplotlib: loaded only when a chart is drawn
    from deportsim.report.forecast_charts import forecast_png  # noqa: PLC0415

    document = made.to_json()
    files = {
        "forecast.png": forecast_png(made),
        "forecast.json": (json.dumps(document, indent=2, sort_keys=False) + "\n").encode(),
    }
    config = {"as_of": day.isoformat(), "months": months, "origin": made.origin,
              "rule": made.data.rule}  # fmt: skip
    paths = _put(
        target, files, "forecast", started=started, catalog=catalog, on_record=on_record,
        scenario=sc.name, scenario_hash=sc.content_hash, seed=seed, replicates=replicates,
        config=config,
    )  # fmt: skip
    newest = max(made.data.workbooks.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    today = dt.datetime.now(dt.UTC).date()
    notes = []
    if add_months(made.origin, 2) < f"{day:%Y-%m}":
        notes.append(
            f"the last complete month published by {day} is {made.origin}: ICE puts out its "
            "figures some weeks after a month ends, and the workbooks at hand are one per "
            "fiscal year, so the forecast starts there and its first months may be past"
        )
    if day > today:
        notes.append(
            f"--as-of {day} is after today ({today}): the forecast reads every figure published "
            "so far, as one made today would"
        )
    return ForecastAnswer(made, document, target, paths, newest, tuple(notes))


def _first_origin(text: str | None, quick: bool) -> str:
    if text is None:
        return QUICK_FIRST_ORIGIN if quick else OUT_OF_SAMPLE
    if not _MONTH.fullmatch(text):
        raise UserError(f"bad month {text!r}: expected YYYY-MM", _CLI.with_path("--first-origin"))
    return text


def _settings(reps: int, seed: int, first: str, every: list[str], data_to: str) -> str:
    span = f"from {every[0]} to {every[-1]} ({len(every)} origins)" if every else "(none)"
    return (
        f"The model (`{EVALUATION_SCENARIO}`, {reps:,} replicates drawing the uncertain "
        f"parameters, seed {seed}) and the naive baselines ({', '.join(BASELINES)}) forecast "
        f"{max(HORIZONS)} months from every origin month {span}, each from the data known at "
        f"the origin's end (the \"cut\" vintage), and are scored against ICE's figures as "
        f"published now (to {data_to}). n: months scored; not forecast: origins where a method "
        f"lacked a month it needs (first origin {first})."
    )


def forecast_evaluation(
    out: Path | None = None,
    *,
    replicates: int | None = None,
    seed: int = 0,
    first_origin: str | None = None,
    quick: bool = False,
    progress: Progress | None = None,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> EvaluationAnswer:
    """The rolling-origin evaluation of the model beside the naive baselines, with its files.

    The model (:data:`EVALUATION_SCENARIO`, ``replicates``: default 100) and the baselines
    forecast from every origin month from ``first_origin`` (``YYYY-MM``; default
    :data:`~deportsim.analysis.forecasts.evaluate.OUT_OF_SAMPLE`, October 2024) to the month
    before the latest data (:func:`~deportsim.analysis.forecasts.evaluate.evaluate`);
    ``quick``: from :data:`QUICK_FIRST_ORIGIN` with :data:`QUICK_REPLICATES` replicates unless
    given. ``progress(done, total)`` is told each origin's end. Writes ``evaluation.json``
    (every row and issue 20's targets), ``evaluation.md`` (the tables and the targets met or
    not) and ``evaluation.png`` (WIS by method and months ahead) into ``out`` (default
    ``out/forecast-evaluation``), recorded in the catalog as a run of kind
    ``forecast-evaluation``.
    """
    reps = replicates if replicates is not None else QUICK_REPLICATES if quick else 100
    first = _first_origin(first_origin, quick)
    check_config(RunConfig(scenario=EVALUATION_SCENARIO, replicates=reps, seed=seed,
                           years=(max(HORIZONS) + 2) * 31 / DAYS_PER_YEAR))  # fmt: skip
    target = out if out is not None else EVALUATION_OUT
    _check_out(target, EVALUATION_FILES)
    latest = vintage(dt.date.max, rule="cut")  # every month ended, as printed now
    data_to = max((s.last_month for s in latest.series.values() if s.last_month), default=None)
    every = origins(first, add_months(data_to, -1)) if data_to else []
    if not every:
        raise UserError(
            f"no origin to forecast from: the data end in {data_to}",
            _CLI.with_path("--first-origin"),
        )
    started = time.perf_counter()
    methods = {MODEL: model_method(EVALUATION_SCENARIO, replicates=reps, seed=seed)}
    methods |= {name: baseline_method(name) for name in BASELINES}
    start = max(first, OUT_OF_SAMPLE)
    rows = evaluate(methods, first_origin=first, windows=(start,), latest=latest,
                    progress=progress)  # fmt: skip
    window = f"from {start}"
    targets = check_targets(rows, window)
    settings = _settings(reps, seed, first, every, str(data_to))
    body = evaluation_markdown(rows, targets, window=window, settings=settings)
    document = {
        "scenario": EVALUATION_SCENARIO, "replicates": reps, "seed": seed, "rule": "cut",
        "first_origin": first, "last_origin": every[-1], "window": window,
        "horizons": list(HORIZONS), "methods": list(methods),
        "data": {"last_month": latest.to_json()["last_month"],
                 "workbooks": latest.to_json()["workbooks"]},
        "rows": [r.to_json() for r in rows],
        "targets": [t.to_json() for t in targets],
    }  # fmt: skip
    # Matplotlib: loaded only when a chart is drawn
    from deportsim.report.forecast_charts import evaluation_png  # noqa: PLC0415

    markdown = (
        "# Forecasts from every month, against naive ones\n\n"
        f"{body}\n![WIS by method and months ahead](evaluation.png)\n"
    )
    files = {
        "evaluation.png": evaluation_png(rows, window, list(methods)),
        "evaluation.md": markdown.encode(),
        "evaluation.json": (json.dumps(document, indent=2, allow_nan=False) + "\n").encode(),
    }
    paths = _put(
        target, files, "forecast-evaluation", started=started, catalog=catalog,
        on_record=on_record, scenario=EVALUATION_SCENARIO, seed=seed, replicates=reps,
        config={"first_origin": first, "window": window},
    )  # fmt: skip
    return EvaluationAnswer(
        rows, targets, window, first, every[-1], reps, body, document, target, paths
    )
