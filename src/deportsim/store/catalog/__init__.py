"""The results catalog: every run recorded, with its settings, status, timings and outputs.

Where: ``--catalog DIR``, else ``$DEPORTSIM_CATALOG``, else ``catalog/`` in the user data
directory (``$DEPORTSIM_DATA_DIR``, ``$XDG_DATA_HOME/deportsim`` or ``~/.local/share/deportsim``).
``--no-catalog`` or ``DEPORTSIM_NO_CATALOG=1`` turns recording off.

Writing (:mod:`deportsim.store.catalog.records`): each run writes its own record file and its own
folder, atomically, so concurrent runs lose nothing and a killed run stays ``incomplete``.
Reading (:mod:`deportsim.store.catalog.query`): DuckDB reads the records and the runs' Parquet
summaries in place. To record a command's runs::

    from deportsim.store import catalog

    record = catalog.begin("sweep", scenario=..., scenario_hash=..., parameters=..., seed=...)
    try:
        ...
    except BaseException as exc:
        record.fail(exc)
        raise
    record.finish(outputs=catalog.keep(record, {"sweep.parquet": path}), timings={"wall_s": t})

or, the same in one place (:mod:`deportsim.store.catalog.recorder`)::

    with catalog.recording("claims", out=out, seed=..., ...) as rec:
        ...
        rec.keep({"claims.json": path}, copy=("claims.json",))

``record.id`` is the run id (None when not recorded); ``record.folder`` the run's own folder in
the catalog; :func:`resume` takes a stopped run up again under the same id.
"""

from typing import TYPE_CHECKING

from deportsim.core.lazy import exports as _exports

if TYPE_CHECKING:
    from deportsim.store.catalog.outputs import keep, write_metrics
    from deportsim.store.catalog.query import (
        connect,
        display_status,
        find,
        list_runs,
        resume,
    )
    from deportsim.store.catalog.recorder import Recording, recording
    from deportsim.store.catalog.records import (
        CATALOG_ENV,
        NO_CATALOG_ENV,
        STATUSES,
        CatalogChoice,
        RunRecord,
        begin,
        catalog_dir,
        disabled,
    )

__all__ = [
    "CATALOG_ENV",
    "NO_CATALOG_ENV",
    "STATUSES",
    "CatalogChoice",
    "Recording",
    "RunRecord",
    "begin",
    "catalog_dir",
    "connect",
    "disabled",
    "display_status",
    "find",
    "keep",
    "list_runs",
    "recording",
    "resume",
    "write_metrics",
]

#: imported on first use: the catalog's settings (``records``) load neither DuckDB nor Arrow
__getattr__, __dir__ = _exports(__name__, {
    "keep": "deportsim.store.catalog.outputs", "write_metrics": "deportsim.store.catalog.outputs",
    **dict.fromkeys(("connect", "display_status", "find", "list_runs", "resume"),
                    "deportsim.store.catalog.query"),
    "Recording": "deportsim.store.catalog.recorder",
    "recording": "deportsim.store.catalog.recorder",
    **dict.fromkeys(("STATUSES", "CATALOG_ENV", "NO_CATALOG_ENV", "CatalogChoice", "RunRecord",
                     "begin", "catalog_dir", "disabled"), "deportsim.store.catalog.records"),
})  # fmt: skip
