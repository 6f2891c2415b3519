"""What was known on a date: dated values and measured overrides published later are left out."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.parameters import PARAMETERS_DIR, Override, ParameterSet, load_parameters
from deportsim.parameters.known import known_by, overrides_known_by
from deportsim.scenarios import load_scenario

SHARE = "detention.removal_share_of_book_outs"


def _dates(params: ParameterSet, path: str) -> list[str]:
    return [d.isoformat() for d, _ in params[path].steps]


def test_a_fiscal_years_value_is_left_out_until_its_statistics_came_out(
    params: ParameterSet,
) -> None:
    # FY2025's share takes effect on 1 Oct 2024 but was published on 24 Sep 2025
    before, left = known_by(params, dt.date(2025, 9, 23))
    assert _dates(before, SHARE) == ["2023-10-01"]
    gone = [x for x in left if x.path == SHARE]
    assert [(x.start, x.known) for x in gone] == [
        (dt.date(2024, 10, 1), dt.date(2025, 9, 24)),
        (dt.date(2025, 10, 1), dt.date(2026, 4, 9)),
    ]
    assert gone[0].describe() == f"{SHARE} from 2024-10-01 (parameter file, published 2025-09-24)"
    on_the_day, _ = known_by(params, dt.date(2025, 9, 24))
    assert _dates(on_the_day, SHARE) == ["2023-10-01", "2024-10-01"]
    everything, none_left = known_by(params, dt.date(2026, 12, 6))
    assert everything is params
    assert none_left == ()


def test_a_value_without_a_known_date_is_known_from_its_own_date(params: ParameterSet) -> None:
    # courts.judges: 700 from 2025-01-01, published 2025-01-24 (known); the first value stays
    early, left = known_by(params, dt.date(2024, 6, 1))
    assert _dates(early, "courts.judges") == ["2023-04-01"]
    assert _dates(early, "detention.bed_capacity") == _dates(params, "detention.bed_capacity")
    assert all(x.path != "detention.bed_capacity" for x in left)


def test_measured_overrides_wait_for_their_publication_and_policies_do_not(
    params: ParameterSet,
) -> None:
    sc = load_scenario("directive-2025", params)
    kept, left = overrides_known_by(sc.overrides, dt.date(2025, 12, 31))
    officers = [o for o in sc.overrides if o.path == "arrests.officers"]
    assert officers
    assert all(o.known == dt.date(2026, 1, 31) for o in officers)
    assert not any(o.path == "arrests.officers" for o in kept)
    assert {x.path for x in left} >= {"arrests.officers", "detention.bed_capacity"}
    # the 3,000-a-day goal is the scenario's policy: kept, even before it was announced
    early, _ = overrides_known_by(sc.overrides, dt.date(2024, 12, 31))
    assert any(o.path == "arrests.target_per_day" and o.value == 3000 for o in early)
    later, none_left = overrides_known_by(sc.overrides, dt.date(2026, 12, 6))
    assert later == sc.overrides
    assert none_left == ()
    ov = Override("arrests.officers", None, 1.0, None, None, "test", known=dt.date(2025, 1, 2))
    none_kept, one_left = overrides_known_by((ov,), dt.date(2025, 1, 1))
    assert none_kept == ()
    assert [x.known for x in one_left] == [dt.date(2025, 1, 2)]
    assert overrides_known_by((ov,), dt.date(2025, 1, 2)) == ((ov,), ())


def test_a_known_date_for_a_value_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "params"
    shutil.copytree(PARAMETERS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    f = folder / "detention.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("      2024-10-01: 2025-09-24\n      2025-10-01: 2026-04-09",
                              "      2024-10-02: 2025-09-24\n      2025-10-01: 2026-04-09", 1),
                 encoding="utf-8")  # fmt: skip
    with pytest.raises(UserError) as err:
        load_parameters(folder)
    assert "2024-10-02 is not one of the dates under `values`" in err.value.message
    assert err.value.location is not None
    assert err.value.location.file == str(f)


def test_a_scenarios_bad_known_date_is_one_line_error(params: ParameterSet, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        """\
name: my-test
title: A user's scenario
description: Officers as measured, for a test of known dates.
policy_sources:
  - {publisher: Test, title: A test policy, date: 2026}
overrides:
  - path: arrests.officers
    value: 9000
    from: 2026-01-01
    known: 2026-02-30
""",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as err:
        load_scenario(str(path), params)
    assert "2026-02-30" in err.value.message
    assert err.value.location is not None
    assert err.value.location.line == 10
