"""The pipeline model: the stages of immigration enforcement, built on the engine."""

from deportsim.model.inputs import Inputs
from deportsim.model.pipeline import NATIONAL_SERIES, REGIONAL_SERIES, SimResult, simulate

__all__ = ["NATIONAL_SERIES", "REGIONAL_SERIES", "Inputs", "SimResult", "simulate"]
