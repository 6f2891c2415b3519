"""Print the rolling-origin scores of docs/validation.md ("Forecasts from every month").

``python scripts/forecast_evaluation.py`` prints two Markdown tables
(:mod:`deportsim.analysis.forecasts.evaluate`, "cut" vintages):

1. the naive baselines (persistence, seasonal naive, 6-month trend) forecast from every origin
   month since October 2019, scored over the origins from October 2024, at 1, 3 and 6 months;
2. the model (``directive-2025``, 100 replicates, started from each origin's observed detained
   population) beside the same baselines, from the origins since October 2024.

Deterministic: the same data, seed and version give the same tables.
"""

from __future__ import annotations

from deportsim.analysis.forecasts.evaluate import Row, baseline_method, evaluate
from deportsim.analysis.forecasts.model import model_method

HEAD = ["series", "method", "months ahead", "origins", "n", "MAPE", "50% coverage",
        "90% coverage", "WIS", "not forecast"]  # fmt: skip


def _line(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(rows: list[Row]) -> str:
    """Rows as a Markdown table."""
    lines = [_line(HEAD), "|---" * len(HEAD) + "|"]
    for r in rows:
        s = r.scores
        if s is None:
            lines.append(_line([r.series, r.method, r.horizon, r.window, 0, "-", "-", "-", "-",
                                r.skipped]))  # fmt: skip
            continue
        lines.append(_line([r.series, r.method, r.horizon, r.window, s.n, f"{s.mape:.1%}",
                            f"{s.coverage50:.0%}", f"{s.coverage90:.0%}", f"{s.wis:,.0f}",
                            r.skipped]))  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    """Print both tables."""
    baselines = [r for r in evaluate() if r.window != "all"]
    methods = {
        "model": model_method("directive-2025", replicates=100),
        "persistence": baseline_method("persistence"),
        "trend": baseline_method("trend"),
    }
    model = [r for r in evaluate(methods, first_origin="2024-10") if r.window != "all"]
    print(table(baselines) + "\n\n" + table(model))  # noqa: T201 - the tables are the output


if __name__ == "__main__":
    main()
