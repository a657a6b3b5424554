"""The audit log's hash chain, and the canonical JSON that results snapshots are hashed in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """What a record's hash covers."""

    seq: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    round_id: str | None
    subject: str
    data: str  # canonical JSON

    def hash_after(self, prev_hash: str) -> str:
        content = canonical_json(
            [
                prev_hash,
                self.seq,
                self.at,
                self.actor,
                self.action,
                self.round_id,
                self.subject,
                self.data,
            ]
        )
        return sha256_hex(content)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(records: Iterable[tuple[Link, str, str]]) -> ChainBreak | None:
    """Walk (link, prev_hash, hash) in seq order; the first record that does not follow."""
    expected_prev = GENESIS
    expected_seq = 1
    for link, prev_hash, stored_hash in records:
        if link.seq != expected_seq:
            return ChainBreak(link.seq, f"record {expected_seq} is missing")
        if prev_hash != expected_prev:
            return ChainBreak(link.seq, "does not point at the record before it")
        if link.hash_after(prev_hash) != stored_hash:
            return ChainBreak(link.seq, "its content does not match its hash")
        expected_prev = stored_hash
        expected_seq += 1
    return None
