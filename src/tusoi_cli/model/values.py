"""Reading one answer value against its scale: numbers, labels, aliases, 'not applicable'."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tusoi_cli.model import AnswerState, DisciplineForm, MemberStatus, Rubric, Scale
from tusoi_cli.model.words import yes_no
from tusoi_cli.text import fold

# Forms of party discipline as people write them (folded) -> code, mildest first in DISCIPLINE_FORMS.
FORM_WORDS: dict[str, DisciplineForm] = {"khien trach": "khien_trach", "canh cao": "canh_cao", "cach chuc": "cach_chuc",
              "khai tru": "khai_tru", "khai tru khoi dang": "khai_tru"}
_FORM_PREFIXES = ("bi ky luat ", "ky luat ", "bi ", "hinh thuc ")


def discipline(text: str) -> tuple[bool, DisciplineForm | None] | None:
    """(disciplined, form) for a Kỷ luật cell or ``ky_luat`` text; None when it is neither yes/no nor a form.

    "Khiển trách", "bị cảnh cáo", "kỷ luật cách chức (2026)" name the form and mean disciplined.
    """
    answer = yes_no(text)
    if answer is not None:
        return answer, None
    key = fold(text)
    key = key.split("(")[0].strip(" .,;:-")
    for prefix in _FORM_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
    form = FORM_WORDS.get(key.strip())
    return (True, form) if form is not None else None


# Member status words (folded). "Miễn: <lý do>", "Miễn (lý do)", "miễn kiểm điểm - lý do" or a known reason
# alone mean exempt; the reason keeps the person's wording.
_REVIEWED_WORDS = frozenset({"", "da kiem diem", "kiem diem", "reviewed", "binh thuong"})
_NOT_REVIEWED_WORDS = frozenset({"chua kiem diem", "chua", "not reviewed", "khong kiem diem", "vang", "vang mat"})
_EXEMPT_WORDS = frozenset({"mien kiem diem", "mien", "exempt", "duoc mien", "duoc mien kiem diem"})
_EXEMPT_REASONS = ("nghi sinh hoat", "dinh chi sinh hoat", "tam dinh chi sinh hoat", "moi ket nap",
                   "mien sinh hoat", "om dai ngay", "di hoc dai han")
_STATUS_SPLIT = re.compile(r"\s*[:(\-–—,;]\s*")
STATUS_CHOICES = "'đã kiểm điểm' (hoặc để trống), 'miễn: <lý do>' (ví dụ 'miễn: nghỉ sinh hoạt'), 'chưa kiểm điểm'"


def member_status(text: str | None) -> tuple[MemberStatus, str | None] | None:
    """(status, reason) for a "Trạng thái" cell or ``trang_thai`` text; None when it cannot be read."""
    if text is None or not text.strip():
        return "reviewed", None
    raw = text.strip()
    parts = _STATUS_SPLIT.split(raw, maxsplit=1)
    head = parts[0]
    rest = parts[1].strip().rstrip(")").strip() if len(parts) > 1 else ""
    key = fold(head)
    if key in _REVIEWED_WORDS:
        return "reviewed", None
    if key in _NOT_REVIEWED_WORDS:
        return "not_reviewed", rest or None
    if key in _EXEMPT_WORDS:
        return "exempt", rest or None
    words = head.split()
    for size in (3, 2, 1):  # "Miễn nghỉ sinh hoạt": the leading exempt word, then the reason
        if len(words) > size and fold(" ".join(words[:size])) in _EXEMPT_WORDS:
            reason = " ".join(words[size:]) + (f" ({rest})" if rest else "")
            return "exempt", reason
    if key.startswith(_EXEMPT_REASONS):
        return "exempt", raw
    return None


# Words that mark an item as not applicable to this member (folded form).
NA_WORDS = frozenset({"na", "n/a", "n a", "khong ap dung", "kad", "k ad", "kap", "not applicable"})


@dataclass(frozen=True, slots=True)
class Parsed:
    state: AnswerState
    value: float | None = None
    error: str | None = None
    hint: str | None = None


def to_number(text: str) -> float | None:
    """A number written by a person: '2', '2.0', '0,5' (Vietnamese decimal comma)."""
    try:
        number = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    # + 0.0: '-0' is the answer 0 (a negative zero would print as -0.0 beside the 0.0 of every other zero)
    return number + 0.0 if math.isfinite(number) else None


def fmt(number: float) -> str:
    """Show a number without a useless '.0' (2.0 -> '2', 0.25 -> '0.25')."""
    return f"{number:g}" if number == int(number) or abs(number) >= 1e-4 else str(number)


_UNANSWERED = Parsed("unanswered")


class ScaleReader:
    """Turns raw cell/YAML text into a value of one scale; built once per scale."""

    def __init__(self, scale_id: str, scale: Scale) -> None:
        self.scale_id = scale_id
        self.scale = scale
        self.by_word: dict[str, float] = {}
        # memo of spreadsheet cells already read; blank cells are in it from the start
        self.cells: dict[object, Parsed] = {None: _UNANSWERED, "": _UNANSWERED}
        self.labels: dict[float, str] = {}
        if scale.values is not None:
            for v in scale.values:
                self.labels[v.value] = v.label
                for word in (v.label, *v.aliases):
                    self.by_word.setdefault(fold(word), v.value)

    def read_cell(self, value: object) -> Parsed:
        """A spreadsheet cell as read (None, "", int, float, str, date...), memoised per distinct value.

        The fast path of a batch: a province sheet holds millions of cells but a handful of distinct values.
        """
        if value is None or value == "":
            return _UNANSWERED
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return self._read_other(value)
        cached = self.cells.get(value)
        if cached is None:
            cached = self.parse(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
            if len(self.cells) < 4096:
                self.cells[value] = cached
        return cached

    def _read_other(self, value: object) -> Parsed:
        from datetime import date, time, timedelta

        from tusoi_cli.model.cells import BadCell

        if isinstance(value, BadCell):  # an error (#N/A) or uncalculated formula: never "unanswered"
            return Parsed("invalid", error=value.describe(), hint=f"{value.HINT}: {self.choices()}")
        if isinstance(value, (date, time, timedelta)):
            return Parsed("invalid", error=f"ô chứa ngày giờ ({value}) ở chỗ cần {self._wanted()}",
                          hint=f"ghi {self.choices()}")
        return self.parse("1" if value is True else "0" if value is False else str(value))

    def _wanted(self) -> str:
        return "mức độ" if self.scale.values is not None else "số điểm"

    def label(self, value: float | None) -> str | None:
        if value is None:
            return None
        return self.labels.get(value, fmt(value))

    def choices(self) -> str:
        if self.scale.values is None:
            return f"một số điểm từ {fmt(self.scale.min)}"
        return ", ".join(f"{fmt(v.value)} ({v.label})" for v in self.scale.values)

    def parse(self, raw: str | None, item_max: float | None = None) -> Parsed:
        if raw is None or not raw.strip():
            return Parsed("unanswered")
        key = fold(raw)
        if key in NA_WORDS:
            return Parsed("na")
        number = to_number(raw)
        scale = self.scale
        if scale.values is not None:
            if number is None:
                number = self.by_word.get(key)
            if number is None or number not in self.labels:
                return Parsed("invalid", error=f"giá trị '{raw}' không có trong thang '{scale.title}'",
                              hint=f"dùng {self.choices()}, hoặc 'na' nếu mục không áp dụng")
            return Parsed("answered", number)
        top = item_max if item_max is not None else scale.max
        if number is None:
            return Parsed("invalid", error=f"'{raw}' không phải là số điểm",
                          hint=f"ghi số điểm từ {fmt(scale.min)} đến {fmt(top or 0)}")
        if number < scale.min or (top is not None and number > top):
            return Parsed("invalid", error=f"điểm {fmt(number)} nằm ngoài khoảng {fmt(scale.min)}–{fmt(top or 0)}",
                          hint=f"ghi số điểm từ {fmt(scale.min)} đến {fmt(top or 0)}")
        if scale.step and abs(round(number / scale.step) * scale.step - number) > 1e-9:
            return Parsed("invalid", error=f"điểm {fmt(number)} không chia hết cho bước {fmt(scale.step)}",
                          hint=f"làm tròn tới bội của {fmt(scale.step)}")
        return Parsed("answered", number)


def readers(rubric: Rubric) -> dict[str, ScaleReader]:
    """One reader per scale of ``rubric``, built once per rubric (rubrics are frozen)."""
    cached = rubric._cache.get("readers")
    if cached is None:
        cached = rubric._cache["readers"] = {sid: ScaleReader(sid, s) for sid, s in rubric.scales.items()}
    return cached
