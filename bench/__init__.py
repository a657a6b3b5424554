"""Benchmarks of Lan Toả's messaging pipeline; run them with ``make bench`` (JSON lines)."""
