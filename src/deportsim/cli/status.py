"""``deportsim status``: where the operation stands as of the latest official data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deportsim import api
from deportsim.views.status import status_lines

__all__ = ["status"]


def status(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/status"),
    replicates: Annotated[
        int,
        typer.Option(help="Replicates of the model run behind the estimates.", min=1, max=1000),
    ] = 40,
    seed: Annotated[int, typer.Option(help="Seed of the model run.", min=0)] = 0,
) -> None:
    """Where the operation stands: ICE's latest figures against the goals, totals so far."""
    st = api.status(out, replicates=replicates, seed=seed)
    for line in status_lines(st):
        typer.echo(line)
    typer.echo(f"Results in {out}/ ({', '.join(api.STATUS_FILES)})")
