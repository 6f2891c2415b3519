"""docs/api.md's examples, run against a live server: every curl block and every Python block.

The page writes its examples for ``http://127.0.0.1:8000``; each runs here with the live server's
address in its place. A ``bash`` block that calls curl runs in bash (``-e -o pipefail``) in a
folder of its own and must exit 0; a ``text`` block right after it is its expected output (each
line, in order). A ``python`` block runs with ``exec`` in a fresh namespace and must raise
nothing. Each example is complete in itself, so they may run in any order.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from live_server import Live

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
#: The address the examples are written for.
DOCS_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
#: Seconds one example may take (the slowest, the claims, takes about 15).
EXAMPLE_S = 120


@dataclass(frozen=True)
class Block:
    """A fenced block of the page: its language, code, first line, and expected output."""

    language: str
    code: str
    line: int
    output: str | None = None  # the ``text`` block right after it

    def __str__(self) -> str:
        return f"api.md:{self.line}"


def read_blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown ``text``, with the ``text`` block right after each."""
    fences = list(FENCE.finditer(text))
    blocks = []
    for m, after in zip(fences, [*fences[1:], None], strict=True):
        follows = (after is not None and after.group(1) == "text"
                   and not text[m.end() : after.start()].strip())  # fmt: skip
        output = after.group(2) if follows and after is not None else None
        line = text.count("\n", 0, m.start()) + 1
        blocks.append(Block(m.group(1), m.group(2), line, output))
    return blocks


BLOCKS = read_blocks(PAGE.read_text(encoding="utf-8"))
SHELL = [b for b in BLOCKS if b.language == "bash" and "curl" in b.code]
PYTHON = [b for b in BLOCKS if b.language == "python"]


def first_missing(output: str, expected: str) -> str | None:
    """The first line of ``expected`` not in ``output`` after the previous one, or None."""
    position = 0
    for line in filter(None, (s.strip() for s in expected.splitlines())):
        at = output.find(line, position)
        if at < 0:
            return line
        position = at + len(line)
    return None


def test_the_page_has_an_example_of_each_kind() -> None:
    assert len(SHELL) >= 15
    assert len(PYTHON) >= 15
    assert all(DOCS_URL in b.code for b in SHELL + PYTHON)


def test_every_curl_fails_on_an_error_answer_unless_it_shows_the_error() -> None:
    for block in SHELL:
        calls = re.findall(r"\bcurl\b[^\n]*", block.code)
        assert all("-sS" in call for call in calls), block
        quiet = [c for c in calls if "--fail-with-body" not in c]
        assert not quiet or block.output is not None, f"{block}: {quiet}"


@pytest.mark.parametrize("block", SHELL, ids=str)
def test_shell_example(live: Live, block: Block, tmp_path: Path) -> None:
    if shutil.which("curl") is None or shutil.which("jq") is None:
        pytest.skip("the shell examples need curl and jq")
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.code.replace(DOCS_URL, live.url)],  # noqa: S607
        cwd=tmp_path, capture_output=True, text=True, timeout=EXAMPLE_S, check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )  # fmt: skip
    assert done.returncode == 0, f"{block} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    if block.output is not None:
        missing = first_missing(done.stdout, block.output)
        assert missing is None, f"{block} did not print {missing!r}:\n{done.stdout}"


@pytest.mark.parametrize("block", PYTHON, ids=str)
def test_python_example(
    live: Live, block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = compile(block.code.replace(DOCS_URL, live.url), str(block), "exec")
    with redirect_stdout(io.StringIO()):
        exec(code, {"__name__": "__docs__"})  # noqa: S102 - the examples of our own docs


def test_every_path_of_the_api_is_on_the_page(live: Live) -> None:
    with live.client() as c:
        paths = c.get("/openapi.json").json()["paths"]

    def plain(text: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", text)

    page = plain(PAGE.read_text(encoding="utf-8"))
    assert [p for p in paths if plain(p) not in page] == []
