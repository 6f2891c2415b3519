"""deportsim."""
