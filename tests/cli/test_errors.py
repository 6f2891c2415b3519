"""Bad input: one clear stderr line naming file, line and parameter; exit code 2; nothing written.

Every kind of user mistake has one deliberately broken fixture under ``tests/fixtures/broken/``,
whose first line is a comment saying what is wrong:

* ``scenarios/<kind>.yaml`` is a complete scenario (cut from ``directive-2025``) with one defect;
  it is run directly: ``deportsim run <fixture> --out ...``.
* ``parameters/<kind>.yaml`` is a small extra stage file with one defect; it is added to a copy of
  the built-in parameter folder (and listed in that copy's ``index.yaml``), then ``deportsim run
  baseline-fy2024 --parameters <copy>`` is run.

The tables below give, per fixture, the line the error must point at (the line of the offending
key or value), a snippet of that line (so the table cannot drift from the files), the names the
message must contain, and the edit that repairs the fixture. ``test_*_repaired_fixture_is_valid``
checks that the repaired file passes every check, i.e. that each fixture has exactly one defect.

The command line is called in-process (``deportsim.cli.app.main``) for speed; a few tests run the
installed ``deportsim`` script as a subprocess for a true end-to-end check.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from deportsim import api
from deportsim.cli.app import main
from deportsim.parameters import PARAMETERS_DIR, ParameterSet
from deportsim.store import save

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
SCENARIO_FIXTURES = BROKEN / "scenarios"
PARAMETER_FIXTURES = BROKEN / "parameters"
DEPORTSIM = Path(sys.executable).parent / "deportsim"
PREFIX = "deportsim: error: "
FAST = ("--replicates", "2", "--years", "0.1")

# one name that must appear in the message, or a tuple of names of which one must appear
Name = str | tuple[str, ...]
Repair = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Expect:
    """What the error for one broken fixture must say."""

    line: int  # 1-based line the message must name (the offending key or value)
    snippet: str  # text on that line of the fixture: keeps this table honest
    names: tuple[Name, ...] = ()  # parameter path / key / value the message must name
    repair: Repair | None = ()  # (old, new) edits that make the fixture valid; None: cannot


# --------------------------------------------------------------------------------------------
# Scenario fixtures. Overrides 0-3 of every fixture are arrests.target_per_day,
# arrests.cooperation.REST, detention.bed_capacity and courts.new_cases. Errors in an override's
# structure may name either the key path (overrides.2.value) or the override's parameter path.
# --------------------------------------------------------------------------------------------
_SOURCES = (
    "policy_sources:\n"
    "  - publisher: The White House\n"
    "    title: Goal of at least 3,000 ICE arrests a day, as reported in coverage\n"
    "    date: 2025-05\n"
)
SCENARIO_CASES: dict[str, Expect] = {
    "malformed_yaml": Expect(
        28,
        "Contracted capacity: 62,913",
        ("YAML",),
        (("Contracted capacity: 62,913", "Contracted capacity of 62,913"),),
    ),
    "duplicate_key": Expect(  # the second `value`; the first is on line 26
        28,
        "value: 75000",
        ("duplicate", ("overrides.2.value", "detention.bed_capacity")),
        (("    value: 75000\n", ""),),
    ),
    "unknown_key": Expect(
        33, "untill:", ("untill", ("overrides.3", "courts.new_cases")), (("untill:", "until:"),)
    ),
    "wrong_type": Expect(
        26,
        "value: 62,913",
        (("overrides.2.value", "detention.bed_capacity"),),
        (("value: 62,913", "value: 62913"),),
    ),
    "bad_date": Expect(
        27,
        "from: 2025-02-30",
        (("overrides.2.from", "detention.bed_capacity"),),
        (("from: 2025-02-30", "from: 2025-04-01"),),
    ),
    "unknown_path": Expect(
        25,
        "path: detention.bed_capcity",
        ("detention.bed_capcity", "did you mean", "detention.bed_capacity"),
        (("bed_capcity", "bed_capacity"),),
    ),
    "unit_mismatch": Expect(  # the `unit: days` line, not the override's `path:` line (25)
        27,
        "unit: days",
        ("detention.bed_capacity", "days"),
        (("    unit: days\n", ""),),
    ),
    "unknown_unit": Expect(  # the `unit:` line, not the override's `path:` line (29)
        31,
        "unit: cases per year",
        ("courts.new_cases", "cases per year"),
        (("cases per year", "cases/year"),),
    ),
    "negative_capacity": Expect(  # the `value:` line, not the override's `path:` line (25)
        26,
        "value: -62913",
        ("detention.bed_capacity", "-62913"),
        (("value: -62913", "value: 62913"),),
    ),
    "probability_out_of_range": Expect(  # the `value:` line, not the `path:` line (21)
        22,
        "value: 1.5",
        ("arrests.cooperation.REST", "1.5"),
        (("value: 1.5", "value: 0.95"),),
    ),
    "missing_source": Expect(  # a missing key has no line: the enclosing (top) mapping starts here
        2,
        "name: broken-missing-source",
        ("policy_sources",),
        (("start: 2025-01-20\n", _SOURCES + "start: 2025-01-20\n"),),
    ),
    "missing_source_empty": Expect(
        7, "policy_sources: []", ("policy_sources",), (("policy_sources: []\n", _SOURCES),)
    ),
    "person_level_key": Expect(
        29, "date_of_birth:", ("date_of_birth",), (("    date_of_birth: 1988-04-12\n", ""),)
    ),
    "person_level_value": Expect(
        28,
        "A123456789",
        (("overrides.2.note", "detention.bed_capacity"),),
        (("the file of detainee A123456789", "the contract list"),),
    ),
    "unknown_region": Expect(
        21,
        "path: arrests.cooperation.XX",
        ("arrests.cooperation.XX",),
        (("cooperation.XX", "cooperation.REST"),),
    ),
    "anchors_aliases": Expect(  # the anchor's line; the alias is on line 24
        20,
        "&goal",
        (("anchor", "alias"),),
        (("&goal ", ""), ("note: *goal", "note: 287(g) agreements expanded.")),
    ),
    "extends_unknown": Expect(
        15,
        "extends: baseline-fy2023",
        ("extends", "baseline-fy2023"),
        (("baseline-fy2023", "baseline-fy2024"),),
    ),
    "until_before_from": Expect(  # the `until:` line, not the override's `path:` line (29)
        33,
        "until: 2025-01-01",
        ("courts.new_cases", "until"),
        (("until: 2025-01-01", "until: 2027-01-01"),),
    ),
    "empty_file": Expect(1, "# BROKEN (empty_file)", (), None),
    # stored as UTF-8 (valid); the test writes it re-encoded as Latin-1, so 'ó' becomes byte 0xF3
    "not_utf8": Expect(28, "Detención", ("UTF-8",), ()),
}

# --------------------------------------------------------------------------------------------
# Parameter fixtures: an extra stage with hold_rooms (line 4), overflow_beds (line 17) and
# jail_cooperation (line 33, by region). The message must name the parameter.
# --------------------------------------------------------------------------------------------
_SOURCE = (
    "    source:\n"
    "      publisher: U.S. Immigration and Customs Enforcement\n"
    "      title: ICE Detention Statistics FY2025 (FY25_detentionStats09242025.xlsx)\n"
    "      date: 2025-09-24\n"
)
_SOURCE_FIX = _SOURCE + "    uncertainty:\n      distribution: triangular\n      low: 3000"
_RANGE_FIX = (
    "    uncertainty:\n"
    "      distribution: uniform\n"
    "      low: 1000\n"
    "      high: 1400\n"
    "  overflow_beds:\n"
)
PARAMETER_CASES: dict[str, Expect] = {
    "missing_source": Expect(  # a missing key has no line: the parameter's own line
        17,
        "overflow_beds:",
        ("overflow_beds", "source"),
        (("    uncertainty:\n      distribution: triangular\n      low: 3000", _SOURCE_FIX),),
    ),
    "assumption_without_range": Expect(  # a missing key has no line: the parameter's own line
        4,
        "hold_rooms:",
        ("hold_rooms", "uncertainty"),
        (("  overflow_beds:\n", _RANGE_FIX),),
    ),
    "unknown_unit": Expect(
        19, "unit: bed", ("overflow_beds", "unit"), (("unit: bed\n", "unit: beds\n"),)
    ),
    "duplicate_key": Expect(  # the second 2023-10-01; the first is on line 21
        22,
        "2023-10-01: 9000",
        ("overflow_beds", "2023-10-01"),
        (("2023-10-01: 9000", "2025-04-01: 9000"),),
    ),
    "unknown_key": Expect(
        29, "uncertainity:", ("overflow_beds", "uncertainity"), (("uncertainity:", "uncertainty:"),)
    ),
    "wrong_type": Expect(
        22,
        "2025-04-01: 9,000",
        ("overflow_beds", "2025-04-01"),
        (("2025-04-01: 9,000", "2025-04-01: 9000"),),
    ),
    "bad_date": Expect(
        22,
        "2025-02-30: 9000",
        ("overflow_beds", "2025-02-30"),
        (("2025-02-30: 9000", "2025-04-01: 9000"),),
    ),
    "negative_capacity": Expect(
        22,
        "2025-04-01: -9000",
        ("overflow_beds", "-9000"),
        (("2025-04-01: -9000", "2025-04-01: 9000"),),
    ),
    "probability_out_of_range": Expect(
        38,
        "REST: 1.15",
        ("jail_cooperation", "REST", "1.15"),
        (("REST: 1.15}", "REST: 0.85}"),),
    ),
    "missing_region": Expect(
        38,
        "MIA: 0.95, REST",
        ("jail_cooperation", "DC"),
        (("MIA: 0.95, REST", "MIA: 0.95, DC: 0.4, REST"),),
    ),
    "source_bad_date": Expect(
        26, "date: 2025-13", ("overflow_beds", "date"), (("date: 2025-13\n", "date: 2025-09\n"),)
    ),
    "uncertainty_low_above_high": Expect(  # a relation of two keys: the enclosing block's line
        29,
        "uncertainty:",
        ("overflow_beds", "uncertainty"),
        (("low: 12000\n      high: 3000", "low: 3000\n      high: 12000"),),
    ),
    "person_level": Expect(
        28,
        "a_number:",
        ("overflow_beds", "a_number"),
        (("a_number: A123456789", "url: https://www.ice.gov/detain/detention-management"),),
    ),
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """Exit code and captured output of one command."""

    code: object
    out: str
    err: str


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> Outcome:
    """Call the command line in-process; it always ends with SystemExit."""
    capsys.readouterr()  # drop anything printed before
    with pytest.raises(SystemExit) as exc:
        main(args)
    captured = capsys.readouterr()
    return Outcome(exc.value.code, captured.out, captured.err)


def run_exe(args: list[str], cwd: Path) -> Outcome:
    """Run the installed ``deportsim`` script as a subprocess."""
    assert DEPORTSIM.is_file(), f"the deportsim script is not installed at {DEPORTSIM}"
    proc = subprocess.run(
        [str(DEPORTSIM), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def _has(text: str, name: Name) -> bool:
    return any(n in text for n in name) if isinstance(name, tuple) else name in text


def assert_user_error(
    res: Outcome,
    out_dir: Path,
    *,
    file: str | None = None,
    line: int | None = None,
    names: tuple[Name, ...] = (),
) -> str:
    """Check the contract for a user error and return the one stderr line."""
    assert "Traceback" not in res.err, f"a user error showed a traceback:\n{res.err}"
    assert res.code == 2, f"exit code {res.code!r}, expected 2; stderr:\n{res.err}"
    lines = res.err.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{res.err}"
    msg = lines[0]
    assert msg.strip(), "the stderr line is empty"
    assert res.err.endswith("\n"), f"the stderr line is not terminated: {res.err!r}"
    assert msg.startswith(PREFIX), f"stderr does not start with {PREFIX!r}: {msg!r}"
    if file is not None:
        assert file in msg, f"the message does not name the file {file!r}: {msg!r}"
    if line is not None:
        where = rf"{re.escape(file or '')}:{line}(?!\d)"
        found = re.search(rf"{re.escape(file or '')}:(\d+)", msg)
        assert re.search(where, msg), (
            f"the message does not point at line {line} of {file} "
            f"(it gives {'line ' + found.group(1) if found else 'no line'}): {msg!r}"
        )
    for name in names:
        assert _has(msg, name), f"the message does not name {name!r}: {msg!r}"
    assert res.out == "", f"stdout is not empty after a user error: {res.out!r}"
    assert not out_dir.exists(), (
        f"the output folder was created after a user error: {sorted(out_dir.rglob('*'))}"
    )
    return msg


def fixture_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def check_table_entry(path: Path, expect: Expect) -> None:
    """The table's line really holds the snippet, and the file starts with the defect comment."""
    lines = fixture_text(path).splitlines()
    assert lines, f"{path.name} is empty"
    assert lines[0].startswith(f"# BROKEN ({path.stem}): "), (
        f"{path.name} must start with '# BROKEN ({path.stem}): <what is wrong>'"
    )
    assert 1 <= expect.line <= len(lines), f"line {expect.line} is beyond the end of {path.name}"
    assert expect.snippet in lines[expect.line - 1], (
        f"the table expects {expect.snippet!r} on line {expect.line} of {path.name}, "
        f"found {lines[expect.line - 1]!r}"
    )


