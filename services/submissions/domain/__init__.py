"""Submission rules without I/O: media types, entry codes, phases, what blocks a submission."""
