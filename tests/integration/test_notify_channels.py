"""Events to every channel through the running service: an entry receipt by e-mail and by Zalo
ZNS to the stand-in Zalo (tokens and template mapping set through the API), bad phone numbers
and missing template values refused with their reason while the e-mail still goes, and the
approved results to an organizer's signed webhook."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.auth import Role
from shared.contracts.judging import ResultsApproved, ResultsApprovedPayload, Winner
from shared.contracts.submissions import (
    Authorship,
    EntrySubmitted,
    EntrySubmittedPayload,
    Submitter,
)
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.judging import contest_event
from tests.support.notify import notify_running
from tests.support.webhooks import Receiver
from tests.support.zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo

AT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)
RECEIPT_ZNS = {
    "zns_template_id": "301122",
    "tag": "transaction",
    "params": [
        {"name": "customer_name", "source": "name", "max_length": 30, "required": True},
        {"name": "entry_code", "source": "code", "max_length": 30, "required": True},
    ],
}


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo().start()
    try:
        yield fake
    finally:
        fake.stop()


def submitted(n: int, phone: str, name: str = "Lộc Thị Mai") -> EntrySubmitted:
    return EntrySubmitted(
        contest_id="contest-1",
        payload=EntrySubmittedPayload(
            entry_id=f"entry-{n}",
            code=f"NTVT-BC-000{n}",
            category_id="cat-BC",
            category_code="BC",
            category_name="Báo in, báo điện tử",
            title=f"Tác phẩm số {n}",
            language="vi",
            version=1,
            submitted_at=AT,
            files=(),
            submitter=Submitter(
                account_id=f"acc-{n}",
                email=f"tacgia{n}@demo.vn",
                display_name=name,
                phone=phone,
            ),
        ),
    )


def zalo_settings(zalo: FakeZalo) -> dict[str, Any]:
    return {
        "zalo_app_id": APP_ID,
        "zalo_secret_key": APP_SECRET,
        "zalo_oa_secret_key": OA_SECRET,
        "zalo_api_url": zalo.url,
        "zalo_oauth_url": f"{zalo.url}/oauth",
        "zalo_timeout_seconds": 5.0,
    }


async def test_a_receipt_goes_by_email_and_zalo_and_bad_input_is_refused_with_its_reason(
    infra: Infra, database: DatabaseTarget, zalo: FakeZalo
) -> None:
    async with notify_running(infra, database, **zalo_settings(zalo)) as notify:
        operator = notify.as_role(Role.OPERATOR)
        tokens = {"access_token": zalo.access_token, "refresh_token": zalo.refresh_token}
        assert (await operator.put("/api/zalo/tokens", json=tokens)).status_code == 200
        mapped = await operator.put("/api/zalo/templates/entry_receipt", json=RECEIPT_ZNS)
        assert mapped.status_code == 200, mapped.text
        unknown = await operator.put("/api/zalo/templates/no_such_message", json=RECEIPT_ZNS)
        assert unknown.status_code == 422 and "no message template" in unknown.text

        good = submitted(1, "0912 345 678")
        bad_phone = submitted(2, "12345")
        too_long = submitted(3, "0987654321", name="Nguyễn Thị Hoàng Anh Phương Thảo Ngọc")
        await notify.feed(contest_event("contest-1"), good, bad_phone, too_long)
        await notify.settled()

        by_event = {
            event.event_id: {
                d.channel: d for d in await notify.deliveries(source_event_id=event.event_id)
            }
            for event in (good, bad_phone, too_long)
        }
        for event in (good, bad_phone, too_long):
            assert by_event[event.event_id]["email"].status == "sent"  # e-mail always goes

        sent = by_event[good.event_id]["zalo"]
        assert (sent.status, sent.recipient, sent.provider_id) == ("sent", "84912345678", "msg-1")
        assert zalo.problems == []
        [message] = zalo.sent
        assert message == {
            "phone": "84912345678",
            "template_id": "301122",
            "template_data": {"customer_name": "Lộc Thị Mai", "entry_code": "NTVT-BC-0001"},
            "tracking_id": sent.message_id,
        }
        refused = by_event[bad_phone.event_id]["zalo"]
        assert refused.status == "failed" and "Số di động" in (refused.last_error or "")
        long_name = by_event[too_long.event_id]["zalo"]
        assert long_name.status == "failed" and "customer_name" in (long_name.last_error or "")

        # A mapping whose parameter the message does not carry: refused, naming it.
        broken = {
            **RECEIPT_ZNS,
            "params": [
                *RECEIPT_ZNS["params"],
                {"name": "prize", "source": "prize", "max_length": 30, "required": True},
            ],
        }
        assert (
            await operator.put("/api/zalo/templates/entry_receipt", json=broken)
        ).status_code == 200
        fourth = submitted(4, "0987 111 222")
        await notify.feed(fourth)
        await notify.settled()
        rows = {d.channel: d for d in await notify.deliveries(source_event_id=fourth.event_id)}
        assert rows["email"].status == "sent"
        assert rows["zalo"].status == "failed" and "prize" in (rows["zalo"].last_error or "")
        assert len(zalo.messages) == 1  # nothing bad was ever sent to Zalo

        # Zalo's delivery receipt marks it delivered.
        status = (await operator.get("/api/zalo/status")).json()
        assert status["used_today"] == 1 and "access_token" not in str(status)


async def test_approved_results_reach_a_signed_webhook_without_contact_details(
    infra: Infra, database: DatabaseTarget
) -> None:
    receiver = Receiver()
    serving = receiver.serve()
    next(serving)
    try:
        async with notify_running(infra, database, webhook_allow_private_hosts=True) as notify:
            organizer = notify.as_role(Role.ORGANIZER)
            created = await organizer.post(
                "/api/webhooks",
                json={
                    "url": receiver.url("/lantoa"),
                    "contest_id": "contest-1",
                    "topics": ["results_approved"],
                    "description": "Cổng thông tin điện tử tỉnh",
                },
            )
            assert created.status_code == 201, created.text
            receiver.secrets["/lantoa"] = created.json()["secret"]
            results = ResultsApproved(
                contest_id="contest-1",
                payload=ResultsApprovedPayload(
                    contest_id="contest-1",
                    contest_code="NTVT",
                    contest_title="Cuộc thi viết về gương người tốt, việc tốt",
                    round_id="final",
                    approved_at=AT,
                    approved_by="acc-org",
                    method="mean",
                    snapshot_hash="b" * 64,
                    total_prize_vnd=10_000_000,
                    prize_budget_vnd=100_000_000,
                    winners=(
                        Winner(
                            entry_id="entry-1",
                            code="NTVT-BC-0001",
                            title="Người gác rừng",
                            category_id="cat-BC",
                            category_code="BC",
                            category_name="Báo in, báo điện tử",
                            tier_code="A",
                            tier_name="Giải A",
                            prize_vnd=10_000_000,
                            authors=(Authorship(full_name="Lộc Thị Mai", email="mai@demo.vn"),),
                        ),
                    ),
                ),
            )
            await notify.feed(contest_event("contest-1"), submitted(1, ""), results, results)
            await notify.settled()
            hooks = await notify.deliveries(channel="webhook")
            assert [(d.template, d.status) for d in hooks] == [("results_approved", "delivered")]
    finally:
        next(serving, None)
    assert receiver.problems == []
    [call] = receiver.received
    assert call.json["topic"] == "results_approved"
    assert call.json["event_id"] == results.event_id
    winner = call.json["data"]["winners"][0]
    assert (winner["code"], winner["tier"], winner["prize_vnd"]) == (
        "NTVT-BC-0001",
        "Giải A",
        10_000_000,
    )
    assert winner["authors"] == ["Lộc Thị Mai"]
    assert "mai@demo.vn" not in call.body.decode()  # no contact details leave in a webhook
