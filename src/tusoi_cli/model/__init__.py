"""Pydantic models: the rubric (as authored and as resolved), the member evaluation and the result.

Field names of rubric files are English (authors are few and read the docs); member-file fields
are Vietnamese without diacritics, with English aliases, because members edit them by hand.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from tusoi_cli.model.review import BirthDate, FormCode, ReviewFields, ReviewText

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    # defer_build: a model's validator is built on first validation, not at import. Objects the
    # library builds from data it has already checked (resolved rubrics, evaluations, results) are
    # made with model_construct, so `tusoi score` never pays for building their validators.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- shared codes

# Forms of party discipline, mildest first: the order lets a cap say "khiển trách or above".
DisciplineForm = Literal["khien_trach", "canh_cao", "cach_chuc", "khai_tru"]
DISCIPLINE_FORMS: tuple[DisciplineForm, ...] = ("khien_trach", "canh_cao", "cach_chuc", "khai_tru")
DISCIPLINE_LABELS: dict[str, str] = {"khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "cach_chuc": "Cách chức",
                                     "khai_tru": "Khai trừ"}
# Member status of the yearly review: only reviewed members get a level.
MemberStatus = Literal["reviewed", "exempt", "not_reviewed"]
STATUS_LABELS: dict[str, str] = {"reviewed": "đã kiểm điểm", "exempt": "miễn kiểm điểm",
                                 "not_reviewed": "chưa kiểm điểm"}


# --------------------------------------------------------------------------- rubric


class ScaleValue(Strict):
    value: float = Field(description="Giá trị số của mức")
    label: Text = Field(description="Nhãn hiển thị, ví dụ 'Không có'")
    aliases: list[str] = Field(default=[], description="Các cách viết khác được chấp nhận")


class Scale(Strict):
    """Either a list of discrete values, or a numeric range (points) with an optional step."""

    title: Text = Field(description="Tên thang, ví dụ 'Mức độ biểu hiện'")
    values: list[ScaleValue] | None = Field(default=None, description="Các mức rời rạc")
    min: float = Field(default=0, description="Giá trị nhỏ nhất (thang điểm số)")
    max: float | None = Field(default=None, description="Giá trị lớn nhất (thang điểm số)")
    step: float | None = Field(default=None, gt=0, description="Bước điểm, ví dụ 0.25 hoặc 0.5")


class ItemSpec(Strict):
    """An item as written in a rubric file; in a patch only ``id`` and the changed fields are given."""

    id: Id = Field(description="Mã mục, ví dụ CT1: khóa trong tệp tự đánh giá và tên cột trong bảng tính (chữ rồi số)")
    title: str | None = Field(default=None, description="Tên ngắn của mục")
    description: str | None = Field(default=None,
        description="Mô tả nội dung của mục, bằng lời của người soạn (không chép nguyên văn)")
    source: str | None = Field(default=None,
        description="Nguồn: văn bản, phần, số thứ tự, ví dụ 'NQ 04-NQ/TW, nhóm 1, biểu hiện 5'")
    verified: bool | None = Field(default=None,
        description="Đã đối chiếu với văn bản gốc chưa; false thì `tusoi rubric show` đánh dấu CHƯA")
    note: str | None = Field(default=None, description="Ghi chú của người soạn, ví dụ vì sao chưa đối chiếu được")
    weight: float | None = Field(default=None, ge=0, description="Hệ số riêng của mục; mặc định lấy hệ số của mục lớn")
    max: float | None = Field(default=None, gt=0, description="Điểm tối đa của mục (thang điểm số)")


class SectionSpec(Strict):
    id: Id = Field(description="Mã mục lớn (phần), ví dụ CT")
    title: str | None = Field(default=None, description="Tên mục lớn")
    short: str | None = Field(default=None, max_length=40,
        description="Tên ngắn của mục lớn, dùng ở bảng hẹp (màn hình 80 cột); mặc định là tên mục lớn")
    mode: Literal["deduct", "add"] | None = Field(default=None,
        description="deduct: trừ vào điểm khởi đầu; add: cộng điểm")
    scale: str | None = Field(default=None, description="Mã thang dùng cho mọi mục của phần (khai báo trong `scales`)")
    weight: float | None = Field(default=None, ge=0,
        description="Hệ số: mỗi câu trả lời được tính giá trị × hệ số (mặc định 1)")
    max: float | None = Field(default=None, gt=0, description="Tổng điểm trừ (hoặc cộng) tối đa của cả phần")
    items: list[ItemSpec] = Field(default=[],
        description="Các mục; khi sửa một bộ được include chỉ cần `id` và các trường cần đổi")
    form_part: Literal["general", "tasks"] | None = Field(default=None,
        description="Phần của bản kiểm điểm (mục B, tự chấm điểm) mà mục lớn cộng điểm này thuộc về: general (tiêu"
                    " chí chung) hoặc tasks (kết quả thực hiện nhiệm vụ); bản kiểm điểm chỉ ghi điểm khi bộ tiêu"
                    " chí khai báo cả hai phần")


class Level(Strict):
    id: Id = Field(description="Mã mức xếp loại, ví dụ tot")
    label: Text = Field(description="Tên hiển thị của mức, ví dụ Tốt")
    min_score: float | None = Field(default=None, description="Điểm tối thiểu (bao gồm); bỏ trống ở mức cuối")
    color: str = Field(default="white", description="Màu hiển thị (tên màu của rich: green, cyan, yellow, red...)")
    aliases: list[str] = Field(default=[], description="Các cách viết khác được chấp nhận, ví dụ TB")


class Cap(Strict):
    """A rule that limits the level: 'when this holds, the level is at most ``at_most``'."""

    id: Id = Field(description="Mã quy tắc giới hạn")
    at_most: str = Field(description="Mức cao nhất còn được xếp khi quy tắc áp dụng (mã một mức trong `levels`)")
    reason: Text = Field(description="Lý do, hiển thị cho người dùng khi quy tắc áp dụng")
    sections: list[str] = Field(default=[], description="Các mục lớn mà quy tắc xem xét")
    items: list[str] = Field(default=[], description="Các mục mà quy tắc xem xét")
    min_value: float | None = Field(default=None,
        description="Chỉ tính câu trả lời có giá trị từ mức này trở lên (bỏ trống: mọi giá trị lớn hơn 0)")
    max_value: float | None = Field(default=None, description="Chỉ tính câu trả lời có giá trị không vượt quá mức này")
    min_count: int = Field(default=1, ge=1, description="Số câu trả lời thỏa điều kiện cần có để quy tắc áp dụng")
    field: Literal["ky_luat"] | None = Field(default=None,
        description="Xét một trường của đảng viên thay vì các câu trả lời (hiện có: ky_luat)")
    equals: bool = Field(default=True, description="Giá trị của trường `field` làm quy tắc áp dụng")
    min_form: DisciplineForm | None = Field(default=None,
        description="Với field: ky_luat — chỉ áp dụng khi hình thức kỷ luật từ mức này trở lên (khien_trach <"
                    " canh_cao < cach_chuc < khai_tru)")


class Scoring(Strict):
    start: float = Field(default=0, description="Điểm khởi đầu (100 khi trừ điểm, 0 khi cộng điểm)")
    min: float | None = Field(default=0,
        description="Điểm thấp nhất (điểm không xuống dưới mức này); null: không giới hạn")
    max: float | None = Field(default=None, description="Điểm cao nhất; null: không giới hạn")


class RubricSpec(Strict):
    """A rubric file as written: it may include others and patch what they define."""

    id: Id = Field(description="Mã bộ tiêu chí")
    version: str = Field(default="1",
        description="Phiên bản bộ tiêu chí, ghi vào kết quả để kết quả cũ vẫn tái lập được")
    title: str | None = Field(default=None, description="Tên bộ tiêu chí")
    description: str = Field(default="", description="Giới thiệu bộ tiêu chí")
    source: str = Field(default="", description="Văn bản làm căn cứ")
    document: str | None = Field(default=None,
        description="Văn bản chính thức mà bộ tiêu chí mã hóa, ví dụ 'Quy định 37-QĐ/TW'")
    document_date: date | None = Field(default=None, description="Ngày ban hành văn bản (năm-tháng-ngày)")
    effective_from: date | None = Field(default=None, validation_alias=AliasChoices("effective_from", "effective"),
        description="Ngày văn bản bắt đầu có hiệu lực (năm-tháng-ngày); tên cũ `effective` vẫn được đọc")
    effective_to: date | None = Field(default=None,
        description="Ngày cuối cùng văn bản còn hiệu lực (năm-tháng-ngày); bỏ trống khi còn hiệu lực")
    replaced_by: str | None = Field(default=None,
        description="Văn bản thay thế, ví dụ 'Quy định 207-QĐ/TW ngày 26/7/2026'")
    include: list[str] = Field(default=[],
        description="Các bộ tiêu chí được kế thừa: mã có sẵn hoặc đường dẫn tệp .yaml (tính từ thư mục của tệp này)")
    scales: dict[str, Scale] = Field(default={}, description="Các thang giá trị, theo mã thang")
    sections: list[SectionSpec] = Field(default=[],
        description="Các mục lớn và mục của chúng, hoặc phần sửa đổi mục lớn của bộ được include")
    scoring: Scoring | None = Field(default=None, description="Cách tính điểm; thay cho cách tính của bộ được include")
    levels: list[Level] | None = Field(default=None,
        description="Các mức xếp loại từ tốt nhất đến kém nhất; thay cho các mức của bộ được include")
    caps: list[Cap] | None = Field(default=None,
        description="Các quy tắc giới hạn mức xếp loại; thay cho các quy tắc của bộ được include")


class Item(Strict):
    id: str
    title: str
    description: str
    source: str
    verified: bool
    note: str | None
    weight: float
    max: float | None


class Section(Strict):
    id: str
    title: str
    short: str | None = None
    mode: Literal["deduct", "add"]
    scale: str
    weight: float
    max: float | None
    items: list[Item]
    form_part: Literal["general", "tasks"] | None = None  # the review form's part B (kiem-diem)


class RubricDocument(Strict):
    """The official document a rubric (or one it includes) encodes, and the dates it is in force."""

    rubric: str
    title: str
    document: str | None = None
    document_date: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    replaced_by: str | None = None


class InForceWarning(Strict):
    """A period evaluated against a rubric whose document was not in force on the period's last day."""

    code: Literal["replaced", "not_yet_in_force"] = Field(
        description="replaced: văn bản đã hết hiệu lực (bị thay thế); not_yet_in_force: văn bản chưa có hiệu lực")
    rubric: str = Field(description="Mã bộ tiêu chí mã hóa văn bản (có thể là bộ được include)")
    document: str | None = Field(description="Tên văn bản")
    period: str = Field(description="Kỳ đánh giá như đã ghi (ky_danh_gia, hoặc ô Kỳ đánh giá của bảng tính)")
    period_end: date = Field(description="Ngày cuối của kỳ, ngày đem so với thời gian hiệu lực")
    effective_from: date | None = Field(description="Ngày văn bản bắt đầu có hiệu lực")
    effective_to: date | None = Field(description="Ngày cuối văn bản còn hiệu lực")
    replaced_by: str | None = Field(description="Văn bản thay thế")
    message: str = Field(description="Lời cảnh báo")


