"""Reading a member's self-evaluation YAML file into a :class:`MemberEvaluation`.

Problems that leave the member unidentifiable (not a mapping, no name, wrong field types) are
fatal for the file. Problems with single answers (unknown id, value not in the scale) are not:
the member is still scored, the answer is marked invalid, and the problem is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tusoi_cli.errors import InputError, Problem, UsageError
from tusoi_cli.model import (
    CELL_SLOT,
    DEFAULT_RATERS,
    SELF_SLOT,
    Answer,
    DisciplineForm,
    MemberEvaluation,
    MemberHeader,
    MemberStatus,
    Rating,
    Rubric,
)
from tusoi_cli.model.raters import slot_keys, slot_of_key
from tusoi_cli.model.review import REVIEW_FIELD_NAMES, ReviewFields
from tusoi_cli.model.values import STATUS_CHOICES, ScaleReader, discipline, member_status, readers
from tusoi_cli.read.dates import parse_date as parse_date  # re-exported: callers import it from here
from tusoi_cli.read.previous import read_carried
from tusoi_cli.read.rubric_loader import DEFAULT_RUBRIC, load_rubric, match_level
from tusoi_cli.read.yaml_reader import Path_, YamlDoc, decode_text, load_yaml, read_text
from tusoi_cli.text import fold, nearest

STDIN_NAME = "<stdin>"

# Keys of an answer written as a mapping (folded). Any of the value keys holds the value.
_VALUE_KEYS = ("gia_tri", "muc_do", "vi_pham", "diem", "value")
_DETAIL_KEYS = {
    "bieu_hien": "bieu_hien", "description": "bieu_hien",
    "khac_phuc": "khac_phuc", "remedy": "khac_phuc",
    "han_khac_phuc": "han_khac_phuc", "deadline": "han_khac_phuc",
    "ghi_chu": "ghi_chu", "note": "ghi_chu",
}
_GUESSES = 200  # unknown item ids that get a "did you mean" guess


@dataclass
class ReadMember:
    """A member read from a file: the evaluation and the non-fatal problems found in it."""

    evaluation: MemberEvaluation
    rubric: Rubric
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # fixed while reading (invisible characters removed)


def read_member(path: Path | None, *, rubric: str | Rubric | None = None, strict: bool = False,
                stdin_bytes: bytes | None = None) -> ReadMember:
    """Read a member file (or stdin bytes when ``path`` is None) and check it against its rubric.

    ``rubric`` overrides the file's ``bo_tieu_chi``. Raises :class:`InputError` on fatal problems.
    """
    if path is None:
        name = STDIN_NAME
        text = decode_text(stdin_bytes or b"", name)
    else:
        name = str(path)
        text = read_text(path, name)
    doc = load_yaml(text, name)
    return parse_member(doc, rubric=rubric, strict=strict, base=path.parent if path is not None else None)


def parse_member(doc: YamlDoc, *, rubric: str | Rubric | None = None, strict: bool = False,
                 base: Path | None = None) -> ReadMember:
    """Check a parsed member file against its rubric; ``base`` is the folder of the file, for
    a rubric named by a relative path in ``bo_tieu_chi``."""
    data = doc.data
    if data is None:
        raise InputError([Problem(doc.name, "tệp rỗng", 1, 1,
                                  "tạo tệp mẫu bằng `tusoi template member` rồi điền vào")])
    if not isinstance(data, dict):
        raise InputError([doc.problem((), "tệp tự đánh giá phải là một bảng các dòng `khóa: giá trị`",
                                      "xem mẫu bằng `tusoi template member`")])
    fatal: list[Problem] = list(doc.problems)
    header: MemberHeader | None = None
    # ky_luat may name the form of discipline ("khiển trách"): it means disciplined and the form is kept
    form: DisciplineForm | None = None
    for key in ("ky_luat", "disciplined"):
        value = data.get(key)
        if isinstance(value, str):
            read = discipline(value)
            if read is not None:
                data = {**data, key: read[0]}
                form = read[1]
    the_rubric: Rubric | None = None
    rubric_problem: Problem | None = None
    if isinstance(rubric, Rubric):
        the_rubric = rubric
    else:
        ref = rubric or _str_or_none(data.get("bo_tieu_chi", data.get("rubric"))) or DEFAULT_RUBRIC
        try:
            the_rubric = load_rubric(ref, None if rubric else base)
        except UsageError as exc:
            if rubric:  # named on the command line: a usage error, not a problem of this file
                raise
            rubric_problem = doc.problem(("bo_tieu_chi",), str(exc))
    # rater slots are read (and located) below, against the rubric that declares them
    slot_data = data
    slots = the_rubric.raters if the_rubric is not None else DEFAULT_RATERS
    slot_fields = {key for slot in slots for key in slot_keys(slot)}
    data = {key: value for key, value in data.items()
            if not isinstance(key, str) or fold(key).replace(" ", "_") not in slot_fields}
    try:
        header = MemberHeader.model_validate(data)
    except ValidationError as exc:
        from tusoi_cli.read.validation import problems_from

        fatal.extend(problems_from(exc, doc, MemberHeader))
    if the_rubric is None:
        assert rubric_problem is not None
        raise InputError([*fatal, rubric_problem])
    if not the_rubric.levels:
        message = (f"bộ tiêu chí '{the_rubric.id}' chỉ là danh mục, không có mức xếp loại nên không chấm điểm được"
                   " — dùng tusoi-mac-dinh hoặc một bộ tiêu chí có `levels`")
        if rubric:
            raise UsageError(message)
        raise InputError([*fatal, doc.problem(("bo_tieu_chi",), message)])

    problems: list[Problem] = []
    raw_answers = data.get("danh_gia", data.get("answers"))
    status, status_reason = _read_status(doc, data, problems)
    # --strict asks a reviewed member for every answer; exempt and not reviewed members are not rated
    answers = _read_answers(doc, raw_answers, the_rubric, problems, strict and status == "reviewed")
    raters = read_raters(doc, slot_data, the_rubric, problems)
    self_rating, cell_rating = raters.get(SELF_SLOT), raters.get(CELL_SLOT)
    carry_key = "ky_truoc" if "ky_truoc" in data else "previous"
    carried = read_carried(doc, carry_key, data.get(carry_key), the_rubric, problems)
    if header is not None:
        name_problem = placeholder_name(header.dang_vien.ho_ten)
        if name_problem is not None:
            fatal.append(doc.problem(("dang_vien", "ho_ten"), *name_problem))
    if fatal or header is None:
        raise InputError(fatal + problems)
    evaluation = MemberEvaluation.model_construct(
        source=doc.name, rubric_id=the_rubric.id, ky_danh_gia=header.ky_danh_gia, member=header.dang_vien,
        tu_xep_loai=self_rating.level if self_rating else None, ky_luat=header.ky_luat,
        chi_bo_xep_loai=cell_rating.level if cell_rating else None,
        ly_do=cell_rating.reason if cell_rating and cell_rating.reason else header.ly_do, answers=answers,
        ky_luat_form=form, status=status, status_reason=status_reason, raters=raters, ky_truoc=carried,
        review=review_fields(header),
    )
    return ReadMember(evaluation, the_rubric, problems, list(doc.notes))


def review_fields(header: MemberHeader) -> ReviewFields | None:
    """The review document's fields the member wrote (already checked by ``MemberHeader``); None if none."""
    values = {name: getattr(header, name) for name in REVIEW_FIELD_NAMES}
    if all(value is None for value in values.values()):
        return None
    return ReviewFields.model_construct(**values)


