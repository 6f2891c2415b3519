"""The pure parts of scripts/regenerate_docs.py: no deportsim command is run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "regenerate_docs", ROOT / "scripts/regenerate_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


RUN_OUTPUT = """baseline-fy2024: 5 replicates from 2026-04-01, 400 days
│ arrests_total  │ 2,345 │ 2,000 – 2,500 │
│ removals_total │ 1,234 │ 1,000 – 1,500 │
│ cost_total_usd │ $1.2B │ $1.0B – $1.5B │
│ detained_mean  │   345 │     300 – 400 │
Recorded in the catalog as run 20261207-024930-1ecfc9 (deportsim runs show 20261207-024930-1ecfc9)
Report in /tmp/x/report.html, with 9 charts as PNG files beside it
Results in /tmp/x/ (summary.json)
"""


def test_chosen_lines_are_kept_and_stale_ones_refreshed(regen: ModuleType) -> None:
    shown = [
        "baseline-fy2024: 5 replicates from 2026-04-01, 365 days",  # stale
        "removals_total",  # a fragment still printed: kept as it is
        "Recorded in the catalog as run",  # the steady part of a line with a run id
        "Report in /tmp/x/report.html, with 8 charts as PNG files beside it",  # stale
    ]
    assert regen.refresh_lines(shown, RUN_OUTPUT) == [
        "baseline-fy2024: 5 replicates from 2026-04-01, 400 days",
        "removals_total",
        "Recorded in the catalog as run",
        "Report in /tmp/x/report.html, with 9 charts as PNG files beside it",
    ]


def test_a_block_showing_the_whole_output_gets_the_whole_new_output(regen: ModuleType) -> None:
    output = "a  first\nb  second\nc  third\nd  fourth\ne  fifth\n"
    shown = ["a  first", "b  old", "c  third", "d  fourth"]  # 4 of 5 lines: the whole output
    assert regen.refresh_lines(shown, output) == output.splitlines()


def test_run_ids_and_times_are_left_out(regen: ModuleType) -> None:
    line = "20261207-024930-1ecfc9  run   baseline-fy2024  complete  2026-12-07 02:49:30  8.7 s"
    assert regen.steady(line) == "run   baseline-fy2024  complete"
    assert regen.steady("no volatile part here ") == "no volatile part here"


def test_a_block_is_rendered_with_its_commands_and_exit_codes(regen: ModuleType) -> None:
    examples = regen.test_docs.parse_block("$ deportsim x\n# exit 2\nold\n$ deportsim y\n", "f.md")
    assert regen.render_block(examples, [["new"], ["y out"]]) == (
        "$ deportsim x\n# exit 2\nnew\n$ deportsim y\ny out\n"
    )


SUMMARIES = {
    "a": {"metrics": {"m": {"unit": "persons", "p50": 494_009.0, "mean": 38_341.4}}},
    "b": {"metrics": {"m": {"unit": "persons", "p50": 400_000.0, "mean": 1.0}}},
    "c": {"metrics": {"cost": {"unit": "USD", "p50": 3.72e9}}},
}


def test_markers_are_refreshed_and_stay_comments(regen: ModuleType) -> None:
    text = (
        "about <!-- run: a.m~3 -->1<!-- /run --> and <!-- run: a.m.mean -->2<!-- /run -->,"
        " <!-- run: a.m - b.m -->3<!-- /run -->, <!-- run: c.cost -->4<!-- /run -->;"
        " takes <!-- time: a -->under a minute<!-- /time --> and"
        " <!-- time: unknown -->kept<!-- /time -->\n"
        "<!-- output: a lines=2 -->\n```text\nold\n```\n"
    )
    new = regen.replace_markers(text, SUMMARIES, {"a": 312.0}, {"a": "one\ntwo\nthree\n"})
    assert new == (
        "about <!-- run: a.m~3 -->494,000<!-- /run --> and <!-- run: a.m.mean -->38,341<!-- /run"
        " -->, <!-- run: a.m - b.m -->94,009<!-- /run -->, <!-- run: c.cost -->$3.7B<!-- /run -->;"
        " takes <!-- time: a -->about 5 minutes<!-- /time --> and"
        " <!-- time: unknown -->kept<!-- /time -->\n"
        "<!-- output: a lines=2 -->\n```text\none\ntwo\n```\n"
    )
    assert regen.replace_markers(new, SUMMARIES, {"a": 312.0}, {"a": "one\ntwo\n"}) == new


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (8.4, "about 8 seconds"),
        (73, "about 75 seconds"),
        (100, "about 1.5 minutes"),
        (400, "about 7 minutes"),
    ],
)
def test_durations_read_well(regen: ModuleType, seconds: float, text: str) -> None:
    assert regen.duration_text(seconds) == text


def test_check_lists_the_blocks_and_markers_that_would_change(regen: ModuleType) -> None:
    old = "```console\n$ deportsim a\nold\n```\n<!-- run: a.m -->1<!-- /run -->\n"
    assert regen.changed_blocks(old, old, "f.md") == []
    new = old.replace("old", "new").replace("-->1<", "-->2<")
    assert regen.changed_blocks(old, new, "f.md") == [
        "f.md: console block `deportsim a`",
        "f.md: run marker a.m",
    ]


def test_the_timing_section_is_created_then_replaced_and_read_back(regen: ModuleType) -> None:
    section = regen.timing_section([("README.md", "deportsim x | y", 1.25)], 2, "2026-12-07")
    text = regen.replace_section("# Performance\n\nIntro.\n", section)
    assert text.startswith("# Performance\n\nIntro.\n\n## Documentation examples: run times\n")
    assert regen.recorded_seconds(text) == {"deportsim x | y": 1.2}
    later = regen.replace_section(text + "\n## After\n\nkept\n", section.replace("1.2 |", "3.0 |"))
    assert regen.recorded_seconds(later) == {"deportsim x | y": 3.0}
    assert later.endswith("## After\n\nkept\n")


CLAIMS = {
    "c": {
        "arrests": {
            "id": "arrests", "unit": "persons/day", "verdict": "not_supported",
            "binding_constraint": "reachable_population", "explanation": "About 1,939 a day.",
            "result": {"p05": 1678.6, "p50": 1938.6, "p95": 2161.7},
            "details": {"first_year": {"p50": 1245.48}},
        },
        "share": {
            "id": "share", "unit": "share", "verdict": "supported", "binding_constraint": None,
            "explanation": "", "result": {"p05": 0.7228, "p50": 0.7973, "p95": 0.8544},
        },
    }
}  # fmt: skip


def test_claim_markers_read_claims_json(regen: ModuleType) -> None:
    text = (
        "<!-- claim: c.arrests.result.p50~2 -->1,960<!-- /claim --> a day, "
        "<!-- claim: c.arrests.details.first_year.p50 -->1,200<!-- /claim --> first; "
        "<!-- claim: c.share.result.p05 -->70%<!-- /claim -->; "
        "> <!-- claim: c.arrests.explanation --><!-- /claim -->\n"
        "<!-- claim: c.missing.result.p50 -->kept<!-- /claim -->\n"
    )
    new = regen.replace_markers(text, {}, {}, {}, CLAIMS)
    assert new == (
        "<!-- claim: c.arrests.result.p50~2 -->1,900<!-- /claim --> a day, "
        "<!-- claim: c.arrests.details.first_year.p50 -->1,245<!-- /claim --> first; "
        "<!-- claim: c.share.result.p05 -->72%<!-- /claim -->; "
        "> <!-- claim: c.arrests.explanation -->About 1,939 a day.<!-- /claim -->\n"
        "<!-- claim: c.missing.result.p50 -->kept<!-- /claim -->\n"
    )
    assert regen.changed_blocks(text, new, "g.md")[0] == "g.md: claim marker c.arrests.result.p50~2"


def test_a_claims_marker_becomes_the_verdicts_table(regen: ModuleType) -> None:
    text = "before\n<!-- claims: c -->\n| old |\n<!-- /claims -->\nafter\n"
    new = regen.replace_markers(text, {}, {}, {}, CLAIMS)
    assert new == (
        "before\n<!-- claims: c -->\n"
        "| claim | verdict | model: median (90% interval) | binds |\n"
        "|---|---|---|---|\n"
        "| `arrests` | not supported | 1,939 (1,679 to 2,162) persons/day "
        "| reachable population |\n"
        "| `share` | supported | 79.7% (72.3% to 85.4%) |  |\n"
        "<!-- /claims -->\nafter\n"
    )
