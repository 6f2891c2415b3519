"""The simulation engine: random streams and stepping helpers that know nothing of immigration."""

from deportsim.engine.draws import binomial, hazard, poisson
from deportsim.engine.streams import Streams

__all__ = ["Streams", "binomial", "hazard", "poisson"]
