"""A small in-process cache of what is costly to build and changes rarely (the gallery's list
of works, a page of the ninjs feed), each kept with the version of the data it was built
from: a reader asks with the version it just read, so a change anywhere is never served
stale, on one replica or many."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[Hashable, V]] = OrderedDict()

    def get(self, key: Hashable, version: Hashable) -> V | None:
        found = self._items.get(key)
        if found is None or found[0] != version:
            return None
        self._items.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, version: Hashable, value: V) -> V:
        self._items[key] = (version, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value
