"""Regenerate the examples of README.md, docs/tutorial.md, docs/guide.md and docs/economy.md.

Runs every ``console`` block's commands the way tests/test_docs.py does (its helpers are imported,
so both parse and run the blocks alike) and rewrites the output lines they show:

- a block that shows a command's whole output (its lines are at least
  :data:`FULL_SHARE` of the output's non-blank lines) gets the whole new output;
- a block that shows a few chosen lines keeps them: a line still printed is left as it is (even
  when it is only the start of a line, as ``removals_total`` for a table row), and a line no
  longer printed is replaced by the output line that starts with the most of its words.

Parts of a line that change from run to run (run ids, timestamps, wall times) are left out: a
line keeps its longest part without them, which is how the docs show them and how
tests/test_docs.py, which looks for each shown line inside the output, tolerates them.

Figures in the prose come from runs named in :data:`PROSE_RUNS`, through markers that do not show
in rendered Markdown:

- ``<!-- run: RUN.METRIC -->1,234<!-- /run -->``: the median (``p50``) of a metric in the run's
  summary.json, written as the CLI writes it (:func:`deportsim.views.formatting.metric_text`).
  ``RUN.METRIC.mean`` takes another statistic, ``A.METRIC - B.METRIC`` a difference, and a
  suffix ``~3`` rounds to three significant digits (``494,009`` gives ``494,000``);
- ``<!-- claim: RUN.ID.FIELD -->1,939<!-- /claim -->``: a field of claim ``ID`` in the run's
  claims.json (``result.p50``, ``details.first_year.p50``, ``explanation``, ...), a number
  written as the claims write it (shares as whole percentages), with the same ``~N`` suffix;
- ``<!-- claims: RUN -->`` ... ``<!-- /claims -->``: the run's verdicts as a Markdown table
  (claim, verdict, median and 90% interval, what binds);
- ``<!-- time: RUN -->about 9 seconds<!-- /time -->``: the run's measured wall time;
- ``<!-- output: RUN lines=10 -->`` just before a fenced block: the block holds the first 10
  lines of the run's output.

Every command's wall time goes into docs/performance.md, section "Documentation examples: run
times". Usage::

    .venv/bin/python scripts/regenerate_docs.py              # rewrite the docs
    .venv/bin/python scripts/regenerate_docs.py --check      # exit 1 listing what would change
    .venv/bin/python scripts/regenerate_docs.py --skip-slow  # reuse the recorded slow timings

``--check`` compares the console blocks, ``run`` and ``output`` markers only: wall times differ
from one run to the next. Runs write to /tmp/deportsim-docs (emptied first, as the tests do) and
record themselves in the run catalog, as the docs' readers' runs do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deportsim.report.bottom_line import claim_interval, claim_number
from deportsim.views.formatting import metric_text

ROOT = Path(__file__).resolve().parent.parent
FILES = ("README.md", "docs/tutorial.md", "docs/guide.md", "docs/economy.md")
PERFORMANCE = ROOT / "docs" / "performance.md"
SECTION = "## Documentation examples: run times"
DOCS_OUT = Path("/tmp/deportsim-docs")  # noqa: S108 - the folder the docs' examples name
PROSE_OUT = DOCS_OUT / "prose"
#: A block whose lines are at least this share of a command's non-blank output lines shows it whole.
FULL_SHARE = 0.8
#: What changes from one run to the next: run ids, timestamps, wall times.
VOLATILE = re.compile(
    r"\b\d{8}-\d{6}-[0-9a-f]{6}\b"
    r"|\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d+(\.\d+)?\s?(ms|s|min)\b"
)


def _load_test_docs() -> Any:
    """tests/test_docs.py as a module: its block parser and its way of running a command."""
    spec = importlib.util.spec_from_file_location("_test_docs", ROOT / "tests" / "test_docs.py")
    if spec is None or spec.loader is None:
        raise SystemExit("tests/test_docs.py cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


test_docs = _load_test_docs()


@dataclass
class ProseRun:
    """A run whose output files or wall time the prose quotes.

    ``files`` are written into the run's folder first: name -> (doc, text the doc's fenced block
    starts with), for files the docs ask the reader to save.
    """

    name: str
    command: str
    doc: str
    slow: bool = False
    files: tuple[tuple[str, str, str], ...] = ()


PROSE_RUNS = (
    ProseRun("status", "deportsim status", "README.md"),
    ProseRun(
        "tutorial-directive",
        "deportsim run directive-2025 --out out/directive-2025",
        "docs/tutorial.md",
    ),
    ProseRun(
        "tutorial-no-new-beds",
        "deportsim run no-new-beds.yaml --out out/no-new-beds",
        "docs/tutorial.md",
        files=(("no-new-beds.yaml", "docs/tutorial.md", "name: no-new-beds"),),
    ),
    ProseRun(
        "tutorial-compare",
        "python compare.py out/directive-2025 out/no-new-beds",
        "docs/tutorial.md",
        files=(("compare.py", "docs/tutorial.md", '"""Print the mean of every metric'),),
    ),
    ProseRun("claims-default", "deportsim claims --out out/claims", "docs/guide.md", slow=True),
    ProseRun(
        "claims-fixed",
        "deportsim claims --fixed-parameters --out out/claims-fixed",
        "docs/guide.md",
        slow=True,
    ),
    ProseRun(
        "requirements-default",
        "deportsim requirements directive-2025 --target removals_per_year=1000000 "
        "--out out/requirements",
        "docs/guide.md",
        slow=True,
    ),
    ProseRun(
        "report-default",
        "deportsim report directive-2025 --compare baseline-fy2024 --out out/report",
        "docs/guide.md",
        slow=True,
    ),
)

