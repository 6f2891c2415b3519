"""The pipeline model: the stages of immigration enforcement, built on the engine.

Each stage has a module in :mod:`deportsim.model.stages` named after its parameter file in
``src/deportsim/parameters/`` (one file per stage). In pipeline order:

- ``stages/population.py`` (``population.yaml``): who is at risk of arrest, where, and how that
  pool changes; station ``community``.
- ``stages/arrests.py`` (``arrests.yaml``): targets, officers, arrest channels, cooperation;
  station ``booking`` and the arrest captures on ``community``.
- ``stages/detention.py`` (``detention.yaml``): beds, border book-ins, stays, book-outs;
  stations ``detention``, ``hold`` and ``atd`` (alternatives to detention).
- ``stages/courts.py`` (``courts.yaml``): judges, the backlog, completions; station ``appeal``
  and the court capture on ``community``.
- ``stages/removal.py`` (``removal.yaml``): staging and transport; stations ``staging`` and
  ``transport``.
- ``stages/departures.py`` (``departures.yaml``): emigration and induced departures.
- ``stages/costs.py`` (``costs.yaml``): unit costs of the day's counts.
- ``stages/impacts.py`` (``impacts.yaml``): who is removed (convictions, children, workers).

:data:`~deportsim.model.stages.STAGES` is that map as a table the code and tests read (stage,
parameter file, stations, captures, series, reads). The other modules put the stages together:

- ``inputs.py``: :class:`Inputs`, every parameter value of a run, read from the stages' ``READS``.
- ``network.py``: :func:`~deportsim.model.network.build` assembles the stages' stations into
  the engine network and wires them (arrivals, routes, people on day 0).
- ``accounts.py``: the model's daily series from the stations' series.
- ``pipeline.py``: :func:`simulate` runs the network on the engine in batches of replicates.
- ``replay.py``: the detention stage replayed on ICE's monthly history; ``structure.py``: the
  model's case paths as the calibration uses them; ``calibration.py`` (and ``calibrated/``): the
  calibrated detention stays.
"""

from deportsim.model.inputs import Inputs
from deportsim.model.pipeline import NATIONAL_SERIES, REGIONAL_SERIES, SimResult, simulate
from deportsim.model.stages import STAGES, read_inputs

__all__ = [
    "NATIONAL_SERIES",
    "REGIONAL_SERIES",
    "STAGES",
    "Inputs",
    "SimResult",
    "read_inputs",
    "simulate",
]
