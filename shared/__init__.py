"""Lan Toả's common package: event contracts and the thin wiring every service shares."""
