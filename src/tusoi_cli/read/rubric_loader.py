"""Find, read and resolve rubrics: bundled ids or paths, ``include`` chains and overrides.

Resolution order: each included rubric is resolved first (in the order listed), then the including
file patches what they define: scales by id, sections and items by id (only the fields given),
and ``scoring``, ``levels`` and ``caps`` replace the included ones when present.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tusoi_cli.errors import Problem, RubricError, TusoiError, UsageError
from tusoi_cli.model import (
    Cap,
    Item,
    ItemMapping,
    Level,
    Rubric,
    RubricDocument,
    RubricSpec,
    Scale,
    Scoring,
    Section,
)
from tusoi_cli.model.values import NA_WORDS, fmt, to_number
from tusoi_cli.read.yaml_reader import Path_, YamlDoc, load_yaml, read_text
from tusoi_cli.resources import bundled_dir
from tusoi_cli.text import fold, nearest, thousands

BUNDLED_DIR = bundled_dir()
DEFAULT_RUBRIC = "tusoi-mac-dinh"


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def locate(ref: str, base: Path | None = None) -> Path:
    """The file of a rubric given as a bundled id or a path (relative to ``base`` for includes)."""
    candidate = Path(ref)
    if candidate.suffix.lower() in {".yaml", ".yml"} or "/" in ref or "\\" in ref:
        if not candidate.is_absolute() and base is not None:
            candidate = base / candidate
        from tusoi_cli.read.inputs import unreadable

        problem = unreadable(candidate)  # a pipe is read; a folder, a device, a dangling link are named
        if problem is not None and problem[0] == "không tìm thấy tệp":
            raise UsageError(f"không tìm thấy tệp bộ tiêu chí '{ref}'")
        if problem is not None:
            raise UsageError(f"bộ tiêu chí '{ref}': {problem[0]}")
        return candidate
    bundled = BUNDLED_DIR / f"{ref}.yaml"
    if bundled.is_file():
        return bundled
    guess = nearest(ref, bundled_ids())
    hint = f"có phải ý bạn là '{guess}'?" if guess else "xem danh sách bằng `tusoi rubric list`"
    raise UsageError(f"không có bộ tiêu chí '{ref}' — {hint}")


@dataclass
class _Origin:
    doc: YamlDoc
    path: Path_

    def problem(self, message: str, hint: str | None = None, *, key: bool = False) -> Problem:
        return self.doc.problem(self.path, message, hint, key=key)


@dataclass
class _State:
    """What a rubric and its includes define, before defaults and checks."""

    spec: RubricSpec
    doc: YamlDoc
    includes: list[str] = field(default_factory=list)
    scales: dict[str, tuple[Scale, _Origin]] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    section_origin: dict[str, _Origin] = field(default_factory=dict)
    section_new: dict[str, bool] = field(default_factory=dict)
    item_origin: dict[str, _Origin] = field(default_factory=dict)
    scoring: Scoring | None = None
    levels: tuple[list[Level], _Origin] | None = None
    caps: tuple[list[Cap], _Origin] | None = None
    documents: list[RubricDocument] = field(default_factory=list)
    # the review's rules (rater slots, flags, vote, quota): each replaces the included one as a whole
    meeting: dict[str, tuple[Any, _Origin]] = field(default_factory=dict)
    maps_from: list[ItemMapping] = field(default_factory=list)
    item_document: dict[str, str | None] = field(default_factory=dict)  # item id -> document of the rubric defining it


_RUBRIC_KEYS = frozenset({"id", "include", "scales", "sections", "scoring", "levels", "caps"})
_MEETING_KEYS = ("raters", "ratings", "vote", "quota")
_NUMBER_KEYS = frozenset({"value", "weight", "max", "min", "step", "min_score", "min_value", "max_value", "start",
                          "min_count"})
MAX_NUMBER = 1_000_000  # far above any real weight, threshold or score; keeps every sum finite
MAX_INCLUDE_DEPTH = 32


def _bad_numbers(data: Any, path: Path_, doc: YamlDoc, problems: list[Problem]) -> None:
    """Every number of a rubric is finite and of a sane size: `inf`, `nan` or 1e999 would pass validation and
    then break the score (``Infinity`` in JSON, errors in the Excel writer)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _NUMBER_KEYS and isinstance(value, str):
                bare = value.replace("_", "").lstrip("+-").lower()
                try:  # YAML's own spellings too: .inf, -.Inf, .NaN
                    number = math.inf if bare in (".inf", ".nan") else float(value.replace("_", ""))
                except ValueError:
                    continue
                if not math.isfinite(number) or abs(number) > MAX_NUMBER:
                    problems.append(doc.problem((*path, key), f"'{key}': '{value}' không phải một số dùng được "
                                                "(vô cực, NaN hoặc quá lớn)",
                                                "ghi một số thường, trị tuyệt đối không quá "
                                                + thousands(MAX_NUMBER)))
            else:
                _bad_numbers(value, (*path, key), doc, problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _bad_numbers(value, (*path, index), doc, problems)


def _read_spec(path: Path, name: str) -> tuple[RubricSpec, YamlDoc]:
    doc = load_yaml(read_text(path, name), name)
    if doc.problems:
        raise RubricError(doc.problems)
    if not isinstance(doc.data, dict):
        raise RubricError([Problem(name, "bộ tiêu chí phải là một bảng YAML (các dòng `khóa: giá trị`)", 1, 1)])
    if not _RUBRIC_KEYS & set(doc.data):
        # a member file, a config file... reached through `include` or `bo_tieu_chi`: say so in one line and
        # echo nothing of what it holds
        raise RubricError([Problem(name, "tệp này không phải bộ tiêu chí (không có khóa id, sections, levels...)",
                                   hint="kiểm tra lại đường dẫn của bộ tiêu chí (tùy chọn -r, `include` hoặc "
                                        "`bo_tieu_chi`)")])
    numbers: list[Problem] = []
    _bad_numbers(doc.data, (), doc, numbers)
    if numbers:
        raise RubricError(numbers)
    try:
        spec = RubricSpec.model_validate(doc.data)
    except ValidationError as exc:
        from tusoi_cli.read.validation import problems_from

        raise RubricError(problems_from(exc, doc, RubricSpec)) from None
    return spec, doc


def _copy(state: _State) -> _State:
    """A copy that merging and patching can change without touching the original (kept for reuse)."""
    return replace(state, includes=list(state.includes), documents=list(state.documents),
                   maps_from=list(state.maps_from), item_document=dict(state.item_document),
                   scales=dict(state.scales),
                   sections={sid: {**data, "items": {iid: dict(item) for iid, item in data["items"].items()}}
                             for sid, data in state.sections.items()},
                   section_origin=dict(state.section_origin), section_new=dict(state.section_new),
                   item_origin=dict(state.item_origin), meeting=dict(state.meeting))


def _resolve(path: Path, name: str, stack: tuple[Path, ...], problems: list[Problem],
             done: dict[Path, _State] | None = None) -> _State:
    """Resolve ``path`` and its includes; each file is read and resolved once per load (``done``), so a
    "diamond" of includes costs linear time and reports each problem once."""
    done = {} if done is None else done
    spec, doc = _read_spec(path, name)
    state = _State(spec, doc)
    for index, ref in enumerate(spec.include):
        origin = _Origin(doc, ("include", index))
        try:
            sub_path = locate(ref, path.parent)
        except UsageError as exc:
            problems.append(origin.problem(str(exc)))
            continue
        if sub_path.resolve() in stack:
            problems.append(origin.problem(f"vòng lặp include: '{ref}' lại include chính nó",
                                           "bỏ include này"))
            continue
        if len(stack) >= MAX_INCLUDE_DEPTH:
            problems.append(origin.problem(f"chuỗi include quá sâu (hơn {MAX_INCLUDE_DEPTH} tầng)",
                                           "gộp bớt các bộ tiêu chí: thường chỉ cần một hai tầng include"))
            continue
        sub_name = ref if sub_path.parent == BUNDLED_DIR else str(sub_path)
        key = sub_path.resolve()
        if key not in done:
            done[key] = _copy(_resolve(sub_path, sub_name, (*stack, key), problems, done))
        sub = _copy(done[key])
        again = [rid for rid in (sub.spec.id, *sub.includes) if rid in state.includes]
        if again:
            # merging it again would reset what the rubrics included in between changed (weights, scales...)
            problems.append(origin.problem(
                f"bộ tiêu chí '{again[0]}' đã được include trước đó (trực tiếp hoặc qua một bộ khác)",
                "bỏ include này: include lại sẽ xóa các thay đổi của bộ include trước"))
            continue
        _merge(state, sub)
        state.includes.append(sub.spec.id)
    _apply(state, spec, doc, problems)
    if spec.document or spec.effective_from or spec.effective_to or spec.replaced_by:
        state.documents.append(RubricDocument.model_construct(
            rubric=spec.id, title=spec.title or spec.id, document=spec.document, document_date=spec.document_date,
            effective_from=spec.effective_from, effective_to=spec.effective_to, replaced_by=spec.replaced_by))
    state.maps_from[:0] = spec.maps_from  # own first: it decides over an included rubric's mapping
    return state


def _merge(into: _State, sub: _State) -> None:
    into.includes.extend(sub.includes)
    into.documents.extend(d for d in sub.documents if d not in into.documents)
    into.maps_from.extend(sub.maps_from)
    into.item_document.update(sub.item_document)
    into.scales.update(sub.scales)
    for sid, section in sub.sections.items():
        into.sections[sid] = section
        into.section_origin[sid] = sub.section_origin[sid]
        into.section_new[sid] = False
    into.item_origin.update(sub.item_origin)
    into.scoring = sub.scoring or into.scoring
    into.levels = sub.levels or into.levels
    into.caps = sub.caps or into.caps
    into.meeting.update(sub.meeting)


def document_name(spec: RubricSpec) -> str | None:
    """The document a rubric encodes with its date, so two documents with one number (NQ 04-NQ/TW of 2016 and
    of 2026) stay two documents: "Nghị quyết 04-NQ/TW ngày 30/10/2016"."""
    if spec.document is None:
        return None
    return spec.document + (f" ngày {spec.document_date:%d/%m/%Y}" if spec.document_date else "")


def _apply(state: _State, spec: RubricSpec, doc: YamlDoc, problems: list[Problem]) -> None:
    for sid, scale in spec.scales.items():
        state.scales[sid] = (scale, _Origin(doc, ("scales", sid)))
    seen: set[str] = set()
    for s_index, sec in enumerate(spec.sections):
        s_path: Path_ = ("sections", s_index)
        if sec.id in seen:
            problems.append(doc.problem((*s_path, "id"), f"mục lớn '{sec.id}' bị khai báo hai lần",
                                        "gộp hai khai báo lại"))
            continue
        seen.add(sec.id)
        state.section_new.setdefault(sec.id, sec.id not in state.sections)
        target = state.sections.setdefault(sec.id, {"items": {}})
        state.section_origin[sec.id] = _Origin(doc, s_path)
        for key, value in sec.model_dump(exclude={"items"}, exclude_none=True).items():
            target[key] = value
        for i_index, item in enumerate(sec.items):
            i_path: Path_ = (*s_path, "items", i_index)
            owner = next((s for s, data in state.sections.items() if item.id in data["items"]), None)
            if owner is not None and owner != sec.id:
                problems.append(doc.problem((*i_path, "id"), f"mục '{item.id}' đã thuộc mục lớn '{owner}'",
                                            "mỗi mã mục chỉ dùng một lần"))
                continue
            patch = item.model_dump(exclude_none=True)
            if item.id in target["items"] and state.item_origin[item.id].doc is doc:
                problems.append(doc.problem((*i_path, "id"), f"mã mục '{item.id}' bị lặp lại",
                                            "mỗi mã mục chỉ dùng một lần"))
                continue
            if item.id not in target["items"]:  # defined here, not patched: it belongs to this rubric's document
                state.item_document[item.id] = document_name(spec)
            target["items"].setdefault(item.id, {}).update(patch)
            state.item_origin[item.id] = _Origin(doc, i_path)
    if spec.scoring is not None:
        state.scoring = spec.scoring
    if spec.levels is not None:
        state.levels = (spec.levels, _Origin(doc, ("levels",)))
    if spec.caps is not None:
        state.caps = (spec.caps, _Origin(doc, ("caps",)))
    for key in _MEETING_KEYS:
        if getattr(spec, key) is not None:
            state.meeting[key] = (getattr(spec, key), _Origin(doc, (key,)))


def _finish(state: _State, problems: list[Problem], path: Path) -> Rubric:
    spec = state.spec
    scales = {sid: scale for sid, (scale, _) in state.scales.items()}
    for sid, (scale, origin) in state.scales.items():
        if scale.values is not None:
            values = [v.value for v in scale.values]
            if len(set(values)) != len(values):
                problems.append(origin.problem(f"thang '{sid}' có hai mức trùng giá trị"))
            if not scale.values:
                problems.append(origin.problem(f"thang '{sid}' không có mức nào"))
            if scale.max is not None or scale.step is not None:
                problems.append(origin.problem(f"thang '{sid}' có cả 'values' lẫn 'max'/'step'",
                                               "thang rời rạc chỉ dùng `values`; thang điểm số dùng `min`, `max`, "
                                               "`step`"))
            _check_words(sid, scale, origin, problems)
        elif scale.max is not None and scale.max <= scale.min:
            problems.append(origin.problem(f"thang '{sid}': 'max' ({scale.max:g}) phải lớn hơn 'min' ({scale.min:g})"))
    sections: list[Section] = []
    for sid, data in state.sections.items():
        origin = state.section_origin[sid]
        scale_id = data.get("scale")
        if state.includes and state.section_new.get(sid) and not data.get("title") and scale_id is None:
            known = ", ".join(state.sections)
            problems.append(origin.problem(
                f"mục lớn '{sid}' không có trong các bộ tiêu chí được include ({', '.join(state.includes)})",
                f"các mục lớn hiện có: {known}; hoặc khai báo đầy đủ title, scale, items cho mục lớn mới"))
            continue
        if not data.get("title"):
            problems.append(origin.problem(f"mục lớn '{sid}' thiếu 'title'", "thêm `title: ...`"))
        if state.section_new.get(sid) and not data["items"]:
            problems.append(origin.problem(f"mục lớn '{sid}' không có mục nào", "thêm `items:` với ít nhất một mục"))
        if scale_id is None:
            problems.append(origin.problem(f"mục lớn '{sid}' thiếu 'scale'",
                                           "thêm `scale: ...` với mã một thang trong `scales`"))
        elif scale_id not in scales:
            guess = nearest(scale_id, list(scales))
            problems.append(origin.problem(f"thang '{scale_id}' chưa được khai báo",
                                           f"có phải ý bạn là '{guess}'?" if guess else
                                           "khai báo nó trong `scales`"))
        items: list[Item] = []
        for iid, item in data["items"].items():
            io = state.item_origin[iid]
            if not item.get("title"):
                problems.append(io.problem(f"mục '{iid}' thiếu 'title'", "thêm `title: ...`"))
            item_scale = scales.get(scale_id or "")
            item_max = item.get("max")
            if item_scale is not None and item_scale.values is None and item_max is None and item_scale.max is None:
                problems.append(io.problem(f"mục '{iid}' dùng thang điểm số nhưng không có điểm tối đa",
                                           "thêm `max: ...` cho mục hoặc cho thang"))
            items.append(Item.model_construct(
                id=iid, title=item.get("title", iid), description=item.get("description", ""),
                source=item.get("source", ""), verified=item.get("verified", True), note=item.get("note"),
                weight=item.get("weight", data.get("weight", 1.0)), max=item_max,
            ))
        sections.append(Section.model_construct(
            id=sid, title=data.get("title", sid), short=data.get("short"), mode=data.get("mode", "deduct"),
            scale=scale_id or "",
            weight=data.get("weight", 1.0), max=data.get("max"), items=items, form_part=data.get("form_part"),
        ))
        if data.get("form_part") and data.get("mode", "deduct") != "add":
            problems.append(origin.problem(f"mục lớn '{sid}' khai báo 'form_part' nhưng không cộng điểm",
                                           "chỉ mục lớn `mode: add` mới là phần điểm của bản kiểm điểm; bỏ "
                                           "`form_part` hoặc đặt `mode: add`"))
    levels, level_origin = state.levels if state.levels else ([], _Origin(state.doc, ()))
    level_ids = [lv.id for lv in levels]
    word_owner: dict[str, str] = {}
    for index, level in enumerate(levels):
        lo = _Origin(level_origin.doc, (*level_origin.path, index))
        for word in (level.id, level.label, *level.aliases):
            owner = word_owner.setdefault(fold(word), level.id)
            if owner != level.id:
                problems.append(lo.problem(f"'{word}' dùng cho cả mức '{owner}' và mức '{level.id}'",
                                           "mỗi tên hay cách viết khác chỉ thuộc về một mức"))
        if level_ids.count(level.id) > 1:
            problems.append(lo.problem(f"mức xếp loại '{level.id}' bị lặp lại"))
        last = index == len(levels) - 1
        if last and level.min_score is not None:
            problems.append(lo.problem(f"mức cuối '{level.id}' không cần 'min_score'",
                                       "mức cuối nhận mọi điểm thấp hơn mức trên nó; xóa `min_score`"))
        if not last and level.min_score is None:
            problems.append(lo.problem(f"mức '{level.id}' thiếu 'min_score'", "thêm `min_score: ...`"))
        if index > 0 and not last:
            above = levels[index - 1].min_score
            if above is not None and level.min_score is not None and level.min_score >= above:
                problems.append(lo.problem(
                    f"ngưỡng của mức '{level.id}' ({level.min_score:g}) phải thấp hơn mức trên nó ({above:g})",
                    "liệt kê các mức từ tốt nhất đến kém nhất, ngưỡng giảm dần"))
    top_score = state.scoring.max if state.scoring else None
    top_min = levels[0].min_score if len(levels) > 1 else None
    if top_min is not None and top_score is not None and top_min > top_score:
        problems.append(_Origin(level_origin.doc, (*level_origin.path, 0)).problem(
            f"ngưỡng của mức '{levels[0].id}' ({levels[0].min_score:g}) cao hơn điểm tối đa ({top_score:g}): "
            "không ai đạt được mức này", "hạ ngưỡng hoặc nâng `scoring.max`"))
    caps, cap_origin = state.caps if state.caps else ([], _Origin(state.doc, ()))
    if not problems and len(levels) > 1:
        _check_levels(levels, level_origin, sections, scales, state.scoring or Scoring.model_construct(), problems)
    item_ids = {i.id for s in sections for i in s.items}
    cap_ids = [cap.id for cap in caps]
    for index, cap in enumerate(caps):
        co = _Origin(cap_origin.doc, (*cap_origin.path, index))
        if cap_ids.index(cap.id) != index:
            problems.append(co.problem(f"quy tắc '{cap.id}' bị khai báo hai lần", "đổi mã hoặc gộp hai quy tắc"))
        if cap.at_most not in level_ids:
            guess = nearest(cap.at_most, level_ids)
            problems.append(co.problem(f"quy tắc '{cap.id}': mức '{cap.at_most}' không có trong 'levels'",
                                       f"có phải ý bạn là '{guess}'?" if guess else None))
        for sid in cap.sections:
            if sid not in state.sections:
                guess = nearest(sid, list(state.sections))
                problems.append(co.problem(f"quy tắc '{cap.id}': không có mục lớn '{sid}'",
                                           f"có phải ý bạn là '{guess}'?" if guess else None))
        for iid in cap.items:
            if iid not in item_ids:
                guess = nearest(iid, sorted(item_ids))
                problems.append(co.problem(f"quy tắc '{cap.id}': không có mục '{iid}'",
                                           f"có phải ý bạn là '{guess}'?" if guess else None))
        _check_reach(cap, co, sections, scales, problems)
    meeting = _check_meeting(state, level_ids, problems)
    for index, mapping in enumerate(spec.maps_from):  # this rubric's own mappings point at its own items
        for old, new in mapping.items.items():
            if new not in item_ids:
                guess = nearest(new, sorted(item_ids))
                problems.append(state.doc.problem(("maps_from", index, "items", old),
                                                  f"maps_from: không có mục '{new}' trong bộ tiêu chí này",
                                                  f"có phải ý bạn là '{guess}'?" if guess else None))
    if problems:
        raise RubricError(problems)
    # Every part was validated as a RubricSpec and checked above: construct without re-validating.
    return Rubric.model_construct(
        id=spec.id, version=spec.version, title=spec.title or spec.id, description=spec.description,
        source=spec.source, document=spec.document, document_date=spec.document_date,
        effective_from=spec.effective_from, effective_to=spec.effective_to, replaced_by=spec.replaced_by,
        documents=state.documents, includes=state.includes, scales=scales, sections=sections,
        scoring=state.scoring or Scoring.model_construct(), levels=levels, caps=caps, path=str(path), **meeting,
        maps_from=state.maps_from,
        item_documents={iid: d for iid, d in state.item_document.items() if d is not None and iid in item_ids},
    )


def _check_meeting(state: _State, level_ids: list[str], problems: list[Problem]) -> dict[str, Any]:
    """The review's rules as declared (only what is declared: the model's defaults fill the rest), checked:
    slot ids and fields used once, and every level they name in ``levels``."""
    found = {key: value for key, (value, _) in state.meeting.items()}
    if "raters" in state.meeting:
        slots, origin = state.meeting["raters"]
        if not slots:
            problems.append(origin.problem("'raters' phải có ít nhất một bước xếp loại",
                                           "bỏ khóa raters để dùng bốn bước mặc định"))
        for key in ("id", "field"):
            seen: set[str] = set()
            for index, slot in enumerate(slots):
                value = getattr(slot, key)
                if value in seen:
                    problems.append(_Origin(origin.doc, (*origin.path, index, key)).problem(
                        f"bước xếp loại: '{value}' bị khai báo hai lần", "mỗi bước một mã và một tên trường riêng"))
                seen.add(value)
    if "quota" in state.meeting:
        quota, origin = state.meeting["quota"]
        for path, level_id in [(("level",), quota.level), *((("of", n), lv) for n, lv in enumerate(quota.of))]:
            if level_id not in level_ids:
                guess = nearest(level_id, level_ids)
                problems.append(_Origin(origin.doc, (*origin.path, *path)).problem(
                    f"định mức: mức '{level_id}' không có trong 'levels'",
                    f"có phải ý bạn là '{guess}'?" if guess else "ghi mã một mức trong levels"))
    return found


def _check_words(sid: str, scale: Scale, origin: _Origin, problems: list[Problem]) -> None:
    """Labels and aliases of a discrete scale must each mean one value, and not be read as something else."""
    owner: dict[str, float] = {}
    for index, value in enumerate(scale.values or []):
        where = _Origin(origin.doc, (*origin.path, "values", index))
        for word in (value.label, *value.aliases):
            key = fold(word)
            number = to_number(word)
            if key in NA_WORDS:
                problems.append(where.problem(f"thang '{sid}': '{word}' là cách ghi 'không áp dụng', không dùng làm "
                                              "nhãn của một mức được", "đổi hoặc bỏ cách viết này"))
            elif number is not None and number != value.value:
                problems.append(where.problem(f"thang '{sid}': cách viết '{word}' là số {fmt(number)}, khác giá trị "
                                              f"{fmt(value.value)} của mức", "bỏ cách viết này"))
            elif owner.setdefault(key, value.value) != value.value:
                problems.append(where.problem(
                    f"thang '{sid}': '{word}' dùng cho cả mức {fmt(owner[key])} và mức {fmt(value.value)}",
                    "mỗi nhãn hay cách viết khác chỉ thuộc về một mức"))


def _check_reach(cap: Cap, origin: _Origin, sections: list[Section], scales: dict[str, Scale],
                 problems: list[Problem]) -> None:
    """A rule that can never hold (its conditions cannot be met by any answer) is an authoring mistake."""
    if cap.field is not None:
        if cap.sections or cap.items or cap.min_value is not None or cap.max_value is not None:
            problems.append(origin.problem(
                f"quy tắc '{cap.id}' xét trường '{cap.field}' nên không dùng sections, items, min_value, max_value",
                "tách thành hai quy tắc: một theo trường, một theo câu trả lời"))
        if cap.field == "ky_truoc" and cap.min_form is not None:
            problems.append(origin.problem(f"quy tắc '{cap.id}': min_form chỉ dùng với field: ky_luat",
                                           "bỏ min_form khỏi quy tắc này"))
        return
    if cap.min_value is not None and cap.max_value is not None and cap.min_value > cap.max_value:
        problems.append(origin.problem(
            f"quy tắc '{cap.id}': min_value ({cap.min_value:g}) lớn hơn max_value ({cap.max_value:g}), "
            "không bao giờ áp dụng", "đổi chỗ hai giá trị"))
        return
    looked = [(s, i) for s in sections for i in s.items
              if (not cap.sections and not cap.items) or s.id in cap.sections or i.id in cap.items]
    if not looked:
        return
    if cap.min_count > len(looked):
        problems.append(origin.problem(
            f"quy tắc '{cap.id}' cần {cap.min_count} câu trả lời nhưng chỉ xét {len(looked)} mục, "
            "không bao giờ áp dụng", f"hạ `min_count` xuống tối đa {len(looked)}"))
    lows = [_value_range(i, scales[s.scale]) for s, i in looked if s.scale in scales]
    lowest = min((r[0] for r in lows if r is not None), default=None)
    if cap.max_value is not None and lowest is not None and cap.max_value < min(lowest, 0):  # blank counts as 0
        problems.append(origin.problem(
            f"quy tắc '{cap.id}': max_value {fmt(cap.max_value)} thấp hơn mọi giá trị các mục được xét có thể có "
            f"(thấp nhất {fmt(min(lowest, 0))}), không bao giờ áp dụng",
            "kiểm tra lại `max_value` và thang của các mục"))
        return
    if cap.min_value is None:
        return
    if cap.max_value is None and lowest is not None and cap.min_value <= min(lowest, 0):
        problems.append(origin.problem(
            f"quy tắc '{cap.id}': min_value {fmt(cap.min_value)} không cao hơn giá trị thấp nhất của thang "
            f"({fmt(lowest)}), nên áp dụng cả cho người trả lời {fmt(lowest)} hay bỏ trống",
            "đặt min_value bằng mức thấp nhất bị coi là vi phạm, ví dụ 1"))
        return
    tops: list[float] = []
    for section, item in looked:
        scale = scales.get(section.scale)
        if scale is None:
            return  # reported with the section
        top = max(v.value for v in scale.values) if scale.values else (item.max or scale.max)
        if top is None:
            return  # an unbounded item can reach any value
        tops.append(top)
    if max(tops) < cap.min_value:
        problems.append(origin.problem(
            f"quy tắc '{cap.id}': min_value {cap.min_value:g} cao hơn mọi giá trị các mục được xét có thể có "
            f"(cao nhất {max(tops):g}), không bao giờ áp dụng", "kiểm tra lại `min_value` và thang của các mục"))


def _value_range(item: Item, scale: Scale) -> tuple[float, float] | None:
    """Lowest and highest value an answer to ``item`` can have (None: unbounded)."""
    if scale.values:
        values = [v.value for v in scale.values]
        return min(values), max(values)
    top = item.max if item.max is not None else scale.max
    return None if top is None else (scale.min, top)


def _score_range(sections: list[Section], scales: dict[str, Scale], scoring: Scoring) -> tuple[float, float] | None:
    """The lowest and highest score any member can get (blank answers count as 0), or None if unbounded."""
    low = high = scoring.start
    for section in sections:
        scale = scales.get(section.scale)
        if scale is None:
            return None
        least = most = 0.0
        for item in section.items:
            found = _value_range(item, scale)
            if found is None:
                return None
            least += min(0.0, found[0] * item.weight)
            most += max(0.0, found[1] * item.weight)
        if section.max is not None:
            most = min(most, section.max)
        if section.mode == "deduct":
            low, high = low - most, high - least
        else:
            low, high = low + least, high + most
    if scoring.min is not None:
        low, high = max(low, scoring.min), max(high, scoring.min)
    if scoring.max is not None:
        low, high = min(low, scoring.max), min(high, scoring.max)
    return low, high


def _check_levels(levels: list[Level], origin: _Origin, sections: list[Section], scales: dict[str, Scale],
                  scoring: Scoring, problems: list[Problem]) -> None:
    """A level that needs more points than any member can get is a mistake (start 50, thresholds up to 90).
    A level below the lowest possible score is left alone: small rubrics (a few items) have them, and a
    rule may still lower a member to it."""
    found = _score_range(sections, scales, scoring)
    if found is None:
        return
    high = found[1]
    for index, level in enumerate(levels):
        if level.min_score is not None and high < level.min_score:
            problems.append(_Origin(origin.doc, (*origin.path, index)).problem(
                f"mức '{level.id}' không bao giờ đạt được: cần từ {fmt(level.min_score)} điểm nhưng điểm cao nhất "
                f"có thể là {fmt(high)}", "hạ `min_score` của mức này, hoặc sửa `scoring.start` / hệ số các mục"))


def load_rubric_file(path: Path, name: str | None = None) -> Rubric:
    """Resolve the rubric at ``path``; raise :class:`RubricError` listing every problem."""
    problems: list[Problem] = []
    state = _resolve(path, name or str(path), (path.resolve(),), problems)
    return _with_titles(_finish(state, problems, path))


def _with_titles(rubric: Rubric) -> Rubric:
    """Let ``rubric.included_titles()`` find the titles of its includes (loaded only when asked)."""
    rubric._cache["included_titles"] = lambda: _included_titles(rubric)
    return rubric


def _included_titles(rubric: Rubric) -> list[str]:
    """The titles of the rubrics ``rubric`` includes (their ids only when one cannot be read again)."""
    base = Path(rubric.path).parent if rubric.path else None
    titles = []
    for ref in rubric.includes:
        try:
            titles.append(load_rubric(ref, base).title)
        except (TusoiError, OSError):
            titles.append(ref)
    return titles


@lru_cache(maxsize=16)
def _load_cached(path: Path, name: str) -> Rubric:
    from tusoi_cli.read import rubric_cache

    file = rubric_cache.cache_file(path, BUNDLED_DIR.resolve())
    if file is not None:
        cached = rubric_cache.load(file)
        if cached is not None:
            return _with_titles(cached)
    rubric = load_rubric_file(path, name)
    if file is not None:
        rubric_cache.store(file, rubric)
    return rubric


def load_rubric(ref: str = DEFAULT_RUBRIC, base: Path | None = None) -> Rubric:
    """A rubric by bundled id (``nq04``, ``qd37``, ``tusoi-mac-dinh``) or by path (relative to ``base``)."""
    path = locate(ref, base)
    name = ref if path.parent == BUNDLED_DIR else str(path)
    if not path.is_file():  # a pipe (`-r <(…)`) is read once, as it is: never resolved nor cached
        return load_rubric_file(path, name)
    return _load_cached(path.resolve(), name)


def match_level(rubric: Rubric, text: str) -> str | None:
    """The level id written as an id, label or alias, case- and diacritics-insensitively."""
    key = fold(text)
    for level in rubric.levels:
        if key in {fold(level.id), fold(level.label), *(fold(a) for a in level.aliases)}:
            return level.id
    return None
