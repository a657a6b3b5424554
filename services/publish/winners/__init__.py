"""winners."""
