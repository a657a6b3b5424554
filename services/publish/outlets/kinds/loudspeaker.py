"""Commune loudspeakers ("loa truyền thanh cơ sở"): a bulletin package (MP3, script, manifest)
dropped in a folder or an object-storage prefix the provincial source-information system
takes from. No credentials: the drop is the interface.

Address: empty (the service's bulletin_drop_dir, else storage under ``bulletins/``), an
absolute folder path, or ``s3://<prefix>``. Settings: priority (normal | priority |
emergency), communes (5-digit codes), validity_days or valid_from / valid_until,
max_minutes, organizer (the name the bulletin is credited to).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ...bulletins.package import publish_bulletin, retract_bulletin
from ...domain import bulletins as rules
from ..base import Context, Outlet, Published, Work


class LoudspeakerAdapter:
    kind: ClassVar[str] = "loudspeaker"
    label: ClassVar[str] = "Loa truyền thanh cơ sở / Commune loudspeakers"
    secret_fields: ClassVar[tuple[str, ...]] = ()
    # The address is a folder or s3://<prefix>, not an HTTP address: check() checks it.
    address_is_url: ClassVar[bool] = False
    # The settings a form may ask for, with their Vietnamese / English names.
    setting_fields: ClassVar[tuple[tuple[str, str], ...]] = (
        ("priority", "Mức ưu tiên (normal, priority, emergency) / Priority"),
        ("communes", "Mã xã nhận bản tin (5 chữ số) / Target commune codes (5 digits)"),
        ("validity_days", "Số ngày phát / Days to play"),
        ("valid_from", "Phát từ (ISO 8601) / Play from"),
        ("valid_until", "Phát đến (ISO 8601) / Play until"),
        ("max_minutes", "Độ dài tối đa (phút) / Maximum length (minutes)"),
        ("organizer", "Đơn vị đưa tin / Credited to"),
    )

    def check(
        self, address: str, settings: Mapping[str, Any], credentials: Mapping[str, str]
    ) -> list[str]:
        _, problems = rules.parse_address(address)
        _, option_problems = rules.parse_options(settings)
        return problems + option_problems

    async def publish(self, work: Work, outlet: Outlet, ctx: Context) -> Published:
        return await publish_bulletin(work, outlet, ctx)

    async def retract(
        self, work: Work, outlet: Outlet, published: Published, ctx: Context
    ) -> Mapping[str, Any]:
        return await retract_bulletin(work, outlet, published, ctx)


ADAPTER = LoudspeakerAdapter()
