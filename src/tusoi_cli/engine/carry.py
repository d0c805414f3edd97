"""The previous period carried forward, pure: pairing items across periods, what the files show, the results.

Pairing rule (docs/compare.md, "Hạn chế kỳ trước"): an item of the previous period is the same item this
period only when both rubrics define it from the same document (``Rubric.item_documents``: the document and
its date), or when they are the same rubric without documents, or when this period's rubric declares a
mapping from the earlier document (``maps_from``). Otherwise it is "chưa so được", with the reason: Điều 14
of QĐ 37 is not Điều 14 of QĐ 207.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tusoi_cli.model import AnswerState, MemberResult, Rubric
from tusoi_cli.model.compare import Record, compare_info
from tusoi_cli.model.previous import (
    OBSERVED_LABELS,
    RESULT_LABELS,
    CarriedItem,
    CarryResultVi,
    Observation,
    PreviousShortcoming,
)
from tusoi_cli.model.values import readers
from tusoi_cli.text import fold

# (state, value) of an item of this period, by the item's id in this period's rubric
AnswerOf = Callable[[str], tuple[AnswerState, float | None]]
STILL_THERE = frozenset({"improved", "unchanged", "worse"})
FIXED_CLAIM_WARNING = "tự nhận đã khắc phục nhưng kỳ này mục {item} vẫn còn: {status}"


def _bare(document: str) -> str:
    """A document name without its date ("Quy định 37-QĐ/TW ngày 25/10/2021" -> "quy dinh 37-qd/tw")."""
    return fold(document.split(" ngày ")[0])


def pair_item(old: Rubric, new: Rubric, item: str) -> tuple[str | None, str | None]:
    """(this period's id, None) when ``item`` of the previous period's rubric pairs, else (None, the reason)."""
    old_doc, new_doc = old.item_documents.get(item), new.item_documents.get(item)
    new_ids = compare_info(new).index
    if old_doc is not None:
        if old_doc == new_doc:
            return item, None
        for mapping in new.maps_from:
            if fold(mapping.document) in (fold(old_doc), _bare(old_doc)) and item in mapping.items:
                return mapping.items[item], None
    elif new_doc is None and old.id == new.id and item in new_ids and item in compare_info(old).index:
        return item, None  # one rubric that names no document: its items are its own
    if item not in compare_info(old).index:
        return None, f"bộ tiêu chí kỳ trước ({old.id}) không có mục {item}"
    before = old_doc or f"bộ tiêu chí {old.id} (không ghi văn bản)"
    now = new_doc or (f"bộ tiêu chí {new.id} (không ghi văn bản)" if item in new_ids else None)
    if now is None:
        return None, (f"mục {item} kỳ trước theo {before}; bộ tiêu chí kỳ này ({new.id}) không có mục này và không"
                      " khai báo maps_from cho văn bản đó")
    return None, (f"mục {item} kỳ trước theo {before}, kỳ này theo {now}: không cùng văn bản và bộ tiêu chí kỳ này"
                  " không khai báo maps_from, nên cùng mã chưa chắc là cùng nội dung")


def carried_from_record(old: Record) -> list[CarriedItem]:
    """The open shortcomings of a previous period's member: every flagged item, with what the member wrote."""
    info = compare_info(old.rubric)
    items = []
    for n, value in enumerate(old.values):
        if value is None or value <= 0 or not info.deducts[n]:
            continue
        plan = old.plans.get(info.ids[n])
        items.append(CarriedItem.model_construct(
            muc=info.ids[n], muc_do=value, bieu_hien=plan.bieu_hien if plan else None,
            khac_phuc=plan.khac_phuc if plan else None, han_khac_phuc=plan.han_khac_phuc if plan else None,
            ket_qua=None, ghi_chu=None))
    return items


def observe(items: Sequence[CarriedItem], old: Record | None, new_rubric: Rubric,
            answer_of: AnswerOf) -> dict[str, Observation]:
    """What the previous period's file and this period's answers show for each carried item (by ``muc``)."""
    seen: dict[str, Observation] = {}
    if old is None:
        why = "không tìm thấy đảng viên này trong tệp kỳ trước (theo mã đảng viên hoặc họ tên)"
        return {item.muc: ("not_comparable", why) for item in items}
    info = compare_info(old.rubric)
    for item in items:
        current, reason = pair_item(old.rubric, new_rubric, item.muc)
        if current is None:
            seen[item.muc] = ("not_comparable", reason)
            continue
        n = info.index[item.muc]
        before = old.values[n]
        if before is None or before <= 0:
            seen[item.muc] = ("not_flagged_before", None)
            continue
        state, now = answer_of(current)
        if state != "answered" or now is None:
            seen[item.muc] = ("not_answered", None)
        elif now <= 0:
            seen[item.muc] = ("fixed", None)
        else:
            seen[item.muc] = ("improved" if now < before else "worse" if now > before else "unchanged", None)
    return seen


def shortcomings(rubric: Rubric, items: Sequence[CarriedItem] | None,
                 observed: dict[str, Observation] | None = None) -> list[PreviousShortcoming] | None:
    """The carried items as a result shows them (None: nothing is known of the previous period)."""
    if items is None:
        return None
    pairs = {item.id: (section, item) for section, item in rubric.items()}
    scale_readers = readers(rubric)
    shown = []
    for item in items:
        section_item = pairs.get(item.muc)
        label = None
        if section_item is not None and item.muc_do is not None:
            label = scale_readers[section_item[0].scale].label(item.muc_do)
        status, why = observed.get(item.muc, (None, None)) if observed is not None else (None, None)
        result = item.result
        warning = None
        if result == "fixed" and status in ("unchanged", "worse"):  # the same or a worse degree than before
            warning = FIXED_CLAIM_WARNING.format(item=item.muc, status=OBSERVED_LABELS[status])
        shown.append(PreviousShortcoming.model_construct(
            item=item.muc, item_title=section_item[1].title if section_item else None, degree=item.muc_do,
            degree_label=label, bieu_hien=item.bieu_hien, khac_phuc=item.khac_phuc,
            han_khac_phuc=item.han_khac_phuc, result=result,
            result_label=RESULT_LABELS[result] if result else None, note=item.ghi_chu, observed=status,
            observed_label=OBSERVED_LABELS[status] if status else None, observed_reason=why, warning=warning))
    return shown


def claim_warnings(items: Sequence[CarriedItem], observed: dict[str, Observation] | None) -> list[str]:
    """The warnings :func:`shortcomings` gives, without building the result (a batch's members, one by one)."""
    found = []
    for item in items:
        status = observed.get(item.muc, (None, None))[0] if observed is not None else None
        if item.result == "fixed" and status in ("unchanged", "worse"):
            found.append(FIXED_CLAIM_WARNING.format(item=item.muc, status=OBSERVED_LABELS[status]))
    return found


def all_fixed(shown: Sequence[PreviousShortcoming] | None) -> bool | None:
    """Whether every earlier shortcoming is fixed: False when one is not (by the member's word or by what the
    files show), True when all are, None when it is not known (no previous period, or a result left blank)."""
    if shown is None:
        return None
    unknown = False
    for item in shown:
        if item.observed in STILL_THERE or item.result in ("in_progress", "not_fixed"):
            return False
        if item.result is None and item.observed != "fixed":
            unknown = True
    return None if unknown else True


def open_shortcomings(result: MemberResult) -> list[CarriedItem]:
    """What next period's form carries from ``result``: each flagged item (degree, the member's own words, plan,
    deadline), then each shortcoming it carried itself and did not report fixed (and is not flagged again)."""
    items = [CarriedItem.model_construct(muc=i.id, muc_do=i.value, bieu_hien=i.bieu_hien, khac_phuc=i.khac_phuc,
                                         han_khac_phuc=i.han_khac_phuc, ket_qua=None, ghi_chu=None)
             for i in result.items if i.flagged]
    flagged = {i.id for i in result.items if i.flagged}
    for p in result.previous_shortcomings or []:
        if p.result != "fixed" and p.item not in flagged:
            items.append(CarriedItem.model_construct(muc=p.item, muc_do=p.degree, bieu_hien=p.bieu_hien,
                                                     khac_phuc=p.khac_phuc, han_khac_phuc=p.han_khac_phuc,
                                                     ket_qua=None, ghi_chu=None))
    return items


def next_period(period: str | None) -> str | None:
    """The period after ``period`` when it is a year ("2025" -> "2026"), else None."""
    text = (period or "").strip()
    return str(int(text) + 1) if text.isdigit() and len(text) == 4 else None


def follow_up(old: Record | None, new: Record,
              carried: list[CarriedItem] | None) -> tuple[list[CarriedItem] | None, dict[str, Observation] | None]:
    """A member's carried items and what the files show for each: the member's own list, then every open
    shortcoming of the previous period's file the list leaves out (none is dropped silently; its result is
    blank); ``old`` is the member in that file, or None when not found."""
    if carried is None and old is None:
        return None, None
    if old is not None:
        listed = {item.muc for item in carried or []}
        carried = [*(carried or []), *(item for item in carried_from_record(old) if item.muc not in listed)]
    assert carried is not None
    info = compare_info(new.rubric)

    def answer_of(item_id: str) -> tuple[AnswerState, float | None]:
        n = info.index.get(item_id)
        return ("unanswered", None) if n is None else (new.state(n), new.values[n])

    return carried, observe(carried, old, new.rubric, answer_of)


def carried_from_result(result: MemberResult) -> list[CarriedItem] | None:
    """The member's own ``ky_truoc`` list, read back from a result (as the member wrote it)."""
    if result.previous_shortcomings is None:
        return None
    codes: dict[str, CarryResultVi] = {"fixed": "da_khac_phuc", "in_progress": "dang_khac_phuc",
                                       "not_fixed": "chua_khac_phuc"}
    return [CarriedItem.model_construct(muc=p.item, muc_do=p.degree, bieu_hien=p.bieu_hien, khac_phuc=p.khac_phuc,
                                        han_khac_phuc=p.han_khac_phuc,
                                        ket_qua=codes[p.result] if p.result else None, ghi_chu=p.note)
            for p in result.previous_shortcomings]
