"""``deportsim data import | info | update``: ICE's workbooks in the local store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deportsim import api

__all__ = ["data_app"]

data_app = typer.Typer(
    help="Official statistics: import ICE's workbooks into the local store, show it, update it.",
    no_args_is_help=True,
)


def _print_imported(done: api.DataImport) -> None:
    # One plain line per file: a table would cut long file names in a narrow terminal.
    for f in done.files:
        typer.echo(
            f"Imported {f.source_file}: FY{f.fiscal_year or '?'}, data to {f.data_date or '?'}, "
            f"{len(f.figures):,} figures, {len(f.facilities):,} facility rows"
        )
    if done.flagged:
        typer.echo(f"{done.flagged:,} rows carry a data-quality flag (column 'flag'; docs/data.md)")
    typer.echo(f"Stored in {done.store}")


@data_app.command("import")
def data_import(
    paths: Annotated[list[Path], typer.Argument(help="ICE detention statistics workbooks.")],
) -> None:
    """Parse ICE detention statistics workbooks (.xlsx) into the local store, all or nothing."""
    _print_imported(api.data_import(paths))


@data_app.command("info")
def data_info() -> None:
    """Show where the local store is and which files it holds."""
    found = api.data_info()
    typer.echo(f"Store: {found.path}" + ("" if found.exists else " (not created yet)"))
    if not found.files:
        typer.echo(
            "No workbooks imported: the model uses the curated table shipped with deportsim "
            "(deportsim data import PATH ... to add ICE's workbooks)."
        )
        return
    table = Table()
    for name in ("file", "fiscal year", "data to", "figures", "facility rows", "imported"):
        table.add_column(name, no_wrap=name == "file")
    for f in found.files:
        table.add_row(
            str(f["source_file"]), str(f["fiscal_year"] or "?"), str(f["data_date"] or "?"),
            f"{f['figures']:,}", f"{f['facilities']:,}", str(f["imported_at"])[:19],
        )  # fmt: skip
    Console().print(table)


@data_app.command("update")
def data_update(
    page: Annotated[
        str, typer.Option(help="Page that links to the workbooks (default: ICE's).")
    ] = api.ICE_PAGE,
) -> None:
    """Download workbooks from ICE's detention management page that the store lacks."""
    done = api.data_update(page)
    typer.echo(f"{len(done.links)} workbook links on {done.page}")
    if done.skipped:
        typer.echo(f"Already in the store: {', '.join(done.skipped)}")
    if not done.files:
        typer.echo("Nothing new to import.")
        return
    _print_imported(done)
