"""The privacy screen: identifiers in free text, keys and column names are refused (issue 19).

Both sides are tested: each leak of the issue is refused (A-number variants, dates of birth and
booking numbers in descriptions, notes and titles), and aggregate text that merely looks a little
like them (``FY2024``, ``Table A-1``, ``a 100,000-bed``, dates, dollar figures) passes. The
loaders and the command line are tested end to end: one stderr line naming file, line and key,
exit code 2, nothing written.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from deportsim.analysis.estimates.spec import ESTIMATES_FILE, load_estimates
from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.core.privacy import (
    find_person_level,
    fold,
    is_person_level_field,
    person_level_row,
    person_level_text,
)
from deportsim.parameters import PARAMETERS_DIR, ParameterSet, load_parameters
from deportsim.report.claims import check_claims
from deportsim.report.sensitivity import read_sensitivity
from deportsim.scenarios import builtin_scenarios, load_scenario

A_NUMBER = "a value looks like an alien registration number (A-number)"
DOB = "a value holds a date of birth"
BOOKING = "a value holds a booking number"

A_NUMBERS = [
    "A123456789",
    "a123456789",
    "A12345678",
    "A#123456789",
    "A# 123-456-789",
    "\u0391123456789",  # Greek capital alpha
    "\u0410123456789",  # Cyrillic capital a
    "\u03b1123456789",  # Greek small alpha
    "A-123-456-789",
    "A 123 456 789",
    "A-12-345-678",
    "A\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",  # full-width digits
    "\uff21123456789",  # full-width A
    "\uff21\uff03\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",  # full-width A#...
    "A\u2011123\u2011456\u2011789",  # non-breaking hyphens
    "A\u2013123\u2013456\u2013789",  # en dashes
    "A1\u200b23456789",  # a zero-width space inside
    "A\u00a0123\u00a0456\u00a0789",  # no-break spaces
    "Juan Perez A123456789",
    "the file of detainee (a-123-456-789).",
]

DATES_OF_BIRTH = [
    "Juan Perez, DOB 1990-04-12",
    "Juan Perez (dob: 04/12/1990)",
    "D.O.B. 12.04.1990",
    "D.O.B.1990-04-12",
    "date of birth: April 12, 1990",
    "Date of birth is 12 April 1990",
    "birth date 1990/4/12",
    "Birthdate: Apr. 12th, 1990",
    "born on 12 April 1990",
    "Juan Perez, born on 1990-04-12",
    "DOB 19900412",
    "DOB 04/1990",
    "D\u041eB 1990-04-12",  # Cyrillic capital O
    "\uff24\uff2f\uff22 1990-04-12",  # full-width DOB
]

BOOKING_NUMBERS = [
    "booking number 2024-00123",
    "Juan Perez, Booking #20240012345",
    "booking no. 123456",
    "Booking ID: ABC12345",
]

AGGREGATE_TEXT = [
    "FY2024",
    "FY2019-FY2024",
    "A1",
    "Table A-1",
    "Table A-1, p. 12",
    "see Appendix A, pp. 123-456",
    "a 100,000-bed expansion",
    "A 62,913-bed capacity from 2025-04-01",
    "$123,456,789",
    "$45.0 billion over 2025-2029",
    "2025-04-12",
    "April 12, 2025",
    "100,000 beds from 2026-07-01",
    "a 2015 DHS Inspector General report",
    "8 U.S.C. 1226(a); 8 CFR 236.1",
    "A-12345",
    "USA123456789",
    "Annex A 12 pages",
    "A 2024-04-12 memo",
    "A-1234567890 is ten digits, not an A-number",
    "children born on or after February 19, 2025",
    "born on 2025-02-19 or later",
    "the published tables hold no date of birth, name or A-number",
    "booking numbers rose 12% in FY2024",
    "booking number 2024",
    "Jail bookings concentrate on people with criminal histories",
    "Juan Perez",  # a name alone cannot be told from any other words: not refused
]


@pytest.mark.parametrize("text", A_NUMBERS)
def test_a_numbers_are_refused_in_any_spelling(text: str) -> None:
    assert person_level_text(text) == A_NUMBER


@pytest.mark.parametrize("text", DATES_OF_BIRTH)
def test_dates_of_birth_in_free_text_are_refused(text: str) -> None:
    assert person_level_text(text) == DOB


@pytest.mark.parametrize("text", BOOKING_NUMBERS)
def test_booking_numbers_in_free_text_are_refused(text: str) -> None:
    assert person_level_text(text) == BOOKING


@pytest.mark.parametrize("text", AGGREGATE_TEXT)
def test_aggregate_text_passes(text: str) -> None:
    assert person_level_text(text) is None
    assert find_person_level({"description": text, "note": [text]}) is None


def test_fold_reads_look_alikes_full_width_and_dashes_as_ascii() -> None:
    assert fold("\u0391\u0410\uff21\uff10\uff19\u2013\u2212\u00ad\u200b") == "AAA09--"


@pytest.mark.parametrize(
    "name", ["A-Number", "\u0391-Number", "Date of Birth", "Date of Birth (DOB)", "Birth Year",
             "Booking Number", "Booking No.", "A-Number (A#)", "Detainee Name"],
)  # fmt: skip
def test_person_level_field_names(name: str) -> None:
    assert is_person_level_field(name)


@pytest.mark.parametrize("name", ["Name", "Address", "Detainee", "ID", "Facility", "Detainees"])
def test_field_names_that_are_person_level_only_in_company(name: str) -> None:
    assert not is_person_level_field(name)


def test_header_rows() -> None:
    assert person_level_row(["Detainee", "Address", "Birth Year"]) == (
        2,
        "column 'Birth Year' identifies a person",
    )
    hit = person_level_row(["Count", "Detainee", "Address"])
    assert hit is not None
    assert hit[0] == 1
    assert "'Detainee' and 'Address'" in hit[1]
    assert person_level_row(["Name", "Gender", "Age"]) is not None
    # ICE's facility listings: a facility's name and address
    assert person_level_row(["Name", "Address", "City", "State", "Zip", "AOR"]) is None
    assert person_level_row(["Detainee", "Count"]) is None
    assert person_level_row(["Citizenship Country", "Book-ins"]) is None


def test_every_key_and_string_is_screened_with_its_path() -> None:
    data = {
        "title": "ok",
        "overrides": [{"path": "x", "note": "fine"}, {"path": "y", "note": "DOB 1990-04-12"}],
    }
    assert find_person_level(data) == (("overrides", 1, "note"), DOB)
    assert find_person_level({"regions": {"A123456789": 3}}) == (
        ("regions", "A123456789"),
        "a key looks like an alien registration number (A-number)",
    )
    assert find_person_level({"source": {"Date of Birth": "x"}}) == (
        ("source", "Date of Birth"),
        "field 'Date of Birth' identifies a person",
    )


# --------------------------------------------------------------------------------------------
# scenario files: every free-text field is screened, the error names file, line and key
# --------------------------------------------------------------------------------------------
SCENARIO = """\
name: privacy-test
title: {title}
description: >-
  {description}
