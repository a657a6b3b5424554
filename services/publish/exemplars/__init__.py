"""exemplars."""
