"""Fuzzed inputs keep the contract (tests/fuzz/contract.py): exit 0 with possible results, or
exit 2 with one line and nothing touched; never an internal error.

``make test`` runs a small, fixed set of examples (Hypothesis derandomized, so CI sees the same
ones every time); ``make fuzz`` runs ``DEPORTSIM_FUZZ_EXAMPLES`` (default there: 10,000) random
ones per test and writes the counts to docs/reliability.md.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.contract import check, run_cli, snapshot
from fuzz.strategies import RUN_OPTIONS, scenario_document, set_value

EXAMPLES = int(os.environ.get("DEPORTSIM_FUZZ_EXAMPLES", "10"))
#: Fixed examples in the test suite; random ones in ``make fuzz``.
DERANDOMIZE = "DEPORTSIM_FUZZ_EXAMPLES" not in os.environ
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
#: Small runs: what is checked is the handling of inputs, not the model's numbers.
SMALL = ["--replicates", "1", "--years", "0.05", "--no-catalog"]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earlier complete run, copied into each example's output folder first."""
    folder = tmp_path_factory.mktemp("earlier") / "out"
    done = run_cli(["run", "baseline-fy2024", *SMALL, "--out", str(folder)])
    assert done.code == 0, done.err
    return folder


def _fresh(earlier: Path, root: Path) -> tuple[Path, dict[str, str]]:
    out = root / f"out-{len(list(root.iterdir()))}"
    shutil.copytree(earlier, out)
    return out, snapshot(out)


@FUZZ
@given(document=scenario_document())
def test_fuzzed_scenario_files(
    document: str, earlier: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("scenario")
    path = root / "fuzzed.yaml"
    path.write_text(document, encoding="utf-8", errors="surrogateescape")
    out, before = _fresh(earlier, root)
    check(
        run_cli(["run", str(path), *SMALL, "--out", str(out), "--overwrite"]),
        out,
        before,
        "scenario files",
    )


@FUZZ
@given(values=st.lists(set_value(), min_size=1, max_size=3))
def test_fuzzed_set_values(
    values: list[str], earlier: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("set")
    out, before = _fresh(earlier, root)
    sets = [a for v in values for a in ("--set", v)]
    check(
        run_cli(["run", "directive-2025", *SMALL, *sets, "--out", str(out), "--overwrite"]),
        out,
        before,
        "--set values",
    )


@FUZZ
@given(options=RUN_OPTIONS)
def test_fuzzed_run_options(
    options: list[str], earlier: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("options")
    out, before = _fresh(earlier, root)
    args = ["run", "baseline-fy2024", "--replicates", "1", "--years", "0.05", "--no-catalog"]
    check(run_cli([*args, *options, "--out", str(out), "--overwrite"]), out, before, "run options")
