"""Contests: their rules, categories, phases and awards; publishing them to the other services."""
