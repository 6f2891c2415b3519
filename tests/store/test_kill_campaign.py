"""A few kills of benchmarks/kill_campaign.py, each checked against the invariants of issue 19.

Real ``deportsim run`` and ``sweep`` processes (the sweep on 2 worker processes), each killed
mid-way by SIGKILL, SIGINT or SIGTERM in a folder that holds a complete earlier result, then
followed by a small normal command of the same verb into that folder.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import kill_campaign as kc

VERBS = ("run", "sweep")
KILLS = list(itertools.product(VERBS, kc.SIGNALS))


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> kc.Setup:
    """The earlier complete results (quick profile) and the commands' durations."""
    return kc.prepare(tmp_path_factory.mktemp("kills"), "quick", only=VERBS)


def _kill(setup: kc.Setup, index: int) -> kc.Kill:
    """Kill ``index``: a fixed-seed delay in the middle of its command's run."""
    verb, sig = KILLS[index]
    fraction = np.random.default_rng(19).uniform(0.2, 0.5, len(KILLS))[index]
    return kc.Kill(index, verb, sig, round(fraction * setup.durations[verb], 3), seed=100 + index)


@pytest.mark.parametrize("index", range(len(KILLS)), ids=[f"{v}-{s}" for v, s in KILLS])
def test_a_killed_command_keeps_every_invariant(setup: kc.Setup, index: int) -> None:
    k = _kill(setup, index)
    o = kc.run_kill(k, setup)
    assert o.problems == [], o.problems
    # the same invariants, spelt out
    if o.returncode != 0:
        assert o.sent
        assert o.returncode == kc.EXPECTED[k.signal], o.stderr_tail
    else:  # it finished before the signal landed
        assert (o.new_complete, o.record) == (True, "complete")
    if k.signal != "SIGKILL" and o.returncode != 0:
        assert o.stderr_tail[-1].startswith("deportsim: interrupted"), o.stderr_tail
        assert not any("Traceback" in line for line in o.stderr_tail)
    assert o.false_complete == []
    assert o.earlier_lost == []
    assert o.processes_left == [], "the command's workers end with it"
    assert o.next_returncode == 0
    assert o.leftovers == [], "no partial folder or file after the next command"
    if not o.new_complete:
        assert o.record_after_next in {None, *kc.RECORDS[k.signal]}


def test_the_campaign_plan_is_fixed_by_its_seed(setup: kc.Setup) -> None:
    first, again = kc.plan(30, 1, setup), kc.plan(30, 1, setup)
    assert first == again
    assert {k.verb for k in first} == set(VERBS)
    assert {k.signal for k in first} == set(kc.SIGNALS)
    assert all(0 <= k.delay <= setup.durations[k.verb] for k in first)
    assert kc.plan(30, 2, setup) != first


def test_the_table_counts_what_was_broken() -> None:
    k = kc.Kill(0, "run", "SIGTERM", 1.0, seed=5)
    fine = kc.Outcome(k, sent=True, returncode=143, next_returncode=0, exit_s=0.2)
    lost = kc.Outcome(k, sent=True, returncode=143, next_returncode=0, exit_s=0.4)
    lost.earlier_lost, lost.problems = ["summary.json"], ["earlier result changed: summary.json"]
    [row, total] = kc.rows([fine, lost])
    assert (row["command"], row["signal"], row["kills"]) == ("run", "SIGTERM", 2)
    assert (row["exit_codes"], row["earlier_lost"], row["wrong_exit"]) == ("143 ×2", 1, 0)
    assert (row["max_exit_s"], total["kills"]) == (0.4, 2)
    assert "| run | SIGTERM | 2 | 143 ×2 |" in kc.markdown([row, total])
