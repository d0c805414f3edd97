"""Text formats made safe to show: JSON escapes (losslessly) the characters a terminal or editor would obey or
reorder; YAML, meant to be read and edited by people, drops them (see text.terminal_safe)."""

from __future__ import annotations

import re
from typing import Any

from tusoi_cli.text import terminal_safe

# json.dumps(ensure_ascii=False) already escapes U+0000-U+001F; these it writes raw.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def json_text(text: str) -> str:
    """JSON text with DEL, C1 controls, line separators and bidi controls written as \\uXXXX escapes: the same
    data for a program, nothing that acts on a terminal. These characters occur only inside JSON strings."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _JSON_RAW.search(text) else text


def json_bytes(text: str) -> bytes:
    return json_text(text).encode("utf-8")


def yaml_payload(value: Any) -> Any:
    """``value`` with control and bidi-override characters dropped from every string (keys included)."""
    if isinstance(value, str):
        return terminal_safe(value)
    if isinstance(value, dict):
        return {yaml_payload(k): yaml_payload(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [yaml_payload(v) for v in value]
    return value
