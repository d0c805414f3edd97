"""Turn pydantic validation errors into located Vietnamese problems."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tusoi_cli.errors import Problem
from tusoi_cli.read.yaml_reader import Path_, YamlDoc
from tusoi_cli.text import nearest


def _expected_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names (first alias) allowed at ``loc``'s parent, for 'did you mean' hints."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if current is None or not hasattr(current, "model_fields"):
        return []
    names = []
    for name, info in current.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        names.append(str(choices[0]) if choices else name)
    return names


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(err: Any, model: type[BaseModel]) -> tuple[str, str | None]:
    kind = err["type"]
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"thiếu trường bắt buộc '{name}'", f"thêm dòng `{name}: ...`"
    if kind == "extra_forbidden":
        allowed = _expected_fields(model, loc)
        guess = nearest(name, allowed) if allowed else None
        hint = f"có phải ý bạn là '{guess}'?" if guess else (
            "các trường hợp lệ: " + ", ".join(allowed) if allowed else None)
        return f"trường '{name}' không được hỗ trợ", hint
    table = {
        "string_type": ("phải là một đoạn chữ", None),
        "float_parsing": ("phải là một số", "ví dụ 2 hoặc 0.5"),
        "float_type": ("phải là một số", "ví dụ 2 hoặc 0.5"),
        "int_parsing": ("phải là một số nguyên", "ví dụ 1, 2, 3"),
        "int_type": ("phải là một số nguyên", "ví dụ 1, 2, 3"),
        "int_from_float": ("phải là một số nguyên", "ví dụ 1, 2, 3"),
        "bool_parsing": ("phải là có hoặc không", "viết true/false hoặc có/không"),
        "bool_type": ("phải là có hoặc không", "viết true/false hoặc có/không"),
        "date_parsing": ("ngày không hợp lệ", "viết theo dạng năm-tháng-ngày, ví dụ 2026-06-30"),
        "date_from_datetime_parsing": ("ngày không hợp lệ", "viết theo dạng năm-tháng-ngày, ví dụ 2026-06-30"),
        "date_type": ("ngày không hợp lệ", "viết theo dạng năm-tháng-ngày, ví dụ 2026-06-30"),
        "list_type": ("phải là một danh sách", "mỗi phần tử một dòng bắt đầu bằng '- '"),
        "dict_type": ("phải là một bảng các dòng `khóa: giá trị`", None),
        "model_type": ("phải là một bảng các dòng `khóa: giá trị`", None),
        "model_attributes_type": ("phải là một bảng các dòng `khóa: giá trị`", None),
        "string_too_short": ("không được để trống", None),
        "too_short": ("không được để trống", None),
        "string_pattern_mismatch": (
            "mã không hợp lệ", "mã bắt đầu bằng chữ cái không dấu, chỉ gồm chữ, số và _ . -"),
        "string_too_long": ("quá dài", f"tối đa {ctx.get('max_length')} ký tự"),
        "literal_error": ("giá trị không hợp lệ", f"chọn một trong: {ctx.get('expected', '')}"),
        "greater_than_equal": (f"phải lớn hơn hoặc bằng {ctx.get('ge')}", None),
        "greater_than": (f"phải lớn hơn {ctx.get('gt')}", None),
        "less_than_equal": (f"phải nhỏ hơn hoặc bằng {ctx.get('le')}", None),
    }
    if kind == "value_error":  # a value rule's own Vietnamese message (e.g. a birth date in the future)
        reason = str(ctx.get("error", err.get("msg", "không hợp lệ")))
        return f"'{name}': {reason}", None
    if kind in table:
        message, hint = table[kind]
        return (f"'{name}' {message}" if name and not isinstance(loc[-1], int) else message), hint
    return f"'{name}': {err.get('msg', 'không hợp lệ')}", None


def problems_from(exc: ValidationError, doc: YamlDoc, model: type[BaseModel], prefix: Path_ = ()) -> list[Problem]:
    """One located problem per pydantic error; ``prefix`` is where the validated data sits in ``doc``."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        # pydantic appends union/tag names to loc; keep the parts that exist in the document
        path: Path_ = prefix + loc
        message, hint = _message(err, model)
        if err["type"] == "missing":
            problems.append(doc.problem(path[:-1], message, hint))
        elif err["type"] == "extra_forbidden":
            problems.append(doc.problem(path, message, hint, key=True))
        else:
            problems.append(doc.problem(path, message, hint))
    return problems