policy_sources:
  - publisher: U.S. Immigration and Customs Enforcement
    title: {source_title}
    date: 2024-12
overrides:
  - path: detention.bed_capacity
    value: 50000
    from: 2025-04-01
    note: {note}
"""
CLEAN = {
    "title": "A 62,913-bed capacity (Table A-1)",
    "description": "FY2024 enforcement with a 100,000-bed expansion, $45.0 billion in 2025-2029.",
    "source_title": "ICE Annual Report, Fiscal Year 2024, p. 12",
    "note": "Contracted capacity from 2025-04-01; children born on or after February 19, 2025.",
}
# the key as shown in the error, and its line in SCENARIO
FIELDS = {
    "title": ("title", 2),
    "description": ("description", 3),
    "source_title": ("policy_sources.0.title", 7),
    "note": ("overrides.0.note", 13),
}
LEAKS = ["Juan Perez, DOB 1990-04-12", "Juan Perez \u0391-123-456-789", "booking no. 2024-00123"]


def _scenario(tmp_path: Path, **fields: str) -> Path:
    path = tmp_path / "privacy-test.yaml"
    path.write_text(SCENARIO.format(**{**CLEAN, **fields}), encoding="utf-8")
    return path


def test_the_clean_scenario_loads(params: ParameterSet, tmp_path: Path) -> None:
    assert load_scenario(str(_scenario(tmp_path)), params).name == "privacy-test"


@pytest.mark.parametrize("leak", LEAKS)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_scenario_free_text_is_screened(
    params: ParameterSet, tmp_path: Path, field: str, leak: str
) -> None:
    path = _scenario(tmp_path, **{field: leak})
    with pytest.raises(UserError) as err:
        load_scenario(str(path), params)
    key, line = FIELDS[field]
    assert err.value.one_line().startswith(f"{path}:{line}: {key}: refused: ")
    assert "1990" not in err.value.one_line()  # the identifier is not echoed back


def test_scenario_leak_is_one_line_exit_2_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path, description="Juan Perez, DOB 1990-04-12")
    out = tmp_path / "out"
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["run", str(path), "--replicates", "2", "--years", "0.1", "--out", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1
    assert re.match(rf"deportsim: error: .*{path.name}:3: description: refused: ", err), err
    assert "date of birth" in err
    assert not out.exists()


# --------------------------------------------------------------------------------------------
# parameter files: descriptions, sources and index.yaml are screened too
# --------------------------------------------------------------------------------------------
def _parameters(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    pdir = tmp_path / "parameters"
    shutil.copytree(PARAMETERS_DIR, pdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = pdir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return pdir, line


@pytest.mark.parametrize(
    ("name", "old", "new", "key"),
    [
        (
            "detention.yaml",
            "description: Detention beds available to ICE on a given night",
            "description: Juan Perez, DOB 1990-04-12. Detention beds available to ICE on a given "
            "night",
            "parameters.bed_capacity.description",
        ),
        (
            "detention.yaml",
            "description: Beds, book-ins from the border",
            "description: Beds (A#123456789), book-ins from the border",
            "description",
        ),
        (
            "index.yaml",
            "description: Parameters of the deportsim pipeline model",
            "description: Juan Perez, booking no. 2024-00123. Parameters of the deportsim "
            "pipeline model",
            "description",
        ),
    ],
    ids=["parameter-description", "file-description", "index"],
)
def test_parameter_free_text_is_screened(
    tmp_path: Path, name: str, old: str, new: str, key: str
) -> None:
    pdir, line = _parameters(tmp_path, name, old, new)
    with pytest.raises(UserError) as err:
        load_parameters(pdir)
    assert err.value.one_line().startswith(f"{pdir / name}:{line}: {key}: refused: ")


def test_parameter_leak_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdir, line = _parameters(
        tmp_path,
        "detention.yaml",
        "description: Beds, book-ins from the border",
        "description: Beds for a\u2011123\u2011456\u2011789, book-ins from the border",
    )
    out = tmp_path / "out"
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["run", "baseline-fy2024", "--parameters", str(pdir), "--replicates", "2",
              "--years", "0.1", "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1
    assert f"detention.yaml:{line}: description: refused: " in err
    assert "A-number" in err
    assert not out.exists()


def test_shipped_parameters_and_scenarios_pass(params: ParameterSet) -> None:
    for name in builtin_scenarios():
        assert load_scenario(name, params).name == name


# --------------------------------------------------------------------------------------------
# comments, estimates files and the JSON files a report reads (issue 19)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("leak", LEAKS)
def test_an_identifier_in_a_comment_is_refused_naming_its_line(
    params: ParameterSet, tmp_path: Path, leak: str
) -> None:
    path = _scenario(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(4, f"# checked with {leak}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_scenario(str(path), params)
    line = err.value.one_line()
    assert line.startswith(f"{path}:5: refused: a line (a comment or a value) "), line
    assert "1990" not in line
    assert "123-456" not in line


def test_a_parameter_file_comment_is_screened(tmp_path: Path) -> None:
    old = "description: Beds, book-ins from the border"
    pdir, line = _parameters(tmp_path, "detention.yaml", old, f"{old}  # Juan, DOB 04/12/1990")
    with pytest.raises(UserError, match=rf"detention.yaml:{line}: refused: a line"):
        load_parameters(pdir)


def test_an_estimates_file_is_screened(params: ParameterSet, tmp_path: Path) -> None:
    text = ESTIMATES_FILE.read_text(encoding="utf-8")
    path = tmp_path / "estimates.yaml"
    path.write_text(text + "# source: interview with Juan Perez A123456789\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"estimates.yaml:\d+: refused: a line .*A-number"):
        load_estimates(params, path)
    load_estimates(params, ESTIMATES_FILE)  # the shipped one passes


def test_a_claims_file_for_a_report_is_screened(tmp_path: Path) -> None:
    claims = [{"id": "c1", "note": "Juan Perez, DOB 1990-04-12"}]
    with pytest.raises(UserError) as err:
        check_claims(claims, tmp_path / "claims.json")
    assert err.value.one_line().startswith(f"{tmp_path / 'claims.json'}: 0.note: refused: ")


def test_a_sensitivity_file_for_a_report_is_screened(tmp_path: Path) -> None:
    path = tmp_path / "sensitivity.json"
    path.write_text(json.dumps({"run_id": "x", "notes": ["booking no. 2024-00123"]}))
    with pytest.raises(UserError) as err:
        read_sensitivity(path)
    assert "--sensitivity: notes.0: refused: a value holds a booking number" in str(err.value)
