"""A committee's own .docx template (``--tep-mau``), filled with docxtpl (Jinja placeholders such as
``{{ ho_ten }}``; the placeholders are listed in docs/kiem-diem.md). docxtpl and Jinja are imported only here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tusoi_cli.errors import UsageError
from tusoi_cli.model.review import ReviewDocument


def fill_template(template: Path, doc: ReviewDocument) -> bytes:
    """``template`` with every placeholder replaced by the document's text; a placeholder tusoi does not know, or
    a template that is not a .docx, is a usage error naming it."""
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]  # no type information shipped
    from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

    if not zipfile.is_zipfile(template):
        raise UsageError(f"--tep-mau: '{template}' không phải là tệp .docx (Word) — lưu mẫu dưới dạng .docx")
    try:
        filled = DocxTemplate(str(template))
        filled.render(doc.fields, jinja_env=Environment(undefined=StrictUndefined, autoescape=True))
    except UndefinedError as exc:
        known = ", ".join(sorted(doc.fields))
        raise UsageError(f"--tep-mau '{template}': {_undefined(exc)} — các trường dùng được: {known} (xem "
                         "docs/kiem-diem.md)") from None
    except TemplateError as exc:
        raise UsageError(f"--tep-mau '{template}': chỗ điền bị viết sai ({exc.message or exc}) — viết dạng "
                         "{{ ho_ten }}, {% for muc in han_che %}…{% endfor %}") from None
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:  # a zip that is not a Word document
        raise UsageError(f"--tep-mau: không đọc được '{template}' như một tệp .docx ({exc})") from None
    buffer = io.BytesIO()
    filled.save(buffer)
    return buffer.getvalue()


def _undefined(exc: Exception) -> str:
    text = str(exc)
    # Jinja says "'ho_tenn' is undefined"
    name = text.split("'")[1] if text.count("'") >= 2 else text
    return f"không có trường '{name}'"
