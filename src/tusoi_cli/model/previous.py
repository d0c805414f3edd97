"""The previous period carried forward ("ky_truoc"): last period's shortcomings and how far they were fixed.

A plain model, read by ``score``/``batch`` and by the review document (``kiem-diem``):

- :class:`CarriedItem` is one entry of a member file's ``ky_truoc`` list (or one item of the sheet's
  "Hạn chế kỳ trước" / "Kết quả khắc phục" columns), as the member wrote it;
- :class:`PreviousShortcoming` is the same entry in a result (JSON ``previous_shortcomings``), with English
  codes and Vietnamese labels beside them, and, when a previous-period file was given, what that file shows.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tusoi_cli.text import fold


class Strict(BaseModel):
    # as tusoi_cli.model.Strict; defined here because tusoi_cli.model imports this module for its fields
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

# The member's own report, as written in the member file (Vietnamese codes) and in JSON (English codes).
CarryResultVi = Literal["da_khac_phuc", "dang_khac_phuc", "chua_khac_phuc"]
CarryResult = Literal["fixed", "in_progress", "not_fixed"]
RESULT_CODES: dict[str, CarryResult] = {"da_khac_phuc": "fixed", "dang_khac_phuc": "in_progress",
                                        "chua_khac_phuc": "not_fixed"}
RESULT_LABELS: dict[str, str] = {"fixed": "đã khắc phục", "in_progress": "đang khắc phục",
                                 "not_fixed": "chưa khắc phục"}
# What the accepted words are, for hints and the sheet's Hướng dẫn
RESULT_WORDS = "đã (đã khắc phục), đang (đang khắc phục), chưa (chưa khắc phục)"

# Folded words -> code: "đã", "Đã khắc phục", "da_khac_phuc", "fixed"... in any case and with or without diacritics
_WORDS: dict[str, CarryResult] = {}
for _code, _english in RESULT_CODES.items():
    _short = _code.split("_")[0]  # da, dang, chua
    for _word in (_short, _code, f"{_short} khac phuc", _english, _english.replace("_", " ")):
        _WORDS[fold(_word)] = _english
_WORDS[fold("xong")] = "fixed"
_WORDS[fold("roi")] = "fixed"


def carry_result(text: str) -> CarryResult | None:
    """The code of a member's word for a result ("đã", "Đang khắc phục", "chua_khac_phuc"), None if not one."""
    return _WORDS.get(fold(text))


# Compare's status of a carried item between the previous period's file and this period (``tusoi compare``'s
# words for the first four), and the states where there is nothing to compare
Observed = Literal["fixed", "improved", "unchanged", "worse", "not_answered", "not_flagged_before",
                   "not_comparable"]
OBSERVED_LABELS: dict[str, str] = {
    "fixed": "đã khắc phục (kỳ này không còn)",
    "improved": "tiến bộ (kỳ này còn, mức nhẹ hơn)",
    "unchanged": "không đổi (kỳ này còn, cùng mức)",
    "worse": "nặng hơn",
    "not_answered": "kỳ này chưa trả lời mục này",
    "not_flagged_before": "tệp kỳ trước không có biểu hiện ở mục này, không so được mức",
    "not_comparable": "chưa so được",
}
# (status, why it could not be compared) for one carried item
Observation = tuple[Observed, str | None]


class CarriedItem(Strict):
    """One shortcoming of the previous period, as the member file's ``ky_truoc`` list writes it."""

    muc: str = Field(description="Mã mục của kỳ trước, ví dụ CT5")
    muc_do: float | None = Field(default=None, description="Mức độ của kỳ trước (số của thang, ví dụ 1)")
    bieu_hien: str | None = Field(default=None, description="Biểu hiện đảng viên đã tự nêu ở kỳ trước")
    khac_phuc: str | None = Field(default=None, description="Biện pháp khắc phục đã đề ra")
    han_khac_phuc: date | None = Field(default=None, description="Hạn khắc phục (năm-tháng-ngày)")
    ket_qua: CarryResultVi | None = Field(default=None,
        description="Kết quả khắc phục đảng viên tự nêu: da_khac_phuc, dang_khac_phuc, chua_khac_phuc (chấp nhận"
                    " 'đã', 'đang', 'chưa'); trống: chưa ghi")
    ghi_chu: str | None = Field(default=None, description="Ghi chú của đảng viên về việc khắc phục")

    @property
    def result(self) -> CarryResult | None:
        return RESULT_CODES[self.ket_qua] if self.ket_qua is not None else None