def placeholder_name(name: str) -> tuple[str, str] | None:
    """(message, fix) when ``name`` is still the template's placeholder, not a person's name."""
    from tusoi_cli.model.people import NAME_PLACEHOLDER

    if fold(name).strip("() ") != fold(NAME_PLACEHOLDER).strip("() "):
        return None
    return (f"họ và tên vẫn là chữ mẫu '{name}'",
            "thay bằng họ và tên của đảng viên, ví dụ `ho_ten: Nguyễn Văn An`")


def _read_status(doc: YamlDoc, data: dict[str, Any], problems: list[Problem]) -> tuple[MemberStatus, str | None]:
    key = "trang_thai" if "trang_thai" in data else "status"
    value = data.get(key)
    if value is None:
        return "reviewed", None
    read = member_status(value) if isinstance(value, str) else None
    if read is None:
        problems.append(doc.problem((key,), f"trạng thái '{value}' không đọc được", f"ghi {STATUS_CHOICES}"))
        return "reviewed", None
    return read


_DEFAULT_SLOT_KEYS = {key for slot in DEFAULT_RATERS for key in slot_keys(slot)}
_RATER_KEYS = {"muc": "muc", "level": "muc", "ly_do": "ly_do", "reason": "ly_do", "ngay": "ngay", "date": "ngay"}


