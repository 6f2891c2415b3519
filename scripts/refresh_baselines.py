"""Rewrite the committed regression baselines (tests/baselines/*.json).

Run this only on purpose, when a change to the model is meant to change results, and say in
CHANGELOG.md what changed and why:

    .venv/bin/python scripts/refresh_baselines.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from baseline_cases import CASES, summary_for  # noqa: E402


def main() -> None:
    """Write one JSON file per case."""
    out = ROOT / "tests" / "baselines"
    out.mkdir(exist_ok=True)
    for name in CASES:
        path = out / f"{name}.json"
        path.write_text(
            json.dumps(summary_for(name), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"wrote {path.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main()