def materialise_scenario(kind: str, tmp_path: Path) -> Path:
    """The scenario file to run: the fixture itself, or a Latin-1 copy for ``not_utf8``."""
    path = SCENARIO_FIXTURES / f"{kind}.yaml"
    if kind != "not_utf8":
        return path
    copy = tmp_path / path.name
    copy.write_bytes(fixture_text(path).encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):  # the copy really is not UTF-8
        copy.read_bytes().decode("utf-8")
    return copy


def repaired(text: str, repair: Repair) -> str:
    """Apply the repair edits below the fixture's first-line comment."""
    head, body = text.split("\n", 1)
    for old, new in repair:
        assert body.count(old) == 1, f"repair text {old!r} must occur exactly once"
        body = body.replace(old, new)
    return f"{head}\n{body}"


def parameter_dir(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the built-in parameters plus the extra stage ``name`` listed in index.yaml."""
    pdir = tmp_path / "parameters"
    pdir.mkdir()
    for src in PARAMETERS_DIR.glob("*.yaml"):
        shutil.copyfile(src, pdir / src.name)
    (pdir / f"{name}.yaml").write_text(text, encoding="utf-8")
    index = pdir / "index.yaml"
    body = index.read_text(encoding="utf-8")
    assert re.search(r"^files:\n(?:  \S.*\n)+\Z", body, re.MULTILINE), (
        "index.yaml no longer ends with its `files:` block; update parameter_dir()"
    )
    index.write_text(body + f"  {name}: deliberately broken stage for tests/cli/test_errors.py\n")
    return pdir


# --------------------------------------------------------------------------------------------
# the tables match the fixture folders
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("folder", "table"),
    [(SCENARIO_FIXTURES, SCENARIO_CASES), (PARAMETER_FIXTURES, PARAMETER_CASES)],
    ids=["scenarios", "parameters"],
)
def test_every_fixture_has_a_table_entry(folder: Path, table: dict[str, Expect]) -> None:
    on_disk = {p.stem for p in folder.glob("*.yaml")}
    assert on_disk == set(table), (
        f"fixtures without a table entry: {sorted(on_disk - set(table))}; "
        f"table entries without a fixture: {sorted(set(table) - on_disk)}"
    )


# --------------------------------------------------------------------------------------------
# broken scenario files
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(SCENARIO_CASES))
def test_broken_scenario_is_one_clear_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expect = SCENARIO_CASES[kind]
    check_table_entry(SCENARIO_FIXTURES / f"{kind}.yaml", expect)
    scenario = materialise_scenario(kind, tmp_path)
    out = tmp_path / "out"
    res = run_cli(["run", str(scenario), *FAST, "--out", str(out)], capsys)
    assert_user_error(res, out, file=scenario.name, line=expect.line, names=expect.names)


@pytest.mark.parametrize(
    "kind", sorted(k for k, e in SCENARIO_CASES.items() if e.repair is not None)
)
def test_scenario_repaired_fixture_is_valid(kind: str, tmp_path: Path) -> None:
    """Undoing the one defect gives a valid scenario: the fixture has no second defect."""
    repair = SCENARIO_CASES[kind].repair
    assert repair is not None
    fixed = tmp_path / f"{kind}.yaml"
    fixed.write_text(repaired(fixture_text(SCENARIO_FIXTURES / fixed.name), repair), "utf-8")
    prep = api.prepare(api.RunConfig(scenario=str(fixed), replicates=2, years=0.1))
    assert prep.scenario.overrides, f"the repaired {kind} scenario has no overrides"


# --------------------------------------------------------------------------------------------
# broken parameter files
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(PARAMETER_CASES))
def test_broken_parameter_file_is_one_clear_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expect = PARAMETER_CASES[kind]
    fixture = PARAMETER_FIXTURES / f"{kind}.yaml"
    check_table_entry(fixture, expect)
    pdir = parameter_dir(tmp_path, kind, fixture_text(fixture))
    out = tmp_path / "out"
    res = run_cli(
        ["run", "baseline-fy2024", "--parameters", str(pdir), *FAST, "--out", str(out)], capsys
    )
    assert_user_error(res, out, file=fixture.name, line=expect.line, names=expect.names)


@pytest.mark.parametrize("kind", sorted(PARAMETER_CASES))
def test_parameter_repaired_fixture_is_valid(kind: str, tmp_path: Path) -> None:
    """Undoing the one defect gives a valid stage: the fixture has no second defect."""
    repair = PARAMETER_CASES[kind].repair
    assert repair is not None
    text = repaired(fixture_text(PARAMETER_FIXTURES / f"{kind}.yaml"), repair)
    pdir = parameter_dir(tmp_path, kind, text)
    prep = api.prepare(
        api.RunConfig(scenario="baseline-fy2024", replicates=2, years=0.1, parameters=pdir)
    )
    stage = {p for p in prep.params.parameters if p.startswith(f"{kind}.")}
    assert stage == {f"{kind}.hold_rooms", f"{kind}.overflow_beds", f"{kind}.jail_cooperation"}


def test_extra_stage_harness_runs_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy-and-extend harness itself produces a working parameter folder."""
    fixture = PARAMETER_FIXTURES / "negative_capacity.yaml"
    text = repaired(fixture_text(fixture), PARAMETER_CASES["negative_capacity"].repair or ())
    pdir = parameter_dir(tmp_path, "negative_capacity", text)
    out = tmp_path / "out"
    res = run_cli(
        ["run", "baseline-fy2024", "--parameters", str(pdir), *FAST, "--out", str(out)], capsys
    )
    assert res.code == 0, f"exit code {res.code!r}; stderr:\n{res.err}"
    assert (out / "summary.json").is_file(), "a valid run did not write summary.json"


# --------------------------------------------------------------------------------------------
# --set
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetExpect:
    """What the error for one bad ``--set`` must say."""

    text: str  # the --set argument
    place: str | None  # the path the message is about ("--set: <place>: ..."); None: no path
    says: tuple[str, ...]  # the kind of mistake, and what the user should have given instead


SET_CASES: dict[str, SetExpect] = {
    "unknown_path": SetExpect(
        "detention.bed_capcity=5000",
        "detention.bed_capcity",
        ("unknown parameter path", "did you mean detention.bed_capacity", "`deportsim params`"),
    ),
    "malformed": SetExpect(
        "detention.bed_capacity", None, ("expected PATH=VALUE, got 'detention.bed_capacity'",)
    ),
    "unit_mismatch": SetExpect(
        "detention.bed_capacity=5 days",
        "detention.bed_capacity",
        ("unit mismatch", "cannot convert 'days' to 'beds'", "parameter unit is 'beds'"),
    ),
    "unknown_unit": SetExpect(
        "detention.bed_capacity=5 bedz",
        "detention.bed_capacity",
        ("unknown unit 'bedz'", "did you mean beds", "parameter unit is 'beds'"),
    ),
    "negative": SetExpect(
        "detention.bed_capacity=-5",
        "detention.bed_capacity",
        ("negative capacity or count -5 is not allowed",),
    ),
    "probability": SetExpect(
        "arrests.book_in_probability=1.5",
        "arrests.book_in_probability",
        ("probability 1.5 is outside [0, 1]",),
    ),
    "unknown_region": SetExpect(
        "arrests.cooperation.XX=0.5",
        "arrests.cooperation.XX",
        ("unknown region 'XX'", "regions are {regions}"),
    ),
    "wrong_type": SetExpect(
        "detention.bed_capacity=lots", "detention.bed_capacity", ("expected a number, got 'lots'",)
    ),
}


@pytest.mark.parametrize("case", sorted(SET_CASES))
def test_bad_set_is_one_clear_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], params: ParameterSet
) -> None:
    """Exit 2, one line, the place (``--set: PATH:``) first, then what is wrong with it."""
    expect = SET_CASES[case]
    out = tmp_path / "out"
    res = run_cli(
        ["run", "baseline-fy2024", *FAST, "--set", expect.text, "--out", str(out)], capsys
    )
    msg = assert_user_error(res, out)
    place = f"{PREFIX}--set: " + (f"{expect.place}: " if expect.place else "")
    assert msg.startswith(place), f"the message does not start with {place!r}: {msg!r}"
    regions = ", ".join(params.regions)
    for part in (p.replace("{regions}", regions) for p in expect.says):
        assert part in msg[len(place) :], f"the message does not say {part!r}: {msg!r}"


