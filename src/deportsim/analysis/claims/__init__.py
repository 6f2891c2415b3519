"""The claims of the claims guide tested against the model: checks, verdicts and constraints.

The modules, in reading order:

- :mod:`~deportsim.analysis.claims.spec`: the claims file (``claims.yaml``) and its figures;
- :mod:`~deportsim.analysis.claims.verdicts`: intervals, how a verdict is read, a claim's result;
- :mod:`~deportsim.analysis.claims.context`: the runs the checks share, each made once;
- :mod:`~deportsim.analysis.claims.series`: windows of a run's daily series and their totals;
- :mod:`~deportsim.analysis.claims.constraints`: which constraint binds in a run;
- :mod:`~deportsim.analysis.claims.wording`: how the checks word their explanations;
- :mod:`~deportsim.analysis.claims.pace`, :mod:`~deportsim.analysis.claims.capacity`,
  :mod:`~deportsim.analysis.claims.who` and :mod:`~deportsim.analysis.claims.economy`: the
  checks, grouped by question;
- :mod:`~deportsim.analysis.claims.checks`: the registry of checks by claim id;
- :mod:`~deportsim.analysis.claims.evaluate`: test every claim and write claims.json.
"""
