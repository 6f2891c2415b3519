"""``deportsim backtest`` and ``calibrate``: the model against ICE's monthly figures."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deportsim import api
from deportsim.cli.options import CatalogOption, NoCatalogOption, catalog_choice, echo_recorded

__all__ = ["backtest", "calibrate"]


class Stays(StrEnum):
    """Stays the backtest replays without a calibration file."""

    fitted = "fitted"
    model = "model"


def backtest(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/backtest"),
    seed: Annotated[int, typer.Option(help="Seed of the intervals' draws.")] = 0,
    calibration: Annotated[
        Path | None,
        typer.Option(
            help="A calibration.yaml or model_stays.yaml from deportsim calibrate "
            "(default: the shipped one)."
        ),
    ] = None,
    stays: Annotated[
        Stays,
        typer.Option(
            help="Without --calibration: the backtest's own fitted stays, or the model's "
            "calibrated stays (case paths)."
        ),
    ] = Stays.fitted,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Replay detention since October 2018 against ICE's monthly figures; write backtest.json."""
    recorded: list[str] = []
    bt = api.backtest(
        seed=seed, calibration=calibration, stays=stays.value, out=out,
        catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
    )  # fmt: skip
    table = Table()
    for name in ("series", "months", "in sample: MAPE", "in 90%", "out of sample: MAPE", "in 90%"):
        table.add_column(name, justify="left" if name == "series" else "right",
                         no_wrap=name == "series")  # fmt: skip
    for name, m in bt.metrics().items():
        cells = [name, str(m["months"])]
        for part in ("in_sample", "out_of_sample"):
            p = m.get(part)
            cells += [f"{p['mape']:.1%}", f"{p['coverage90']:.0%}"] if p else ["–", "–"]
        table.add_row(*cells)
    first, last = bt.history.months[0], bt.history.months[-1]
    typer.echo(
        f"Backtest {first} to {last} ({bt.calibration.stays} stays): fitted on FY2019-FY2024, "
        "out of sample from 2024-10"
    )
    Console().print(table)
    for c in bt.claims:
        typer.echo(
            f"Claim {c.id}: {c.figure:,.0f} claimed; backtest median {c.p50:,.0f} "
            f"(90%: {c.p05:,.0f}-{c.p95:,.0f}), {c.gap:+.0%}; ICE's figure {c.observed:,.0f}"
        )
    echo_recorded(recorded)
    typer.echo(f"Results in {out}/ (backtest.json, backtest.png)")


def calibrate(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/calibration"),
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap refits kept as uncertainty.")
    ] = api.CALIBRATION_BOOTSTRAP,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = api.CALIBRATION_SEED,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Fit the detention stays on ICE's monthly ADP, FY2019-FY2024.

    Writes calibration.yaml (the backtest's stays) and model_stays.yaml (the model's stay
    parameters, with their bootstrap ranges and their errors in and out of sample).
    """
    recorded: list[str] = []
    path, model = api.calibrate(
        out, bootstrap=bootstrap, seed=seed, catalog=catalog_choice(catalog, no_catalog),
        on_record=recorded.append,
    )  # fmt: skip
    echo_recorded(recorded)
    typer.echo(
        f"Calibration written to {path} (use it with: deportsim backtest --calibration {path})"
    )
    typer.echo(f"The model's stay parameters, calibrated: {model}")