# --------------------------------------------------------------------------------------------
# command-line usage
# --------------------------------------------------------------------------------------------
USAGE_CASES: dict[str, tuple[list[str], tuple[Name, ...]]] = {
    "unknown_option": (["run", "--replicate", "5"], ("--replicate",)),
    "replicates_zero": (["run", "--replicates", "0"], ("--replicates",)),
    "replicates_not_a_number": (["run", "--replicates", "many"], ("--replicates",)),
    "years_zero": (["run", "--years", "0"], ("--years",)),
    "start_bad_month": (["run", "--start", "2025-13-01"], ("--start", "2025-13-01")),
    "unknown_scenario": (["run", "no-such-scenario"], ("no-such-scenario",)),
    "missing_scenario_file": (["run", "{tmp}/missing-scenario.yaml"], ("missing-scenario.yaml",)),
    "missing_parameters_folder": (
        ["run", "--parameters", "{tmp}/no-such-folder"],
        ("no-such-folder",),
    ),
    "unknown_command": (["frobnicate"], ("frobnicate",)),
}


@pytest.mark.parametrize("case", sorted(USAGE_CASES))
def test_usage_error_is_one_clear_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, names = USAGE_CASES[case]
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    out = tmp_path / "out"
    if args[0] == "run":
        args += ["--out", str(out)]
    res = run_cli(args, capsys)
    assert_user_error(res, out, names=names)


