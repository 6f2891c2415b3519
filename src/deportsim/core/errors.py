r"""User-facing errors: one clear line naming the file, line and parameter path.

A :class:`UserError` is raised for every mistake a user can make in an input (YAML syntax,
unknown keys, wrong units, out-of-range values, unknown ``--set`` paths, person-level data).
The CLI prints :meth:`UserError.one_line` on stderr and exits with code 2; it never shows a
traceback for these.

The line is always one line and always short, whatever the input: characters that are not
printable (newlines in a key, terminal escapes, ...) are shown as Python escapes (``\n``,
``\x1b``), and input echoed back is cut at :data:`MAX_ECHO` characters, the rest replaced by an
ellipsis and the full length: a parameter path, each quoted value in the message, and any word
of it over twice that length; a file name keeps its last :data:`MAX_FILE` characters, and the
message as a whole its first :data:`MAX_MESSAGE`.
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path

__all__ = ["MAX_ECHO", "Location", "UserError", "clip", "printable", "shown"]

#: Longest echo of a user's input (a path, a quoted value, a word) in an error line.
MAX_ECHO = 80
#: Longest file name in an error line (its end is kept: the file's own name).
MAX_FILE = 200
#: Longest message in an error line.
MAX_MESSAGE = 500

# a quoted value as repr() writes it: not opened inside a word ("scenario's"), not closed inside
_QUOTED = re.compile(r"""(?<![\w'"])('[^'\n]*'|"[^"\n]*")(?![\w'"])""")
# a word too long to be anything but echoed input (a file path in a message stays whole)
_LONG_WORD = re.compile(rf"\S{{{2 * MAX_ECHO + 1},}}")


def printable(text: str) -> str:
    """``text`` with every character that is not printable written as its Python escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut at ``limit`` characters, with an ellipsis and the full length if cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: object, limit: int = MAX_ECHO) -> str:
    """A user's value for a message: its ``repr``, one line, cut at ``limit`` characters.

    Containers are written with :mod:`reprlib`, which stops after a few items and levels, so a
    huge (or self-repeating) value is never expanded in full.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return printable(repr(value))
        return f"{printable(repr(value[:limit])[:-1])}…' ({len(value):,} characters)"
    return clip(printable(_REPR.repr(value)), limit)


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = MAX_ECHO
_REPR.maxother = MAX_ECHO
_REPR.maxlong = MAX_ECHO


def _clip_quoted(quoted: str) -> str:
    inner = quoted[1:-1]
    if len(inner) <= MAX_ECHO or (len(inner) == MAX_ECHO + 1 and inner.endswith("…")):
        return quoted  # short, or cut already (by shown)
    return f"{quoted[0]}{inner[:MAX_ECHO]}…{quoted[0]} ({len(inner):,} characters)"


def _clip_start(text: str, limit: int) -> str:
    """``text`` cut to its last ``limit`` characters (a file name is at the end of a path)."""
    if len(text) <= limit:
        return text
    return f"…({len(text):,} characters){text[-limit:]}"


class Location:
    """Where in an input a value was found: file, 1-based line, and dotted parameter path."""

    __slots__ = ("file", "line", "path")

    def __init__(
        self, file: str | Path | None = None, line: int | None = None, path: str | None = None
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.path = path

    def with_path(self, path: str) -> Location:
        """Return a copy of this location pointing at ``path``."""
        return Location(self.file, self.line, path)

    def __str__(self) -> str:
        where = _clip_start(printable(self.file), MAX_FILE) if self.file else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += f": {clip(printable(self.path))}"
        return where

    def __repr__(self) -> str:
        return f"Location({self!s})"


class UserError(Exception):
    """A mistake in the user's input, reported as one line, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def one_line(self) -> str:
        """Render as ``file:line: path: message`` on a single short line (see the module)."""
        text = printable(" ".join(self.message.split()))
        text = _QUOTED.sub(lambda m: _clip_quoted(m.group()), text)
        text = _LONG_WORD.sub(lambda m: clip(m.group()), text)
        text = clip(text, MAX_MESSAGE)
        if self.location is None:
            return text
        return f"{self.location}: {text}"

    def __str__(self) -> str:
        return self.one_line()
