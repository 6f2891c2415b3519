"""Output folders: created if needed and checked writable, or one clear user error."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path

from deportsim.core.errors import Location, UserError
from deportsim.core.processes import process_ended

__all__ = [
    "DiskFullError",
    "disk_full",
    "remove_stale_parts",
    "writable_folder",
    "write_atomic",
    "write_text_atomic",
]

_FULL = {errno.ENOSPC, errno.EDQUOT}


def disk_full(exc: BaseException) -> bool:
    """True when ``exc`` says the disk is full (``ENOSPC``) or a quota is reached (``EDQUOT``).

    pyarrow's errors on a full disk are OSErrors with the errno too (their text differs).
    """
    return isinstance(exc, OSError) and exc.errno in _FULL


class DiskFullError(UserError):
    """The disk holding an output folder is full: one line, exit code 1 (not the user's mistake)."""

    exit_code = 1

    @staticmethod
    def reason(exc: OSError) -> str:
        """The system's own words for ``exc`` (``No space left on device``), whoever raised it."""
        return os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))

    @classmethod
    def of(cls, exc: BaseException) -> DiskFullError | None:
        """A full disk met by any command, naming the file it was writing, or None.

        None when ``exc`` is not a full disk (or quota).
        """
        if not (isinstance(exc, OSError) and disk_full(exc)):
            return None
        return cls(
            f"the disk is full ({cls.reason(exc)}): the command's files could not be written; "
            "free some space and run it again",
            Location(exc.filename) if exc.filename else None,
        )

    @classmethod
    def check(cls, exc: BaseException, out: Path) -> None:
        """Raise a DiskFullError for ``out`` if ``exc`` is a full disk (or quota); else nothing."""
        if isinstance(exc, OSError) and disk_full(exc):
            raise cls(
                f"the disk is full ({cls.reason(exc)}): the run's results could not be written; "
                "earlier results in the folder are kept; free some space or choose another --out",
                Location(out, path="--out"),
            ) from exc


def writable_folder(out: Path) -> Path:
    """Create ``out`` (and its parents) if needed; UserError if that fails or it is read-only.

    A full disk (no room for even a folder, or no inodes left) is a :class:`DiskFullError`.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if disk_full(exc):
            raise DiskFullError(
                f"the disk is full ({DiskFullError.reason(exc)}): cannot create the output "
                "folder; free some space or choose another folder",
                Location(out),
            ) from None
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


_PART = re.compile(r"\..+\.(\d+)\.part")


def remove_stale_parts(folder: Path) -> list[Path]:
    """Remove :func:`write_atomic`'s temporary files in ``folder`` whose process is gone.

    A process killed outright (SIGKILL) while writing leaves its ``.NAME.PID.part``; the next
    command writing into the folder calls this. Returns the files removed.
    """
    gone = [
        p
        for p in folder.glob(".*.part")
        if (m := _PART.fullmatch(p.name)) is not None and process_ended(int(m.group(1)))
    ]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomic`; return ``path``."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
