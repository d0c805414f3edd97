"""JSON Schemas of tusoi's file formats, generated from the pydantic models.

Three kinds: ``member`` (a self-evaluation YAML), ``rubric`` (a rubric YAML) and ``result``
(one member of ``tusoi score --format json``). Editors (yaml-language-server, through the
``# yaml-language-server: $schema=...`` line) use them to validate and complete files, and
show the Vietnamese descriptions on hover.

The schemas are the models' own, adjusted where tusoi reads YAML more leniently than a
JSON Schema can say: tusoi reads every scalar as text, so an editor that sees ``2026`` as a
number or ``không`` as text must not flag them; answers accept labels and aliases in any case
and with or without diacritics, so an answer may be any text. A member schema made for one
rubric (``member_schema(rubric)``) also lists every item with its title, description and the
values of its scale, which is what editors complete from.

The generic schemas are shipped in ``schemas/`` (a test keeps them equal to what this module
generates); regenerate them with ``python -m tusoi_cli.render.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tusoi_cli.model import Rubric

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"  # tusoi_cli/schemas, shipped as package data
KINDS = ("member", "rubric", "result")
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TITLES: dict[str, tuple[str, str]] = {
    "member": ("Bản tự đánh giá của đảng viên (tusoi)",
               "Tệp YAML đảng viên điền để tự đánh giá \"tự soi, tự sửa\"; chấm bằng `tusoi score TỆP`. "
               "Tạo mẫu bằng `tusoi template member`."),
    "rubric": ("Bộ tiêu chí (tusoi)",
               "Tệp YAML khai báo các mục, thang giá trị, cách tính điểm, mức xếp loại và các giới hạn; "
               "kiểm tra bằng `tusoi rubric check TỆP`. Xem docs/rubric.md."),
    "result": ("Kết quả chấm một đảng viên (tusoi)",
               "Một phần tử của `tusoi score --format json` (hoặc của `members` trong `tusoi batch -o kq.json`)."),
}

# Vietnamese titles and descriptions of the models (their docstrings are for developers, in English).
_DEFS: dict[str, tuple[str, str]] = {
    "MemberInfo": ("Thông tin đảng viên", "Họ tên (bắt buộc), mã đảng viên, chi bộ, chức vụ."),
    "CauTraLoi": ("Câu trả lời của một mục",
                  "Một số, một nhãn của thang (không phân biệt hoa thường, có dấu hay không), 'na' nếu mục "
                  "không áp dụng, bỏ trống nếu chưa trả lời; hoặc một bảng chi tiết."),
    "ChiTiet": ("Câu trả lời có chi tiết",
                "Giá trị (muc_do, vi_pham, gia_tri hoặc diem) kèm biểu hiện cụ thể, biện pháp và hạn khắc phục."),
    "ScaleValue": ("Một mức của thang", "Giá trị số, nhãn hiển thị và các cách viết khác."),
    "Scale": ("Thang giá trị",
              "Hoặc các mức rời rạc (`values`), hoặc thang điểm số (`min`, `max`, `step`)."),
    "ItemSpec": ("Mục", "Một mục của bộ tiêu chí; khi sửa một bộ được include chỉ cần `id` và các trường cần đổi."),
    "SectionSpec": ("Mục lớn (phần)",
                    "Một nhóm mục dùng chung một thang và một cách tính (trừ hoặc cộng điểm); khi sửa một bộ "
                    "được include chỉ cần `id` và các trường cần đổi."),
    "Level": ("Mức xếp loại", "Một mức xếp loại với ngưỡng điểm tối thiểu (tính cả bằng)."),
    "Cap": ("Quy tắc giới hạn mức xếp loại",
            "Khi điều kiện xảy ra (các câu trả lời của những mục được xét, hoặc một trường của đảng viên), "
            "mức xếp loại không cao hơn `at_most`."),
    "Scoring": ("Cách tính điểm", "Điểm khởi đầu và giới hạn dưới, trên của điểm."),
    "ItemResult": ("Kết quả một mục", "Trạng thái, giá trị, điểm bị trừ hoặc được cộng và chi tiết của một mục."),
    "SectionResult": ("Kết quả một mục lớn", "Điểm và số mục theo từng trạng thái của một mục lớn."),
    "AppliedCap": ("Giới hạn đã áp dụng", "Một quy tắc giới hạn mức xếp loại đã áp dụng, với lý do."),
    "NextLevel": ("Điều còn thiếu để lên mức trên", "Số điểm còn thiếu và các giới hạn đang chặn."),
    "RaterValue": ("Một bước xếp loại có chi tiết", "Mức (muc), lý do (ly_do) và ngày (ngay, dạng 31/12/2026)."),
    "Rating": ("Mức một bước xếp loại ghi", "Mức, tên mức, lý do và ngày."),
    "RatingFlag": ("Bước xếp loại cần trả lời trong biên bản",
                   "Một bước xếp loại cao hơn giới hạn áp dụng, hoặc cao hơn mức tusoi đề xuất quá số mức cho phép."),
    "Vote": ("Kết quả biểu quyết", "Số phiếu theo mức, số có mặt, mức được biểu quyết và kết quả."),
    "RaterSlot": ("Bước xếp loại", "Mã, tên trường trong tệp tự đánh giá và tên cột của một bước xếp loại."),
    "RatingRules": ("Quy tắc đánh dấu bước xếp loại", "Số mức một bước được cao hơn mức tusoi đề xuất."),
    "VoteRule": ("Quy tắc biểu quyết", "Tỷ lệ cần đạt, so với số nào, và phiếu có tính cho các mức thấp hơn không."),
    "Quota": ("Định mức số lượng", "Mức bị giới hạn, tỷ lệ tối đa, các mức làm cơ số, tỷ lệ ở đơn vị đặc biệt."),
    "VanDe": ("Lỗi hoặc cảnh báo", "Một vấn đề của tệp đầu vào, có vị trí (dòng, cột) và cách sửa."),
    "CanhBaoHieuLuc": ("Cảnh báo về hiệu lực văn bản",
                       "Văn bản mà bộ tiêu chí mã hóa không còn (hoặc chưa) có hiệu lực vào ngày cuối của kỳ đánh "
                       "giá; kết quả vẫn được tính."),
    "ItemMapping": ("Đối chiếu mã mục với văn bản trước",
                    "Văn bản trước (như trường `document` của bộ tiêu chí kỳ trước) và mã mục cũ -> mã mục mới, để so"
                    " hạn chế kỳ trước khi văn bản đổi số điều."),
    "PreviousShortcoming": ("Hạn chế kỳ trước",
                            "Một hạn chế của kỳ trước: mức độ, biểu hiện, biện pháp, hạn, kết quả khắc phục đảng viên"
                            " tự nêu và, khi có tệp kỳ trước, tình trạng so được."),
    "CapNotChecked": ("Giới hạn chưa kiểm tra",
                      "Một quy tắc cần dữ liệu chưa có (ví dụ kỳ trước): không áp dụng, cũng không coi là đạt."),
    "HanCheKyTruoc": ("Hạn chế kỳ trước mang sang",
                      "Mã mục, mức độ, biểu hiện, biện pháp, hạn khắc phục của kỳ trước; kết quả (đã / đang / chưa"
                      " khắc phục) và ghi chú của đảng viên."),
}

_VALUE_KEYS = {
    "muc_do": "Mức độ (thang muc_do)",
    "vi_pham": "Vi phạm (thang vi_pham)",
    "gia_tri": "Giá trị, với mọi thang",
    "diem": "Số điểm (thang điểm số)",
    "value": "Tên tiếng Anh của gia_tri",
}
_DETAIL_KEYS = {
    "bieu_hien": "Biểu hiện cụ thể đồng chí tự nhận",
    "khac_phuc": "Biện pháp khắc phục",
    "han_khac_phuc": "Hạn khắc phục: 2026-06-30 hoặc 30/06/2026",
    "ghi_chu": "Ghi chú",
    "description": "Tên tiếng Anh của bieu_hien",
    "remedy": "Tên tiếng Anh của khac_phuc",
    "deadline": "Tên tiếng Anh của han_khac_phuc",
    "note": "Tên tiếng Anh của ghi_chu",
}
_YES_NO = ["không", "có"]
_FORMS = ["khiển trách", "cảnh cáo", "cách chức", "khai trừ"]


# --------------------------------------------------------------------------- public


def schema(kind: str, rubric: Rubric | None = None) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (member, rubric, result); a member schema for ``rubric`` lists its items."""
    if kind == "member":
        body = member_schema(rubric)
    elif kind == "rubric":
        body = _rubric_schema()
    elif kind == "result":
        body = _result_schema()
    else:
        raise ValueError(f"unknown schema kind {kind!r}")
    title, description = _TITLES[kind]
    if kind == "member" and rubric is not None:
        title = f"Bản tự đánh giá theo bộ tiêu chí {rubric.id} (tusoi)"
        description += f" Bộ tiêu chí: {rubric.title} (phiên bản {rubric.version})."
    return {"$schema": DRAFT, "title": title, "description": description, **body}