class Rubric(Strict):
    """A resolved rubric: includes merged, defaults applied, every reference checked."""

    id: str
    version: str
    title: str
    description: str
    source: str
    document: str | None = None
    document_date: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    replaced_by: str | None = None
    # this rubric's own document and those of every rubric it includes, includes first: what "in force" checks
    documents: list[RubricDocument] = []
    includes: list[str]
    scales: dict[str, Scale]
    sections: list[Section]
    scoring: Scoring
    levels: list[Level]
    caps: list[Cap]
    path: str = ""
    _cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def level(self, level_id: str) -> Level:
        return next(lv for lv in self.levels if lv.id == level_id)

    def level_rank(self, level_id: str) -> int:
        """0 for the best level, growing as levels get worse."""
        return next(i for i, lv in enumerate(self.levels) if lv.id == level_id)

    def included_titles(self) -> list[str]:
        """The titles of the rubrics this one includes; the loader attaches how to find them (read on demand,
        so that scoring does not pay for it), else the ids are all there is."""
        resolve = self._cache.get("included_titles")
        return resolve() if resolve is not None else list(self.includes)


# --------------------------------------------------------------------------- member


def _bool_vi(value: Any) -> Any:
    """Accept Vietnamese yes/no words for boolean member fields; left empty means no."""
    if value is None:
        return False
    if isinstance(value, str):
        from tusoi_cli.model.words import yes_no

        answer = yes_no(value)
        if answer is not None:
            return answer
    return value


