"""Secretariat screening: the queue, the entry as submitted, decisions."""
