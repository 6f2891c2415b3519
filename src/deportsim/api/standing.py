"""Where the operation stands as of the latest official data (``deportsim status``)."""

from __future__ import annotations

import json
from pathlib import Path

from deportsim.analysis.status import Status
from deportsim.analysis.status import status as compute
from deportsim.core.folders import writable_folder, write_atomic, write_text_atomic
from deportsim.report.status_chart import status_chart

__all__ = ["STATUS_FILES", "status"]

#: The files ``status`` writes in its folder.
STATUS_FILES = ("status.json", "status.png")


def status(out: Path | None = Path("out/status"), replicates: int = 40, seed: int = 0) -> Status:
    """ICE's latest figures against the goals, and the totals since 20 January 2025.

    Each figure is observed (its workbook and cells) or estimated by the model (median and 90%
    interval of ``replicates`` replicates of ``directive-2025``). With ``out``, writes
    ``status.json`` and ``status.png`` there, each whole or not at all.
    """
    st = compute(replicates, seed)
    if out is not None:
        folder = writable_folder(out)
        png = status_chart(st)
        write_text_atomic(folder / "status.json", json.dumps(st.to_json(), indent=2) + "\n")
        write_atomic(folder / "status.png", lambda path: path.write_bytes(png))
    return st
