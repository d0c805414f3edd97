"""Pydantic models: the rubric (as authored and as resolved), the member evaluation and the result.

Field names of rubric files are English (authors are few and read the docs); member-file fields
are Vietnamese without diacritics, with English aliases, because members edit them by hand.
"""

import datetime as _dt
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from tusoi_cli.model.previous import CapNotChecked, CarriedItem, PreviousShortcoming
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
# Official reason categories of the lowest level, as the statistics forms sent upward count them; a cap
# declares its category, and the roll-up counts members at the lowest level by the categories of their caps.
ReasonCategory = Literal["prohibited", "degradation", "discipline", "other"]
REASON_LABELS: dict[str, str] = {"prohibited": "Vi phạm những điều đảng viên không được làm",
                                 "degradation": "Suy thoái tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
                                                "\"tự chuyển hóa\"",
                                 "discipline": "Bị kỷ luật trong năm", "other": "Lý do khác"}


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
    field: Literal["ky_luat", "ky_truoc"] | None = Field(default=None,
        description="Xét một trường của đảng viên thay vì các câu trả lời: ky_luat (bị kỷ luật), ky_truoc (còn hạn"
                    " chế của kỳ trước chưa khắc phục xong; không có thông tin kỳ trước thì quy tắc 'chưa kiểm tra')")
    equals: bool = Field(default=True, description="Giá trị của trường `field` làm quy tắc áp dụng")
    min_form: DisciplineForm | None = Field(default=None,
        description="Với field: ky_luat — chỉ áp dụng khi hình thức kỷ luật từ mức này trở lên (khien_trach <"
                    " canh_cao < cach_chuc < khai_tru)")
    category: ReasonCategory | None = Field(default=None,
        description="Nhóm lý do chính thức khi đảng viên bị xếp mức thấp nhất (báo cáo tổng hợp `tusoi tong-hop`):"
                    " prohibited (vi phạm điều đảng viên không được làm), degradation (suy thoái, \"tự diễn biến\","
                    " \"tự chuyển hóa\"), discipline (bị kỷ luật), other (khác, mặc định)")


class RaterSlot(Strict):
    """One step of the review that records a level: the member, the cell committee, the cell, the committee above."""

    id: Id = Field(description="Mã bước xếp loại, ví dụ self, cell_committee, cell, party_committee")
    field: Id = Field(description="Tên trường trong tệp tự đánh giá, ví dụ chi_uy_de_xuat")
    label: Text = Field(description="Tên hiển thị, cũng là tiêu đề cột trong bảng tính, ví dụ 'Chi ủy đề xuất'")
    aliases: list[str] = Field(default=[],
        description="Các tên khác được chấp nhận (trường trong tệp, tiêu đề cột), ví dụ self_level")


# The review's steps when a rubric declares none (SPEC, "Shared data model"): the last filled one is final.
DEFAULT_RATERS: tuple[RaterSlot, ...] = (
    RaterSlot.model_construct(id="self", field="tu_xep_loai", label="Tự xếp loại",
                              aliases=["self_level", "Tự đánh giá xếp loại", "Mức tự xếp loại"]),
    RaterSlot.model_construct(id="cell_committee", field="chi_uy_de_xuat", label="Chi ủy đề xuất",
                              aliases=["cell_committee_level", "Chi ủy đề nghị"]),
    RaterSlot.model_construct(id="cell", field="chi_bo_xep_loai", label="Chi bộ xếp loại",
                              aliases=["cell_level", "Xếp loại của chi bộ"]),
    RaterSlot.model_construct(id="party_committee", field="dang_uy_quyet_dinh", label="Đảng ủy quyết định",
                              aliases=["party_committee_level", "Đảng ủy xếp loại"]),
)
SELF_SLOT, CELL_SLOT = "self", "cell"  # the slots behind the JSON keys self_level and cell_level


class RatingRules(Strict):
    """What a rater's level may be before it is flagged for the meeting to answer on record."""

    max_levels_above: int = Field(default=1, ge=0,
        description="Số mức một bước xếp loại được cao hơn mức tusoi đề xuất mà không bị đánh dấu (mặc định 1)")


class VoteRule(Strict):
    """How the cell's ballots decide a level (see docs/rubric.md, "Biểu quyết")."""

    share: float = Field(default=0.5, gt=0, le=1,
        description="Tỷ lệ cần đạt, so với số đảng viên có mặt (mặc định 0.5: quá nửa)")
    strict: bool = Field(default=True,
        description="true: phải hơn tỷ lệ (quá nửa); false: đạt bằng tỷ lệ là đủ")
    base: Literal["present", "ballots"] = Field(default="present",
        description="present: so với số có mặt và biểu quyết; ballots: so với số phiếu của đảng viên đó")
    cumulative: bool = Field(default=True,
        description="true: mỗi phiếu tính cho mức của nó và mọi mức thấp hơn; false: chỉ tính cho mức của nó")


