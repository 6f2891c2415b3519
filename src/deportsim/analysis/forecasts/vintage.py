"""Data vintages, where the forecasts read them: :mod:`deportsim.official.vintage`.

The vintage lives with the official data so that a run can follow the published record as known
on a date (:mod:`deportsim.model.record`); the forecasts import it from here or from there.
"""

from deportsim.official.vintage import (
    SERIES,
    MonthlySeries,
    Reader,
    Rule,
    Vintage,
    month_end,
    vintage,
)

__all__ = ["SERIES", "MonthlySeries", "Reader", "Rule", "Vintage", "month_end", "vintage"]