def schema_text(kind: str, rubric: Rubric | None = None) -> str:
    """The schema as the JSON text written to files and stdout (stable: same input, same bytes)."""
    return json.dumps(schema(kind, rubric), ensure_ascii=False, indent=2) + "\n"


def member_schema_name(rubric_id: str) -> str:
    """File name of the member schema of one rubric, written beside a member template."""
    return f"{rubric_id}.member.schema.json"


def shipped_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


# --------------------------------------------------------------------------- the kinds


def member_schema(rubric: Rubric | None = None) -> dict[str, Any]:
    from tusoi_cli.model import MemberHeader

    body = _from_model(MemberHeader)
    props = body["properties"]
    info = body["$defs"]["MemberInfo"]["properties"]
    for name in ("ky_danh_gia",):
        _widen(props, name, [{"type": "string"}, {"type": "integer"}, {"type": "null"}])
    for name in ("ma_dang_vien", "member_id", "so_the"):
        _widen(info, name, [{"type": "string"}, {"type": "number"}, {"type": "null"}])
    for name in ("ky_luat", "disciplined"):
        _widen(props, name, [{"type": "boolean"}, {"type": "string", "examples": [*_YES_NO, *_FORMS]},
                             {"type": "null"}], extra=" (true/false, có/không; bỏ trống là không)")
    # a birth date as people write it (30/06/1980) is read too; YAML's own dates stay valid
    _widen(props, "ngay_sinh", [{"type": "string", "examples": ["30/06/1980", "1980-06-30"]}, {"type": "null"}])
    for name in ("trang_thai", "status"):
        if name in props:
            props[name]["anyOf"][0]["examples"] = ["đã kiểm điểm", "miễn: nghỉ sinh hoạt", "chưa kiểm điểm"]
    defs = body["$defs"]
    defs["ChiTiet"] = _detail_schema(rubric)
    defs["CauTraLoi"] = {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"},
                                   {"$ref": "#/$defs/ChiTiet"}]}
    answers: dict[str, Any] = {"type": "object", "additionalProperties": {"$ref": "#/$defs/CauTraLoi"}}
    if rubric is not None:
        answers["properties"] = {item.id: _item_schema(rubric, section, item) for section, item in rubric.items()}
        levels = [lv.id for lv in rubric.levels] + [lv.label for lv in rubric.levels]
        choices = ", ".join(f"{lv.id} ({lv.label})" for lv in rubric.levels)
        for name, what in (("tu_xep_loai", "Mức tự xếp loại"), ("self_level", "Tên khác của 'tu_xep_loai'"),
                           ("chi_uy_de_xuat", "Mức chi ủy đề xuất"),
                           ("cell_committee_level", "Tên khác của 'chi_uy_de_xuat'"),
                           ("chi_bo_xep_loai", "Mức chi bộ quyết định"),
                           ("cell_level", "Tên khác của 'chi_bo_xep_loai'"),
                           ("dang_uy_quyet_dinh", "Mức đảng ủy quyết định"),
                           ("party_committee_level", "Tên khác của 'dang_uy_quyet_dinh'")):
            _widen(props, name, [{"type": "string", "examples": levels}, {"$ref": "#/$defs/RaterValue"},
                                 {"type": "null"}],
                   description=f"{what}: mã, tên hoặc cách viết khác của một mức — {choices}")
    for name in ("danh_gia", "answers"):
        description = props[name].get("description", "")
        props[name] = {"description": description, "anyOf": [answers, {"type": "null"}]}
    defs["HanCheKyTruoc"] = _carried_schema()
    for name in ("ky_truoc", "previous"):
        if name in props:
            description = props[name].get("description", "")
            props[name] = {"description": description,
                           "anyOf": [{"type": "array", "items": {"$ref": "#/$defs/HanCheKyTruoc"}}, {"type": "null"}]}
    _retitle(body)
    return body


