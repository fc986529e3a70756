"""What the open data are: the licence, the datasets, and the data dictionary of each (the
columns of the CSV files and the keys of the JSON objects, in this order)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_URL_VI = "https://creativecommons.org/licenses/by/4.0/deed.vi"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "date-time", "date", "integer", "number"
    description: object  # a lazy string


PUBLISHED_COLUMNS: tuple[Column, ...] = (
    Column("code", "string", _l("Mã số phản ánh, kiến nghị (như trên trang Kết quả đã công khai)")),
    Column("url", "string", _l("Địa chỉ trang công khai của kết quả")),
    Column("kind", "string", _l("Loại: phan_anh (phản ánh) hoặc kien_nghi (kiến nghị)")),
    Column("kind_name", "string", _l("Tên loại, tiếng Việt")),
    Column("field_code", "string", _l("Mã lĩnh vực (trống khi chưa phân loại)")),
    Column("field_name", "string", _l("Tên lĩnh vực, tiếng Việt")),
    Column("field_name_en", "string", _l("Tên lĩnh vực, tiếng Anh")),
    Column("unit_code", "string", _l("Mã đơn vị chủ trì trả lời")),
    Column("unit_name", "string", _l("Tên đơn vị chủ trì trả lời, tiếng Việt")),
    Column("unit_name_en", "string", _l("Tên đơn vị chủ trì trả lời, tiếng Anh")),
    Column("received_at", "date-time", _l("Thời điểm tiếp nhận (ISO 8601, giờ Việt Nam +07:00)")),
    Column("answered_at", "date-time", _l("Thời điểm trả lời và công khai (ISO 8601, +07:00)")),
    Column("title", "string", _l("Tiêu đề được công khai")),
    Column(
        "content",
        "string",
        _l("Nội dung được công khai, đã ẩn thông tin cá nhân; trống khi người gửi không đồng ý"),
    ),
    Column("answer", "string", _l("Kết quả trả lời được công khai")),
)

STATS_COLUMNS: tuple[Column, ...] = (
    Column("year", "integer", _l("Năm báo cáo")),
    Column("period_start", "date", _l("Ngày đầu kỳ báo cáo (15/12 năm trước)")),
    Column("period_end", "date", _l("Ngày cuối kỳ báo cáo (14/12)")),
    Column("as_of", "date", _l("Số liệu tính đến ngày (hôm nay khi năm chưa kết thúc)")),
    Column("breakdown", "string", _l("Dòng số liệu: province (toàn tỉnh), unit (đơn vị), field")),
    Column("code", "string", _l("Mã đơn vị hoặc lĩnh vực (trống với dòng toàn tỉnh)")),
    Column("name", "string", _l("Tên, tiếng Việt")),
    Column("name_en", "string", _l("Tên, tiếng Anh")),
    Column("received", "integer", _l("Đã tiếp nhận (chỉ dòng toàn tỉnh)")),
    Column("assigned", "integer", _l("Lượt được chuyển xử lý (dòng đơn vị, lĩnh vực)")),
    Column("answered", "integer", _l("Đã trả lời")),
    Column("answered_on_time", "integer", _l("Trả lời đúng hạn (chỉ dòng toàn tỉnh)")),
    Column(
        "on_time_rate",
        "number",
        _l("Tỷ lệ trả lời đúng hạn (%); trống khi chưa đủ số câu trả lời để tính"),
    ),
    Column("rank", "integer", _l("Hạng theo tỷ lệ đúng hạn (trống khi chưa đủ số liệu)")),
    Column("open", "integer", _l("Đang xử lý cuối kỳ, hoặc hôm nay (chỉ dòng toàn tỉnh)")),
    Column("overdue", "integer", _l("Trong đó quá hạn (chỉ dòng toàn tỉnh)")),
    Column("handling_median_days", "number", _l("Thời gian trả lời, trung vị (ngày làm việc)")),
    Column("ratings", "integer", _l("Số lượt đánh giá của người gửi (chỉ dòng toàn tỉnh)")),
    Column("satisfied_rate", "number", _l("Tỷ lệ người gửi hài lòng (%) (chỉ dòng toàn tỉnh)")),
)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    filters: tuple[tuple[str, object], ...]
    frequency: object


DATASETS = (
    Dataset(
        "published",
        _l("Kết quả trả lời phản ánh, kiến nghị đã công khai"),
        _l(
            "Mỗi dòng là một phản ánh, kiến nghị đã được trả lời và công khai, đúng như trên "
            "trang Kết quả đã công khai: nội dung đã ẩn thông tin cá nhân, không có tên, địa "
            "chỉ, số điện thoại, thư điện tử của người gửi. Kết quả bị thu hồi hoặc đang xem "
            "xét lại không có trong tệp."
        ),
        PUBLISHED_COLUMNS,
        (
            ("from", _l("Ngày trả lời từ (YYYY-MM-DD, giờ Việt Nam)")),
            ("to", _l("Ngày trả lời đến hết ngày (YYYY-MM-DD)")),
            ("field", _l("Mã lĩnh vực (field_code)")),
            ("unit", _l("Mã đơn vị chủ trì (unit_code)")),
        ),
        _l("Liên tục: mỗi kết quả có trong tệp ngay khi được công khai"),
    ),
    Dataset(
        "stats",
        _l("Thống kê tiếp nhận, xử lý phản ánh, kiến nghị"),
        _l(
            "Số liệu tổng hợp như trên trang Thống kê, cho từng năm báo cáo: một dòng toàn tỉnh, "
            "một dòng cho mỗi đơn vị và mỗi lĩnh vực. Chỉ có số liệu tổng hợp."
        ),
        STATS_COLUMNS,
        (
            ("year", _l("Năm báo cáo (mặc định: mọi năm có số liệu)")),
            ("breakdown", _l("province, unit hoặc field")),
        ),
        _l("Hằng ngày; năm đang diễn ra có số liệu đến hôm nay"),
    ),
)
