"""Defaults the command line shows in its help, kept where reading them loads nothing else."""

__all__ = ["DEFAULT_SCENARIO", "ICE_PAGE"]

#: The scenario a command runs when none is named.
DEFAULT_SCENARIO = "directive-2025"
#: ICE's Detention Management page, where the workbooks are published (``deportsim data update``).
ICE_PAGE = "https://www.ice.gov/detain/detention-management"
