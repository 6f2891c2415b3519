"""Names a package exports, imported from their modules on first use (PEP 562).

A command that needs little (``deportsim --help``, ``deportsim scenarios``) then does not load
the model, the compiled engine or the data libraries. A package writes::

    __getattr__, __dir__ = exports(__name__, {"run": "deportsim.api.simulation", ...})

and lists the same names under ``if TYPE_CHECKING:`` imports for the type checker. A value is
``"module"`` (the same name there) or ``"module:name"``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` for the names in ``where``."""

    def getattr_(name: str) -> Any:
        spec = where.get(name)
        if spec is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = spec.partition(":")
        value = getattr(importlib.import_module(module), attr or name)
        setattr(sys.modules[package], name, value)  # kept: the next use is a plain lookup
        return value

    def dir_() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return getattr_, dir_
