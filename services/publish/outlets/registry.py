"""The outlet kinds there are: every module of ``outlets/kinds`` exposing ``ADAPTER``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import cast

from . import kinds
from .base import OutletAdapter


@cache
def adapters() -> dict[str, OutletAdapter]:
    found: dict[str, OutletAdapter] = {}
    for module in sorted(pkgutil.iter_modules(kinds.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{kinds.__name__}.{module.name}")
        adapter = getattr(loaded, "ADAPTER", None)
        if adapter is None:
            continue
        found[adapter.kind] = cast(OutletAdapter, adapter)
    return found


def adapter_for(kind: str) -> OutletAdapter | None:
    return adapters().get(kind)
