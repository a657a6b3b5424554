"""The multipart upload protocol's arithmetic and the names people give their files.

The server decides the part size when an upload starts, so the number of parts times the part
size bounds what can be stored; at completion every stored part is checked against that plan.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MiB = 1024 * 1024
MIN_PART_BYTES = 8 * MiB  # S3 needs >= 5 MiB for every part but the last
MAX_PARTS = 10_000  # the S3 limit
MAX_PART_BYTES = 5 * 1024 * MiB
MAX_NAME_LENGTH = 180


@dataclass(frozen=True)
class PartPlan:
    part_size: int
    part_count: int

    def size_of(self, number: int, total: int) -> int:
        """Bytes part ``number`` (1-based) must hold for a file of ``total`` bytes."""
        if not 1 <= number <= self.part_count:
            raise ValueError(f"part {number} is outside 1..{self.part_count}")
        if number < self.part_count:
            return self.part_size
        return total - self.part_size * (self.part_count - 1)


def plan_parts(size: int) -> PartPlan:
    """Parts of at least 8 MiB, whole MiB, never more than 10,000 of them."""
    if size < 1:
        raise ValueError("an upload holds at least one byte")
    needed = -(-size // MAX_PARTS)
    part_size = max(MIN_PART_BYTES, -(-needed // MiB) * MiB)
    if part_size > MAX_PART_BYTES:
        raise ValueError("file too large for a multipart upload")
    return PartPlan(part_size=part_size, part_count=-(-size // part_size))


@dataclass(frozen=True)
class StoredPart:
    number: int
    size: int


def parts_problem(plan: PartPlan, declared_size: int, parts: Sequence[StoredPart]) -> str | None:
    """Why the stored parts do not make the declared file, in Vietnamese; None when they do."""
    by_number = {p.number: p for p in parts}
    unexpected = sorted(n for n in by_number if not 1 <= n <= plan.part_count)
    if unexpected:
        return f"Có phần tệp ngoài kế hoạch tải lên (phần {unexpected[0]})."
    missing = [n for n in range(1, plan.part_count + 1) if n not in by_number]
    if missing:
        shown = ", ".join(str(n) for n in missing[:5]) + ("…" if len(missing) > 5 else "")
        return f"Tệp chưa tải lên đủ: còn thiếu phần {shown}."
    for number in range(1, plan.part_count + 1):
        expected = plan.size_of(number, declared_size)
        if by_number[number].size != expected:
            return (
                f"Phần {number} có {by_number[number].size} byte, "
                f"không khớp với {expected} byte đã định: tệp không trọn vẹn."
            )
    return None


_UNSAFE = set('<>:"/\\|?*')


def clean_file_name(name: str) -> str:
    """A name safe to show and to offer for download: no folders, no control characters,
    nothing a shell or a file system would read differently. Never used as a storage key."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            continue  # control, format (e.g. right-to-left override), unassigned
        kept.append("_" if char in _UNSAFE else char)
    cleaned = " ".join("".join(kept).split()).strip(" .")
    if not cleaned:
        cleaned = "tep"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            cleaned = cleaned[:MAX_NAME_LENGTH]
    return cleaned
