"""User-facing errors: one clear line naming the file, line and parameter path.

A :class:`UserError` is raised for every mistake a user can make in an input (YAML syntax,
unknown keys, wrong units, out-of-range values, unknown ``--set`` paths, person-level data).
The CLI prints :meth:`UserError.one_line` on stderr and exits with code 2; it never shows a
traceback for these.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["Location", "UserError"]


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
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += f": {self.path}"
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
        """Render as ``file:line: path: message`` on a single line."""
        text = " ".join(self.message.split())
        if self.location is None:
            return text
        return f"{self.location}: {text}"

    def __str__(self) -> str:
        return self.one_line()
