"""Issue 20's targets for the model's forecasts, checked against the rolling-origin scores.

Out of sample (origins from October 2024, :data:`.evaluate.OUT_OF_SAMPLE`):

- detained ADP three months ahead: MAPE at most 6%, and between 80% and 100% of the months inside
  the 90% interval (an interval that is right as often as it says);
- ICE book-ins and removals three months ahead: MAPE at most 12%;
- the model's weighted interval score below every naive baseline's, three and six months ahead,
  for detained ADP and ICE book-ins.

Each target is met, not met, or cannot be told (no forecast scored): :attr:`Target.met` is then
None, never True.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deportsim.analysis.forecasts.evaluate import Row

__all__ = ["MODEL", "Target", "check_targets"]

#: The method name of the model's forecasts in the evaluation.
MODEL = "model"

_NAMES = {
    "detained_adp": "detained ADP",
    "book_ins_ice": "ICE book-ins",
    "book_ins_cbp": "CBP book-ins",
    "removals": "removals",
    "book_outs": "book-outs",
}


@dataclass(frozen=True)
class Target:
    """One target: what it asks, the figure found, and whether it is met (None: not scored)."""

    id: str
    series: str
    horizon: int
    asks: str  # "MAPE at most 6%"
    figure: str  # "7.5%", or "no forecast scored"
    met: bool | None

    @property
    def verdict(self) -> str:
        """``met``, ``not met`` or ``not scored``."""
        return {True: "met", False: "not met", None: "not scored"}[self.met]

    @property
    def statement(self) -> str:
        """The target and its figure: ``detained ADP, 3 months ahead, MAPE at most 6%: 7.5%``."""
        name = _NAMES.get(self.series, self.series)
        return f"{name}, {self.horizon} months ahead, {self.asks}: {self.figure}"

    @property
    def text(self) -> str:
        """One line: the target, its figure and its verdict."""
        return f"{self.statement} ({self.verdict})"

    def to_json(self) -> dict[str, Any]:
        """The target as evaluation.json holds it."""
        return {
            "id": self.id, "series": self.series, "horizon": self.horizon, "asks": self.asks,
            "figure": self.figure, "met": self.met, "verdict": self.verdict,
        }  # fmt: skip


def _rows(rows: Sequence[Row], window: str) -> dict[tuple[str, str, int], Row]:
    return {(r.series, r.method, r.horizon): r for r in rows if r.window == window}


def _mape(by: dict[tuple[str, str, int], Row], series: str, h: int, bound: float) -> Target:
    row = by.get((series, MODEL, h))
    s = row.scores if row is not None else None
    asks = f"MAPE at most {bound:.0%}"
    if s is None:
        return Target(f"{series}-mape-{h}", series, h, asks, "no forecast scored", None)
    return Target(f"{series}-mape-{h}", series, h, asks, f"{s.mape:.1%}", s.mape <= bound)


def _coverage(by: dict[tuple[str, str, int], Row], series: str, h: int) -> Target:
    row = by.get((series, MODEL, h))
    s = row.scores if row is not None else None
    asks = "90% interval holding 80-100% of the months"
    if s is None:
        return Target(f"{series}-coverage90-{h}", series, h, asks, "no forecast scored", None)
    figure = f"{s.coverage90:.0%} of {s.n} months"
    return Target(f"{series}-coverage90-{h}", series, h, asks, figure, s.coverage90 >= 0.8)


def _wis(by: dict[tuple[str, str, int], Row], series: str, h: int) -> Target:
    row = by.get((series, MODEL, h))
    model = row.scores if row is not None else None
    naive = {
        r.method: r.scores.wis
        for (name, method, horizon), r in by.items()
        if name == series and horizon == h and method != MODEL and r.scores is not None
    }
    asks = "WIS below every naive baseline's"
    if model is None or not naive:
        return Target(f"{series}-wis-{h}", series, h, asks, "no forecast scored", None)
    best = min(naive, key=lambda m: (naive[m], m))
    figure = f"model {model.wis:,.0f}, best naive {naive[best]:,.0f} ({best})"
    return Target(f"{series}-wis-{h}", series, h, asks, figure, model.wis < naive[best])


def check_targets(rows: Sequence[Row], window: str) -> list[Target]:
    """Issue 20's targets, on the rows of ``window`` (e.g. ``"from 2024-10"``), in order.

    The rows are those of :func:`.evaluate.evaluate` with the model's forecasts named
    :data:`MODEL` beside the naive baselines (any other method name is a baseline).
    """
    by = _rows(rows, window)
    return [
        _mape(by, "detained_adp", 3, 0.06),
        _coverage(by, "detained_adp", 3),
        _mape(by, "book_ins_ice", 3, 0.12),
        _mape(by, "removals", 3, 0.12),
        *(_wis(by, series, h) for series in ("detained_adp", "book_ins_ice") for h in (3, 6)),
    ]
