"""The architecture of docs/architecture.md, checked: layers, no cycles, small modules, thin CLI.

The layer contract itself is import-linter's (``[tool.importlinter]`` in pyproject.toml, run by
``make test``); these tests run it on a copy of the package with one forbidden import added, so
that a contract which no longer catches anything fails here.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest
import typer.main

from deportsim import api
from deportsim.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "deportsim"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on the package found in ``package_parent``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
        env={"PYTHONPATH": str(package_parent), "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip


def test_the_layer_contracts_hold() -> None:
    done = _lint(SRC.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # an analysis that calls the facade above it
        ("analysis/claims/__init__.py", "from deportsim import api", "Layers"),
        # the engine that learns about immigration
        ("engine/streams.py", "import deportsim.model.inputs", "Layers"),
        # the core that reaches into the engine, only for type checking
        (
            "core/units.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from deportsim.engine import Streams",
            "Layers",
        ),
        # the store that reads an analysis
        ("store/outputs.py", "import deportsim.analysis.history.backtest", "Layers"),
        # a command that runs the model itself instead of asking the API
        ("cli/simulation.py", "from deportsim.run import execute", "command line"),
        # the HTTP server that reads a run's files itself instead of asking the API
        ("server/runs_routes.py", "import deportsim.store.outputs", "HTTP server"),
        # the library API that serves HTTP (the server sits above it)
        ("api/simulation.py", "import deportsim.server.app", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    copy = tmp_path / "deportsim"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.csv"))
    target = copy / module
    target.write_text(target.read_text() + "\n" + textwrap.dedent(line) + "\n")
    done = _lint(tmp_path)
    assert done.returncode != 0, f"adding {line!r} to {module} broke no contract:\n{done.stdout}"
    broken_line = next(s for s in done.stdout.splitlines() if s.endswith("BROKEN"))
    assert broken in broken_line, done.stdout


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1 or v in graph.get(v, ()):
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_there_is_no_import_cycle_type_only_imports_included() -> None:
    g = grimp.build_graph("deportsim", exclude_type_checking_imports=False, cache_dir=None)
    graph = {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}
    assert _strongly_connected(graph) == []
    assert len(graph) >= 100, "the graph covers the whole package"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _function_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports inside functions (not at module level, not under ``if TYPE_CHECKING``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
    return found


def test_every_function_level_import_says_why() -> None:
    silent = []
    for path in _modules():
        lines = path.read_text().splitlines()
        for node in _function_imports(ast.parse("\n".join(lines))):
            said = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
            before = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            if not any("#" in s for s in said) and not before.startswith("#"):
                silent.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert silent == [], "a function-level import needs a comment saying why"


def _commands(group: typer.Typer, prefix: str = "") -> dict[str, object]:
    """Every command of the CLI, by its full name (``runs list``), with its function."""
    found: dict[str, object] = {}
    for info in group.registered_commands:
        callback = info.callback
        assert callback is not None
        name = info.name or typer.main.get_command_name(callback.__name__)
        found[f"{prefix}{name}"] = callback
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found |= _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


def _api_calls(func: object) -> set[str]:
    """The ``deportsim.api`` functions a command calls (``api.run(...)``; not its types)."""
    source = textwrap.dedent(__import__("inspect").getsource(func))
    calls = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "api"
            and node.func.attr[0].islower()
        ):
            calls.add(node.func.attr)
    return calls


#: Commands with a second form that is a verb of its own in the API (``forecast --evaluate``).
SECOND_FORMS = {"forecast": {"forecast_evaluation"}}


def test_each_cli_command_calls_exactly_one_api_function() -> None:
    commands = _commands(app)
    assert set(commands) == {
        "run", "scenarios", "params", "backtest", "calibrate", "forecast", "compare-estimates",
        "report", "claims", "requirements", "sweep", "sensitivity", "status", "runs list",
        "runs show", "runs compare", "runs export", "data import", "data info", "data update",
        "serve",
    }  # fmt: skip
    for name, func in commands.items():
        if name == "serve":  # the HTTP server: a layer over the API of its own (deportsim.server)
            assert _api_calls(func) == set()
            continue
        expected = name.replace("-", "_").replace(" ", "_")
        also = SECOND_FORMS.get(name, set())
        assert _api_calls(func) == {expected, *also}, f"deportsim {name} calls {_api_calls(func)}"
        assert {expected, *also} <= set(api.__all__)


def test_the_api_never_prints() -> None:
    for path in sorted((SRC / "api").glob("*.py")):
        tree = ast.parse(path.read_text())
        printed = [
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and (
                (isinstance(n.func, ast.Name) and n.func.id == "print")
                or (isinstance(n.func, ast.Attribute) and n.func.attr in {"echo", "secho"})
            )
        ]
        assert printed == [], f"{path.name} prints at lines {printed}"


def test_the_public_api_is_what_all_lists() -> None:
    for name in api.__all__:
        assert hasattr(api, name), name
    public = {n for n in vars(api) if not n.startswith("_") and callable(getattr(api, n))}
    modules = {"answers", "catalog", "data", "history", "report", "results", "simulation"}
    assert public - set(api.__all__) - modules - {"sweeps", "TYPE_CHECKING"} == set()
