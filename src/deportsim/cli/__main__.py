"""``python -m deportsim.cli``: the same as the ``deportsim`` command."""

from deportsim.cli import main

main()
