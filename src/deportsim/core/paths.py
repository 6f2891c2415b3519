"""Where deportsim keeps its files between runs: the user data directory.

The local store of official statistics (:mod:`deportsim.official.store`) and the results catalog
(:mod:`deportsim.store.catalog`) both live there.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir"]

#: Environment variable that moves the user data directory.
DATA_DIR_ENV = "DEPORTSIM_DATA_DIR"


def data_dir() -> Path:
    """The user data directory (created on first write, not here).

    ``$DEPORTSIM_DATA_DIR``, else ``$XDG_DATA_HOME/deportsim``, else
    ``~/.local/share/deportsim``.
    """
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "deportsim"
