"""Analyses built on the model: checks against history, and later claims, requirements, sweeps."""

from deportsim.analysis.history.published import PUBLISHED, Published, Replay, replay

__all__ = ["PUBLISHED", "Published", "Replay", "replay"]
