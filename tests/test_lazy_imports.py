"""The packages that export names on first use (deportsim.core.lazy), and what start-up loads.

A command that needs little (``deportsim --help``, ``deportsim scenarios``) must not load the
model's compiled engine or the data libraries; and a lazily exported name must never be shadowed
by a submodule of the same name (importing a submodule sets the package's attribute to it).
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

LAZY = ("deportsim.api", "deportsim.analysis", "deportsim.store.catalog")
HEAVY = ("numba", "pyarrow", "duckdb", "scipy", "matplotlib", "deportsim.model", "deportsim.engine")


@pytest.mark.parametrize("name", LAZY)
def test_every_exported_name_is_its_object_even_after_every_submodule_is_imported(
    name: str,
) -> None:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, f"{name}."):
        importlib.import_module(info.name)
    for exported in package.__all__:
        value = getattr(package, exported)
        assert not isinstance(value, types.ModuleType), f"{name}.{exported} is a module"
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'nothing_of_the_kind'"):
        getattr(package, "nothing_of_the_kind")  # noqa: B009 - the lookup is what is tested


def test_the_command_lines_start_up_loads_no_model_nor_data_library() -> None:
    code = (
        "import sys, typer\n"
        "from deportsim.cli.app import app\n"
        # Typer reads the options' annotations (help texts included) when it builds the
        # commands, as every command does first
        "typer.main.get_command(app)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
