"""Words shown to people for the codes stored in the database, in the reader's language.

The database and the event log keep codes ("in_progress"); translation happens here, when a page
or an e-mail is rendered, never when data is written.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from intake.cases.models import CaseKind, Channel, ClockStatus, ContentClass, SubmitterType
from intake.core.deadlines import Priority, Step
from intake.core.reasons import RejectReason, ReturnReason
from intake.core.redaction import Kind as PiiKind
from intake.core.states import EVENTS_NAMING_THE_UNIT, State  # noqa: F401  (templates)

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
    Channel.APP: _l("Ứng dụng kết nối"),
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
    "classify": _l("Phân loại"),
    "assign": _l("Đã chuyển đơn vị xử lý"),
    "reject": _l("Không tiếp nhận"),
    "mark_duplicate": _l("Xác định trùng lặp"),
    "transfer_out": _l("Chuyển cơ quan có thẩm quyền"),
    "request_info": _l("Đề nghị bổ sung thông tin"),
    "provide_info": _l("Người gửi bổ sung thông tin"),
    "accept": _l("Đơn vị tiếp nhận xử lý"),
    "return_to_intake": _l("Đơn vị trả lại bộ phận tiếp nhận"),
    "assign_handler": _l("Giao cán bộ xử lý"),
    "note": _l("Ghi chú nội bộ"),
    "request_cooperation": _l("Đề nghị đơn vị phối hợp"),
    "reply_cooperation": _l("Đơn vị phối hợp trả lời"),
    "defer": _l("Tiếp tục nghiên cứu"),
    "resume": _l("Tiếp tục xử lý"),
    "save_answer": _l("Lưu dự thảo trả lời"),
    "submit_answer": _l("Trình kết quả xử lý"),
    "return_for_rework": _l("Trả lại để hoàn thiện"),
    "publish_answer": _l("Trả lời và công khai"),
    "withdraw": _l("Người gửi rút"),
    "rate": _l("Người gửi đánh giá kết quả"),
    "reopen": _l("Xem xét lại theo đề nghị của người gửi"),
    "close": _l("Đóng hồ sơ"),
    "info_overdue": _l("Người gửi chưa bổ sung quá thời hạn"),
    "anonymised": _l("Dữ liệu cá nhân đã được ẩn danh (hết thời hạn lưu trữ)"),
    "request_extension": _l("Đề nghị gia hạn"),
    "decide_extension": _l("Quyết định gia hạn"),
    "due_date_changed": _l("Thay đổi hạn do điều chỉnh lịch làm việc"),
    "recover_key": _l("Người gửi lấy lại mã tra cứu"),
    "reissue_key": _l("Cấp lại mã tra cứu"),
    "stop_sms": _l("Người gửi ngừng nhận SMS"),
    "letter_posted": _l("Đã gửi văn bản thông báo qua bưu điện"),
}

REJECT_REASON_LABELS = {
    RejectReason.MISSING_REQUIRED_INFO: _l("Thiếu thông tin bắt buộc"),
    RejectReason.NOT_VIETNAMESE: _l("Không sử dụng tiếng Việt"),
    RejectReason.COMPLAINT_OR_DENUNCIATION: _l("Là khiếu nại, tố cáo"),
    RejectReason.NOT_ABOUT_ADMINISTRATIVE_REGULATIONS: _l("Không về quy định hành chính"),
    RejectReason.DUPLICATE: _l("Trùng với phản ánh, kiến nghị đã gửi"),
    RejectReason.ABUSIVE_OR_SPAM: _l("Nội dung không phù hợp hoặc quấy rối"),
    RejectReason.NO_REPLY_TO_INFO_REQUEST: _l("Không bổ sung thông tin khi được đề nghị"),
    RejectReason.LEGAL_NORMATIVE_DOCUMENT: _l("Góp ý văn bản quy phạm pháp luật"),
}

# What the citizen is told; the officer may edit it before sending.
REJECT_REASON_TEMPLATES = {
    RejectReason.MISSING_REQUIRED_INFO: _l(
        "Phản ánh, kiến nghị chưa có đủ thông tin theo Điều 7 Nghị định 20/2008/NĐ-CP (họ tên, "
        "địa chỉ, số điện thoại hoặc địa chỉ nhận thư và nội dung rõ ràng). Bạn có thể gửi lại "
        "với đầy đủ thông tin."
    ),
    RejectReason.NOT_VIETNAMESE: _l(
        "Phản ánh, kiến nghị cần được trình bày bằng tiếng Việt. Bạn có thể gửi lại bằng tiếng "
        "Việt."
    ),
    RejectReason.COMPLAINT_OR_DENUNCIATION: _l(
        "Nội dung bạn gửi là khiếu nại hoặc tố cáo, không thuộc phạm vi tiếp nhận phản ánh, kiến "
        "nghị về quy định hành chính. Vui lòng gửi đến Thanh tra tỉnh hoặc Ban Tiếp công dân tỉnh "
        "theo Luật Khiếu nại, Luật Tố cáo."
    ),
    RejectReason.NOT_ABOUT_ADMINISTRATIVE_REGULATIONS: _l(
        "Nội dung bạn gửi không liên quan đến quy định hành chính hoặc việc thực hiện thủ tục "
        "hành chính nên không được xử lý theo kênh này. Vui lòng liên hệ cơ quan có liên quan."
    ),
    RejectReason.DUPLICATE: _l(
        "Nội dung này trùng với phản ánh, kiến nghị %(original)s đã được tiếp nhận. Vui lòng "
        "theo dõi kết quả theo mã đó."
    ),
    RejectReason.ABUSIVE_OR_SPAM: _l(
        "Nội dung không phù hợp với mục đích phản ánh, kiến nghị về quy định hành chính."
    ),
    RejectReason.NO_REPLY_TO_INFO_REQUEST: _l(
        "Cơ quan đã đề nghị bổ sung thông tin nhưng chưa nhận được phản hồi trong thời hạn, nên "
        "không thể tiếp tục xử lý. Bạn có thể gửi lại với đầy đủ thông tin."
    ),
    RejectReason.LEGAL_NORMATIVE_DOCUMENT: _l(
        "Nội dung bạn gửi là góp ý về văn bản quy phạm pháp luật (luật, nghị định, thông tư…). "
        "Từ năm 2025, ý kiến về văn bản quy phạm pháp luật được tiếp nhận qua chức năng góp ý "
        "của Cổng Pháp luật quốc gia (phapluat.gov.vn). Vui lòng gửi ý kiến của bạn tại đó."
    ),
}

RETURN_REASON_LABELS = {
    ReturnReason.NOT_COMPETENT: _l("Không đúng thẩm quyền"),
    ReturnReason.WRONG_UNIT: _l("Chuyển nhầm đơn vị"),
    ReturnReason.NEEDS_SPLITTING: _l("Cần tách thành nhiều nội dung"),
    ReturnReason.OTHER: _l("Lý do khác"),
}

PRIORITY_LABELS = {
    Priority.NORMAL: _l("Thường"),
    Priority.URGENT: _l("Khẩn"),
}

# Any reason code an event may carry (refusals and returns), for the history.
REASON_LABELS = {
    **{str(k): v for k, v in REJECT_REASON_LABELS.items()},
    **{str(k): v for k, v in RETURN_REASON_LABELS.items()},
}

PII_LABELS = {
    PiiKind.ID_NUMBER: _l("Số định danh cá nhân"),
    PiiKind.PHONE: _l("Số điện thoại"),
    PiiKind.EMAIL: _l("Thư điện tử"),
    PiiKind.NAME: _l("Họ và tên"),
    PiiKind.ADDRESS: _l("Địa chỉ"),
    PiiKind.TAX_CODE: _l("Mã số thuế"),
}

STEP_LABELS = {
    Step.TRIAGE: _l("Phân loại, chuyển xử lý"),
    Step.ACCEPTANCE: _l("Đơn vị tiếp nhận"),
    Step.HANDLING: _l("Xử lý"),
    Step.REVIEW: _l("Duyệt kết quả"),
    Step.COOPERATION: _l("Phối hợp"),
    Step.OVERALL: _l("Toàn bộ (tiếp nhận đến trả lời)"),
}

CLOCK_STATUS_LABELS = {
    ClockStatus.RUNNING: _l("Đang tính"),
    ClockStatus.PAUSED: _l("Tạm dừng (chờ người gửi)"),
    ClockStatus.STOPPED: _l("Dừng"),
    ClockStatus.ENDED: _l("Đã kết thúc"),
}
