"""Entries: drafts, uploads straight to storage, verification of what arrived, submission."""
