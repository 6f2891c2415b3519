"""Hypothesis strategies for what users feed deportsim: scenario files, ``--set`` values, options.

Scenario documents start from a built-in scenario's text and take one of a set of mutations (a
value changed to something odd, a key removed or unknown, a date garbled, nesting, aliases,
control characters, ...). ``--set`` values pair a real parameter path with odd values and units.
Command lines mix the options of ``deportsim run`` with odd values.
"""

# ruff: noqa: ARG001, ARG005 - every mutation takes (draw, text, at), whether it uses them or not

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import strategies as st

from deportsim.core.units import Kind
from deportsim.parameters import PARAMETERS_DIR, load_parameters
from deportsim.scenarios.loader import SCENARIOS_DIR

PARAMETERS = load_parameters(PARAMETERS_DIR)
PATHS = sorted(PARAMETERS.parameters)
UNITS = ("persons", "persons/day", "beds", "days", "probability", "ratio", "USD", "bedz", "", "%")
SCENARIO_TEXTS = {p.stem: p.read_text() for p in sorted(Path(SCENARIOS_DIR).glob("*.yaml"))}

#: Numbers a user might type, or mistype: ordinary, zero, negative, huge, tiny, not finite.
NUMBERS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "-0", "1e308", "1e-308", "1e300", "9" * 400, "nan", "inf", "-inf"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
#: Odd scalars for a YAML value: numbers, strings, booleans, nulls, dates and not-dates.
SCALARS = st.one_of(
    NUMBERS,
    st.sampled_from(["true", "null", "~", "''", "[]", "{}", "2025-13-45", "2025-02-30", "x"]),
    st.text(min_size=0, max_size=30).map(repr),
)


def _legal_range(path: str) -> tuple[float, float]:
    """The values a parameter may take: [0, 1] for a probability, else its bounds (or [0, 1e6])."""
    par = PARAMETERS.parameters[path]
    if par.unit.kind is Kind.PROBABILITY:
        return 0.0, 1.0
    bounds = par.spec.bounds
    low = bounds.min if bounds is not None and bounds.min is not None else 0.0
    high = bounds.max if bounds is not None and bounds.max is not None else 1e6
    return float(low), float(high)


@st.composite
def legal_set_value(draw: st.DrawFn) -> str:
    """One ``--set`` argument a parameter accepts on its own: a value within its bounds, often at
    an end of them (the model must cope with any legal value, alone or with others)."""
    path = draw(st.sampled_from(PATHS))
    low, high = _legal_range(path)
    value = draw(
        st.one_of(
            st.sampled_from([low, high]),
            st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False),
        )
    )
    return f"{path}={value!r}"


@st.composite
def set_value(draw: st.DrawFn) -> str:
    """One ``--set`` argument: a real (or misspelt) path, an odd value, maybe a unit; one time in
    two a legal value (:func:`legal_set_value`)."""
    if draw(st.booleans()):
        return draw(legal_set_value())
    path = draw(st.sampled_from(PATHS))
    if draw(st.booleans()) and draw(st.booleans()):
        path = draw(st.sampled_from([path + "x", path.replace(".", "_"), path + ".LA", "a.b"]))
    value = draw(
        st.one_of(NUMBERS, SCALARS, st.sampled_from(["{LA: 3}", "&a [1]", "*a", "[1, 2]"]))
    )
    unit = draw(st.sampled_from(UNITS))
    return f"{path}={value}{' ' + unit if unit else ''}"


def _replace_value(text: str, line: int, value: str) -> str:
    lines = text.splitlines()
    i = line % len(lines)
    key, sep, _ = lines[i].partition(":")
    lines[i] = f"{key}{sep} {value}" if sep else value
    return "\n".join(lines) + "\n"


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _delete(draw: st.DrawFn, text: str, at: int) -> str:
    lines = text.splitlines()
    del lines[at % len(lines)]
    return _joined(lines)


def _unknown_key(draw: st.DrawFn, text: str, at: int) -> str:
    lines = text.splitlines()
    lines.insert(at % (len(lines) + 1), draw(st.sampled_from(["colour: red", "  colour: red"])))
    return _joined(lines)


