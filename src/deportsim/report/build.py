"""Writing a report: the charts, the page, and the files, all or nothing."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deportsim.core.errors import Location, UserError
from deportsim.core.signals import check_stop
from deportsim.report.assumptions import tornado_charts
from deportsim.report.charts import CHARTS, MAX_SCENARIOS
from deportsim.report.claims import check_claims
from deportsim.report.html import render_page
from deportsim.report.observed import Observed
from deportsim.report.runs import ScenarioRun
from deportsim.report.sensitivity import Sensitivity
from deportsim.store.outputs import lock_output, stage

__all__ = ["REPORT_FILE", "build_report"]

#: The page's file name in the output folder.
REPORT_FILE = "report.html"


def build_report(
    runs: Sequence[ScenarioRun],
    claims: list[dict[str, Any]] | None,
    out: Path,
    sensitivity: Sensitivity | None = None,
    observed: Observed | None = None,
) -> list[Path]:
    """Write ``out/report.html`` and one PNG per chart; return their paths, the page first.

    ``runs``: the scenario shown first, then those compared with it (at most
    :data:`~deportsim.report.charts.MAX_SCENARIOS`, one colour each); ``claims``: the content of
    a claims.json, or None to say that claims were not tested; ``sensitivity``: a sensitivity
    analysis (:func:`~deportsim.report.sensitivity.read_sensitivity`) whose top parameters the
    page names, with a ``tornado-<metric>.png`` per metric, or None; ``observed``: ICE's monthly
    figures to draw beside the model (:meth:`Observed.from_record`), or None for none. The
    page opens with the bottom line of the first scenario. Everything is drawn and
    written to a hidden folder in ``out`` first, then moved into place, the page last: a failure
    leaves no page at all rather than a page whose charts are missing.
    """
    if not runs:
        raise ValueError("a report needs at least one run")
    if len(runs) > MAX_SCENARIOS:
        raise UserError(
            f"at most {MAX_SCENARIOS} scenarios fit in one report ({len(runs)} given)",
            Location("<command line>", path="--compare"),
        )
    checked = None if claims is None else check_claims(claims)
    seen = observed if observed is not None else Observed()
    drawn = [make(runs, seen) for make in CHARTS]
    tornadoes = [] if sensitivity is None else tornado_charts(sensitivity)
    page = render_page(runs, drawn, checked, sensitivity, tornadoes)
    charts = [*drawn, *tornadoes]
    with lock_output(out):  # a run or another report writing here: refused at once
        tmp = stage(out)
        try:
            for chart in charts:
                (tmp / chart.filename).write_bytes(chart.png)
            (tmp / REPORT_FILE).write_text(page, encoding="utf-8")
            check_stop()  # asked to stop, its exception lost: nothing is put in place
            (out / REPORT_FILE).unlink(missing_ok=True)  # never an old page over new charts
            names = [c.filename for c in charts] + [REPORT_FILE]
            for name in names:
                (tmp / name).replace(out / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return [out / REPORT_FILE, *(out / c.filename for c in charts)]
