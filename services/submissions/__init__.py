"""Submissions: contests and their rules, accounts, entries, uploads, verification, screening."""