def _duplicate(draw: st.DrawFn, text: str, at: int) -> str:
    lines = text.splitlines()
    lines.insert(at % len(lines), lines[at % len(lines)])
    return _joined(lines)


def _date(draw: st.DrawFn, text: str, at: int) -> str:
    when = draw(st.sampled_from(["9999-12-31", "0001-01-01", "2025-02-30", "20250101", "x"]))
    return text + f"start: {when}\n" if "start:" not in text else _replace_value(text, 0, when)


def _nest(draw: st.DrawFn, text: str, at: int) -> str:
    depth = draw(st.integers(min_value=1, max_value=600))
    return text + "extra: " + "[" * depth + "]" * depth + "\n"


def _control(draw: st.DrawFn, text: str, at: int) -> str:
    ch = draw(st.sampled_from(["\x01", "\x00", "\x1b", "\u2028", "\ufeff"]))
    return text.replace("title: ", f"title: a{ch}b ", 1)


def _long(draw: st.DrawFn, text: str, at: int) -> str:
    return text.replace("title: ", "title: " + "x" * draw(st.integers(1, 200_000)) + " ", 1)


def _extends(draw: st.DrawFn, text: str, at: int) -> str:
    target = draw(st.sampled_from(["nosuch", "x" * 300, "../../etc/passwd", "fuzzed", ""]))
    return f"{text}extends: {target}\n" if "extends:" not in text else text


def _indent(draw: st.DrawFn, text: str, at: int) -> str:
    lines = text.splitlines()
    lines[at % len(lines)] = "   " + lines[at % len(lines)]
    return _joined(lines)


#: The mutations of a scenario document, by name (``value`` three times: the most common).
MUTATIONS = {
    "value": lambda draw, text, at: _replace_value(text, at, draw(SCALARS)),
    "delete": _delete,
    "unknown_key": _unknown_key,
    "duplicate": _duplicate,
    "date": _date,
    "nest": _nest,
    "alias": lambda draw, text, at: text + "extra: &a [1, 2]\nmore: *a\n",
    "control": _control,
    "long": _long,
    "empty": lambda draw, text, at: draw(
        st.sampled_from(["", "\n", "---\n", "[]\n", "null\n", "name: x\n"])
    ),
    "binary": lambda draw, text, at: draw(st.binary(min_size=1, max_size=200)).decode("latin-1"),
    "extends": _extends,
    "indent": _indent,
}


@st.composite
def scenario_document(draw: st.DrawFn) -> str:
    """A built-in scenario's text with one mutation (:data:`MUTATIONS`)."""
    name = draw(st.sampled_from(sorted(SCENARIO_TEXTS)))
    text = SCENARIO_TEXTS[name].replace(f"name: {name}", "name: fuzzed", 1)
    kind = draw(st.sampled_from(["value", "value", *MUTATIONS]))
    at = draw(st.integers(min_value=0, max_value=10**6))
    mutated: str = MUTATIONS[kind](draw, text, at)
    return mutated


#: Options of ``deportsim run`` with odd values (each a list of arguments).
RUN_OPTIONS = st.lists(
    st.one_of(
        # valid values stay small (the fuzz checks the handling of inputs, not the model's
        # speed): refused ones may be anything
        st.tuples(
            st.just("--replicates"),
            st.sampled_from(["0", "-1", "1", "3", "100001", "1e9", "2.5", "x", "", "9" * 40]),
        ),
        st.tuples(st.just("--seed"), NUMBERS),
        st.tuples(
            st.just("--years"),
            st.sampled_from(["0", "-1", "0.01", "0.05", "50.1", "1e9", "nan", "inf", "x", ""]),
        ),
        st.tuples(
            st.just("--start"),
            st.sampled_from(["2025-01-20", "2026-12-06", "9999-12-31", "1900-01-01", "2025-1-1"]),
        ),
        st.tuples(st.just("--set"), set_value()),
        st.tuples(st.just("--scenario-typo"), st.just("x")),
    ),
    max_size=3,
).map(lambda pairs: [a for pair in pairs for a in pair])


def is_finite_number(value: object) -> bool:
    """A number, and finite."""
    return isinstance(value, int | float) and math.isfinite(value)