def _carried_schema() -> dict[str, Any]:
    """One entry of ``ky_truoc`` as people write it (words for the result, dates as text, a number or a label)."""
    from tusoi_cli.model.previous import CarriedItem

    fields = CarriedItem.model_fields
    text = [{"type": "string"}, {"type": "null"}]
    props: dict[str, Any] = {
        "muc": {"type": "string", "description": fields["muc"].description},
        "muc_do": {"description": fields["muc_do"].description, "anyOf": [{"type": "number"}, *text]},
        "bieu_hien": {"description": fields["bieu_hien"].description, "anyOf": text},
        "khac_phuc": {"description": fields["khac_phuc"].description, "anyOf": text},
        "han_khac_phuc": {"description": f"{fields['han_khac_phuc'].description}; hoặc ngày/tháng/năm",
                          "anyOf": text},
        "ket_qua": {"description": fields["ket_qua"].description,
                    "anyOf": [{"type": "string", "examples": ["đã", "đang", "chưa", "da_khac_phuc",
                                                              "dang_khac_phuc", "chua_khac_phuc"]}, {"type": "null"}]},
        "ghi_chu": {"description": fields["ghi_chu"].description, "anyOf": text},
    }
    return {"type": "object", "properties": props,
            "required": ["muc"], "additionalProperties": False}


