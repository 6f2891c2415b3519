"""Defaults the command line shows in its help, kept where reading them loads nothing else."""

__all__ = ["BANDS_ABOVE", "DEFAULT_SCENARIO", "ICE_PAGE"]

#: The scenario a command runs when none is named.
DEFAULT_SCENARIO = "directive-2025"
#: With ``deportsim run --series auto``, runs of more replicates than this write daily bands
#: instead of every replicate's series (:mod:`deportsim.run.bands`; the default run has 100
#: replicates, and keeps writing every one).
BANDS_ABOVE = 100
#: ICE's Detention Management page, where the workbooks are published (``deportsim data update``).
ICE_PAGE = "https://www.ice.gov/detain/detention-management"
