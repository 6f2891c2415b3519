"""The model against history: the detention backtest and the calibration of the stays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from deportsim.analysis.history import calibrate as fits
from deportsim.analysis.history.backtest import Backtest, run_backtest, write_backtest
from deportsim.analysis.history.model_stays import calibrate_model
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import writable_folder
from deportsim.model.calibration import (
    Calibration,
    read_calibration,
    shipped_calibration,
    shipped_model_stays,
)
from deportsim.model.replay import load_history
from deportsim.store.catalog.recorder import recording
from deportsim.store.catalog.records import CatalogChoice

__all__ = ["CALIBRATION_BOOTSTRAP", "CALIBRATION_SEED", "backtest", "calibrate"]

#: Bootstrap refits and seed of the shipped calibration (``deportsim calibrate``'s defaults).
CALIBRATION_BOOTSTRAP = fits.BOOTSTRAP
CALIBRATION_SEED = fits.SEED


def backtest(
    seed: int = 0,
    calibration: Path | None = None,
    db: Path | None = None,
    stays: str = "fitted",
    out: Path | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> Backtest:
    """Replay detention on history with a calibration and score it.

    Without a ``calibration`` file, the shipped one: ``stays="fitted"``, the backtest's free
    two-phase stays; ``stays="model"``, the model's own calibrated stays. A file written by
    ``deportsim calibrate`` (``calibration.yaml`` or ``model_stays.yaml``) says which it holds.
    With ``out``, writes ``backtest.json`` and ``backtest.png`` there, recorded in the catalog as
    for :func:`deportsim.api.claims` (kind ``backtest``).
    """
    cal = _backtest_calibration(calibration, stays)  # a bad file or option: before anything
    if out is not None:
        writable_folder(out)  # before the replay: a folder that cannot be made fails at once
    settings = {"calibration": str(calibration) if calibration else None, "stays": stays}
    with recording(
        "backtest", out=out, catalog=catalog, on_record=on_record, seed=seed, config=settings
    ) as rec:
        bt = run_backtest(load_history(db), cal, seed)
        if out is not None:
            paths = write_backtest(bt, out)
            rec.keep({p.name: p for p in paths}, copy=("backtest.json",))
    return bt


def _backtest_calibration(calibration: Path | None, stays: str) -> Calibration:
    """The calibration a backtest replays: the shipped one (``stays``) or a file (UserError)."""
    if stays not in {"fitted", "model"}:
        raise UserError(f"unknown stays {stays!r}: fitted or model", Location("<command line>"))
    if calibration is not None and stays != "fitted":
        raise UserError(
            "give --stays or --calibration, not both: a calibration file says which stays it holds",
            Location("<command line>", path="--stays"),
        )
    if calibration is None:
        if stays == "fitted":
            return shipped_calibration()
        return shipped_model_stays().as_calibration()
    try:
        return read_calibration(calibration.read_text())
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", Location(calibration)) from None
    except UnicodeDecodeError:
        raise UserError("not a text file", Location(calibration)) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, yaml.YAMLError) as exc:
        raise UserError(
            f"not a calibration file from deportsim calibrate ({exc})", Location(calibration)
        ) from None


def calibrate(
    folder: Path,
    bootstrap: int | None = None,
    seed: int | None = None,
    db: Path | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> tuple[Path, Path]:
    """Fit the stays on FY2019-FY2024; write ``calibration.yaml`` and ``model_stays.yaml``.

    ``calibration.yaml`` holds the backtest's stays (:mod:`deportsim.analysis.history.calibrate`),
    ``model_stays.yaml`` the model's own stay parameters with their out-of-sample errors
    (:mod:`deportsim.analysis.history.model_stays`). ``bootstrap`` (at least 2) and ``seed``
    default to the shipped calibration's (:data:`CALIBRATION_BOOTSTRAP`,
    :data:`CALIBRATION_SEED`). Recorded in the catalog as for :func:`deportsim.api.claims` (kind
    ``calibration``), both files kept.
    """
    n = CALIBRATION_BOOTSTRAP if bootstrap is None else bootstrap
    if n < 2:
        raise UserError(
            "--bootstrap must be at least 2", Location("<command line>", path="--bootstrap")
        )
    s = CALIBRATION_SEED if seed is None else seed
    writable_folder(folder)  # before the fits: a folder that cannot be made fails at once
    history = load_history(db)
    with recording(
        "calibration", out=folder, catalog=catalog, on_record=on_record, seed=s,
        config={"bootstrap": n},
    ) as rec:  # fmt: skip
        backtest_stays = fits.calibrate(history, n, s).to_yaml()
        model_stays = calibrate_model(history, n, s).to_yaml(history)
        paths = (
            fits.write_calibration(backtest_stays, folder / "calibration.yaml"),
            fits.write_calibration(model_stays, folder / "model_stays.yaml"),
        )
        rec.keep({p.name: p for p in paths}, copy=[p.name for p in paths])
    return paths
