"""Count what the fuzz examples did, by kind: ``python tests/fuzz/tally.py LOG`` prints a table.

``LOG`` is the file ``make fuzz`` has the tests write (one JSON line per example, see
``contract.record``). The exit code is 1 when any example broke the contract.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

COLUMNS = (
    "examples", "exit 0", "exit 2", "other exits", "tracebacks", "errors over one line",
    "outputs touched", "impossible results at exit 0",
)  # fmt: skip


def tally(lines: list[str]) -> dict[str, Counter[str]]:
    """Per kind of input, how many examples ended each way."""
    counts: dict[str, Counter[str]] = {}
    for line in lines:
        e = json.loads(line)
        c = counts.setdefault(e["kind"], Counter())
        c["examples"] += 1
        code = e["code"]
        c["exit 0" if code == 0 else "exit 2" if code == 2 else "other exits"] += 1
        c["tracebacks"] += e["traceback"]
        c["errors over one line"] += code != 0 and e["lines"] != 1
        c["outputs touched"] += e["touched"]
        c["impossible results at exit 0"] += e["impossible"] > 0
    return counts


def table(counts: dict[str, Counter[str]]) -> str:
    """A Markdown table, one row per kind and a total."""
    total: Counter[str] = sum(counts.values(), Counter())
    rows = [*sorted(counts.items()), ("**all**", total)]
    out = ["| input | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    out += [f"| {k} | " + " | ".join(f"{c[col]:,}" for col in COLUMNS) + " |" for k, c in rows]
    return "\n".join(out)


def broken(counts: dict[str, Counter[str]]) -> int:
    """Examples that broke the contract."""
    bad = ("other exits", "tracebacks", "errors over one line", "outputs touched",
           "impossible results at exit 0")  # fmt: skip
    return sum(c[col] for c in counts.values() for col in bad)


def main(argv: list[str]) -> int:
    """Print the table of the log named in ``argv``; 1 if any example broke the contract."""
    counts = tally(Path(argv[0]).read_text(encoding="utf-8").splitlines())
    print(table(counts))  # noqa: T201 - the table is this script's output
    return 1 if broken(counts) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