def _rubric_schema() -> dict[str, Any]:
    from tusoi_cli.model import RubricSpec

    body = _from_model(RubricSpec)
    _widen(body["properties"], "version", [{"type": "string"}, {"type": "number"}])
    _retitle(body)
    return body


def _result_schema() -> dict[str, Any]:
    from tusoi_cli.model import MemberResult

    body = _from_model(MemberResult, mode="serialization")
    body["$defs"]["VanDe"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "file": {"type": "string", "description": "Tệp có vấn đề"},
            "line": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "Dòng (tính từ 1)"},
            "column": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "Cột (tính từ 1)"},
            "message": {"type": "string", "description": "Vấn đề"},
            "hint": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "Cách sửa"},
        },
        "required": ["file", "line", "column", "message", "hint"],
    }
    body["properties"]["problems"] = {
        "type": "array", "items": {"$ref": "#/$defs/VanDe"},
        "description": "Các câu trả lời không hợp lệ và cảnh báo khi đọc tệp (kết quả vẫn được tính)",
    }
    from tusoi_cli.model import InForceWarning

    warning = _from_model(InForceWarning, mode="serialization")
    body["$defs"]["CanhBaoHieuLuc"] = {k: v for k, v in warning.items() if k != "$defs"}
    body["properties"]["warnings"] = {
        "type": "array", "items": {"$ref": "#/$defs/CanhBaoHieuLuc"},
        "description": "Chỉ có trong `tusoi score`: văn bản của bộ tiêu chí không còn (hoặc chưa) có hiệu lực vào "
                       "ngày cuối của kỳ đánh giá; kết quả vẫn được tính, mã thoát không đổi",
    }
    body["properties"]["row"] = {
        "type": "integer",
        "description": "Chỉ có trong `tusoi batch`: số dòng trong bảng tính (hoặc số thứ tự tệp trong thư mục)",
    }
    body["required"] = [*body.get("required", []), "problems"]
    _retitle(body)
    return body


# --------------------------------------------------------------------------- helpers


