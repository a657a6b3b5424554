"""Publish's part of the `make up` demo, through the organizers' own code paths: the press
room's exemplars imported from a spreadsheet (preview, then confirm), a news item for each
demo contest, and a commune loudspeaker outlet for last edition's winners, whose bulletins land
in the drop folder `make up` gives (var/bulletins). Running it again changes nothing."""

from __future__ import annotations

import asyncio
import csv
import io

import sqlalchemy as sa

from shared.auth import Principal, Role
from shared.contracts.base import utc_now
from shared.db import Database
from shared.logs import get_logger

from .domain.news import NewsDraft
from .exemplars.models import Exemplar
from .exemplars.service import confirm_import, preview_import
from .models import PublicContest
from .news.models import NewsItem
from .news.service import create_news
from .outlets.models import OutletRecord
from .outlets.service import OutletFields, save_outlet
from .settings import PublishSettings

log = get_logger("lantoa.seed")

ORGANIZER = Principal(
    account_id="seed",
    email="bantochuc@demo.lantoa.vn",
    display_name="Ban Tổ chức (dữ liệu mẫu)",
    roles=frozenset({Role.ORGANIZER}),
)
HEADER = (
    "Họ và tên / Tên tập thể",
    "Cá nhân/Tập thể",
    "Đơn vị",
    "Cụm thi đua",
    "Huyện/Thành phố",
    "Lĩnh vực",
    "Thành tích",
    "Liên hệ",
    "Đồng ý công bố",
)
# The first row becomes GD-0001, the exemplar a demo work of last edition names.
EXEMPLARS = (
    (
        "Chu Thị Nguyệt",
        "Cá nhân",
        "Chi hội Phụ nữ thôn Làng Ven, xã Hữu Liên",
        "Cụm thi đua số 2",
        "Hữu Lũng",
        "Giảm nghèo",
        "Lập “ngân hàng bò” luân chuyển bò giống cho 23 hộ khó khăn; 14 hộ đã thoát nghèo.\n"
        "Mô hình được nhân rộng ra năm xã trong huyện.",
        "Hội LHPN huyện Hữu Lũng, 0205 3825 123",
        "Có",
    ),
    (
        "Vi Văn Pàn",
        "Cá nhân",
        "Hội Cựu chiến binh xã Thiện Long",
        "Cụm thi đua số 4",
        "Bình Gia",
        "Khuyến học",
        "Sáu năm mở lớp xoá mù chữ buổi tối, miễn phí, cho 87 người Tày, Dao.",
        "",
        "Không",
    ),
    (
        "Đội xung kích phòng cháy, chữa cháy rừng xã Mẫu Sơn",
        "Tập thể",
        "UBND xã Mẫu Sơn",
        "Cụm thi đua số 5",
        "Lộc Bình",
        "Bảo vệ rừng",
        "Mười hai năm tuần tra, không để xảy ra vụ cháy rừng nào trên đỉnh Mẫu Sơn.",
        "UBND xã Mẫu Sơn, 0205 3840 456",
        "Có",
    ),
    (
        "Hoàng Thị Dịu",
        "Cá nhân",
        "Đài truyền thanh xã Tân Thanh",
        "Cụm thi đua số 1",
        "Văn Lãng",
        "Thông tin cơ sở",
        "Hai mươi năm giữ tiếng loa chiều ở bản biên giới, đọc tin bằng tiếng Tày và tiếng Việt.",
        "0912 000 777",
        "Có",
    ),
    (
        "Hợp tác xã Nông nghiệp Chi Lăng xanh",
        "Tập thể",
        "Hợp tác xã Nông nghiệp Chi Lăng xanh",
        "Cụm thi đua số 3",
        "Chi Lăng",
        "Kinh tế tập thể",
        "Đưa na Chi Lăng đạt chuẩn VietGAP, bao tiêu cho 140 hộ trồng na.",
        "hoptacxa@chilangxanh.vn",
        "Có",
    ),
)
# Administrative codes of the communes whose loudspeakers take the demo bulletins.
DEMO_COMMUNES = ("06253", "06256", "06259")


def exemplars_csv() -> bytes:
    """The demo spreadsheet as an organizer would save it from Excel (UTF-8 with BOM, ;)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(EXEMPLARS)
    return out.getvalue().encode("utf-8-sig")


async def _contests(db: Database, wait_seconds: float) -> list[PublicContest]:
    """The demo contests, once their ContestPublished events have arrived."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        async with db.reading() as session:
            found = list(
                await session.scalars(
                    sa.select(PublicContest)
                    .where(PublicContest.code.like("LS%"))
                    .order_by(PublicContest.code.desc())
                )
            )
        if len(found) >= 2 or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.5)


async def seed_demo(settings: PublishSettings, wait_seconds: float = 60.0) -> None:
    db = Database(settings.effective_database_url, settings.database_schema)
    try:
        contests = await _contests(db, wait_seconds)
        if not contests:
            raise SystemExit("the demo contests have not reached publish (is submissions seeded?)")
        await _exemplars(db)
        for contest in contests:
            await _news(db, contest)
        if len(contests) > 1:
            await _loudspeakers(db, settings, contests[1])
    finally:
        await db.dispose()


async def _exemplars(db: Database) -> None:
    async with db.transaction() as session:
        if await session.scalar(sa.select(sa.func.count()).select_from(Exemplar)):
            log.info("demo exemplars already there")
            return
        preview = await preview_import(session, exemplars_csv(), "guong-dien-hinh.csv", ORGANIZER)
        await confirm_import(session, preview.import_id, ORGANIZER)
    log.info("demo exemplars imported", rows=len(EXEMPLARS))


async def _news(db: Database, contest: PublicContest) -> None:
    async with db.transaction() as session:
        if await session.scalar(
            sa.select(NewsItem.news_id).where(NewsItem.contest_id == contest.contest_id).limit(1)
        ):
            return
        await create_news(
            session,
            contest.code,
            NewsDraft(
                title=f"Phát động {contest.title}",
                summary="Sở Thông tin và Truyền thông mời các nhà báo, cộng tác viên viết về "
                "những tấm gương bình dị mà cao đẹp ở Lạng Sơn.",
                body="Cuộc thi nhằm tuyên truyền, lan toả những tấm gương điển hình tiên tiến, "
                "người tốt, việc tốt trên mọi lĩnh vực của đời sống.\n\n"
                "Tác phẩm dự thi gồm báo in, báo điện tử, phát thanh, truyền hình và ảnh; tác "
                "phẩm đoạt giải được giới thiệu trên báo, đài, Cổng thông tin điện tử tỉnh, "
                "Zalo và hệ thống loa truyền thanh cơ sở.",
            ),
            ORGANIZER.display_name,
        )
    log.info("demo news posted", contest=contest.code)


async def _loudspeakers(db: Database, settings: PublishSettings, contest: PublicContest) -> None:
    async with db.transaction() as session:
        if await session.scalar(
            sa.select(OutletRecord.outlet_id).where(OutletRecord.contest_id == contest.contest_id)
        ):
            return
        await save_outlet(
            session,
            settings,
            OutletFields(
                contest_id=contest.contest_id,
                name="Loa truyền thanh các xã huyện Hữu Lũng (mẫu)",
                kind="loudspeaker",
                address="",
                settings={"communes": list(DEMO_COMMUNES), "priority": "normal"},
            ),
            ORGANIZER,
            utc_now(),
        )
    log.info("demo loudspeaker outlet added", contest=contest.code)
