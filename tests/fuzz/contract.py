"""The contract every command keeps, whatever it is given (issue 19; docs/reliability.md).

- exit 0: every metric in summary.json is finite and physically possible (no negative people,
  no more people than could exist, no cost beyond any budget), or null only where it is a ratio
  with nothing to divide by;
- exit 2: one line on stderr, ``deportsim: error: ...``, and the output folder exactly as it was
  (an earlier complete run in it is byte for byte the same);
- never exit 1 (an internal error), never a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deportsim.cli.app import main

#: More people than this cannot be in any of the model's stocks or totals over the short runs the
#: fuzz makes (at most 2 years): the US population is about 340 million (U.S. Census Bureau,
#: Vintage 2024 estimates), and people counted twice in a total (arrested twice) stay far below.
MAX_PEOPLE = 1e10
#: No cost of enforcement can exceed the US economy: GDP was about $29 trillion in 2024 (BEA),
#: so $100 trillion over two years is impossible.
MAX_USD = 1e14
#: Metrics that are changes of employment: at most zero (the economy counts jobs lost).
CHANGES = ("employment_change_",)
#: Metrics that are changes of wages, in percent, from competition alone: never a fall, and at
#: most the wage elasticity's bound (2) times the whole group withdrawn, 200%.
WAGES = ("wage_change_",)
#: Units counted in people or things, each bounded by MAX_PEOPLE.
COUNTS = {"persons", "cases", "beds", "flights", "persons/day", "persons/year"}


@dataclass(frozen=True)
class Outcome:
    """What a command did: exit code and output."""

    code: int
    out: str
    err: str


def run_cli(args: list[str]) -> Outcome:
    """The command line in-process, its exit code and output captured."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
    return Outcome(code if isinstance(code, int) else 1, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path, with its SHA-256."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _value_problem(name: str, unit: str, value: float) -> str | None:
    """What is impossible in one statistic of one metric (None: nothing)."""
    if not np.isfinite(value):
        return f"= {value}"
    if name.startswith(CHANGES):  # jobs lost: never a gain, never more than exist
        checks = [
            (value > 0 or -value > MAX_PEOPLE, f"= {value} is not a loss of jobs that could be")
        ]
    elif name.startswith(WAGES):
        checks = [(not 0 <= value <= 200, f"= {value}% is not a rise that could be")]
    else:
        checks = [
            (unit == "percent" and value > 100, f"= {value}% is more than the whole"),
            (value < 0, f"= {value} is negative"),
            (
                unit in COUNTS and value > MAX_PEOPLE,
                f"= {value:.3g} {unit} is more than could exist",
            ),
            (unit.startswith("USD") and value > MAX_USD, f"= ${value:.3g} is beyond any budget"),
        ]
    return next((message for bad, message in checks if bad), None)


def metric_problems(summary: dict[str, object]) -> list[str]:
    """What is impossible in a summary's metrics (empty: nothing)."""
    found = []
    metrics = summary["metrics"]
    assert isinstance(metrics, dict)
    for name, m in metrics.items():
        unit = m["unit"]
        for stat in ("mean", "p05", "p50", "p95"):
            value = m[stat]
            if value is None:
                if "/" in unit and unit.startswith("USD"):
                    continue  # a cost per removal with no removal: nothing to divide by
                found.append(f"{name}.{stat} is null")
                continue
            problem = _value_problem(name, unit, value)
            if problem is not None:
                found.append(f"{name}.{stat} {problem}")
    return found


#: ``make fuzz`` sets this to a file that gets one JSON line per example (``tally.py`` counts them).
LOG_ENV = "DEPORTSIM_FUZZ_LOG"


def record(kind: str, outcome: Outcome, *, touched: bool, impossible: int) -> None:
    """Append what one example did to ``$DEPORTSIM_FUZZ_LOG`` (nothing when it is not set)."""
    log = os.environ.get(LOG_ENV)
    if not log:
        return
    entry = {
        "kind": kind,
        "code": outcome.code,
        "traceback": "Traceback" in outcome.err,
        "lines": len(outcome.err.strip().splitlines()),
        "touched": touched,
        "impossible": impossible,
    }
    with Path(log).open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def check(outcome: Outcome, out: Path, before: dict[str, str], kind: str) -> None:
    """Assert the contract for one command whose results go to ``out`` (see module docstring).

    ``kind`` names the fuzz test in the log of ``make fuzz`` (:func:`record`).
    """
    touched = outcome.code != 0 and snapshot(out) != before
    problems = []
    if outcome.code == 0:
        problems = metric_problems(json.loads((out / "summary.json").read_text()))
        touched = bool(list(out.glob(".partial*")))
    record(kind, outcome, touched=touched, impossible=len(problems))
    assert outcome.code in (0, 2), f"exit {outcome.code} (internal error):\n{outcome.err[-3000:]}"
    assert "Traceback" not in outcome.err, outcome.err[-3000:]
    if outcome.code == 2:
        lines = outcome.err.strip().splitlines()
        assert len(lines) == 1, f"a user error must be one line, got {len(lines)}:\n{outcome.err}"
        assert lines[0].startswith("deportsim: error: "), lines[0]
        assert len(lines[0]) < 2000, "an error line echoes its input without limit"
        assert not touched, "a refused command changed the output folder"
        return
    assert problems == [], "impossible results at exit 0: " + "; ".join(problems[:10])
    assert not list(out.glob(".partial*")), "a finished run left a partial folder"
