"""Executable examples in the docs run, and their shown output appears.

In any Markdown file, a fenced block whose info string is ``console`` is executed: each line
starting with ``$ `` is a command run from the repository root with the virtual environment's
``bin`` first on PATH. It must exit 0, or 2 when the next line is ``# exit 2``. Other lines are
expected output and must appear in order in the command's stdout + stderr.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)


@dataclass
class Example:
    """One command of a console block with its expected exit code and output lines."""

    file: str
    command: str
    exit_code: int = 0
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One console block of a file: where its body starts and ends, and its commands."""

    file: str
    start: int
    end: int
    examples: list[Example]


def parse_block(body: str, file: str) -> list[Example]:
    """The commands of one console block's ``body``, each with its exit code and output lines."""
    found: list[Example] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append(Example(file, line[2:].strip()))
        elif line.strip() == "# exit 2" and found:
            found[-1].exit_code = 2
        elif line.strip() and found:
            found[-1].expected.append(line.rstrip())
    return found


def console_blocks(text: str, file: str) -> list[Block]:
    """Every console block of a Markdown ``text``, with the span of its body in ``text``."""
    return [
        Block(file, m.start(1), m.end(1), parse_block(m.group(1), file))
        for m in BLOCK.finditer(text)
    ]


def run_command(command: str, cwd: Path = ROOT, timeout: float = 120) -> tuple[int, str]:
    """Run a docs' shell line as the tests do: its exit code and its stdout + stderr."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env["COLUMNS"] = "100"  # a stable width for tables
    done = subprocess.run(  # noqa: S602 - doc examples are shell lines by design
        command,
        shell=True,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def first_missing(output: str, expected: list[str]) -> str | None:
    """The first of the ``expected`` lines not in ``output`` after the previous one, or None."""
    position = 0
    for line in expected:
        at = output.find(line.strip(), position)
        if at < 0:
            return line.strip()
        position = at + len(line.strip())
    return None


def _examples() -> list[Example]:
    return [
        example
        for path in DOCS
        for block in console_blocks(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        for example in block.examples
    ]


EXAMPLES = _examples()
#: Where the examples write (a run into a folder with earlier results is refused without
#: --overwrite, so each session of the tests starts from none).
DOCS_OUT = Path("/tmp/deportsim-docs")  # noqa: S108 - the folder the docs' examples name


@pytest.fixture(scope="module", autouse=True)
def _fresh_docs_out() -> None:
    shutil.rmtree(DOCS_OUT, ignore_errors=True)


def test_the_docs_have_executable_examples() -> None:
    assert len(EXAMPLES) >= 4, "README and docs should show commands that the tests run"


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.file}: {e.command}" for e in EXAMPLES])
def test_doc_example(example: Example) -> None:
    returncode, output = run_command(example.command)
    assert returncode == example.exit_code, (
        f"{example.file}: `{example.command}` exited {returncode}:\n{output}"
    )
    missing = first_missing(output, example.expected)
    assert missing is None, (
        f"{example.file}: `{example.command}` did not print {missing!r} (in order):\n{output}"
    )


PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PYTHON_EXAMPLES = [  # those that use deportsim (docs/cluster.md's recipes need a cluster's own)
    (str(path.relative_to(ROOT)), block)
    for path in DOCS
    for block in PYTHON_BLOCK.findall(path.read_text(encoding="utf-8"))
    if re.search(r"^(from|import) deportsim", block, re.MULTILINE)
]


@pytest.mark.parametrize(("file", "block"), PYTHON_EXAMPLES, ids=[f for f, _ in PYTHON_EXAMPLES])
def test_python_examples_compile_and_import_what_exists(file: str, block: str) -> None:
    """Python blocks are not all run (some take minutes), but every name they import exists."""
    tree = ast.parse(block, file)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    ours = ast.Module(body=[n for n in imports if "deportsim" in ast.unparse(n)], type_ignores=[])
    assert ours.body, f"{file}: a Python example that imports nothing from deportsim"
    exec(compile(ours, file, "exec"), {})  # noqa: S102 - the import lines of our own docs
