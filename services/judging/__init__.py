"""Judging: councils, blind assignment, scoring, ballots, results. Keeps its own projection of
contests and entries, built from submissions' events."""
