"""Sweeps and sensitivity analyses: one scenario at many sets of parameter values."""
