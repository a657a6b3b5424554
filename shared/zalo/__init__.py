"""Zalo official accounts, the part several services need: their tokens (notify's ZNS account,
publish's OA article outlets)."""