class PreviousShortcoming(Strict):
    """A previous period's shortcoming in a result (JSON ``previous_shortcomings``)."""

    item: str = Field(description="Mã mục (của kỳ trước)")
    item_title: str | None = Field(description="Tên mục theo bộ tiêu chí kỳ này; null khi bộ tiêu chí không có mục đó")
    degree: float | None = Field(description="Mức độ ở kỳ trước")
    degree_label: str | None = Field(description="Tên mức độ ở kỳ trước")
    bieu_hien: str | None = Field(description="Biểu hiện đã tự nêu ở kỳ trước")
    khac_phuc: str | None = Field(description="Biện pháp khắc phục đã đề ra")
    han_khac_phuc: date | None = Field(description="Hạn khắc phục (năm-tháng-ngày)")
    result: CarryResult | None = Field(
        description="Kết quả đảng viên tự nêu: fixed (đã khắc phục), in_progress (đang khắc phục), not_fixed (chưa"
                    " khắc phục); null khi chưa ghi")
    result_label: str | None = Field(description="Tên kết quả; null khi chưa ghi")
    note: str | None = Field(description="Ghi chú của đảng viên (ghi_chu)")
    observed: Observed | None = Field(default=None,
        description="Tình trạng so tệp kỳ trước với kỳ này (chỉ khi có --ky-truoc), như tusoi compare: fixed,"
                    " improved, unchanged, worse; hoặc not_answered (kỳ này chưa trả lời), not_flagged_before (tệp"
                    " kỳ trước không ghi hạn chế này), not_comparable (chưa so được, xem observed_reason)")
    observed_label: str | None = Field(default=None, description="Tên tình trạng quan sát được")
    observed_reason: str | None = Field(default=None, description="Vì sao chưa so được (khi not_comparable)")
    warning: str | None = Field(default=None,
        description="Cảnh báo khi đảng viên ghi 'đã khắc phục' mà kỳ này mục đó vẫn còn ở mức bằng hoặc nặng hơn")


NOT_CHECKED_WHY = ("chưa có thông tin kỳ trước: ghi danh sách ky_truoc (kết quả khắc phục từng hạn chế) hoặc chấm"
                   " kèm --ky-truoc TỆP_KỲ_TRƯỚC")


class CapNotChecked(Strict):
    """A cap that needs data the run did not have (the previous period): neither applied nor passed."""

    id: str = Field(description="Mã quy tắc giới hạn")
    at_most: str = Field(description="Mức cao nhất còn được xếp nếu quy tắc áp dụng (mã)")
    at_most_label: str = Field(description="Tên mức đó")
    reason: str = Field(description="Lý do của quy tắc")
    why: str = Field(description="Vì sao chưa kiểm tra được")


# --------------------------------------------------------------------------- the sheet's two columns

# "Hạn chế kỳ trước" of a member with nothing to carry (read back as an empty list, not as "no information")
NOTHING_CARRIED = "không có"
CARRIED_HEADER = "Hạn chế kỳ trước"
RESULTS_HEADER = "Kết quả khắc phục"


def carried_cell(items: list[CarriedItem], titles: dict[str, str] | None = None) -> str:
    """The "Hạn chế kỳ trước" cell: one item a line, each starting with its id, then the item's title (after
    "—") and what the member wrote: "CT5 (mức 1) — Nể nang…: Còn nể nang; khắc phục: Góp ý; hạn 30/06/2026"."""
    if not items:
        return NOTHING_CARRIED
    lines = []
    for item in items:
        head = item.muc + (f" (mức {item.muc_do:g})" if item.muc_do is not None else "")
        title = (titles or {}).get(item.muc)
        if title:
            head += " — " + " ".join(title.replace(":", ",").split())
        parts = [" ".join(item.bieu_hien.split())] if item.bieu_hien else []
        if item.khac_phuc:
            parts.append("khắc phục: " + " ".join(item.khac_phuc.split()))
        if item.han_khac_phuc:
            parts.append(f"hạn {item.han_khac_phuc:%d/%m/%Y}")
        lines.append(f"{head}: " + "; ".join(parts) if parts else head)
    return "\n".join(lines)


def results_cell(items: list[CarriedItem]) -> str:
    """The "Kết quả khắc phục" cell as pre-filled for the member to complete: "CT5: ; DL6: "."""
    return "; ".join(f"{item.muc}: " for item in items)
