"""The calibration's defaults, apart from the fit itself (a command line reads them at start-up)."""

__all__ = ["BOOTSTRAP", "SEED"]

#: Bootstrap refits kept as the parameters' uncertainty.
BOOTSTRAP = 30
#: The seed of the bootstrap's resampling.
SEED = 20241001
