"""Print the model against ICE's published FY2024 and FY2025 figures (docs/model.md table).

python scripts/history_check.py [--replicates 20]
"""

from __future__ import annotations

import argparse

from deportsim.analysis import PUBLISHED, replay


def main() -> None:
    """Replay both fiscal years and print one row per published figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicates", type=int, default=20)
    args = parser.parse_args()
    runs = {year: replay(year, args.replicates) for year in ("FY2024", "FY2025")}
    print("| year | measure | published | model (mean) | model 90% range | gap |")  # noqa: T201
    print("|---|---|---|---|---|---|")  # noqa: T201
    for fig in PUBLISHED:
        run = runs[fig.year]
        m, lo, hi = run.mean[fig.measure], run.p05[fig.measure], run.p95[fig.measure]
        fmt = "{:,.1f}" if fig.unit == "days" else "{:,.0f}"
        print(  # noqa: T201
            f"| {fig.year} | {fig.measure} | {fmt.format(fig.value)} | {fmt.format(m)} | "
            f"{fmt.format(lo)} – {fmt.format(hi)} | {run.gap(fig):+.1%} |"
        )


if __name__ == "__main__":
    main()
