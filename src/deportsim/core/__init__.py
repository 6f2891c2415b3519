"""Core: errors, units, strict YAML, checksums, the privacy screen and paths.

The lowest layer: it imports nothing else of deportsim, and every other package may use it.
"""
