"""Which uncertain parameters matter most: Sobol indices (SALib) over their stated ranges.

The design is Saltelli's extension of Sobol' sequences (``SALib.sample.sobol``, first-order and
total indices only: ``N × (D + 2)`` samples for ``D`` parameters). Points are drawn in the unit
cube and mapped through each parameter's stated distribution (:func:`to_values`): uniform,
triangular and PERT between ``low`` and ``high`` with the parameter's own value as the mode;
normal and lognormal with ``low`` and ``high`` as the 5th and 95th percentiles. Every sample
runs with the same seed (common random numbers), so the samples differ by their parameters
alone; the output of a sample is its mean over its replicates. ``SALib.analyze.sobol`` gives
first-order (S1) and total (ST) indices with bootstrap confidence intervals.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import NDArray
from scipy import stats

from deportsim._version import __version__
from deportsim.analysis.sweeps.design import Range
from deportsim.analysis.sweeps.folder import write_bytes, write_json
from deportsim.analysis.sweeps.spec import SweepSpec
from deportsim.analysis.sweeps.sweep import sample_means
from deportsim.core.errors import Location, UserError
from deportsim.parameters import ParameterSet
from deportsim.run.results import METRICS
from deportsim.scenarios import Scenario

__all__ = [
    "CONF_LEVEL",
    "RESAMPLES",
    "Indices",
    "analyse",
    "default_ranges",
    "saltelli_unit",
    "to_values",
    "tornado_png",
]

F = NDArray[np.float64]

#: Bootstrap resamples and confidence level of the indices' intervals.
RESAMPLES = 200
CONF_LEVEL = 0.95
#: Probability mass left out at each end when a normal or lognormal is mapped from the unit
#: cube, so no sample is infinite.
_EDGE = 1e-6
_METRIC = Location("<command line>", path="--metric")


def default_ranges(params: ParameterSet, scenario: Scenario) -> list[Range]:
    """Every parameter a sensitivity analysis varies unless told otherwise.

    Those with a stated uncertainty range that hold one value for the whole run: scalar (not
    regional), a single dated value in the parameter files, and not changed by the scenario (a
    scenario's changes are its policy, and a whole-run value would erase their dates).
    """
    changed = {ov.path for ov in scenario.overrides}
    out = []
    for p in params.parameters.values():
        u = p.spec.uncertainty
        if u is None or p.regional or len(p.spec.values) != 1 or p.path in changed:
            continue
        value = next(iter(p.spec.values.values()))
        if not u.low < u.high or not isinstance(value, float | int):
            continue
        k = float(value) if u.relative else 1.0  # a relative range: multiples of the value
        out.append(Range(p.path, u.low * k, u.high * k, u.distribution, float(value)))
    return out


def saltelli_unit(d: int, n: int, seed: int) -> F:
    """Saltelli's design for first-order and total indices in ``[0, 1]^d``: ``n × (d + 2)`` rows.

    ``n`` must be a power of 2 (the balance of Sobol' sequences needs it).
    """
    from SALib.sample import sobol  # type: ignore[import-untyped]  # noqa: PLC0415 (slow import)

    problem = {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0, 1]] * d}
    unit: F = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    return unit


def to_values(unit: F, ranges: Sequence[Range]) -> F:
    """Map unit-cube points to parameter values through each range's distribution."""
    out = np.empty_like(unit)
    for j, r in enumerate(ranges):
        u = np.clip(unit[:, j], _EDGE, 1 - _EDGE)
        width = r.high - r.low
        mode = min(max(r.mode if r.mode is not None else (r.low + r.high) / 2, r.low), r.high)
        c = (mode - r.low) / width
        if r.distribution == "triangular":
            out[:, j] = stats.triang.ppf(u, c, loc=r.low, scale=width)
        elif r.distribution == "pert":
            a, b = 1 + 4 * c, 1 + 4 * (1 - c)
            out[:, j] = stats.beta.ppf(u, a, b, loc=r.low, scale=width)
        elif r.distribution in {"normal", "lognormal"}:
            z = stats.norm.ppf(u)
            z95 = float(stats.norm.ppf(0.95))
            lo, hi = (
                (np.log(r.low), np.log(r.high))
                if r.distribution == "lognormal"
                else (r.low, r.high)
            )
            x = (lo + hi) / 2 + z * (hi - lo) / (2 * z95)
            out[:, j] = np.exp(x) if r.distribution == "lognormal" else x
        else:  # uniform
            out[:, j] = r.low + u * width
    return out


@dataclass(frozen=True)
class Indices:
    """Sobol indices of one metric: per parameter S1, ST and their confidence half-widths."""

    metric: str
    unit: str
    paths: tuple[str, ...]
    s1: F
    s1_conf: F
    st: F
    st_conf: F
    variance: float

    def ranked(self) -> list[int]:
        """Parameter positions from the largest total index down."""
        return sorted(range(len(self.paths)), key=lambda j: -_finite(float(self.st[j])))

    def top(self, k: int = 3) -> list[str]:
        """The ``k`` parameters with the largest total indices."""
        return [self.paths[j] for j in self.ranked()[:k]]

    def to_json(self) -> dict[str, Any]:
        """As written in ``sensitivity.json``, parameters from the most influential down."""
        return {
            "unit": self.unit,
            "variance": _num(self.variance),
            "top3": self.top(3),
            "parameters": [
                {
                    "path": self.paths[j],
                    "S1": _num(self.s1[j]),
                    "S1_conf": _num(self.s1_conf[j]),
                    "ST": _num(self.st[j]),
                    "ST_conf": _num(self.st_conf[j]),
                }
                for j in self.ranked()
            ],
        }


def _finite(x: float) -> float:
    return float(x) if np.isfinite(x) else -1.0


def _num(x: float) -> float | None:
    return round(float(x), 5) if np.isfinite(x) else None


def check_metrics(metrics: Sequence[str]) -> None:
    """UserError naming ``--metric`` for an unknown metric name."""
    for m in metrics:
        if m not in METRICS:
            raise UserError(f"unknown metric {m!r}; see summary.json for the names", _METRIC)


def analyse(spec: SweepSpec, table: Any, metric: str, seed: int) -> Indices:
    """Sobol indices of ``metric`` from a finished sensitivity sweep's results table."""
    from SALib.analyze import sobol  # type: ignore[import-untyped]  # noqa: PLC0415 (slow import)

    paths = tuple(r.path for r in spec.vary)
    y = sample_means(spec, table, metric)
    nan = np.full(len(paths), np.nan)
    variance = float(np.nanvar(y)) if np.isfinite(y).any() else float("nan")
    if not np.isfinite(y).all() or variance == 0:
        # a metric that does not vary (or is undefined in some samples) has no indices
        return Indices(metric, METRICS[metric].unit, paths, nan, nan, nan, nan, variance)
    problem = {"num_vars": len(paths), "names": list(paths), "bounds": [[0, 1]] * len(paths)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SALib's bootstrap on tiny designs
        res = sobol.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=seed % (2**32 - 1) + 1,  # SALib ignores a seed of 0 (and then is not repeatable)
        )
    return Indices(
        metric,
        METRICS[metric].unit,
        paths,
        np.asarray(res["S1"]),
        np.asarray(res["S1_conf"]),
        np.asarray(res["ST"]),
        np.asarray(res["ST_conf"]),
        variance,
    )


def tornado_png(
    ind: Indices, scenario: str, n_samples: int, top: int = 15, credit: str | None = None
) -> bytes:
    """A tornado chart: the ``top`` parameters by total index, with S1, and 95% intervals.

    ``credit``: a line of small text at the figure's foot (the report's charts carry one).
    """
    order = ind.ranked()[:top][::-1]  # largest at the top
    names = [ind.paths[j] for j in order]
    y = np.arange(len(order))
    fig = Figure(figsize=(8.0, 0.42 * len(order) + 1.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    bars = (
        (0.2, ind.st, ind.st_conf, "#b2182b", "total (ST)"),
        (-0.2, ind.s1, ind.s1_conf, "#ef8a62", "first order (S1)"),
    )
    for offset, index, conf, color, label in bars:
        ax.barh(
            y + offset,
            np.nan_to_num(index[order]),
            height=0.4,
            xerr=np.nan_to_num(conf[order]),
            color=color,
            label=label,
            capsize=2,
        )
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel(f"share of the variance of {ind.metric} (Sobol index, 95% interval)")
    ax.set_title(f"{scenario}: what drives {ind.metric} ({n_samples:,} samples)", fontsize=10)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.legend(loc="lower right", fontsize=8)
    if credit is None:
        fig.tight_layout()
    else:
        fig.text(0.995, 0.005, credit, ha="right", va="bottom", fontsize=7, color="#555555")
        fig.tight_layout(rect=(0.0, 0.03, 1.0, 1.0))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def write_sensitivity(
    folder: Path, spec: SweepSpec, results: list[Indices], run_id: str
) -> list[Path]:
    """Write ``sensitivity.json`` and one ``tornado-<metric>.png`` per metric, atomically."""
    files = []
    for ind in results:
        png = folder / f"tornado-{ind.metric}.png"
        credit = (
            f"deportsim {__version__} sensitivity: scenario {spec.scenario_name}, "
            f"{spec.samples:,} samples × {spec.replicates} replicates, seed {spec.seed}"
        )
        write_bytes(png, tornado_png(ind, spec.scenario_name, spec.samples, credit=credit))
        files.append(png)
    doc = {
        "run_id": run_id,
        "scenario": spec.scenario_name,
        "method": "Sobol first-order and total indices (SALib; Saltelli design, "
        "calc_second_order=False), bootstrap confidence intervals",
        "base_samples": spec.extra.get("base_samples"),
        "samples": spec.samples,
        "replicates": spec.replicates,
        "seed": spec.seed,
        "common_random_numbers": spec.common_seed,
        "conf_level": CONF_LEVEL,
        "resamples": RESAMPLES,
        "parameters": [asdict(r) for r in spec.vary],
        "metrics": {ind.metric: ind.to_json() for ind in results},
    }
    out = folder / "sensitivity.json"
    write_json(out, doc)
    return [out, *files]
