"""The simulation engine: stations, delays and random streams, over replicates and regions.

It knows nothing of immigration: the model builds its pipeline from these pieces
(docs/engine.md).
"""

from deportsim.engine.batches import DEFAULT_BATCH, over_threads
from deportsim.engine.delays import MAX_BINS, DailyStay, Delay
from deportsim.engine.network import Capture, Network, Route
from deportsim.engine.result import SERIES, EngineResult
from deportsim.engine.runs import run_batches, simulate
from deportsim.engine.sampling import EXACT_BELOW, MeanField, Sampler, Stochastic
from deportsim.engine.schedule import piecewise
from deportsim.engine.station import Station
from deportsim.engine.streams import Streams

__all__ = [
    "DEFAULT_BATCH",
    "EXACT_BELOW",
    "MAX_BINS",
    "SERIES",
    "Capture",
    "DailyStay",
    "Delay",
    "EngineResult",
    "MeanField",
    "Network",
    "Route",
    "Sampler",
    "Station",
    "Stochastic",
    "Streams",
    "over_threads",
    "piecewise",
    "run_batches",
    "simulate",
]
