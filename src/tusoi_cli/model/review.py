"""The review document's own member-file fields (SPEC "Review document fields") and their value rules.

They are all optional: whatever a member leaves out stays a visible prompt in the document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from tusoi_cli.model.dates import DAY_FIRST, day_first

# HD 43-HD/BTCTW: 2A leaders and managers, 2B other members in the political system, 2C members outside it.
ReviewForm = Literal["2A", "2B", "2C"]
REVIEW_FORMS: tuple[ReviewForm, ...] = ("2A", "2B", "2C")
DEFAULT_FORM: ReviewForm = "2B"
FORM_LABELS: dict[str, str] = {
    "2A": "đảng viên giữ chức vụ lãnh đạo, quản lý",
    "2B": "đảng viên đang công tác trong hệ thống chính trị",
    "2C": "đảng viên không công tác trong hệ thống chính trị",
}

_FORM = re.compile(r"^(?:mau\s*)?(?:so\s*)?0?(2[abc])$")


def _form(value: Any) -> Any:
    """'2a', 'Mẫu 2A', ' 2B ' -> '2A', '2B'; anything else is left for the literal check to refuse."""
    if not isinstance(value, str):
        return value
    folded = unicodedata.normalize("NFD", value.strip().lower()).replace("đ", "d")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    found = _FORM.match(folded)
    return found.group(1).upper() if found else value.strip()


def _day_first(value: Any) -> Any:
    """Dates as people write them (30/06/1980) as well as ISO; YAML's own dates pass through."""
    if isinstance(value, str):
        parsed = day_first(value)
        if parsed is not None:
            return parsed
        return value if DAY_FIRST.match(value.strip()) else value.strip()  # no such day: left for the date check
    return value


def _blank_none(value: Any) -> Any:
    """An empty answer is no answer: the document keeps the prompt."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _not_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError("ngày sinh ở tương lai")
    return value


ReviewText = Annotated[str | None, BeforeValidator(_blank_none)]
BirthDate = Annotated[date | None, BeforeValidator(_blank_none), BeforeValidator(_day_first),
                      AfterValidator(_not_future)]
FormCode = Annotated[ReviewForm | None, BeforeValidator(_blank_none), BeforeValidator(_form)]


class ReviewFields(BaseModel):
    """What a member wrote for the review document, read from the member file (all optional).

    Built by the reader from values already checked in ``MemberHeader`` (this module stays below
    ``tusoi_cli.model`` so that the header can use its value rules)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    ngay_sinh: date | None = None
    don_vi: str | None = None
    mau_kiem_diem: ReviewForm | None = None
    uu_diem: str | None = None
    nhiem_vu: str | None = None
    cam_ket: str | None = None
    giai_trinh: str | None = None
    trach_nhiem: str | None = None


REVIEW_FIELD_NAMES: tuple[str, ...] = tuple(ReviewFields.model_fields)


# --------------------------------------------------------------------------- the review document


# A previous period's shortcoming as the document needs it (A.III). The member file's `ky_truoc` list
# (SPEC "Previous period") fills it; `observed` is compare's state of the item when a previous
# period's file is given, beside the member's own `result`.
PreviousResult = Literal["fixed", "in_progress", "not_fixed"]
PREVIOUS_RESULT_LABELS: dict[str, str] = {"fixed": "đã khắc phục", "in_progress": "đang khắc phục",
                                          "not_fixed": "chưa khắc phục"}


@dataclass(frozen=True)
class PreviousShortcoming:
    """One shortcoming carried over from the previous period, for A.III of the review document."""

    title: str  # the item's title (or its id when the rubric does not have it)
    bieu_hien: str | None = None  # the shortcoming in the member's words, as written last period
    result: PreviousResult | None = None  # the member's own ket_qua; None: not stated (a prompt)
    note: str | None = None  # ghi_chu
    observed: PreviousResult | None = None  # what comparing the two periods found, when known


BlockKind = Literal["title", "subtitle", "heading", "subheading", "field", "paragraph", "bullet", "note"]


@dataclass(frozen=True)
class Run:
    """A piece of text; a prompt is what the member has still to write, shown as such (never invented)."""

    text: str
    bold: bool = False
    italic: bool = False
    prompt: bool = False


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    runs: tuple[Run, ...]
    key: str = ""  # which part of the form this is (e.g. "A.II"), for templates and tests


@dataclass
class ReviewDocument:
    """A member's review document, as data: the .docx writer lays it out, a committee's template takes
    ``fields`` (one text per placeholder, see docs/kiem-diem.md)."""

    form: ReviewForm
    cell: str | None  # the party cell, top left of the page
    blocks: list[Block] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    signer: str = ""

    def text(self) -> str:
        """The whole document as plain text (one block a line): what a reader of the .docx sees."""
        return "\n".join("".join(run.text for run in block.runs) for block in self.blocks)
