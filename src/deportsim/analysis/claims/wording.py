"""How the claim checks word their explanations: counts, intervals and the binding constraint."""

from __future__ import annotations

from collections.abc import Callable

from deportsim.analysis.claims.constraints import Binding
from deportsim.analysis.claims.verdicts import Interval
from deportsim.run import RunOutput

__all__ = ["amount", "directive_assumptions", "percent", "subject", "why", "with_interval"]

_WHY = {
    "officers": "officers bind: there are too few of them to make the arrests the target asks for",
    "reachable_population": (
        "the reachable population binds: officers find fewer of the people they look for as "
        "the findable pool shrinks"
    ),
    "beds": "beds bind: people are released for lack of a bed",
    "courts": "courts bind: the backlog grows because judges complete fewer cases than arrive",
    "transport": "transport binds: removals wait for seats on flights and buses",
    "funding": "funding binds",
}


def amount(v: float) -> str:
    """A count as a journalist writes it: 1,850; 2.3 million."""
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f} million"
    return f"{v:,.0f}"


def with_interval(iv: Interval, fmt: Callable[[float], str] = amount) -> str:
    """The median and its 90% interval: "1,740 (90% interval 1,739 to 1,741)"."""
    return f"{fmt(iv.p50)} (90% interval {fmt(iv.p05)} to {fmt(iv.p95)})"


def percent(v: float) -> str:
    """A share as a whole percentage: "84%"."""
    return f"{v:.0%}"


def subject(name: str) -> str:
    """The constraint as the subject of a sentence: "officers", "the reachable population"."""
    return _WHY[name].split(" bind")[0]


def why(b: Binding, name: str) -> str:
    """The binding constraint as a clause: "Beds bind: ...", or the closest if none binds."""
    text = _WHY[name]
    if b.binds(name):
        return text[0].upper() + text[1:]
    return f"No limit is reached; the closest is {subject(name)}"


def directive_assumptions(o: RunOutput) -> tuple[str, ...]:
    """The directive's assumptions a result rests on: officers, their arrest rate, beds, people."""
    x = o.prepared.inputs
    return (
        f"{x.officers[-1]:,.0f} deportation officers by 2026 (assumption, range 9,000-16,000)",
        f"{x.productivity[-1]:.2f} at-large arrests per officer-day (FY2024 rate)",
        f"{x.beds[-1]:,.0f} detention beds from July 2026 (assumption, range 80,000-130,000)",
        f"{x.population_total / 1e6:.1f} million unauthorized immigrants (Pew Research, 2023)",
    )
