"""Strict YAML composed by libyaml gives what the pure-Python composer gives, or leaves it to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deportsim.core import strict_yaml
from deportsim.parameters.loader import PARAMETERS_DIR
from deportsim.scenarios import SCENARIOS_DIR

FILES = sorted([*Path(PARAMETERS_DIR).glob("*.yaml"), *Path(SCENARIOS_DIR).glob("*.yaml")])


def _python_tree(text: str) -> yaml.Node:
    loader = strict_yaml._Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert node is not None
    return node


def _shape(node: yaml.Node) -> object:
    """A node tree as plain values: tag, line, column and value, all the way down."""
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.start_mark.line, node.start_mark.column, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, node.start_mark.line, [_shape(n) for n in node.value])
    return (node.tag, node.start_mark.line, [(_shape(k), _shape(v)) for k, v in node.value])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_shipped_files_compose_alike_in_c(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = strict_yaml._compose_in_c(text)
    assert fast is not None
    assert _shape(fast) == _shape(_python_tree(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # none
        "a: [1, 2\n",  # malformed
        "a:" + " [" * (strict_yaml.MAX_DEPTH + 1) + "]" * (strict_yaml.MAX_DEPTH + 1) + "\n",
    ],
)
def test_what_would_be_refused_is_left_to_the_python_composer(text: str) -> None:
    assert strict_yaml._compose_in_c(text) is None
