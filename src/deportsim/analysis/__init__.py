"""Analyses built on the model: checks against history, and later claims, requirements, sweeps."""

from typing import TYPE_CHECKING

from deportsim.core.lazy import exports as _exports

if TYPE_CHECKING:
    from deportsim.analysis.history.published import PUBLISHED, Published, Replay, replay

__all__ = ["PUBLISHED", "Published", "Replay", "replay"]
# the replay's names, imported on first use: importing a subpackage loads no model
__getattr__, __dir__ = _exports(
    __name__, dict.fromkeys(__all__, "deportsim.analysis.history.published")
)
