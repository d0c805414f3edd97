"""Pydantic models: the rubric (as authored and as resolved), the member evaluation and the result.

Field names of rubric files are English (authors are few and read the docs); member-file fields
are Vietnamese without diacritics, with English aliases, because members edit them by hand.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    # defer_build: a model's validator is built on first validation, not at import. Objects the
    # library builds from data it has already checked (resolved rubrics, evaluations, results) are
    # made with model_construct, so `tusoi score` never pays for building their validators.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- rubric


class ScaleValue(Strict):
    value: float = Field(description="Giá trị số của mức")
    label: Text = Field(description="Nhãn hiển thị, ví dụ 'Không có'")
    aliases: list[str] = Field(default=[], description="Các cách viết khác được chấp nhận")


class Scale(Strict):
    """Either a list of discrete values, or a numeric range (points) with an optional step."""

    title: Text
    values: list[ScaleValue] | None = Field(default=None, description="Các mức rời rạc")
    min: float = Field(default=0, description="Giá trị nhỏ nhất (thang điểm số)")
    max: float | None = Field(default=None, description="Giá trị lớn nhất (thang điểm số)")
    step: float | None = Field(default=None, gt=0, description="Bước điểm, ví dụ 0.25 hoặc 0.5")


class ItemSpec(Strict):
    """An item as written in a rubric file; in a patch only ``id`` and the changed fields are given."""

    id: Id
    title: str | None = None
    description: str | None = None
    source: str | None = None
    verified: bool | None = None
    note: str | None = None
    weight: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, gt=0, description="Điểm tối đa của mục (thang điểm số)")


class SectionSpec(Strict):
    id: Id
    title: str | None = None
    mode: Literal["deduct", "add"] | None = None
    scale: str | None = None
    weight: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, gt=0)
    items: list[ItemSpec] = []


class Level(Strict):
    id: Id
    label: Text
    min_score: float | None = Field(default=None, description="Điểm tối thiểu (bao gồm); bỏ trống ở mức cuối")
    color: str = "white"
    aliases: list[str] = []


class Cap(Strict):
    """A rule that limits the level: 'when this holds, the level is at most ``at_most``'."""

    id: Id
    at_most: str
    reason: Text
    sections: list[str] = []
    items: list[str] = []
    min_value: float | None = None
    max_value: float | None = None
    min_count: int = Field(default=1, ge=1)
    field: Literal["ky_luat"] | None = None
    equals: bool = True


class Scoring(Strict):
    start: float = 0
    min: float | None = 0
    max: float | None = None


class RubricSpec(Strict):
    """A rubric file as written: it may include others and patch what they define."""

    id: Id
    version: str = "1"
    title: str | None = None
    description: str = ""
    source: str = ""
    effective: date | None = None
    include: list[str] = []
    scales: dict[str, Scale] = {}
    sections: list[SectionSpec] = []
    scoring: Scoring | None = None
    levels: list[Level] | None = None
    caps: list[Cap] | None = None


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
    mode: Literal["deduct", "add"]
    scale: str
    weight: float
    max: float | None
    items: list[Item]


class Rubric(Strict):
    """A resolved rubric: includes merged, defaults applied, every reference checked."""

    id: str
    version: str
    title: str
    description: str
    source: str
    effective: date | None
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


# --------------------------------------------------------------------------- member


def _bool_vi(value: Any) -> Any:
    """Accept Vietnamese yes/no words for boolean member fields; left empty means no."""
    if value is None:
        return False
    if isinstance(value, str):
        from .answers import yes_no

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
    dang_vien: MemberInfo = Field(validation_alias=AliasChoices("dang_vien", "member"))
    tu_xep_loai: str | None = Field(default=None, validation_alias=AliasChoices("tu_xep_loai", "self_level"),
                                    description="Mức tự xếp loại: tot, kha, trung_binh, yeu_kem")
    ky_luat: VBool = Field(default=False, validation_alias=AliasChoices("ky_luat", "disciplined"),
                           description="Bị kỷ luật trong kỳ")
    chi_bo_xep_loai: str | None = Field(default=None, validation_alias=AliasChoices("chi_bo_xep_loai", "cell_level"),
                                        description="Mức chi bộ quyết định xếp loại")
    ly_do: str | None = Field(default=None, validation_alias=AliasChoices("ly_do", "reason"),
                              description="Lý do của chi bộ")
    ghi_chu: str | None = Field(default=None, validation_alias=AliasChoices("ghi_chu", "note"))
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


# --------------------------------------------------------------------------- result


class ItemResult(Strict):
    id: str
    section: str
    title: str
    state: AnswerState
    value: float | None
    label: str | None
    points: float = Field(description="Điểm bị trừ (mục trừ điểm) hoặc được cộng (mục cộng điểm)")
    flagged: bool
    bieu_hien: str | None = None
    khac_phuc: str | None = None
    han_khac_phuc: date | None = None
    error: str | None = None


class SectionResult(Strict):
    id: str
    title: str
    mode: Literal["deduct", "add"]
    points: float
    max: float | None
    flagged: int
    answered: int
    unanswered: int
    not_applicable: int
    invalid: int


class AppliedCap(Strict):
    id: str
    at_most: str
    at_most_label: str
    reason: str
    items: list[str]


class NextLevel(Strict):
    level: str
    label: str
    score_gap: float
    blocking_caps: list[str]


class MemberResult(Strict):
    source: str
    rubric: str
    rubric_version: str
    ho_ten: str
    ma_dang_vien: str | None
    chi_bo: str | None
    chuc_vu: str | None
    ky_danh_gia: str | None
    score: float
    score_level: str
    level: str
    level_label: str
    caps: list[AppliedCap]
    sections: list[SectionResult]
    items: list[ItemResult]
    flagged: list[str]
    unanswered: list[str]
    not_applicable: list[str]
    invalid: list[str]
    ky_luat: bool
    self_level: str | None
    self_comparison: Literal["higher", "same", "lower"] | None
    cell_level: str | None
    cell_reason: str | None
    next_level: NextLevel | None
    complete: bool = Field(description="False khi có mục không hợp lệ: kết quả chỉ là tạm tính")
