"""Tables (filled in by the feature)."""

from __future__ import annotations
