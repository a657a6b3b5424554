"""Inspecting uploaded media: measuring it (probe) and stripping what names its author (scrub)."""
