"""The fuzz log is counted right, and a broken contract is noticed (``make fuzz``'s table)."""

from __future__ import annotations

import json

from fuzz.tally import broken, table, tally


def _line(kind: str, code: int, **extra: object) -> str:
    entry = {"kind": kind, "code": code, "traceback": False, "lines": 1, "touched": False,
             "impossible": 0, **extra}  # fmt: skip
    return json.dumps(entry)


def test_counts_by_kind_and_in_total() -> None:
    counts = tally([_line("a", 0, lines=0), _line("a", 2), _line("b", 2), _line("b", 2)])
    assert counts["a"]["exit 0"] == 1
    assert counts["a"]["exit 2"] == 1
    assert counts["b"]["examples"] == 2
    assert broken(counts) == 0
    text = table(counts)
    assert "| a | 2 | 1 | 1 | 0 |" in text
    assert "| **all** | 4 | 1 | 3 | 0 |" in text


def test_every_breach_of_the_contract_counts() -> None:
    counts = tally(
        [
            _line("a", 1, traceback=True, lines=30),  # internal error: exit, traceback, lines
            _line("a", 2, touched=True),
            _line("a", 0, impossible=3),
        ]
    )
    assert broken(counts) == 5