VBool = Annotated[bool, BeforeValidator(_bool_vi)]


class MemberInfo(Strict):
    ho_ten: Text = Field(validation_alias=AliasChoices("ho_ten", "name", "full_name"),
                         description="Họ và tên đảng viên")
    ma_dang_vien: str | None = Field(default=None, validation_alias=AliasChoices("ma_dang_vien", "member_id", "so_the"),
                                     description="Mã đảng viên / số thẻ đảng")
    chi_bo: str | None = Field(default=None, validation_alias=AliasChoices("chi_bo", "cell"), description="Chi bộ")
    chuc_vu: str | None = Field(default=None, validation_alias=AliasChoices("chuc_vu", "position"),
                                description="Chức vụ")


class MemberHeader(Strict):
    """The member file without its answers (answers are checked against the rubric separately)."""

    bo_tieu_chi: str | None = Field(default=None, validation_alias=AliasChoices("bo_tieu_chi", "rubric"),
                                    description="Mã bộ tiêu chí, mặc định tusoi-mac-dinh")
    ky_danh_gia: str | None = Field(default=None, validation_alias=AliasChoices("ky_danh_gia", "period"),
                                    description="Kỳ đánh giá, ví dụ 2026")
    dang_vien: MemberInfo = Field(validation_alias=AliasChoices("dang_vien", "member"),
        description="Thông tin đảng viên")
    tu_xep_loai: str | None = Field(default=None, validation_alias=AliasChoices("tu_xep_loai", "self_level"),
                                    description="Mức tự xếp loại: tot, kha, trung_binh, yeu_kem")
    ky_luat: VBool = Field(default=False, validation_alias=AliasChoices("ky_luat", "disciplined"),
                           description="Bị kỷ luật trong kỳ: có/không, hoặc hình thức kỷ luật (khiển trách, cảnh"
                                       " cáo, cách chức, khai trừ)")
    chi_bo_xep_loai: str | None = Field(default=None, validation_alias=AliasChoices("chi_bo_xep_loai", "cell_level"),
                                        description="Mức chi bộ quyết định xếp loại")
    ly_do: str | None = Field(default=None, validation_alias=AliasChoices("ly_do", "reason"),
                              description="Lý do của chi bộ")
    ghi_chu: str | None = Field(default=None, validation_alias=AliasChoices("ghi_chu", "note"), description="Ghi chú")
    trang_thai: str | None = Field(default=None, validation_alias=AliasChoices("trang_thai", "status"),
        description="Trạng thái: đã kiểm điểm (mặc định), 'miễn: <lý do>' (nghỉ sinh hoạt, đình chỉ sinh hoạt, mới"
                    " kết nạp dưới 6 tháng...), hoặc chưa kiểm điểm")
    # --- the review document's own fields (`tusoi kiem-diem`; SPEC "Review document fields"), all optional
    ngay_sinh: BirthDate = Field(default=None, description="Ngày sinh (30/06/1980 hoặc 1980-06-30)")
    don_vi: ReviewText = Field(default=None, description="Đơn vị công tác")
    mau_kiem_diem: FormCode = Field(default=None,
        description="Mẫu bản kiểm điểm của HD 43-HD/BTCTW: 2A (giữ chức vụ lãnh đạo, quản lý), 2B (mặc định), 2C")
    uu_diem: ReviewText = Field(default=None, description="Ưu điểm (phẩm chất chính trị, đạo đức, lối sống...)")
    nhiem_vu: ReviewText = Field(default=None,
        description="Kết quả thực hiện chức trách, nhiệm vụ được giao (2C: nhiệm vụ chi bộ giao)")
    cam_ket: ReviewText = Field(default=None, description="Việc thực hiện cam kết tu dưỡng, rèn luyện hằng năm")
    giai_trinh: ReviewText = Field(default=None, description="Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)")
    trach_nhiem: ReviewText = Field(default=None,
        description="Trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)")
    # --- end of the review document's fields
    # checked item by item against the rubric by member_reader, which locates each problem
    danh_gia: Any = Field(default=None, validation_alias=AliasChoices("danh_gia", "answers"),
                                            description="Mã mục -> giá trị, hoặc bảng chi tiết")


