"""Output folders: created if needed and checked writable, or one clear user error."""

from __future__ import annotations

import os
from pathlib import Path

from deportsim.errors import Location, UserError

__all__ = ["writable_folder"]


def writable_folder(out: Path) -> Path:
    """Create ``out`` (and its parents) if needed; UserError if that fails or it is read-only."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder: {exc.strerror}", Location(out)) from None
    if not os.access(out, os.W_OK):
        raise UserError("output folder is not writable", Location(out))
    return out
