"""Print the naive baselines' rolling-origin scores (docs/validation.md, "Naive baselines").

``python scripts/forecast_baselines.py`` scores persistence, the seasonal naive forecast and a
6-month linear trend from every origin month since October 2019 at 1, 3 and 6 months ahead, on
each of ICE's monthly series (:mod:`deportsim.analysis.forecasts.evaluate`), over all origins and
over the origins from October 2024, and prints a Markdown table. Deterministic: the same data give
the same table.
"""

from __future__ import annotations

from deportsim.analysis.forecasts.evaluate import evaluate


def _line(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main() -> None:
    """Print the table."""
    head = ["series", "method", "months ahead", "origins", "n", "MAPE", "50% coverage",
            "90% coverage", "WIS", "not forecast"]  # fmt: skip
    lines = [_line(head), "|---" * len(head) + "|"]
    for r in evaluate():
        s = r.scores
        if s is None:
            lines.append(_line([r.series, r.method, r.horizon, r.window, 0, "-", "-", "-", "-",
                                r.skipped]))  # fmt: skip
            continue
        lines.append(_line([r.series, r.method, r.horizon, r.window, s.n, f"{s.mape:.1%}",
                            f"{s.coverage50:.0%}", f"{s.coverage90:.0%}", f"{s.wis:,.0f}",
                            r.skipped]))  # fmt: skip
    print("\n".join(lines))  # noqa: T201 - the table is this script's output


if __name__ == "__main__":
    main()
