"""The HTML report: one self-contained page, the bottom line first, then verdicts and charts.

:func:`build_report` writes ``report.html`` (no network requests: styles inline, charts as
``data:`` URIs, no scripts) and one PNG per chart. It takes :class:`ScenarioRun` objects, the
part of a finished run the report reads (:meth:`ScenarioRun.from_sim`), and the claims in the
shape of ``claims.json`` (:func:`read_claims` reads and checks such a file), and optionally a
sensitivity analysis (:func:`read_sensitivity` reads and checks a ``sensitivity.json``) whose
top parameters the page names, and ICE's monthly figures (:class:`Observed`) to draw beside the
model.
"""

from deportsim.report.build import build_report
from deportsim.report.charts import CHARTS, MAX_SCENARIOS, Chart
from deportsim.report.claims import check_claims, read_claims
from deportsim.report.observed import Observed
from deportsim.report.runs import ScenarioRun
from deportsim.report.sensitivity import Sensitivity, check_sensitivity, read_sensitivity

__all__ = [
    "CHARTS",
    "MAX_SCENARIOS",
    "Chart",
    "Observed",
    "ScenarioRun",
    "Sensitivity",
    "build_report",
    "check_claims",
    "check_sensitivity",
    "read_claims",
    "read_sensitivity",
]
