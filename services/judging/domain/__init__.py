"""Judging rules without I/O."""