# --------------------------------------------------------------------------------------------
# end to end through the installed script
# --------------------------------------------------------------------------------------------
def test_exe_broken_scenario(tmp_path: Path) -> None:
    fixture = SCENARIO_FIXTURES / "malformed_yaml.yaml"
    out = tmp_path / "out"
    res = run_exe(["run", str(fixture), *FAST, "--out", str(out)], tmp_path)
    assert_user_error(res, out, file=fixture.name, line=28)


def test_exe_broken_parameter_file(tmp_path: Path) -> None:
    fixture = PARAMETER_FIXTURES / "negative_capacity.yaml"
    pdir = parameter_dir(tmp_path, "negative_capacity", fixture_text(fixture))
    out = tmp_path / "out"
    res = run_exe(
        ["run", "baseline-fy2024", "--parameters", str(pdir), *FAST, "--out", str(out)], tmp_path
    )
    assert_user_error(res, out, file=fixture.name, line=22, names=("overflow_beds",))


def test_exe_unknown_set_path_without_out(tmp_path: Path) -> None:
    """No --out: the default out/<scenario>/ (relative to the working folder) is not created."""
    res = run_exe(["run", *FAST, "--set", "arrests.target_per_dya=5"], tmp_path)
    msg = assert_user_error(res, tmp_path / "out")
    place = f"{PREFIX}--set: arrests.target_per_dya: unknown parameter path"
    assert msg.startswith(place), f"the message does not start with {place!r}: {msg!r}"
    assert "did you mean arrests.target_per_day" in msg, msg
    assert list(tmp_path.iterdir()) == [], f"files appeared: {list(tmp_path.iterdir())}"