def read_raters(doc: YamlDoc, data: dict[str, Any], rubric: Rubric, problems: list[Problem]) -> dict[str, Rating]:
    """The rater slots a member file fills: a level (id, label or alias), or a mapping ``muc``, ``ly_do``, ``ngay``.

    The cell slot's reason may also be the file's top-level ``ly_do`` (as before slots existed). An unknown
    level, key or date is a located problem; that slot is then left empty.
    """
    raters: dict[str, Rating] = {}
    for key, value in data.items():
        slot = slot_of_key(rubric, key) if isinstance(key, str) else None
        if slot is None:
            if isinstance(key, str) and fold(key).replace(" ", "_") in _DEFAULT_SLOT_KEYS and value not in (None, ""):
                names = ", ".join(f"{s.field} ({s.label})" for s in rubric.raters)
                problems.append(doc.problem((key,), f"bộ tiêu chí '{rubric.id}' không có bước xếp loại '{key}'",
                                            f"các bước của bộ này: {names}", key=True))
            continue
        if value is None or value == "":
            continue
        if slot.id in raters:
            problems.append(doc.problem((key,), f"bước '{slot.label}' được ghi hai lần (viết khác nhau)",
                                        "giữ lại một dòng", key=True))
            continue
        rating = _read_rating(doc, (key,), value, rubric, problems)
        if rating is not None:
            if slot.id == CELL_SLOT and rating.reason is None:
                reason = data.get("ly_do", data.get("reason"))
                rating = rating.model_copy(update={"reason": reason if isinstance(reason, str) else None})
            raters[slot.id] = rating
    return {slot.id: raters[slot.id] for slot in rubric.raters if slot.id in raters}  # in the rubric's order


def _read_rating(doc: YamlDoc, path: Path_, value: Any, rubric: Rubric, problems: list[Problem]) -> Rating | None:
    fields: dict[str, tuple[Any, Path_]] = {}
    if isinstance(value, dict):
        for key, sub in value.items():
            name = _RATER_KEYS.get(fold(str(key)).replace(" ", "_"))
            if name is None:
                problems.append(doc.problem((*path, key), f"trường '{key}' không được hỗ trợ trong một bước xếp"
                                            " loại", "dùng muc, ly_do, ngay", key=True))
                continue
            fields[name] = (sub, (*path, key))
        if "muc" not in fields:
            problems.append(doc.problem(path, "thiếu mức ('muc') của bước xếp loại",
                                        "ví dụ `muc: kha` (thêm ly_do, ngay nếu cần)"))
            return None
    else:
        fields["muc"] = (value, path)
    raw, level_path = fields["muc"]
    if not isinstance(raw, str) or not raw.strip():
        if raw is None:
            return None
        problems.append(doc.problem(level_path, "mức xếp loại phải là một chữ (mã hoặc tên mức)",
                                    "ghi một trong: " + ", ".join(lv.label for lv in rubric.levels)))
        return None
    level = match_level(rubric, raw)
    if level is None:
        problems.append(doc.problem(level_path, *level_problem(rubric, raw)))
        return None
    reason, _ = fields.get("ly_do", (None, path))
    if reason is not None and not isinstance(reason, str):
        problems.append(doc.problem(fields["ly_do"][1], "'ly_do' phải là một đoạn chữ"))
        reason = None
    when = None
    raw_date, date_path = fields.get("ngay", (None, path))
    if raw_date is not None:
        when = parse_date(raw_date) if isinstance(raw_date, str) else None
        if when is None:
            problems.append(doc.problem(date_path, f"ngày '{raw_date}' không hợp lệ", "viết dạng 31/12/2026"))
    return Rating.model_construct(level=level, label=rubric.level(level).label, reason=reason or None, date=when)


