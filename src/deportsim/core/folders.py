"""Output folders: created if needed and checked writable, or one clear user error."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from deportsim.core.errors import Location, UserError

__all__ = ["writable_folder", "write_atomic", "write_text_atomic"]


def writable_folder(out: Path) -> Path:
    """Create ``out`` (and its parents) if needed; UserError if that fails or it is read-only."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder: {exc.strerror}", Location(out)) from None
    if not os.access(out, os.W_OK):
        raise UserError("output folder is not writable", Location(out))
    return out


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` to a temporary name beside ``path``, then rename: ``path`` is whole or absent.

    The temporary name (``.NAME.PID.part``) is hidden, unique to the process, and removed if
    writing fails; the rename is atomic on POSIX file systems, so a reader never sees a half file.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomic`; return ``path``."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
