"""Words shown to people for the codes stored in the database, in the reader's language.

The database and the event log keep codes ("in_progress"); translation happens here, when a page
or an e-mail is rendered, never when data is written.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from intake.cases.models import CaseKind, Channel, ContentClass, SubmitterType
from intake.core.states import State

STATE_LABELS = {
    State.RECEIVED: _l("Đã tiếp nhận, chờ phân loại"),
    State.NEEDS_INFO: _l("Chờ bổ sung thông tin"),
    State.ASSIGNED: _l("Đã chuyển đơn vị xử lý"),
    State.IN_PROGRESS: _l("Đang xử lý"),
    State.DEFERRED: _l("Tiếp tục nghiên cứu"),
    State.ANSWER_REVIEW: _l("Chờ duyệt kết quả"),
    State.ANSWERED: _l("Đã trả lời, công khai"),
    State.CLOSED: _l("Đã đóng"),
    State.REJECTED: _l("Không tiếp nhận"),
    State.TRANSFERRED_OUT: _l("Đã chuyển cơ quan có thẩm quyền"),
    State.WITHDRAWN: _l("Người gửi rút"),
}

# What the citizen should understand from each state, on the tracking page.
STATE_EXPLANATIONS = {
    State.RECEIVED: _l(
        "Phản ánh, kiến nghị của bạn đã được vào sổ. Bộ phận tiếp nhận sẽ phân loại và chuyển "
        "đến cơ quan có thẩm quyền xử lý."
    ),
    State.NEEDS_INFO: _l(
        "Cơ quan xử lý cần bạn bổ sung thông tin. Thời hạn xử lý tạm dừng cho đến khi bạn bổ sung."
    ),
    State.ASSIGNED: _l("Phản ánh, kiến nghị đã được chuyển đến đơn vị chủ trì xử lý."),
    State.IN_PROGRESS: _l("Đơn vị chủ trì đang xem xét, xử lý."),
    State.DEFERRED: _l("Nội dung cần được tiếp tục nghiên cứu; cơ quan sẽ trả lời khi đủ cơ sở."),
    State.ANSWER_REVIEW: _l("Kết quả xử lý đang được kiểm tra trước khi gửi và công khai."),
    State.ANSWERED: _l("Đã có kết quả trả lời."),
    State.CLOSED: _l("Hồ sơ đã đóng."),
    State.REJECTED: _l("Phản ánh, kiến nghị không được tiếp nhận; lý do được nêu dưới đây."),
    State.TRANSFERRED_OUT: _l(
        "Nội dung thuộc thẩm quyền của cơ quan khác và đã được chuyển đến cơ quan đó."
    ),
    State.WITHDRAWN: _l("Bạn đã rút phản ánh, kiến nghị này."),
}

CHANNEL_LABELS = {
    Channel.WEB: _l("Cổng tiếp nhận trực tuyến"),
    Channel.NATIONAL_PORTAL: _l("Cổng Dịch vụ công quốc gia"),
    Channel.EMAIL: _l("Thư điện tử"),
    Channel.PHONE: _l("Điện thoại (đường dây nóng)"),
    Channel.PAPER: _l("Văn bản giấy"),
    Channel.COUNTER: _l("Trực tiếp tại bộ phận tiếp nhận"),
    Channel.QUESTIONNAIRE: _l("Phiếu lấy ý kiến"),
}

KIND_LABELS = {
    CaseKind.FEEDBACK: _l("Phản ánh"),
    CaseKind.PETITION: _l("Kiến nghị"),
}

CONTENT_CLASS_LABELS = {
    ContentClass.BEHAVIOUR: _l("Hành vi hành chính"),
    ContentClass.REGULATION: _l("Nội dung quy định hành chính"),
    ContentClass.INITIATIVE: _l("Sáng kiến"),
}

SUBMITTER_TYPE_LABELS = {
    SubmitterType.INDIVIDUAL: _l("Cá nhân"),
    SubmitterType.ORGANISATION: _l("Tổ chức, doanh nghiệp"),
}

# Public history lines, by event kind.
EVENT_LABELS = {
    "submit": _l("Tiếp nhận phản ánh, kiến nghị"),
}