def _from_model(model: type[BaseModel], mode: str = "validation") -> dict[str, Any]:
    """The model's schema, with property titles dropped (pydantic makes them from field names) and the
    English aliases of fields listed as properties of their own."""
    body: dict[str, Any] = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    body.pop("title", None)
    body.pop("description", None)
    body.setdefault("$defs", {})
    _add_aliases(model, body)
    for name, definition in body["$defs"].items():
        sub = _model_named(model, name)
        if sub is not None:
            _add_aliases(sub, definition)
    for node in [body, *body["$defs"].values()]:
        for prop in node.get("properties", {}).values():
            prop.pop("title", None)
    return body


def _model_named(root: type[BaseModel], name: str) -> type[BaseModel] | None:
    from tusoi_cli import model as models

    found = getattr(models, name, None)
    return found if isinstance(found, type) and found.__module__ == root.__module__ else None


def _add_aliases(model: type[BaseModel], node: dict[str, Any]) -> None:
    props = node.get("properties")
    if props is None:
        return
    for name, info in model.model_fields.items():
        choices = getattr(info.validation_alias, "choices", None)
        if not choices or name not in props:
            continue
        for alias in choices:
            if isinstance(alias, str) and alias != name and alias not in props:
                copy = dict(props[name])
                copy["description"] = f"Tên khác của trường '{name}': " + copy.get("description", name)
                props[alias] = copy


def _widen(props: dict[str, Any], name: str, any_of: list[dict[str, Any]], extra: str = "",
           description: str | None = None) -> None:
    """Replace the type of ``props[name]`` by ``any_of``, keeping its default and its description
    (with ``extra`` appended) unless a new ``description`` is given."""
    if name not in props:
        return
    old = props[name]
    new: dict[str, Any] = {"anyOf": any_of}
    if "default" in old:
        new["default"] = old["default"]
    new["description"] = description if description is not None else old.get("description", "") + extra
    props[name] = new


def _retitle(body: dict[str, Any]) -> None:
    for name, definition in body["$defs"].items():
        if name in _DEFS:
            title, description = _DEFS[name]
            definition["title"] = title
            definition["description"] = description


def _detail_schema(rubric: Rubric | None) -> dict[str, Any]:
    value = {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]}
    props: dict[str, Any] = {key: {**value, "description": text} for key, text in _VALUE_KEYS.items()}
    if rubric is not None:
        for scale_id, scale in rubric.scales.items():
            props.setdefault(scale_id, {**value, "description": f"Giá trị theo thang '{scale.title}'"})
    for key, text in _DETAIL_KEYS.items():
        props[key] = {"anyOf": [{"type": "string"}, {"type": "null"}], "description": text}
    # tusoi matches these keys ignoring case and diacritics, so other spellings are not flagged here
    return {"type": "object", "properties": props}


def _item_schema(rubric: Rubric, section: Any, item: Any) -> dict[str, Any]:
    from tusoi_cli.model.values import fmt

    scale = rubric.scales[section.scale]
    if scale.values is not None:
        numbers: list[float | int] = [int(v.value) if v.value.is_integer() else v.value for v in scale.values]
        value: dict[str, Any] = {"enum": numbers}
        words = [v.label for v in scale.values] + ["na"]
        how = "; ".join(f"{fmt(v.value)} = {v.label}" for v in scale.values)
    else:
        top = item.max if item.max is not None else scale.max
        value = {"type": "number", "minimum": scale.min}
        if top is not None:
            value["maximum"] = top
        words = ["na"]
        how = f"số điểm từ {fmt(scale.min)}" + (f" đến {fmt(top)}" if top is not None else "")
        if scale.step:
            how += f", bước {fmt(scale.step)}"
    parts = [f"{item.id}. {item.title}"]
    if item.description:
        parts.append(" ".join(item.description.split()))
    if item.source:
        parts.append(f"Nguồn: {item.source}")
    parts.append(f"{scale.title}: {how}; 'na' nếu không áp dụng.")
    return {
        "description": "\n\n".join(parts),
        "anyOf": [value, {"type": "string", "examples": words}, {"type": "null"}, {"$ref": "#/$defs/ChiTiet"}],
    }


def write_shipped() -> list[Path]:
    """Regenerate the schema files shipped in the package (run ``python -m tusoi_cli.render.schema``)."""
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for kind in KINDS:
        path = shipped_path(kind)
        path.write_text(schema_text(kind), encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for written_path in write_shipped():
        print(written_path)
