"""A metric's value as text with its unit, the same in every table the command line prints."""

from __future__ import annotations

__all__ = ["claim_number", "metric_text"]


def metric_text(
    value: float | None, unit: str, *, missing: str = "n/a", precise: bool = False
) -> str:
    """``value`` for a reader: dollars, percentages, counts with thousands commas.

    Dollars as ``$1,234``, ``$4.5M`` or ``$12.3B``; percentages as ``0.47%``.

    ``unit`` as in summary.json (``USD``, ``USD/person``, ``persons``, ...); ``missing`` stands
    for None. ``precise`` (for comparing runs, whose values may differ by little): billions of
    dollars to two decimals, and values below 100 to three significant digits instead of whole
    numbers.
    """
    if value is None:
        return missing
    if unit.startswith("USD"):
        return _dollars(value, unit, precise=precise)
    if unit == "percent":
        return f"{value:,.{3 if precise else 2}f}%"
    if precise and abs(value) < 100:
        return f"{value:.3g}"
    return f"{value:,.0f}"


def _dollars(value: float, unit: str, *, precise: bool) -> str:
    """Dollars: billions and millions (of a total, ``USD``) to a decimal or two, else whole."""
    if abs(value) >= 1e9:
        return f"${value / 1e9:,.{2 if precise else 1}f}B"
    if unit == "USD" and abs(value) >= 1e6:
        return f"${value / 1e6:,.{2 if precise else 1}f}M"
    return f"${value:,.0f}"


def claim_number(value: float | None, unit: str) -> str:
    """A claim's result: shares as percentages, small numbers to 3 digits, others whole."""
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
