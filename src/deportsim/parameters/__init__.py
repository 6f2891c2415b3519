"""Model parameters as sourced YAML data (files beside this module) and their strict loader."""

from deportsim.parameters.loader import PARAMETERS_DIR, Parameter, ParameterSet, load_parameters
from deportsim.parameters.resolve import Override, Resolved, make_override, parse_set
from deportsim.parameters.schema import Assumption, ParameterSpec, Source, Uncertainty

__all__ = [
    "PARAMETERS_DIR",
    "Assumption",
    "Override",
    "Parameter",
    "ParameterSet",
    "ParameterSpec",
    "Resolved",
    "Source",
    "Uncertainty",
    "load_parameters",
    "make_override",
    "parse_set",
]