RUN_MARK = re.compile(r"<!-- run: (?P<key>[^>]+?) -->(?P<text>.*?)<!-- /run -->", re.DOTALL)
CLAIM_MARK = re.compile(r"<!-- claim: (?P<key>[^>]+?) -->(?P<text>.*?)<!-- /claim -->", re.DOTALL)
CLAIMS_MARK = re.compile(
    r"(?P<mark><!-- claims: (?P<key>\S+) -->\n)(?P<text>.*?)(?=^<!-- /claims -->)",
    re.DOTALL | re.MULTILINE,
)
TIME_MARK = re.compile(r"<!-- time: (?P<key>[^>]+?) -->(?P<text>.*?)<!-- /time -->", re.DOTALL)
OUTPUT_MARK = re.compile(
    r"(?P<mark><!-- output: (?P<key>\S+) lines=(?P<lines>\d+) -->\n```\w*\n)(?P<text>.*?)(?=^```)",
    re.DOTALL | re.MULTILINE,
)
FENCED = re.compile(r"^```\w*\n(.*?)^```", re.DOTALL | re.MULTILINE)


# --- pure functions -------------------------------------------------------------------------


def steady(line: str) -> str:
    """``line`` without what changes between runs: its longest part free of run ids and times."""
    parts = [part.strip() for part in VOLATILE.split(line) if part and part.strip()]
    return max(parts, key=len, default="") if VOLATILE.search(line) else line.rstrip()


def _leading_words(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split(), b.split(), strict=False):
        if x != y:
            break
        count += 1
    return count


def refresh_lines(expected: list[str], output: str) -> list[str]:
    """The output lines a block should show for a command, given those it shows now.

    Unchanged while they are all still printed. Else the whole output when the block shows
    (nearly) all of it, or the same chosen lines, those no longer printed replaced by the output
    line sharing the most leading words with them.
    """
    if test_docs.first_missing(output, expected) is None:
        return expected  # nothing stale: the block's choice of lines and of their parts stays
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    if expected and len(expected) >= FULL_SHARE * len(lines):
        return [s for s in (steady(line) for line in lines) if s]
    fresh: list[str] = []
    position, line_index = 0, 0
    for old in expected:
        at = output.find(old.strip(), position)
        if at >= 0:
            fresh.append(old)
            position = at + len(old.strip())
            line_index = output.count("\n", 0, position)
            continue
        candidates = [
            (_leading_words(old.strip(), line.strip()), -i, i)
            for i, line in enumerate(output.splitlines())
            if i >= line_index and line.strip()
        ]
        best = max(candidates, default=(0, 0, -1))
        if best[0] == 0:
            fresh.append(old)  # nothing like it any more: left for a person to fix
            continue
        new = steady(output.splitlines()[best[2]].strip())
        fresh.append(new)
        line_index = best[2] + 1
        position = sum(len(line) + 1 for line in output.splitlines()[:line_index])
    return fresh