AnswerState = Literal["answered", "unanswered", "na", "invalid"]


class Answer(Strict):
    state: AnswerState
    value: float | None = None
    raw: str | None = None
    bieu_hien: str | None = None
    khac_phuc: str | None = None
    han_khac_phuc: date | None = None
    ghi_chu: str | None = None
    error: str | None = None


class MemberEvaluation(Strict):
    """A member's answers, read and checked against one rubric."""

    source: str
    rubric_id: str
    ky_danh_gia: str | None
    member: MemberInfo
    tu_xep_loai: str | None
    ky_luat: bool
    chi_bo_xep_loai: str | None
    ly_do: str | None
    answers: dict[str, Answer]
    ky_luat_form: DisciplineForm | None = None
    status: MemberStatus = "reviewed"  # as stated; score_member makes a member with no answer not_reviewed
    status_reason: str | None = None
    review: ReviewFields | None = None  # the review document's fields (kiem-diem); None: none written


# --------------------------------------------------------------------------- result


class ItemResult(Strict):
    id: str = Field(description="Mã mục")
    section: str = Field(description="Mã mục lớn chứa mục")
    title: str = Field(description="Tên mục")
    state: AnswerState = Field(
        description="Trạng thái: answered (đã trả lời), unanswered (chưa trả lời), na (không áp dụng), invalid (không"
                    " hợp lệ)")
    value: float | None = Field(
        description="Giá trị đã trả lời; null khi chưa trả lời, không áp dụng hoặc không hợp lệ")
    label: str | None = Field(description="Nhãn của giá trị trong thang")
    points: float = Field(description="Điểm bị trừ (mục trừ điểm) hoặc được cộng (mục cộng điểm)")
    flagged: bool = Field(description="Có biểu hiện hoặc vi phạm (mục trừ điểm có giá trị khác 0)")
    bieu_hien: str | None = Field(default=None, description="Biểu hiện cụ thể đảng viên tự nêu")
    khac_phuc: str | None = Field(default=None, description="Biện pháp khắc phục")
    han_khac_phuc: date | None = Field(default=None, description="Hạn khắc phục (năm-tháng-ngày)")
    error: str | None = Field(default=None, description="Lỗi của câu trả lời không hợp lệ")


