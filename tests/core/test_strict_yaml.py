"""Strict YAML: every value keeps its line, and ambiguous YAML is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.core.strict_yaml import load_yaml, parse_scalar

TEXT = """\
description: test file
parameters:
  beds:
    unit: beds
    values:
      2025-01-01: 100
"""


def test_lines_are_kept_for_every_key() -> None:
    doc = load_yaml("t.yaml", TEXT)
    assert doc.lines[("parameters", "beds", "unit")] == 4
    assert doc.lines[("parameters", "beds", "values", "2025-01-01")] == 6
    assert doc.line_of(("parameters", "beds", "missing")) == 3  # falls back to the parent
    assert str(doc.loc(("parameters", "beds"))) == "t.yaml:3: parameters.beds"


def test_date_keys_become_iso_text_and_values_keep_types() -> None:
    doc = load_yaml("t.yaml", "a:\n  2025-01-01: 1.5\nb: 2025-02-03\n")
    assert doc.data == {"a": {"2025-01-01": 1.5}, "b": dt.date(2025, 2, 3)}


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(UserError) as info:
        load_yaml("d.yaml", "a: 1\nb: 2\na: 3\n")
    assert info.value.one_line() == "d.yaml:3: a: duplicate key 'a' (first given on line 1)"


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(UserError) as info:
        load_yaml("m.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.one_line().startswith("m.yaml:")
    assert "malformed YAML" in info.value.one_line()


def test_anchors_and_aliases_are_refused() -> None:
    with pytest.raises(UserError, match="anchors and aliases"):
        load_yaml("x.yaml", "a: &v 1\nb: *v\n")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="empty"):
        load_yaml("e.yaml", "")
    with pytest.raises(UserError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_parse_scalar_follows_yaml_rules() -> None:
    assert parse_scalar("3000") == 3000
    assert parse_scalar("0.5") == 0.5
    assert parse_scalar("abc") == "abc"