class Quota(Strict):
    """A limit on how many members one level may hold, as a share of a base count."""

    level: str = Field(description="Mức bị giới hạn số lượng (mã một mức trong `levels`)")
    share: float = Field(gt=0, le=1, description="Tỷ lệ tối đa, ví dụ 0.2 (20 %)")
    of: list[str] = Field(default=[],
        description="Các mức làm cơ số (số đảng viên có mức cuối cùng là một trong các mức này); bỏ trống: mọi"
                    " đảng viên được xếp loại")
    exceptional_share: float | None = Field(default=None, gt=0, le=1,
        description="Tỷ lệ tối đa ở đơn vị đặc biệt (--don-vi-dac-biet hoặc ô 'Đơn vị đặc biệt:' của bảng)")
    reason: str = Field(default="", description="Căn cứ của định mức, hiển thị trong báo cáo")


class Scoring(Strict):
    start: float = Field(default=0, description="Điểm khởi đầu (100 khi trừ điểm, 0 khi cộng điểm)")
    min: float | None = Field(default=0,
        description="Điểm thấp nhất (điểm không xuống dưới mức này); null: không giới hạn")
    max: float | None = Field(default=None, description="Điểm cao nhất; null: không giới hạn")


class ItemMapping(Strict):
    """Which item of this rubric follows which item of a rubric encoding an earlier document."""

    document: Text = Field(description="Văn bản của kỳ trước, ví dụ 'Quy định 37-QĐ/TW' (như trường `document`)")
    items: dict[str, str] = Field(description="Mã mục của văn bản trước -> mã mục của bộ tiêu chí này")


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
    raters: list[RaterSlot] | None = Field(default=None,
        description="Các bước xếp loại theo thứ tự (tự xếp loại, chi ủy, chi bộ, đảng ủy); mức cuối cùng là bước"
                    " cuối có ghi; bỏ trống: bốn bước mặc định")
    ratings: RatingRules | None = Field(default=None, description="Khi nào một bước xếp loại bị đánh dấu")
    vote: VoteRule | None = Field(default=None,
        description="Quy tắc biểu quyết của chi bộ (mặc định: mức cao nhất được quá nửa số có mặt tán thành)")
    quota: Quota | None = Field(default=None, description="Định mức số lượng của một mức xếp loại")
    maps_from: list[ItemMapping] = Field(default=[],
        description="Đối chiếu mã mục với bộ tiêu chí của văn bản trước (khi văn bản đổi số điều): để so hạn chế kỳ"
                    " trước")


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
    maps_from: list[ItemMapping] = []  # own and included, own first
    # item id -> the document (with its date) of the rubric that defines the item, when it names one: how items
    # of two periods are paired (the same id in another document is another item)
    item_documents: dict[str, str] = {}
    path: str = ""
    raters: list[RaterSlot] = list(DEFAULT_RATERS)
    ratings: RatingRules = RatingRules.model_construct(max_levels_above=1)
    vote: VoteRule = VoteRule.model_construct(share=0.5, strict=True, base="present", cumulative=True)
    quota: Quota | None = None
    _cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def level(self, level_id: str) -> Level:
        return next(lv for lv in self.levels if lv.id == level_id)

    def level_rank(self, level_id: str) -> int:
        """0 for the best level, growing as levels get worse."""
        return next(i for i, lv in enumerate(self.levels) if lv.id == level_id)

    def slot(self, slot_id: str) -> RaterSlot | None:
        return next((slot for slot in self.raters if slot.id == slot_id), None)

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


class RaterValue(Strict):
    """A rater slot written as a mapping in a member file."""

    muc: str = Field(description="Mức xếp loại (mã, tên hoặc tên khác của mức)")
    ly_do: str | None = Field(default=None, description="Lý do")
    ngay: str | None = Field(default=None, description="Ngày, dạng 31/12/2026")


class Rating(Strict):
    """The level one rater slot recorded for a member."""

    level: str = Field(description="Mức (mã)")
    label: str = Field(description="Tên mức")
    reason: str | None = Field(default=None, description="Lý do")
    date: _dt.date | None = Field(default=None, description="Ngày (năm-tháng-ngày)")


