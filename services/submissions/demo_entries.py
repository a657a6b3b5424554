"""The demo entries of `make up`: six works about "người tốt, việc tốt" in Lạng Sơn, accepted by
the secretariat, so that jurors have something to score as soon as judging assigns them; and
five works of the previous edition, which judging's seed takes to approved results, so that the
public winners' gallery and the outlets have something to show.

Each goes the way a real one does, through the service's own code: a draft, an upload into the
quarantine key over a presigned part URL, the verifier's own measuring and verdict (run in this
process), the submission with every rule checked, and the secretariat's decision. Events wait in
the outbox until the service starts and relays them. The texts carry no byline: the rounds are
blind.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from shared.auth import Principal, Role
from shared.contracts.submissions import (
    ScreeningDecision,
    UploadCompleted,
    UploadCompletedPayload,
)
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.storage import ObjectStorage

from .accounts.service import find_account
from .demo_articles import CATTLE_BANK, NIGHT_CLASS, ROAD, TANGERINE, TEACHER
from .demo_media import radio_wav, tv_mp4
from .entries.schemas import AuthorIn, EntryIn, ExemplarIn, PublicationIn
from .entries.service import create_entry, submit_entry
from .main import MIGRATIONS
from .models import Base, Entry, EntryFile
from .screening.service import decide
from .settings import SubmissionsSettings
from .uploads.schemas import UploadIn
from .uploads.service import complete_upload, part_urls, start_upload
from .verification.measure import Expected, Verdict, inspect_upload
from .verification.verifier import Verifier

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class DemoAuthor:
    email: str  # a contestant account of the seed, password DEMO_PASSWORD
    full_name: str
    pen_name: str
    organisation: str
    phone: str


@dataclass(frozen=True)
class DemoExemplar:
    name: str
    locality: str
    field: str
    collective: bool = False
    exemplar_id: str = ""  # the press-room exemplar the entrant picked, if any


@dataclass(frozen=True)
class DemoEntry:
    author: DemoAuthor
    category_code: str
    title: str
    district: str
    synopsis: str
    exemplar: DemoExemplar
    file_name: str
    make_file: Callable[[Path], Path]  # writes the work at the path given, returns it
    outlet: str | None = None  # None: never published
    published_days_ago: int = 0
    published_on: date | None = None  # a fixed date instead (the previous edition's works)
    consent_republication: bool = True


LAM = DemoAuthor(
    "tacgia2@demo.lantoa.vn", "Hoàng Văn Lâm", "Hoàng Lâm", "Báo Lạng Sơn", "0912 000 102"
)
TRANG = DemoAuthor(
    "tacgia3@demo.lantoa.vn",
    "Nông Thị Thu Trang",
    "Thu Trang",
    "Đài Phát thanh và Truyền hình Lạng Sơn",
    "0912 000 103",
)
CUONG = DemoAuthor(
    "tacgia4@demo.lantoa.vn",
    "Mã Văn Cường",
    "Mã Cường",
    "Trung tâm Văn hóa, Thể thao và Truyền thông huyện Bắc Sơn",
    "0912 000 104",
)
DUC = DemoAuthor(
    "tacgia5@demo.lantoa.vn",
    "Lành Văn Đức",
    "Lành Đức",
    "Đài Phát thanh và Truyền hình Lạng Sơn",
    "0912 000 105",
)
DEMO_AUTHORS = (LAM, TRANG, CUONG, DUC)


def _text_file(text: str, path: Path) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


DEMO_ENTRIES = (
    DemoEntry(
        author=LAM,
        category_code="BC",
        title="Ông Sình “mở lối” cho thôn Nà Pàn",
        district="Tràng Định",
        synopsis="Một đảng viên cao tuổi người Tày hiến 1.200 m² đất vườn và vận động 15 hộ "
        "cùng hiến đất mở rộng con đường 1,8 km, đổi thay cuộc sống của cả thôn.",
        exemplar=DemoExemplar(
            "Hoàng Văn Sình",
            "thôn Nà Pàn, xã Tri Phương, huyện Tràng Định",
            "Xây dựng nông thôn mới",
        ),
        file_name="ong-sinh-mo-loi.txt",
        make_file=partial(_text_file, ROAD),
        outlet="Báo Lạng Sơn",
        published_days_ago=21,
    ),
    DemoEntry(
        author=TRANG,
        category_code="BC",
        title="Cô giáo mười hai năm bám điểm trường Khe Khẩn",
        district="Đình Lập",
        synopsis="Mười hai năm ở điểm trường vùng cao: cô giáo học tiếng Dao để dạy học trò, "
        "dựng bếp ăn trưa và tủ sách cho cả thôn.",
        exemplar=DemoExemplar(
            "Lăng Thị Hiền", "điểm trường Khe Khẩn, xã Bắc Xa, huyện Đình Lập", "Giáo dục"
        ),
        file_name="co-giao-khe-khan.txt",
        make_file=partial(_text_file, TEACHER),
        outlet="Trang thông tin điện tử Đài Phát thanh và Truyền hình Lạng Sơn",
        published_days_ago=14,
    ),
    DemoEntry(
        author=CUONG,
        category_code="BC",
        title="Chàng trai Tày đưa quýt vàng Bắc Sơn lên sàn thương mại điện tử",
        district="Bắc Sơn",
        synopsis="Từ công nhân khu công nghiệp về quê, một thanh niên lập tổ hợp tác, đưa quýt "
        "vàng lên sàn thương mại điện tử và dạy người cao tuổi dùng điện thoại thông minh.",
        exemplar=DemoExemplar(
            "Dương Văn Tiến", "thôn Pò Pheo, xã Vũ Lễ, huyện Bắc Sơn", "Khởi nghiệp, chuyển đổi số"
        ),
        file_name="quyt-vang-bac-son.txt",
        make_file=partial(_text_file, TANGERINE),
        outlet="Trang thông tin điện tử huyện Bắc Sơn",
        published_days_ago=9,
    ),
    DemoEntry(
        author=TRANG,
        category_code="PT",
        title="Tiếng loa chiều ở bản biên giới",
        district="Văn Lãng",
        synopsis="Phóng sự phát thanh về một tuyên truyền viên cơ sở mười năm đọc bản tin trên "
        "loa truyền thanh thôn bằng tiếng Việt và tiếng Nùng: phòng, chống buôn lậu, giữ gìn "
        "mốc giới, phòng bệnh cho người và gia súc.",
        exemplar=DemoExemplar("Hoàng Thị Dịu", "xã Tân Thanh, huyện Văn Lãng", "Thông tin cơ sở"),
        file_name="tieng-loa-chieu.wav",
        make_file=radio_wav,
        outlet="Chương trình Thời sự, Đài Phát thanh và Truyền hình Lạng Sơn",
        published_days_ago=12,
    ),
    DemoEntry(
        author=DUC,
        category_code="TH",
        title="Mùa na trên đất Chi Lăng",
        district="Chi Lăng",
        synopsis="Phóng sự truyền hình về 24 hộ trồng na theo quy trình VietGAP, cùng chia sẻ "
        "kinh nghiệm và giúp hộ nghèo có cây giống, có đầu ra ổn định.",
        exemplar=DemoExemplar(
            "Tổ hợp tác na VietGAP thôn Bản Thí",
            "xã Quang Lang, huyện Chi Lăng",
            "Nông nghiệp",
            collective=True,
        ),
        file_name="mua-na-chi-lang.mp4",
        make_file=partial(tv_mp4, caption="Mùa na trên đất Chi Lăng", seconds=8.0),
        outlet="Kênh truyền hình Lạng Sơn (LSTV)",
        published_days_ago=17,
    ),
    DemoEntry(
        author=CUONG,
        category_code="TH",
        title="Những mái nhà mới ở Vũ Lăng",
        district="Bắc Sơn",
        synopsis="Phóng sự truyền hình về các đoàn viên thanh niên góp ngày công, vận động vật "
        "liệu, sửa và dựng mới 11 căn nhà cho hộ nghèo, gia đình chính sách trong hai năm.",
        exemplar=DemoExemplar(
            "Đoàn Thanh niên xã Vũ Lăng",
            "xã Vũ Lăng, huyện Bắc Sơn",
            "Công tác xã hội",
            collective=True,
        ),
        file_name="mai-nha-moi-vu-lang.mp4",
        make_file=partial(
            tv_mp4, caption="Những mái nhà mới ở Vũ Lăng", seconds=6.0, tint=(120, 60, 40)
        ),
    ),
)


def previous_entries(year: int) -> tuple[DemoEntry, ...]:
    """The works of the previous edition (`year`), judged already in the demo: two articles,
    two radio pieces and a TV piece. One author did not consent to republication (the gallery
    shows only title, authors and tier of that work), and one work names the press room's
    exemplar GD-0001."""
    return (
        DemoEntry(
            author=LAM,
            category_code="BC",
            title="“Ngân hàng bò” của chị Chi hội trưởng ở Hữu Liên",
            district="Hữu Lũng",
            synopsis="Một chi hội trưởng phụ nữ lập “ngân hàng bò” luân chuyển bò giống cho 23 "
            "hộ khó khăn; mười bốn hộ đã thoát nghèo, mô hình được nhân rộng ra năm xã.",
            exemplar=DemoExemplar(
                "Chu Thị Nguyệt",
                "thôn Làng Ven, xã Hữu Liên, huyện Hữu Lũng",
                "Giảm nghèo",
                exemplar_id="GD-0001",
            ),
            file_name="ngan-hang-bo-huu-lien.txt",
            make_file=partial(_text_file, CATTLE_BANK),
            outlet="Báo Lạng Sơn",
            published_on=date(year, 5, 19),
        ),
        DemoEntry(
            author=CUONG,
            category_code="BC",
            title="Lớp học chữ buổi tối của người cựu chiến binh ở Thiện Long",
            district="Bình Gia",
            synopsis="Sáu năm mở lớp xoá mù chữ miễn phí vào buổi tối, một cựu chiến binh 71 "
            "tuổi đã giúp 87 người dân tộc Tày, Dao biết đọc, biết viết.",
            exemplar=DemoExemplar(
                "Vi Văn Pàn", "thôn Pác Khuôn, xã Thiện Long, huyện Bình Gia", "Khuyến học"
            ),
            file_name="lop-hoc-chu-thien-long.txt",
            make_file=partial(_text_file, NIGHT_CLASS),
            outlet="Trang thông tin điện tử huyện Bình Gia",
            published_on=date(year, 7, 2),
            consent_republication=False,
        ),
        DemoEntry(
            author=TRANG,
            category_code="PT",
            title="Những người giữ rừng trên đỉnh Mẫu Sơn",
            district="Lộc Bình",
            synopsis="Phóng sự phát thanh về đội xung kích phòng cháy, chữa cháy rừng của xã "
            "Mẫu Sơn: mười hai năm tuần tra, không để xảy ra vụ cháy rừng nào.",
            exemplar=DemoExemplar(
                "Đội xung kích phòng cháy, chữa cháy rừng xã Mẫu Sơn",
                "xã Mẫu Sơn, huyện Lộc Bình",
                "Bảo vệ rừng",
                collective=True,
            ),
            file_name="giu-rung-mau-son.wav",
            make_file=partial(radio_wav, seconds=16.0),
            outlet="Chương trình Thời sự, Đài Phát thanh và Truyền hình Lạng Sơn",
            published_on=date(year, 4, 11),
        ),
        DemoEntry(
            author=DUC,
            category_code="PT",
            title="Người giữ làn điệu then ở Tràng Định",
            district="Tràng Định",
            synopsis="Phóng sự phát thanh về một nghệ nhân mở lớp dạy hát then, đàn tính miễn "
            "phí cho thanh thiếu niên trong xã.",
            exemplar=DemoExemplar(
                "Nông Văn Mùi", "xã Quốc Khánh, huyện Tràng Định", "Bảo tồn văn hoá"
            ),
            file_name="lan-dieu-then.wav",
            make_file=partial(radio_wav, seconds=12.0),
        ),
        DemoEntry(
            author=DUC,
            category_code="TH",
            title="Những mùa hồng Bảo Lâm",
            district="Cao Lộc",
            synopsis="Phóng sự truyền hình về hợp tác xã hồng không hạt Bảo Lâm: 40 thành viên "
            "cùng làm theo chuẩn OCOP, đưa quả hồng đi khắp cả nước.",
            exemplar=DemoExemplar(
                "Hợp tác xã nông nghiệp hồng không hạt Bảo Lâm",
                "xã Bảo Lâm, huyện Cao Lộc",
                "Nông nghiệp",
                collective=True,
            ),
            file_name="mua-hong-bao-lam.mp4",
            make_file=partial(
                tv_mp4, caption="Những mùa hồng Bảo Lâm", seconds=6.0, tint=(160, 90, 30)
            ),
            outlet="Kênh truyền hình Lạng Sơn (LSTV)",
            published_on=date(year, 8, 8),
        ),
    )


class _InProcessVerifier(Verifier):
    """The verifier's own steps, measuring in a thread of this process: a one-off command has
    no web requests to shield, and six small files need no pool of child processes."""

    async def _measure(
        self, local: Path, digest: str, size: int, expected: Expected, work: Path
    ) -> Verdict:
        return await asyncio.to_thread(inspect_upload, local, digest, size, expected, work)


async def add_demo_entries(
    settings: SubmissionsSettings,
    contest_id: str,
    secretariat_email: str,
    now: datetime,
    entries: tuple[DemoEntry, ...] = DEMO_ENTRIES,
) -> int:
    """Make the demo entries of the contest and accept them; how many were made (none when the
    contest has entries already: a second run, or entries people made)."""
    # The seed reaches storage from inside, as the service does, not from a browser.
    runtime = ServiceRuntime(
        ServiceDefinition(
            settings=settings.model_copy(update={"s3_public_endpoint": None}),
            metadata=Base.metadata,
            migrations=MIGRATIONS,
            title="Lan Toả — bài dự thi mẫu (demo entries)",
            description="",
        )
    )
    verifier = _InProcessVerifier(settings.verify_scratch_dir, settings.verify_time_limit_seconds)
    verifier.bind(runtime)
    try:
        async with runtime.db.reading() as session:
            if await session.scalar(
                sa.select(sa.func.count()).select_from(Entry).where(Entry.contest_id == contest_id)
            ):
                return 0
        await runtime.storage.ensure_bucket()
        secretariat = await _principal(runtime, secretariat_email)
        with tempfile.TemporaryDirectory(dir=settings.verify_scratch_dir, prefix="demo-") as work:
            # Every file first: a missing codec stops the seed before anything is written.
            made = [d.make_file(Path(work) / d.file_name) for d in entries]
            for demo, path in zip(entries, made, strict=True):
                await _enter(runtime, verifier, contest_id, demo, path, secretariat, now)
        return len(entries)
    finally:
        await verifier.stop(0)
        await runtime.db.dispose()


async def _principal(runtime: ServiceRuntime, email: str) -> Principal:
    async with runtime.db.reading() as session:
        account = await find_account(session, email)
    if account is None:
        raise RuntimeError(f"demo account {email} is missing")
    return Principal(
        account_id=account.account_id,
        email=account.email,
        display_name=account.display_name,
        roles=frozenset(Role(r) for r in account.roles),
    )


def _entry_in(contest_id: str, demo: DemoEntry, now: datetime) -> EntryIn:
    a = demo.author
    published = (
        demo.published_on or (now.astimezone(TZ) - timedelta(days=demo.published_days_ago)).date()
    )
    return EntryIn(
        contest_id=contest_id,
        category_code=demo.category_code,
        title=demo.title,
        district=demo.district,
        synopsis=demo.synopsis,
        authors=[
            AuthorIn(
                full_name=a.full_name,
                pen_name=a.pen_name,
                organisation=a.organisation,
                phone=a.phone,
                email=a.email,
            )
        ],
        exemplars=[ExemplarIn(**asdict(demo.exemplar))],
        publication=PublicationIn(outlet=demo.outlet, published_on=published)
        if demo.outlet
        else None,
        consent_republication=demo.consent_republication,
    )


async def _enter(
    runtime: ServiceRuntime,
    verifier: Verifier,
    contest_id: str,
    demo: DemoEntry,
    path: Path,
    secretariat: Principal,
    now: datetime,
) -> None:
    author = await _principal(runtime, demo.author.email)
    data = await asyncio.to_thread(path.read_bytes)  # a few hundred kilobytes
    size = len(data)
    async with runtime.db.transaction() as session:
        entry = await create_entry(session, author, _entry_in(contest_id, demo, now))
        file = await start_upload(
            session,
            runtime.storage,
            author,
            entry.entry_id,
            UploadIn(file_name=demo.file_name, size_bytes=size),
        )
    entry_id, file_id = entry.entry_id, file.file_id
    sha256 = await _put_parts(runtime.storage, file, data)
    file = await complete_upload(
        runtime.db, runtime.storage, runtime.outbox, author, entry_id, file_id, sha256
    )
    if file.status != "verifying":
        raise RuntimeError(f"demo file {demo.file_name} refused: {file.rejection}")
    apply = await verifier.prepare(
        UploadCompleted(
            contest_id=contest_id,
            payload=UploadCompletedPayload(
                entry_id=entry_id,
                file_id=file_id,
                object_key=file.quarantine_key,
                declared_sha256=sha256,
                size_bytes=size,
            ),
        )
    )
    async with runtime.db.transaction() as session:
        await apply(session)
    async with runtime.db.transaction() as session:
        verified = await session.get(EntryFile, file_id)
        assert verified is not None
        if verified.status != "verified":
            raise RuntimeError(f"demo file {demo.file_name} refused: {verified.rejection}")
        await submit_entry(session, runtime.outbox, author, entry_id)
    async with runtime.db.transaction() as session:
        await decide(
            session, runtime.outbox, secretariat, entry_id, ScreeningDecision.ACCEPTED, None
        )


async def _put_parts(storage: ObjectStorage, file: EntryFile, data: bytes) -> str:
    """PUT each part to its presigned URL, as the browser does; the SHA-256 of the whole."""
    # The URLs carry their signatures: keep httpx from writing them into the seed's log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    numbers = list(range(1, file.part_count + 1))
    urls = part_urls(storage, file, numbers, timedelta(minutes=15))
    async with httpx.AsyncClient(timeout=120) as client:
        for number in numbers:
            start = (number - 1) * file.part_size
            response = await client.put(
                urls[str(number)], content=data[start : start + file.part_size]
            )
            response.raise_for_status()
    return hashlib.sha256(data).hexdigest()