class SectionResult(Strict):
    id: str = Field(description="Mã mục lớn")
    title: str = Field(description="Tên mục lớn")
    mode: Literal["deduct", "add"] = Field(description="deduct (trừ điểm) hoặc add (cộng điểm)")
    points: float = Field(description="Tổng điểm bị trừ hoặc được cộng của phần, sau khi áp điểm tối đa của phần")
    max: float | None = Field(description="Điểm tối đa của phần; null: không giới hạn")
    flagged: int = Field(description="Số mục có biểu hiện hoặc vi phạm")
    answered: int = Field(description="Số mục đã trả lời")
    unanswered: int = Field(description="Số mục chưa trả lời")
    not_applicable: int = Field(description="Số mục không áp dụng")
    invalid: int = Field(description="Số mục có câu trả lời không hợp lệ")


class AppliedCap(Strict):
    id: str = Field(description="Mã quy tắc giới hạn")
    at_most: str = Field(description="Mức cao nhất còn được xếp (mã)")
    at_most_label: str = Field(description="Tên mức cao nhất còn được xếp")
    reason: str = Field(description="Lý do của giới hạn")
    items: list[str] = Field(description="Các mục làm quy tắc áp dụng")


class NextLevel(Strict):
    level: str = Field(description="Mã mức trên kế tiếp")
    label: str = Field(description="Tên mức trên kế tiếp")
    score_gap: float = Field(description="Số điểm còn thiếu để đạt ngưỡng của mức trên (0: điểm đã đủ)")
    blocking_caps: list[str] = Field(description="Các giới hạn đang chặn việc lên mức trên")


