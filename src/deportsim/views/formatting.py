"""A metric's value as text with its unit, the same in every table the command line prints."""

from __future__ import annotations

__all__ = ["claim_number", "metric_text"]


def metric_text(
    value: float | None, unit: str, *, missing: str = "n/a", precise: bool = False
) -> str:
    """``value`` for a reader: dollars as ``$1,234`` or ``$12.3B``, counts with thousands commas.

    ``unit`` as in summary.json (``USD``, ``USD/person``, ``persons``, ...); ``missing`` stands
    for None. ``precise`` (for comparing runs, whose values may differ by little): billions of
    dollars to two decimals, and values below 100 to three significant digits instead of whole
    numbers.
    """
    if value is None:
        return missing
    if unit.startswith("USD") and abs(value) >= 1e9:
        return f"${value / 1e9:,.{2 if precise else 1}f}B"
    if unit.startswith("USD"):
        return f"${value:,.0f}"
    if precise and abs(value) < 100:
        return f"{value:.3g}"
    return f"{value:,.0f}"


def claim_number(value: float | None, unit: str) -> str:
    """A claim's result: shares as percentages, small numbers to 3 digits, others whole."""
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
