"""Regenerate the rolling-origin evaluation in docs/validation.md ("Forecasts from every month").

``python scripts/forecast_evaluation.py`` runs the evaluation of ``deportsim forecast
--evaluate`` (:func:`deportsim.api.forecast_evaluation`: the model, ``directive-2025`` with 100
replicates, beside the naive baselines, from every origin month since October 2024), puts its
tables and issue 20's targets between the two marker comments of docs/validation.md::

    <!-- forecast-evaluation:start -->
    ...
    <!-- forecast-evaluation:end -->

and copies its chart to docs/img/forecast-evaluation.png. Nothing else in the file changes. It
takes a minute or two; the same data, seed and version give the same text and chart.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from deportsim import api

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
IMAGE = ROOT / "docs" / "img" / "forecast-evaluation.png"
START = "<!-- forecast-evaluation:start -->"
END = "<!-- forecast-evaluation:end -->"


def splice(text: str, body: str) -> str:
    """``text`` with what lies between the markers replaced by ``body`` (ValueError if absent)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{DOC.name} needs one {START} line and one {END} line after it")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{body.strip()}\n\n{END}{tail}"


def main() -> None:
    """Run the evaluation once; write its tables into the docs and copy its chart."""
    text = DOC.read_text(encoding="utf-8")
    splice(text, "")  # the markers are there: checked before the long run
    with tempfile.TemporaryDirectory() as tmp:
        done = api.forecast_evaluation(Path(tmp), catalog=False)
        DOC.write_text(splice(text, done.markdown), encoding="utf-8")
        shutil.copyfile(Path(tmp) / "evaluation.png", IMAGE)
    met = sum(t.met is True for t in done.targets)
    print(  # noqa: T201 - the script's one line of output
        f"{DOC.relative_to(ROOT)} and {IMAGE.relative_to(ROOT)} regenerated: origins "
        f"{done.first_origin} to {done.last_origin}, {met} of {len(done.targets)} targets met",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
