"""The submissions pages' catalogue, and the labels they show for stored codes.

The generic part (languages, ``pick``, the translator, compiling the .po file) is in
``shared.pages.i18n``.
"""

from __future__ import annotations

from pathlib import Path

from shared.pages.i18n import N_, Catalogues

CATALOGUES = Catalogues(Path(__file__).resolve().parent.parent / "locales")
translator = CATALOGUES.translator

# --- labels shown for stored codes -----------------------------------------------------------

STATUS_LABELS = {
    "draft": N_("Nháp"),
    "submitted": N_("Đã nộp"),
    "revision_requested": N_("Cần sửa lại"),
    "accepted": N_("Đã chấp nhận"),
    "in_judging": N_("Đang chấm"),
    "results": N_("Đã công bố kết quả"),
    "rejected": N_("Không được chấp nhận"),
    "withdrawn": N_("Đã rút"),
}
FILE_STATUS_LABELS = {
    "uploading": N_("Đang tải lên"),
    "verifying": N_("Đang kiểm tra"),
    "verified": N_("Đã kiểm tra"),
    "rejected": N_("Bị từ chối"),
}
ACTION_LABELS = {
    "accepted": N_("Chấp nhận"),
    "revision_requested": N_("Yêu cầu sửa lại"),
    "rejected": N_("Không chấp nhận"),
    "cannot_anonymise": N_("Đánh dấu không thể ẩn danh"),
    "can_anonymise": N_("Bỏ đánh dấu không thể ẩn danh"),
}
PHASE_LABELS = {
    "announcement": N_("Phát động cuộc thi"),
    "submission": N_("Nhận bài dự thi"),
    "screening": N_("Sơ duyệt (Tổ Thư ký)"),
    "preliminary_round": N_("Chấm sơ khảo"),
    "final_round": N_("Chấm chung khảo"),
    "results": N_("Công bố kết quả"),
    "ceremony": N_("Lễ trao giải"),
    "publication": N_("Đăng, phát tác phẩm đoạt giải"),
}
ROLE_LABELS = {
    "organizer": N_("Ban Tổ chức"),
    "secretariat": N_("Tổ Thư ký"),
    "juror": N_("Giám khảo"),
    "operator": N_("Vận hành"),
}
FILE_ROLE_LABELS = {"work": N_("Tác phẩm"), "translation": N_("Bản dịch tiếng Việt")}
# The districts and the city of Lạng Sơn province; stored as written here.
DISTRICTS = (
    N_("Thành phố Lạng Sơn"),
    N_("Tràng Định"),
    N_("Văn Lãng"),
    N_("Văn Quan"),
    N_("Bình Gia"),
    N_("Bắc Sơn"),
    N_("Hữu Lũng"),
    N_("Chi Lăng"),
    N_("Cao Lộc"),
    N_("Lộc Bình"),
    N_("Đình Lập"),
    N_("Khác"),
)
