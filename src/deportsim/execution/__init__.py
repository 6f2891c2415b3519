"""Run many independent, picklable tasks on local processes or on a Dask cluster.

Nothing here knows about the model: a caller passes a function importable from an installed
package and one argument per task, and receives each result in the calling process as it ends
(:func:`run_tasks`). Tasks must be pure: a task that is run twice (a lost worker's task is run
again elsewhere) gives the same result, so results never depend on the backend, on the number
of workers or on the order in which tasks finish.
"""

from deportsim.execution.backends import (
    SCHEDULER_ENV,
    Backend,
    DaskBackend,
    LocalBackend,
    Progress,
    choose_backend,
    run_tasks,
)

__all__ = [
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "Progress",
    "choose_backend",
    "run_tasks",
]
