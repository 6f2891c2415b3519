"""Defaults the command line shows in its help, kept where reading them loads nothing else."""

__all__ = ["DEFAULT_SCENARIO"]

#: The scenario a command runs when none is named.
DEFAULT_SCENARIO = "directive-2025"
