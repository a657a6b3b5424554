"""A realistic sample for every e-mail template, to preview what a reader would receive.

``SAMPLES`` holds each template's values as a Vietnamese reader's message would (times already
written the Vietnamese way); ``sample_context`` gives them for a reader of either language, as
the real messages do (times and role names in the reader's words).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from .formatting import local_datetime
from .messages import role_names

PORTAL = "https://thi.lantoa.vn"
NOTIFY = "https://thongbao.lantoa.vn"
ORGANIZER = "Hội Nhà báo tỉnh Lâm Đồng"
CONTEST = "Giải Báo chí Lan Toả lần thứ V — năm 2025"
UNSUBSCRIBE = f"{NOTIFY}/unsubscribe?t=mau-thu-xem-truoc"

# The moments each template shows, in UTC; sample_context writes them in the reader's way.
MOMENTS: dict[str, dict[str, datetime]] = {
    "account_verify_email": {"expires_at": datetime(2025, 9, 3, 2, 30, tzinfo=UTC)},
    "account_reset_password": {"expires_at": datetime(2025, 9, 2, 10, 0, tzinfo=UTC)},
    "account_staff_invitation": {"expires_at": datetime(2025, 9, 9, 10, 0, tzinfo=UTC)},
    "entry_receipt": {"submitted_at": datetime(2025, 8, 28, 14, 5, tzinfo=UTC)},
    "entry_screening_accepted": {"decided_at": datetime(2025, 9, 5, 3, 15, tzinfo=UTC)},
    "entry_screening_revision": {"decided_at": datetime(2025, 9, 5, 3, 20, tzinfo=UTC)},
    "entry_screening_rejected": {"decided_at": datetime(2025, 9, 5, 3, 25, tzinfo=UTC)},
    "entry_withdrawn": {"withdrawn_at": datetime(2025, 8, 30, 1, 45, tzinfo=UTC)},
    "juror_assigned": {"deadline": datetime(2025, 10, 15, 10, 0, tzinfo=UTC)},
    "juror_reminder": {"deadline": datetime(2025, 10, 15, 10, 0, tzinfo=UTC)},
    "entry_published": {"published_at": datetime(2025, 11, 20, 0, 0, tzinfo=UTC)},
}
ROLES: dict[str, tuple[str, ...]] = {"account_staff_invitation": ("juror", "secretariat")}

_ENTRY = {
    "name": "Nguyễn Thị Thu Hà",
    "code": "BC-2025-0042",
    "title": "Những người giữ rừng trên đỉnh Bidoup",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "account_verify_email": {
        "name": "Nguyễn Thị Thu Hà",
        "link": f"{PORTAL}/verify-email?token=mau-xac-nhan-123",
        "roles": (),
    },
    "account_reset_password": {
        "name": "Trần Văn Bình",
        "link": f"{PORTAL}/reset-password?token=mau-dat-lai-456",
        "roles": (),
    },
    "account_staff_invitation": {
        "name": "Phạm Quốc Dũng",
        "link": f"{PORTAL}/invitations/mau-loi-moi-789",
    },
    "entry_receipt": {
        **_ENTRY,
        "category": "Phóng sự",
        "files": 3,
        "portal_url": PORTAL,
    },
    "entry_screening_accepted": {
        **_ENTRY,
        "reason": "Hồ sơ đầy đủ, đúng thể lệ.",
        "entries_url": f"{PORTAL}/entries",
    },
    "entry_screening_revision": {
        **_ENTRY,
        "reason": "Bản PDF thiếu trang 3; xin gửi lại bản đầy đủ kèm giấy xác nhận của cơ quan.",
        "entries_url": f"{PORTAL}/entries",
    },
    "entry_screening_rejected": {
        **_ENTRY,
        "reason": "Tác phẩm đăng trước ngày 01/01/2025, ngoài thời gian quy định của thể lệ.",
        "entries_url": f"{PORTAL}/entries",
    },
    "entry_withdrawn": {**_ENTRY, "entries_url": f"{PORTAL}/entries"},
    "juror_assigned": {
        "name": "PGS.TS. Lê Minh Đức",
        "round_name": "Vòng sơ khảo",
        "contest_title": CONTEST,
        "assigned": 24,
        "link": "https://chamthi.lantoa.vn/rounds/vong-so-khao",
    },
    "juror_reminder": {
        "name": "PGS.TS. Lê Minh Đức",
        "round_name": "Vòng sơ khảo",
        "contest_title": CONTEST,
        "remaining": 7,
        "total": 24,
        "note": "Xin thầy hoàn thành trước buổi họp Hội đồng ngày 16/10.",
        "link": "https://chamthi.lantoa.vn/rounds/vong-so-khao",
        "unsubscribe_url": UNSUBSCRIBE,
    },
    "results_winner": {
        "name": "Nguyễn Thị Thu Hà",
        "contest_title": CONTEST,
        "awards": [
            {
                "code": "BC-2025-0042",
                "title": "Những người giữ rừng trên đỉnh Bidoup",
                "category": "Phóng sự",
                "tier": "Giải A",
                "prize": "20.000.000 đ",
            }
        ],
        "others": [
            {
                "code": "BC-2025-0057",
                "title": "Mùa cà phê trên cao nguyên Lâm Viên",
                "category": "Ảnh báo chí",
            }
        ],
        "results_url": f"{PORTAL}/results/giai-bao-chi-2025",
        "organizer": ORGANIZER,
    },
    "results_thanks": {
        "name": "Hoàng Văn Nam",
        "contest_title": CONTEST,
        "entries": [
            {
                "code": "BC-2025-0018",
                "title": "Đường lên bản Đưng K'Nớ",
                "category": "Phóng sự",
            },
            {
                "code": "BC-2025-0019",
                "title": "Tiếng cồng chiêng ở Lạc Dương",
                "category": "Phát thanh",
            },
        ],
        "results_url": f"{PORTAL}/results/giai-bao-chi-2025",
        "organizer": ORGANIZER,
    },
    "entry_published": {
        **_ENTRY,
        "outlet": "Báo Lâm Đồng",
        "url": "https://baolamdong.vn/phong-su/nhung-nguoi-giu-rung-tren-dinh-bidoup",
        "unsubscribe_url": UNSUBSCRIBE,
    },
    "announcement": {
        "name": "Nguyễn Thị Thu Hà",
        "contest_title": CONTEST,
        "subject": "Lễ trao giải ngày 25/12/2025 tại Đà Lạt",
        "paragraphs": [
            "Ban Tổ chức trân trọng kính mời tác giả dự Lễ trao giải vào 19 giờ 30, thứ Năm, "
            "ngày 25/12/2025, tại Nhà hát Hoà Bình, số 2 Khu Hoà Bình, Đà Lạt.",
            "Xin vui lòng xác nhận tham dự trước ngày 15/12/2025 qua trang tài khoản của bạn.",
        ],
        "organizer": ORGANIZER,
        "unsubscribe_url": UNSUBSCRIBE,
    },
}

# Times written the Vietnamese way, as SAMPLES promises.
for _name, _moments in MOMENTS.items():
    SAMPLES[_name].update({key: local_datetime(value) for key, value in _moments.items()})
for _name, _roles in ROLES.items():
    SAMPLES[_name]["roles"] = role_names(_roles, "vi")


def sample_context(template: str, language: str) -> dict[str, Any]:
    """The sample of ``template`` for a reader of ``language``; KeyError if it has none."""
    context = copy.deepcopy(SAMPLES[template])
    for key, value in MOMENTS.get(template, {}).items():
        context[key] = local_datetime(value, language)
    if template in ROLES:
        context["roles"] = role_names(ROLES[template], language)
    return context
