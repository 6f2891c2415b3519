"""Strict YAML reading that remembers where every value came from.

PyYAML composes the document into nodes that carry line marks; :func:`load_yaml` turns them into
plain Python values (dict, list, str, int, float, bool, None, datetime.date) and a table mapping
each key path to its 1-based line, so that any later check can point at the exact line. Duplicate
keys, non-string keys, anchors/aliases and tags outside YAML's core schema are refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deportsim.core.errors import Location, UserError

__all__ = ["YamlDoc", "load_yaml", "parse_scalar"]

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document: its data, its file name and the line of every key path."""

    data: Any
    file: str
    lines: dict[Key, int] = field(default_factory=dict)

    def line_of(self, path: Key) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)

    def loc(self, path: Key, dotted: str | None = None) -> Location:
        """Location for ``path``; ``dotted`` overrides the path text shown to the user."""
        shown = dotted if dotted is not None else ".".join(str(k) for k in path)
        return Location(self.file, self.line_of(path), shown or None)


class _Loader(yaml.SafeLoader):
    """SafeLoader; the node walk below does the construction so that marks are kept."""


def _scalar(node: yaml.ScalarNode, loader: _Loader, file: str, path: Key = ()) -> Any:
    where = Location(file, node.start_mark.line + 1, ".".join(str(k) for k in path) or None)
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a date-looking value that is no calendar date: 2025-02-30
        raise UserError(f"bad date {node.value!r}: {exc}", where) from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid value {node.value!r}: {exc}", where) from None


def _walk(node: yaml.Node, loader: _Loader, file: str, path: Key, lines: dict[Key, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (
                _scalar(key_node, loader, file, path)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            line = key_node.start_mark.line + 1
            if isinstance(key, dt.date):
                key = key.isoformat()
            if not isinstance(key, str | int | float) or isinstance(key, bool):
                shown = ".".join(str(k) for k in path) or None
                raise UserError(
                    f"mapping keys must be plain text, got {key_node.value!r}",
                    Location(file, line, shown),
                )
            key = str(key)
            child = (*path, key)
            if key in out:
                raise UserError(
                    f"duplicate key {key!r} (first given on line {lines[child]})",
                    Location(file, line, ".".join(str(k) for k in child)),
                )
            lines[child] = line
            out[key] = _walk(value_node, loader, file, child, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, loader, file, (*path, i), lines) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)  # noqa: S101 - YAML has only three node kinds
    return _scalar(node, loader, file, path)


def load_yaml(source: str | Path, text: str | None = None) -> YamlDoc:
    """Parse one YAML document strictly; raise :class:`UserError` naming file and line.

    Args:
        source: the file to read, or a display name when ``text`` is given.
        text: the YAML text itself (for strings given on the command line, and tests).
    """
    file = str(source)
    if text is None:
        try:
            raw = Path(source).read_bytes()
        except FileNotFoundError:
            raise UserError("file not found", Location(file)) from None
        except IsADirectoryError:
            raise UserError("is a folder, not a YAML file", Location(file)) from None
        except OSError as exc:
            raise UserError(f"cannot read file: {exc.strerror}", Location(file)) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise UserError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                Location(file, line),
            ) from None
    loader = _Loader(text)
    try:
        if "&" in text or "*" in text:
            _refuse_aliases(file, text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        where = Location(file, mark.line + 1 if mark is not None else None)
        raise UserError(f"malformed YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise UserError(f"malformed YAML: {exc}", Location(file)) from None
    finally:
        loader.dispose()
    if node is None:
        raise UserError("the file is empty", Location(file, 1))
    lines: dict[Key, int] = {}
    data = _walk(node, _Loader(""), file, (), lines)
    return YamlDoc(data=data, file=file, lines=lines)


def _refuse_aliases(file: str, text: str) -> None:
    """Refuse anchors and aliases: parameter files must say every value where it applies."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            raise UserError(
                f"YAML anchors and aliases (&{anchor} / *{anchor}) are not allowed; "
                "write each value where it applies",
                Location(file, line),
            )


def parse_scalar(text: str) -> Any:
    """Parse a command-line value with YAML's scalar rules (``3000`` → int, ``0.5`` → float)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value