class MemberHeader(Strict):
    """The member file without its answers (answers are checked against the rubric separately)."""

    bo_tieu_chi: str | None = Field(default=None, validation_alias=AliasChoices("bo_tieu_chi", "rubric"),
                                    description="Mã bộ tiêu chí, mặc định tusoi-mac-dinh")
    ky_danh_gia: str | None = Field(default=None, validation_alias=AliasChoices("ky_danh_gia", "period"),
                                    description="Kỳ đánh giá, ví dụ 2026")
    dang_vien: MemberInfo = Field(validation_alias=AliasChoices("dang_vien", "member"),
        description="Thông tin đảng viên")
    tu_xep_loai: str | RaterValue | None = Field(default=None,
        validation_alias=AliasChoices("tu_xep_loai", "self_level"),
        description="Mức tự xếp loại: tot, kha, trung_binh, yeu_kem (hoặc bảng muc, ly_do, ngay)")
    chi_uy_de_xuat: str | RaterValue | None = Field(default=None,
        validation_alias=AliasChoices("chi_uy_de_xuat", "cell_committee_level"),
        description="Mức chi ủy đề xuất (hoặc bảng muc, ly_do, ngay)")
    ky_luat: VBool = Field(default=False, validation_alias=AliasChoices("ky_luat", "disciplined"),
                           description="Bị kỷ luật trong kỳ: có/không, hoặc hình thức kỷ luật (khiển trách, cảnh"
                                       " cáo, cách chức, khai trừ)")
    chi_bo_xep_loai: str | RaterValue | None = Field(default=None,
        validation_alias=AliasChoices("chi_bo_xep_loai", "cell_level"),
        description="Mức chi bộ quyết định xếp loại (hoặc bảng muc, ly_do, ngay)")
    dang_uy_quyet_dinh: str | RaterValue | None = Field(default=None,
        validation_alias=AliasChoices("dang_uy_quyet_dinh", "party_committee_level"),
        description="Mức đảng ủy quyết định (hoặc bảng muc, ly_do, ngay)")
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
    # checked entry by entry by read/previous.py, which locates each problem
    ky_truoc: Any = Field(default=None, validation_alias=AliasChoices("ky_truoc", "previous"),
        description="Hạn chế của kỳ trước mang sang: danh sách muc, muc_do, bieu_hien, khac_phuc, han_khac_phuc,"
                    " ket_qua (đã / đang / chưa khắc phục), ghi_chu")


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
    raters: dict[str, Rating] = {}  # slot id -> the level it recorded (self and cell mirror the two fields above)
    # None: the file says nothing of the previous period; []: it says there was no shortcoming to carry
    ky_truoc: list[CarriedItem] | None = None
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


class RatingFlag(Strict):
    slot: str = Field(description="Mã bước xếp loại bị đánh dấu")
    slot_label: str = Field(description="Tên bước xếp loại")
    level: str = Field(description="Mức bước đó ghi (mã)")
    level_label: str = Field(description="Tên mức bước đó ghi")
    kind: Literal["above_cap", "above_level"] = Field(
        description="above_cap: cao hơn một giới hạn áp dụng cho đảng viên; above_level: cao hơn mức tusoi đề xuất"
                    " quá số mức bộ tiêu chí cho phép")
    cap: str | None = Field(default=None, description="Mã giới hạn (với above_cap)")
    reason: str = Field(description="Lý do, để cuộc họp trả lời trong biên bản")


class Vote(Strict):
    counts: dict[str, int] = Field(description="Mức (mã) -> số phiếu")
    present: int = Field(description="Số đảng viên có mặt và biểu quyết")
    level: str | None = Field(description="Mức được biểu quyết theo quy tắc của bộ tiêu chí; null khi không đủ")
    level_label: str | None = Field(default=None, description="Tên mức được biểu quyết")
    outcome: Literal["decided", "no_majority"] = Field(
        description="decided: có mức đạt đủ số phiếu; no_majority: không mức nào đạt")


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
    complete: bool = Field(description="False khi có mục chưa trả lời hoặc không hợp lệ, hoặc một giới hạn có thể"
                                       " hạ mức chưa kiểm tra được: mức chỉ là tạm tính")
    raters: dict[str, Rating] = Field(default={},
        description="Bước xếp loại (mã) -> mức bước đó ghi, lý do, ngày; chỉ các bước có ghi")
    final_level: str | None = Field(default=None,
        description="Mức cuối cùng: mức của bước xếp loại cuối cùng có ghi; null khi chưa bước nào ghi")
    final_level_label: str | None = Field(default=None, description="Tên mức cuối cùng")
    rating_flags: list[RatingFlag] = Field(default=[],
        description="Các bước xếp loại trái với quy tắc của bộ tiêu chí, kèm lý do")
    vote: Vote | None = Field(default=None, description="Kết quả biểu quyết của chi bộ (tusoi bieu-quyet); null khi"
                                                       " không có")
    previous_shortcomings: list[PreviousShortcoming] | None = Field(default=None,
        description="Hạn chế của kỳ trước và kết quả khắc phục; null khi không có thông tin kỳ trước")
    caps_not_checked: list[CapNotChecked] = Field(default=[],
        description="Các giới hạn chưa kiểm tra được vì thiếu dữ liệu (ví dụ kỳ trước): không áp dụng, cũng không"
                    " coi là đạt")