# --------------------------------------------------------------------------------------------
# internal errors and existing results
# --------------------------------------------------------------------------------------------
def test_internal_error_exits_1_with_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("deliberate failure inside the model")

    monkeypatch.setattr(save, "execute", boom)  # the run the CLI reaches through the API
    res = run_cli(["run", "baseline-fy2024", *FAST, "--out", str(tmp_path / "out")], capsys)
    assert res.code == 1, f"exit code {res.code!r} for an internal error, expected 1:\n{res.err}"
    assert "Traceback" in res.err, f"an internal error must show its traceback:\n{res.err}"
    assert "RuntimeError: deliberate failure inside the model" in res.err, res.err
    assert "internal error" in res.err.splitlines()[-1], res.err


_PREVIOUS = {
    "summary.json": b'{"scenario": "previous-run", "replicates": 7}\n',
    "manifest.json": b'{"status": "complete"}\n',
    "timeseries.parquet": b"PAR1 previous results PAR1",
    "notes.txt": b"a file of the user's own\n",
}


@pytest.mark.parametrize(
    "bad_args",
    [
        [str(SCENARIO_FIXTURES / "negative_capacity.yaml")],
        ["baseline-fy2024", "--set", "detention.bed_capacity=-5"],
        ["baseline-fy2024", "--replicates", "0"],
    ],
    ids=["scenario", "set", "option"],
)
def test_bad_input_leaves_previous_results_untouched(
    bad_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in _PREVIOUS.items():
        (out / name).write_bytes(data)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    fast = [] if "--replicates" in bad_args else ["--replicates", "2"]
    res = run_cli(["run", *bad_args, *fast, "--years", "0.1", "--out", str(out)], capsys)
    assert res.code == 2, f"exit code {res.code!r}, expected 2:\n{res.err}"
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert after == before, (
        f"a failed run changed the previous results: before {sorted(before)}, after {sorted(after)}"
    )


def test_dated_override_of_a_start_only_parameter_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "name: late\n"
        "title: A late change to a starting stock\n"
        "description: Changes the initial court backlog a year into the run.\n"
        "policy_sources:\n"
        "  - {publisher: Test, title: A test policy, date: 2026}\n"
        "extends: directive-2025\n"
        "overrides:\n"
        "  - path: courts.initial_backlog\n"
        "    value: 1000000\n"
        "    from: 2026-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as info:
        main(["run", str(path), "--start", "2025-01-20", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2
    assert err.count("\n") == 0, err
    assert "late.yaml:8: courts.initial_backlog" in err
    assert "read only on the first day" in err
    assert not (tmp_path / "out").exists()


def test_params_names_the_scenario_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["params", "--scenario", "nosuch"])
    assert info.value.code == 2
    assert "<command line>: --scenario: unknown scenario 'nosuch'" in capsys.readouterr().err
