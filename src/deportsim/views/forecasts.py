"""The rolling-origin evaluation as Markdown: its score tables and issue 20's targets.

What ``deportsim forecast --evaluate`` writes to evaluation.md and what
``scripts/forecast_evaluation.py`` puts into docs/validation.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from deportsim.analysis.forecasts.evaluate import Row
from deportsim.analysis.forecasts.targets import MODEL, Target

__all__ = ["HEAD", "evaluation_markdown", "scores_table", "targets_list"]

#: The columns of a score table.
HEAD = ["series", "method", "months ahead", "origins", "n", "MAPE", "50% coverage",
        "90% coverage", "WIS", "not forecast"]  # fmt: skip


def _line(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def scores_table(rows: Sequence[Row]) -> str:
    """Rows as a Markdown table, in their order (``-`` for a row with nothing scored)."""
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


def targets_list(targets: Sequence[Target]) -> str:
    """One Markdown bullet per target: what it asks, the figure, met or not met (in bold)."""
    return "\n".join(
        f"- {t.statement} ({'**not met**' if t.met is False else t.verdict})" for t in targets
    )


def evaluation_markdown(
    rows: Sequence[Row],
    targets: Sequence[Target],
    *,
    window: str,
    settings: str,
    baselines_beside: Sequence[str] = ("persistence", "trend"),
) -> str:
    """The tables of the evaluation in ``window`` and the targets, as Markdown (no heading).

    ``settings``: a sentence saying what was evaluated (scenario, replicates, origins, data).
    The first table holds the naive baselines, the second the model beside
    ``baselines_beside``; then the targets, one bullet each.
    """
    shown = [r for r in rows if r.window == window]
    naive = [r for r in shown if r.method != MODEL]
    beside = [r for r in shown if r.method == MODEL or r.method in baselines_beside]
    names = " and ".join(filter(None, [", ".join(baselines_beside[:-1]), *baselines_beside[-1:]]))
    return (
        f"{settings}\n\n"
        f"The naive forecasts, origins {window}:\n\n{scores_table(naive)}\n\n"
        f"The model beside {names}, origins {window}:\n\n{scores_table(beside)}\n\n"
        f"Issue 20's targets, origins {window}:\n\n{targets_list(targets)}\n"
    )
