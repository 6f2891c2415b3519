"""Fixed-seed regression: results change only when someone means them to.

If this fails after a deliberate model change, run ``scripts/refresh_baselines.py``, commit the
new baselines and explain the change in CHANGELOG.md. If it fails otherwise, something changed
the numbers by accident (a new random draw order, a unit slip, a library upgrade).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from baseline_cases import CASES, summary_for

BASELINES = Path(__file__).parent.parent / "baselines"


@pytest.mark.parametrize("name", sorted(CASES))
def test_summary_matches_committed_baseline(name: str) -> None:
    expected = json.loads((BASELINES / f"{name}.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(summary_for(name)))
    changed = [
        f"{metric}: {expected['metrics'][metric]} -> {actual['metrics'].get(metric)}"
        for metric in expected["metrics"]
        if expected["metrics"][metric] != actual["metrics"].get(metric)
    ]
    assert not changed, "results changed against the committed baseline:\n" + "\n".join(changed)
    assert set(actual["metrics"]) == set(expected["metrics"]), "metrics were added or removed"
