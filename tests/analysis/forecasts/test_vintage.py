"""What was known on a date: only workbooks dated by then, newest first, no partial months."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
import pytest

from deportsim.official.national import Figure, versions
from deportsim.official.vintage import SERIES, vintage

EARLY, LATE = dt.date(2025, 9, 24), dt.date(2026, 4, 9)


def _fig(period: str, value: float, day: dt.date | None, flag: str = "") -> Figure:
    name = "early.xlsx" if day == EARLY else "late.xlsx"
    return Figure("adp", "all", "all", period, value, "persons/day", name, "s", "A1", day, flag)


FIGURES = [
    _fig("2025-08", 60_000.0, EARLY),
    _fig("2025-09", 61_000.0, EARLY, "partial month: data to 2025-09-24"),
    _fig("2025-09", 61_500.0, LATE),  # the month complete, in the later workbook
    _fig("2025-10", 65_000.0, LATE),
    _fig("FY2025", 59_000.0, EARLY),  # a year: not a month
    _fig("2025-07", 1.0, None),  # no data date: never used
]


def _read(table: str, agency: str, category: str) -> Sequence[Figure]:
    return [f for f in FIGURES if (table, agency, category) == ("adp", "all", "all")]


def test_a_month_printed_in_part_waits_for_the_workbook_that_completes_it() -> None:
    before = vintage(dt.date(2025, 9, 30), _read).series["detained_adp"]
    assert before.months == ("2025-08",)
    assert before.value("2025-09") is None
    after = vintage(dt.date(2026, 5, 1), _read).series["detained_adp"]
    assert after.months == ("2025-08", "2025-09", "2025-10")
    np.testing.assert_array_equal(after.values, [60_000.0, 61_500.0, 65_000.0])
    assert after.files == ("early.xlsx", "late.xlsx", "late.xlsx")


def test_nothing_dated_after_the_as_of_date_is_used() -> None:
    v = vintage(EARLY, _read)
    assert v.workbooks == {"early.xlsx": EARLY}
    assert v.to_json()["workbooks"] == {"early.xlsx": "2025-09-24"}
    assert vintage(dt.date(2025, 9, 23), _read).series["detained_adp"].months == ()


@pytest.mark.parametrize(
    "as_of", [dt.date(2024, 10, 31), dt.date(2025, 9, 30), dt.date(2026, 12, 6)]
)
def test_the_shipped_series_cut_at_a_date_use_only_what_was_published(as_of: dt.date) -> None:
    full = vintage(as_of)
    assert all(day <= as_of for day in full.workbooks.values())

    # the same vintage from a reader that never saw anything published later: identical
    def published(table: str, agency: str, category: str) -> Sequence[Figure]:
        found = versions(table, agency, category=category)
        return [f for f in found if f.data_date is not None and f.data_date <= as_of]

    cut = vintage(as_of, published)
    assert json.dumps(cut.to_json()) == json.dumps(full.to_json())
    for name in SERIES:
        assert cut.series[name].months == full.series[name].months
        np.testing.assert_array_equal(cut.series[name].values, full.series[name].values)


def test_on_30_september_2025_september_is_not_yet_known() -> None:
    v = vintage(dt.date(2025, 9, 30))
    # the FY2025 workbook's data run to 24 September 2025: September is printed in part
    assert v.series["detained_adp"].last_month == "2025-08"
    assert v.series["book_ins_ice"].last_month == "2025-08"
    assert set(v.workbooks) >= {"FY25_detentionStats09242025.xlsx"}
    assert "FY26_detentionStats_04092026.xlsx" not in v.workbooks


def test_the_cut_rule_takes_every_month_ended_by_then_from_any_workbook() -> None:
    # on 31 Oct 2025 the later workbook (data to April 2026) was not out, but its September
    # and October are months that had ended: the cut rule uses them, the published rule not
    cut = vintage(dt.date(2025, 10, 31), _read, rule="cut")
    assert cut.series["detained_adp"].months == ("2025-08", "2025-09", "2025-10")
    assert cut.to_json()["rule"] == "cut"
    published = vintage(dt.date(2025, 10, 31), _read)
    assert published.series["detained_adp"].months == ("2025-08",)
    # a month still running on the as-of date is never used
    assert vintage(dt.date(2025, 10, 30), _read, rule="cut").series["detained_adp"].last_month == (
        "2025-09"
    )
