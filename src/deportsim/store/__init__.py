"""The store: a run's output files and the catalog of every run."""