def level_problem(rubric: Rubric, text: str) -> tuple[str, str]:
    """(message, fix) for a level word the rubric does not know.

    The official year-end phrases ("Hoàn thành tốt nhiệm vụ", "HTTNV") are never mapped silently onto
    another rubric's levels: the fix names the bundled example rubric whose levels they are.
    """
    choices = ", ".join(lv.label for lv in rubric.levels)
    message = f"mức xếp loại '{text}' không có trong bộ tiêu chí '{rubric.id}'"
    example = _example_with_level(rubric, text)
    if example is not None and example[0] != rubric.id:
        level = "một mức" if fold(text) == fold(example[1]) else f"mức '{example[1]}'"
        return message, (f"'{text}' là {level} của bộ tiêu chí mẫu {example[0]}: chấm bằng "
                         f"--rubric {example[2]}, hoặc ghi một trong: {choices}")
    return message, f"ghi một trong: {choices}"


def _example_with_level(rubric: Rubric, text: str) -> tuple[str, str, str] | None:
    """(rubric id, level label, path) of the first bundled example rubric that has ``text`` as a level."""
    from tusoi_cli.errors import TusoiError
    from tusoi_cli.resources import examples_dir

    folder = examples_dir().resolve()
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            example = load_rubric(str(path))
        except TusoiError:  # an example that does not load is a bug of its own, never this member's problem
            continue
        level_id = match_level(example, text)
        if level_id is not None:
            # prefer an example that keeps the current rubric's scoring and only renames its levels
            found.append((rubric.id not in example.includes, example.id, example.level(level_id).label, str(path)))
    return min(found)[1:] if found else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_answers(doc: YamlDoc, raw: Any, rubric: Rubric, problems: list[Problem],
                  strict: bool) -> dict[str, Answer]:
    key_name = "danh_gia" if isinstance(doc.data, dict) and "danh_gia" in doc.data else "answers"
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(doc.problem((key_name,), "'danh_gia' phải là một bảng `mã mục: giá trị`",
                                    "ví dụ `CT5: 1` trên mỗi dòng"))
        raw = {}
    by_id = {section_item[1].id: section_item for section_item in rubric.items()}
    by_folded = {fold(iid): iid for iid in by_id}
    scale_readers = readers(rubric)
    answers: dict[str, Answer] = {}
    unknown = 0
    for key, value in raw.items():
        path: Path_ = (key_name, key)
        item_id = by_folded.get(fold(key).replace(" ", ""))
        if item_id is None:
            unknown += 1  # a guess costs a comparison with every id: only for the first ones (a bad file has 100k)
            guess = nearest(key, list(by_id)) if unknown <= _GUESSES else None
            problems.append(doc.problem(path, f"không có mục '{key}' trong bộ tiêu chí '{rubric.id}'",
                                        f"có phải ý bạn là '{guess}'?" if guess else
                                        "xem các mã mục bằng `tusoi rubric show`", key=True))
            continue
        if item_id in answers:
            problems.append(doc.problem(path, f"mục '{item_id}' được trả lời hai lần (viết khác nhau)",
                                        "giữ lại một dòng", key=True))
            continue
        section, item = by_id[item_id]
        answers[item_id] = _read_answer(doc, path, value, scale_readers[section.scale], item.max, problems)
    if strict and answers:  # a file with no answer at all is a member not reviewed yet, not 46 problems
        for item_id in by_id:
            if item_id not in answers:
                problems.append(doc.problem((key_name,), f"mục '{item_id}' chưa được trả lời",
                                            f"thêm `{item_id}: 0` nếu không có, hoặc `{item_id}: na` nếu không áp dụng",
                                            key=True))
    return answers


