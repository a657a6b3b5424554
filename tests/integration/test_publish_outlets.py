"""Outlets as organizers configure them: through the API and the pages, with credentials
sealed and never shown back or logged; bad configurations refused with reasons and nothing
stored; an outlet added after the results gets the jobs of its categories; roles enforced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.publish.jobs.models import PublicationJob
from services.publish.outlets.crypto import sealer_for
from services.publish.outlets.models import OutletRecord
from shared.auth import Role
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.judging import contest_event
from tests.support.publish import CONTEST_ID, Publish, publish_running, results_event, winner
from tests.support.wordpress import APP_PASSWORD, USER

WP = {
    "contest_id": CONTEST_ID,
    "name": "Báo Lạng Sơn điện tử",
    "kind": "wordpress",
    "address": "https://baolangson.vn",
    "credentials": {"username": USER, "application_password": APP_PASSWORD},
}


def sqlite(tmp_path: Path) -> DatabaseTarget:
    return DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)


async def outlet_rows(publish: Publish) -> list[OutletRecord]:
    async with publish.runtime.db.reading() as session:
        return list(await session.scalars(sa.select(OutletRecord)))


async def job_rows(publish: Publish) -> list[PublicationJob]:
    async with publish.runtime.db.reading() as session:
        return list(await session.scalars(sa.select(PublicationJob)))


async def test_credentials_are_sealed_never_answered_nor_logged(
    infra: Infra, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with publish_running(infra, sqlite(tmp_path)) as publish:
        async with publish.as_role(Role.ORGANIZER) as organizer:
            created = await organizer.post("/api/outlets", json=WP)
            assert created.status_code == 201, created.text
            outlet: dict[str, Any] = created.json()
            assert outlet["credentials_set"] == ["application_password", "username"]
            listed = await organizer.get("/api/outlets", params={"contest_id": CONTEST_ID})
            one = await organizer.get(f"/api/outlets/{outlet['outlet_id']}")
            # A change without credentials keeps the stored ones.
            renamed = await organizer.patch(
                f"/api/outlets/{outlet['outlet_id']}",
                json={"name": "Báo Lạng Sơn", "credentials": {"application_password": ""}},
            )
            assert renamed.status_code == 200, renamed.text
            off = await organizer.delete(f"/api/outlets/{outlet['outlet_id']}")
            assert off.json()["active"] is False
            kinds = {k["kind"]: k for k in (await organizer.get("/api/outlets/kinds")).json()}
        for answer in (created, listed, one, renamed, off):
            assert APP_PASSWORD not in answer.text and "abcd" not in answer.text
        assert renamed.json()["credentials_set"] == ["application_password", "username"]
        assert kinds["wordpress"]["secret_fields"] == ["username", "application_password"]
        assert "zalo_oa" in kinds

        (row,) = await outlet_rows(publish)
        assert APP_PASSWORD not in row.credentials and USER not in row.credentials
        opened = sealer_for(publish.settings).open_mapping(row.credentials)
        assert opened == {"username": USER, "application_password": APP_PASSWORD}
        assert row.name == "Báo Lạng Sơn" and row.updated_by == "acc-organizer@so.lantoa.vn"
        assert APP_PASSWORD not in caplog.text


async def test_bad_outlets_are_refused_with_reasons_and_nothing_is_stored(
    infra: Infra, tmp_path: Path
) -> None:
    async with publish_running(
        infra, sqlite(tmp_path), outlet_allow_private_hosts=False, credentials_key=None
    ) as publish:
        async with publish.as_role(Role.ORGANIZER) as organizer:

            async def refused(**change: Any) -> list[str]:
                answer = await organizer.post("/api/outlets", json={**WP, **change})
                assert answer.status_code == 422, answer.text
                detail = answer.json()["detail"]
                return list(detail.get("problems") or [detail["message"]])

            assert any("Không có loại kênh" in p for p in await refused(kind="fax"))
            assert any("http:// hoặc https://" in p for p in await refused(address="ftp://x.vn"))
            assert any("mạng nội bộ" in p for p in await refused(address="http://127.0.0.1:8080"))
            assert any("mạng nội bộ" in p for p in await refused(address="http://10.1.2.3/wp"))
            assert any(
                "tên đăng nhập" in p.lower()
                for p in await refused(address="https://admin:pw@baolangson.vn")
            )
            missing = await refused(credentials={"username": USER})
            assert any("mật khẩu ứng dụng" in p for p in missing)
            # No key to seal them with: credentials are not stored in the clear, nor at all.
            no_key = await refused()
            assert any("khoá mã hoá" in p for p in no_key)
            zalo = await refused(kind="zalo_oa", address="https://openapi.zalo.me", credentials={})
            assert any("App ID" in p for p in zalo) and any("access token" in p for p in zalo)
            assert await organizer.get("/api/outlets") is not None
        assert await outlet_rows(publish) == []


async def test_an_outlet_added_after_the_results_gets_the_jobs_of_its_categories(
    infra: Infra, database: DatabaseTarget
) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    async with publish_running(infra, database) as publish:
        winners = (winner(1, "BC"), winner(2, "TH"), winner(3, "TH", consent=False))
        await publish.feed(results_event(winners))
        assert await job_rows(publish) == []  # no outlet yet
        async with publish.as_role(Role.ORGANIZER) as organizer:
            created = await organizer.post(
                "/api/outlets",
                json={**WP, "categories": ["th"], "publish_from": later.isoformat()},
            )
            assert created.status_code == 201, created.text
            assert created.json()["categories"] == ["TH"]
            (job,) = await job_rows(publish)
            assert job.entry_id == winners[1].entry_id  # TH, consented; not BC, not no-consent
            assert job.due_at == later and job.status == "scheduled"

            widened = await organizer.patch(
                f"/api/outlets/{created.json()['outlet_id']}", json={"categories": []}
            )
            assert widened.status_code == 200
            assert sorted(j.entry_id for j in await job_rows(publish)) == [
                winners[0].entry_id,
                winners[1].entry_id,
            ]
            # Approving again adds nothing twice.
            await publish.feed(results_event(winners, snapshot="d" * 64))
            assert len(await job_rows(publish)) == 2
            listed = await organizer.get("/api/jobs", params={"status": "scheduled"})
            assert {j["entry_code"] for j in listed.json()} == {"BC-001", "TH-002"}


async def test_only_organizers_reach_outlets_and_jobs(infra: Infra, tmp_path: Path) -> None:
    async with publish_running(infra, sqlite(tmp_path)) as publish:
        for path in ("/api/outlets", "/api/jobs"):
            assert (await publish.client.get(path)).status_code == 401
            assert (await publish.client.post(path, json=WP)).status_code in (401, 405)
        for role in (Role.CONTESTANT, Role.JUROR, Role.OPERATOR):
            async with publish.as_role(role) as someone:
                assert (await someone.get("/api/outlets")).status_code == 403
                assert (await someone.post("/api/outlets", json=WP)).status_code == 403
                assert (await someone.get("/api/jobs")).status_code == 403
                page = await someone.get("/quan-ly/kenh")
                assert page.status_code == 403 and "không có quyền" in page.text
        anonymous = await publish.client.get("/quan-ly/lich-dang")
        assert anonymous.status_code == 303 and "sign-in" in anonymous.headers["location"]
        assert await outlet_rows(publish) == []


async def test_the_outlet_and_schedule_pages(infra: Infra, tmp_path: Path) -> None:
    async with publish_running(infra, sqlite(tmp_path)) as publish:
        await publish.feed(contest_event(CONTEST_ID, ("BC", "TH")))
        async with publish.as_role(Role.ORGANIZER) as organizer:
            form = await organizer.get("/quan-ly/kenh", params={"kind": "wordpress"})
            assert form.status_code == 200
            assert 'name="secret_application_password"' in form.text
            assert 'type="password"' in form.text

            fields = {
                "kind": "wordpress",
                "contest_id": CONTEST_ID,
                "name": "Báo Lạng Sơn điện tử",
                "address": "gopher://bad",
                "settings": '{"status": "publish"}',
                "categories": "BC, TH",
                "publish_from": "",
                "active": "on",
                "secret_username": USER,
                "secret_application_password": APP_PASSWORD,
            }
            bad = await organizer.post("/quan-ly/kenh", data=fields)
            assert bad.status_code == 422
            assert "Địa chỉ phải bắt đầu bằng http:// hoặc https://" in bad.text
            assert 'value="Báo Lạng Sơn điện tử"' in bad.text  # what was typed stays
            assert APP_PASSWORD not in bad.text  # but secrets are never sent back
            assert await outlet_rows(publish) == []

            good = await organizer.post(
                "/quan-ly/kenh", data={**fields, "address": "https://baolangson.vn"}
            )
            assert good.status_code == 303, good.text
            listing = await organizer.get("/quan-ly/kenh")
            assert "Báo Lạng Sơn điện tử" in listing.text and APP_PASSWORD not in listing.text
            (row,) = await outlet_rows(publish)
            assert row.categories == ["BC", "TH"]

            edit = await organizer.get(f"/quan-ly/kenh/{row.outlet_id}")
            assert "Để trống để giữ giá trị đã lưu" in edit.text and APP_PASSWORD not in edit.text

            await publish.feed(results_event((winner(1, "BC"),)))
            schedule = await organizer.get("/quan-ly/lich-dang")
            assert schedule.status_code == 200 and "BC-001" in schedule.text
            organizer.cookies.set("lang", "en")
            english = await organizer.get("/quan-ly/lich-dang")
            # The runner may be trying the (unreachable) site at this moment.
            assert "Publication schedule" in english.text
            assert "Scheduled (1)" in english.text or "Publishing (1)" in english.text
            organizer.cookies.delete("lang")
            (job,) = await job_rows(publish)
            unconfirmed = await organizer.post(
                f"/quan-ly/lich-dang/{job.job_id}/go", data={"reason": "Sai tên tác giả"}
            )
            assert unconfirmed.status_code == 422 and "xác nhận" in unconfirmed.text
            canceled = await organizer.post(
                f"/quan-ly/lich-dang/{job.job_id}/go",
                data={"reason": "Sai tên tác giả", "confirm": "on"},
            )
            assert canceled.status_code == 303
            (job,) = await job_rows(publish)
            assert job.status == "canceled" and job.retract_reason == "Sai tên tác giả"
            detail = await organizer.get(f"/quan-ly/lich-dang/{job.job_id}")
            assert "Đã huỷ" in detail.text and "Sai tên tác giả" in detail.text
