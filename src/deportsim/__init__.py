"""deportsim: an open, reproducible simulation of the US immigration-enforcement pipeline.

The public API is what ``__all__`` lists; the command line (``deportsim``) is a thin layer over it.
Each name is loaded from its module when first used (PEP 562), so that importing ``deportsim``
alone is quick: the ``deportsim`` command handles Ctrl-C and SIGTERM before the model's modules
load (:func:`deportsim.cli.main`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from deportsim._version import __version__

if TYPE_CHECKING:
    from deportsim.api import (
        DEFAULT_SCENARIO,
        Prepared,
        RunConfig,
        RunOutput,
        execute,
        prepare,
        run,
        run_prepared,
        write_outputs,
    )
    from deportsim.core.errors import Location, UserError
    from deportsim.parameters import ParameterSet, load_parameters
    from deportsim.run.results import METRICS, REQUIRED_METRICS
    from deportsim.scenarios import Scenario, builtin_scenarios, load_scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "METRICS",
    "REQUIRED_METRICS",
    "Location",
    "ParameterSet",
    "Prepared",
    "RunConfig",
    "RunOutput",
    "Scenario",
    "UserError",
    "__version__",
    "builtin_scenarios",
    "execute",
    "load_parameters",
    "load_scenario",
    "prepare",
    "run",
    "run_prepared",
    "write_outputs",
]

#: The module each public name is loaded from.
_SOURCES = {
    **dict.fromkeys(
        ("DEFAULT_SCENARIO", "Prepared", "RunConfig", "RunOutput", "execute", "prepare", "run",
         "run_prepared", "write_outputs"),
        "deportsim.api",
    ),
    "Location": "deportsim.core.errors",
    "UserError": "deportsim.core.errors",
    "ParameterSet": "deportsim.parameters",
    "load_parameters": "deportsim.parameters",
    "METRICS": "deportsim.run.results",
    "REQUIRED_METRICS": "deportsim.run.results",
    "Scenario": "deportsim.scenarios",
    "builtin_scenarios": "deportsim.scenarios",
    "load_scenario": "deportsim.scenarios",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """A public name, loaded from its module on first use; or a subpackage (``deportsim.api``)."""
    source = _SOURCES.get(name)
    if source is None:
        if name.startswith("_"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        try:  # ``import deportsim; deportsim.api`` works as when every subpackage was loaded
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value  # loaded once
    return value


class _Package(types.ModuleType):
    """The package's module: a public name is never replaced by a subpackage of the same name.

    Python binds each subpackage it loads to its parent's attribute of that name; ``deportsim.run``
    (the subpackage) would then hide ``run`` (the function), as it did not when every name was
    loaded at once. The subpackage is still ``sys.modules["deportsim.run"]``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SOURCES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    """The public names and what is loaded already."""
    return sorted({*globals(), *__all__})