class MemberResult(Strict):
    source: str = Field(description="Tệp đã đọc (với bảng tính: tệp:dòng)")
    rubric: str = Field(description="Mã bộ tiêu chí đã dùng")
    rubric_version: str = Field(description="Phiên bản bộ tiêu chí đã dùng")
    ho_ten: str = Field(description="Họ và tên đảng viên")
    ma_dang_vien: str | None = Field(description="Mã đảng viên / số thẻ đảng")
    chi_bo: str | None = Field(description="Chi bộ")
    chuc_vu: str | None = Field(description="Chức vụ")
    ky_danh_gia: str | None = Field(description="Kỳ đánh giá")
    status: MemberStatus = Field(default="reviewed",
        description="reviewed (đã kiểm điểm, được xếp loại), exempt (miễn kiểm điểm), not_reviewed (chưa kiểm"
                    " điểm: ghi rõ như vậy, hoặc chưa trả lời mục nào)")
    status_label: str = Field(default="đã kiểm điểm", description="Tên trạng thái")
    status_reason: str | None = Field(default=None, description="Lý do miễn hoặc chưa kiểm điểm")
    score: float = Field(description="Điểm, chưa làm tròn (chỉ làm tròn khi hiển thị)")
    score_level: str | None = Field(
        description="Mức theo điểm (mã), trước khi áp các giới hạn; null khi không được xếp loại")
    level: str | None = Field(description="Mức đề xuất (mã): mức thấp hơn giữa mức theo điểm và mọi giới hạn áp"
                                          " dụng; null khi đảng viên miễn hoặc chưa kiểm điểm")
    level_label: str | None = Field(description="Tên mức đề xuất; null khi không được xếp loại")
    caps: list[AppliedCap] = Field(description="Các giới hạn đã áp dụng, kèm lý do")
    sections: list[SectionResult] = Field(description="Kết quả theo từng mục lớn")
    items: list[ItemResult] = Field(description="Kết quả theo từng mục, theo thứ tự của bộ tiêu chí")
    flagged: list[str] = Field(description="Các mục có biểu hiện hoặc vi phạm")
    unanswered: list[str] = Field(description="Các mục chưa trả lời")
    not_applicable: list[str] = Field(description="Các mục không áp dụng")
    invalid: list[str] = Field(description="Các mục có câu trả lời không hợp lệ")
    ky_luat: bool = Field(description="Bị kỷ luật trong kỳ")
    ky_luat_form: DisciplineForm | None = Field(default=None,
        description="Hình thức kỷ luật: khien_trach, canh_cao, cach_chuc, khai_tru; null khi không ghi")
    self_level: str | None = Field(description="Mức tự xếp loại (mã)")
    self_comparison: Literal["higher", "same", "lower"] | None = Field(
        description="Mức tự xếp loại so với mức đề xuất: higher (cao hơn), same (bằng), lower (thấp hơn)")
    cell_level: str | None = Field(description="Mức chi bộ quyết định (mã), hiển thị bên cạnh mức đề xuất")
    cell_reason: str | None = Field(description="Lý do của chi bộ")
    next_level: NextLevel | None = Field(description="Điều còn thiếu để lên mức trên; null khi đã ở mức cao nhất")
    complete: bool = Field(description="False khi có mục chưa trả lời hoặc không hợp lệ: mức chỉ là tạm tính")
