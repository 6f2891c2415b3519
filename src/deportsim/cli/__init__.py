"""The ``deportsim`` command line: a thin layer over :mod:`deportsim.api`."""

from deportsim.cli.app import app, main

__all__ = ["app", "main"]