def _read_answer(doc: YamlDoc, path: Path_, value: Any, reader: ScaleReader, item_max: float | None,
                 problems: list[Problem]) -> Answer:
    details: dict[str, Any] = {}
    raw_value: Any = value
    value_path = path
    if isinstance(value, dict):
        raw_value = None
        found_value_keys = []
        for key, sub in value.items():
            folded = fold(key).replace(" ", "_")
            if folded in _VALUE_KEYS or folded == reader.scale_id:
                found_value_keys.append(key)
                raw_value, value_path = sub, (*path, key)
            elif folded in _DETAIL_KEYS:
                details[_DETAIL_KEYS[folded]] = (sub, (*path, key))
            else:
                allowed = [*_VALUE_KEYS[:3], "bieu_hien", "khac_phuc", "han_khac_phuc", "ghi_chu"]
                guess = nearest(key, allowed)
                problems.append(doc.problem((*path, key), f"trường '{key}' không được hỗ trợ trong một câu trả lời",
                                            f"có phải ý bạn là '{guess}'?" if guess else
                                            "dùng " + ", ".join(allowed), key=True))
        if len(found_value_keys) > 1:
            problems.append(doc.problem(path, "câu trả lời có nhiều hơn một giá trị (" + ", ".join(found_value_keys)
                                        + ")", "giữ lại một trường giá trị", key=True))
            return Answer.model_construct(state="invalid", error="nhiều giá trị")
    elif isinstance(value, list):
        problems.append(doc.problem(path, "giá trị phải là một số hoặc một nhãn, không phải danh sách"))
        return Answer.model_construct(state="invalid", error="danh sách")
    if isinstance(raw_value, (dict, list)):
        problems.append(doc.problem(value_path, "giá trị phải là một số hoặc một nhãn"))
        return Answer.model_construct(state="invalid", error="không phải giá trị đơn")
    parsed = reader.parse(raw_value, item_max)
    if parsed.state == "invalid":
        problems.append(doc.problem(value_path, parsed.error or "giá trị không hợp lệ", parsed.hint))
    texts: dict[str, str | None] = {}
    for name in ("bieu_hien", "khac_phuc", "ghi_chu"):
        sub, sub_path = details.get(name, (None, path))
        if sub is not None and not isinstance(sub, str):
            problems.append(doc.problem(sub_path, f"'{name}' phải là một đoạn chữ"))
            sub = None
        texts[name] = sub
    deadline = None
    if "han_khac_phuc" in details:
        sub, sub_path = details["han_khac_phuc"]
        if sub is not None:
            deadline = parse_date(sub) if isinstance(sub, str) else None
            if deadline is None:
                shown = sub if isinstance(sub, str) else "(không phải một ngày)"
                problems.append(doc.problem(sub_path, f"hạn khắc phục '{shown}' không phải là ngày hợp lệ",
                                            "viết dạng 2026-06-30 hoặc 30/06/2026"))
    return Answer.model_construct(state=parsed.state, value=parsed.value, raw=raw_value, error=parsed.error,
                  bieu_hien=texts["bieu_hien"], khac_phuc=texts["khac_phuc"], ghi_chu=texts["ghi_chu"],
                  han_khac_phuc=deadline)