def render_block(examples: list[Any], outputs: list[list[str]]) -> str:
    """A console block's body from its commands and the output lines each should show."""
    body = []
    for example, lines in zip(examples, outputs, strict=True):
        body.append(f"$ {example.command}")
        if example.exit_code == 2:
            body.append("# exit 2")
        body.extend(lines)
    return "\n".join(body) + "\n"


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def run_value(key: str, summaries: dict[str, dict[str, Any]]) -> str:
    """The text of a ``run`` marker's KEY (``RUN.METRIC[.STAT][ - RUN.METRIC[.STAT]][~N]``)."""
    expr, _, digits = key.strip().partition("~")
    value, unit = 0.0, ""
    for sign, term in zip((1, -1), expr.split(" - ", 1), strict=False):
        run, metric, *stat = term.strip().split(".")
        entry = summaries[run]["metrics"][metric]
        value += sign * entry[stat[0] if stat else "p50"]
        unit = entry["unit"]
    if digits:
        value = round_significant(value, int(digits))
    return metric_text(value, unit)


def claim_value(key: str, claims: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The text of a ``claim`` marker's KEY (``RUN.ID.FIELD[.FIELD...][~N]``)."""
    expr, _, digits = key.strip().partition("~")
    run, claim_id, *path = expr.split(".")
    claim = claims[run][claim_id]
    value: Any = claim
    for part in path:
        value = value[part]
    if isinstance(value, str):
        return value
    unit = str(claim.get("unit") or "")
    if unit == "share":
        return f"{value:.0%}"
    if digits:
        value = round_significant(float(value), int(digits))
    return claim_number(value, unit)


def claims_table(claims: dict[str, dict[str, Any]]) -> str:
    """The verdicts of a claims run as a Markdown table, in the run's order."""
    lines = ["| claim | verdict | model: median (90% interval) | binds |", "|---|---|---|---|"]
    for c in claims.values():
        unit = str(c.get("unit") or "")
        p05, p50, p95 = claim_interval(c["result"], unit)
        words = f" {unit}" if unit not in {"", "share", "ratio"} else ""
        binds = str(c["binding_constraint"] or "").replace("_", " ")
        verdict = str(c["verdict"]).replace("_", " ")
        lines.append(f"| `{c['id']}` | {verdict} | {p50} ({p05} to {p95}){words} | {binds} |")
    return "\n".join(lines) + "\n"


def duration_text(seconds: float) -> str:
    """A wall time for prose: ``about 8 seconds``, ``about 45 seconds``, ``about 6 minutes``."""
    if seconds < 10:
        return f"about {max(1, round(seconds))} seconds"
    if seconds < 90:
        return f"about {round(seconds / 5) * 5} seconds"
    minutes = seconds / 60
    return f"about {round(minutes)} minutes" if minutes >= 2 else "about 1.5 minutes"


def replace_markers(
    text: str,
    summaries: dict[str, dict[str, Any]],
    seconds: dict[str, float],
    outputs: dict[str, str],
    claims: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> str:
    """``text`` with its markers refreshed (those whose runs are known)."""
    claims = claims or {}

    def inline(kind: str, value_of: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
        """A marker ``<!-- KIND: KEY -->text<!-- /KIND -->`` with its text from ``value_of``."""

        def sub(m: re.Match[str]) -> str:
            try:
                value = value_of(m["key"])
            except KeyError:
                return m[0]  # a run not made (--skip-slow) or a key it does not have
            return f"<!-- {kind}: {m['key']} -->{value}<!-- /{kind} -->"

        return sub

    def time_sub(m: re.Match[str]) -> str:
        if m["key"] not in seconds:
            return m[0]
        return f"<!-- time: {m['key']} -->{duration_text(seconds[m['key']])}<!-- /time -->"

    def output_sub(m: re.Match[str]) -> str:
        if m["key"] not in outputs:
            return m[0]
        lines = outputs[m["key"]].splitlines()[: int(m["lines"])]
        return m["mark"] + "".join(f"{line.rstrip()}\n" for line in lines)

    def claims_sub(m: re.Match[str]) -> str:
        if m["key"] not in claims:
            return m[0]
        return m["mark"] + claims_table(claims[m["key"]])

    text = RUN_MARK.sub(inline("run", lambda key: run_value(key, summaries)), text)
    text = CLAIM_MARK.sub(inline("claim", lambda key: claim_value(key, claims)), text)
    text = CLAIMS_MARK.sub(claims_sub, text)
    text = TIME_MARK.sub(time_sub, text)
    return OUTPUT_MARK.sub(output_sub, text)


def timing_section(rows: list[tuple[str, str, float]], cores: int, date: str) -> str:
    """The "Documentation examples: run times" section of docs/performance.md."""
    lines = [
        SECTION,
        "",
        "Wall time of every command of the examples in README.md, docs/tutorial.md and",
        f"docs/guide.md, measured by `scripts/regenerate_docs.py` on {cores} cores on {date}, one",
        "command at a time (the commands in the prose at the default size are included).",
        "",
        "| file | command | seconds |",
        "|---|---|---:|",
    ]
    lines += [f"| {f} | `{_cell(c)}` | {s:.1f} |" for f, c, s in rows]
    return "\n".join(lines) + "\n"


def _cell(command: str) -> str:
    return command.replace("|", "\\|")


def replace_section(text: str, section: str) -> str:
    """``text`` with its timing section replaced by ``section``, or ``section`` appended."""
    at = text.find(SECTION)
    if at < 0:
        return text.rstrip("\n") + "\n\n" + section
    following = text.find("\n## ", at + len(SECTION))
    rest = "" if following < 0 else text[following + 1 :]
    return text[:at] + section + ("\n" + rest if rest else "")


def recorded_seconds(text: str) -> dict[str, float]:
    """Wall times by command from an existing timing section (for ``--skip-slow``)."""
    at = text.find(SECTION)
    found: dict[str, float] = {}
    if at < 0:
        return found
    for m in re.finditer(r"^\| [^|]+ \| `(.+?)` \| ([\d.]+) \|$", text[at:], re.MULTILINE):
        found[m[1].replace("\\|", "|")] = float(m[2])
    return found


def changed_blocks(old: str, new: str, file: str) -> list[str]:
    """Descriptions of the console blocks and markers that differ between two texts."""
    changes = []
    old_blocks = test_docs.BLOCK.findall(old)
    new_blocks = test_docs.BLOCK.findall(new)
    for a, b in zip(old_blocks, new_blocks, strict=False):
        if a != b:
            first = next((line for line in a.splitlines() if line.startswith("$ ")), "?")
            changes.append(f"{file}: console block `{first[2:]}`")
    marks = ((RUN_MARK, "run"), (CLAIM_MARK, "claim"), (CLAIMS_MARK, "claims"),
             (OUTPUT_MARK, "output"))  # fmt: skip
    for pattern, kind in marks:
        for a, b in zip(pattern.finditer(old), pattern.finditer(new), strict=False):
            if a["text"] != b["text"]:
                changes.append(f"{file}: {kind} marker {a['key']}")
    return changes


# --- running ----------------------------------------------------------------------------------


def _timed(command: str, cwd: Path, timeout: float) -> tuple[int, str, float]:
    started = time.perf_counter()
    code, output = test_docs.run_command(command, cwd=cwd, timeout=timeout)
    return code, output, time.perf_counter() - started


def _fenced_starting(doc: str, head: str) -> str:
    text = (ROOT / doc).read_text(encoding="utf-8")
    for body in FENCED.findall(text):
        if body.startswith(head):
            return body
    raise SystemExit(f"{doc}: no fenced block starts with {head!r}")


def _refresh_blocks(
    name: str, text: str, rows: list[tuple[str, str, float]], failures: list[str]
) -> str:
    """``text`` with the output of each of its console blocks' commands refreshed."""
    pieces, last = [], 0
    for block in test_docs.console_blocks(text, name):
        outputs = []
        for example in block.examples:
            code, output, seconds = _timed(example.command, ROOT, 600)
            rows.append((name, example.command, seconds))
            print(f"{seconds:7.1f} s  {name}: {example.command}", file=sys.stderr)  # noqa: T201
            if code != example.exit_code:
                failures.append(f"{name}: `{example.command}` exited {code}:\n{output}")
            outputs.append(refresh_lines(example.expected, output))
        pieces += [text[last : block.start], render_block(block.examples, outputs)]
        last = block.end
    return "".join([*pieces, text[last:]])


@dataclass
class ProseResults:
    """What the prose runs give: summaries, wall times, printed output and claims, by run."""

    summaries: dict[str, dict[str, Any]]
    seconds: dict[str, float]
    outputs: dict[str, str]
    claims: dict[str, dict[str, dict[str, Any]]]


def _prose_runs(
    skip_slow: bool, recorded: dict[str, float], rows: list, failures: list[str]
) -> ProseResults:
    results = ProseResults({}, {}, {}, {})
    PROSE_OUT.mkdir(parents=True, exist_ok=True)
    for run in PROSE_RUNS:
        if run.slow and skip_slow:
            if run.command in recorded:
                results.seconds[run.name] = recorded[run.command]
                rows.append((run.doc, run.command, recorded[run.command]))
            continue
        for file_name, doc, head in run.files:
            (PROSE_OUT / file_name).write_text(_fenced_starting(doc, head), encoding="utf-8")
        code, output, seconds = _timed(run.command, PROSE_OUT, 3600)
        print(f"{seconds:7.1f} s  {run.doc} (prose): {run.command}", file=sys.stderr)  # noqa: T201
        if code != 0:
            failures.append(f"{run.name}: `{run.command}` exited {code}:\n{output}")
            continue
        rows.append((run.doc, run.command, seconds))
        results.seconds[run.name] = seconds
        results.outputs[run.name] = output
        out = re.search(r"--out (\S+)", run.command)
        if out and (PROSE_OUT / out[1] / "summary.json").exists():
            summary_file = PROSE_OUT / out[1] / "summary.json"
            results.summaries[run.name] = json.loads(summary_file.read_text(encoding="utf-8"))
        if out and (PROSE_OUT / out[1] / "claims.json").exists():
            found = json.loads((PROSE_OUT / out[1] / "claims.json").read_text(encoding="utf-8"))
            results.claims[run.name] = {c["id"]: c for c in found}
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the examples and rewrite the docs (or, with ``--check``, list what would change)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list what would change, write none")
    parser.add_argument(
        "--skip-slow", action="store_true", help="reuse the recorded times of the slow runs"
    )
    args = parser.parse_args(argv)

    shutil.rmtree(DOCS_OUT, ignore_errors=True)
    rows: list[tuple[str, str, float]] = []
    failures: list[str] = []
    texts = {name: (ROOT / name).read_text(encoding="utf-8") for name in FILES}
    new_texts = {name: _refresh_blocks(name, text, rows, failures) for name, text in texts.items()}
    performance = PERFORMANCE.read_text(encoding="utf-8")
    prose = _prose_runs(args.skip_slow, recorded_seconds(performance), rows, failures)
    changes = []
    for name in FILES:
        new_texts[name] = replace_markers(
            new_texts[name], prose.summaries, prose.seconds, prose.outputs, prose.claims
        )
        changes += changed_blocks(texts[name], new_texts[name], name)
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)  # noqa: T201
    if args.check:
        for change in changes:
            print(f"would change {change}")  # noqa: T201
        return 1 if changes or failures else 0
    for name in FILES:
        if new_texts[name] != texts[name]:
            (ROOT / name).write_text(new_texts[name], encoding="utf-8")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    section = timing_section(rows, len(os.sched_getaffinity(0)), today)
    PERFORMANCE.write_text(replace_section(performance, section), encoding="utf-8")
    for change in changes:
        print(f"changed {change}")  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
