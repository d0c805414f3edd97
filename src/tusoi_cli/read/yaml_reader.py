"""Safe YAML reading with source positions.

PyYAML is used only to parse and compose nodes; values are built here so that:
- every scalar stays a string (no YAML 1.1 surprises: ``0123`` is not 83, ``no`` is not False),
  only a plain empty/``~``/``null`` becomes None;
- duplicate keys are errors (PyYAML silently keeps the last one);
- aliases and deep nesting are refused before composing (alias bombs blow up later consumers,
  and the C composer overflows the stack on very deep input);
- every key and value keeps its line and column for error messages.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.text import has_invisible, nfkc, strip_invisible

try:  # the C parser is ~10x faster; fall back to the pure-Python one where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
_NULLS = {"", "~", "null", "Null", "NULL"}

Path_ = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """A parsed YAML document: plain data plus 1-based (line, column) of every key and value."""

    name: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # Problems that do not stop reading (duplicate keys): callers decide whether they are fatal.
    problems: list[Problem] = field(default_factory=list)
    # Things fixed silently but worth saying: invisible characters removed from a key or value.
    notes: list[Problem] = field(default_factory=list)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of ``path`` (its key if ``key``), falling back to the nearest known parent."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        for cut in range(len(path) - 1, -1, -1):
            head = path[:cut]
            if head in self.keys:
                return self.keys[head]
            if head in self.values:
                return self.values[head]
        return None, None

    def problem(self, path: Path_, message: str, hint: str | None = None, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.name, message, line, column, hint)


def read_text(path: Path, name: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a text file (or a pipe) as UTF-8 (BOM allowed), refusing binary, oversized or undecodable files,
    directories and devices (see :mod:`tusoi_cli.read.inputs`)."""
    from tusoi_cli.read.inputs import read_bounded

    raw = read_bounded(path, name, max_bytes)
    return decode_text(raw, name, max_bytes)


def decode_text(raw: bytes, name: str, max_bytes: int = MAX_BYTES) -> str:
    if len(raw) > max_bytes:
        raise InputError([Problem(
            name, f"tệp quá lớn (hơn {max_bytes // (1024 * 1024)} MB)",
            hint="tệp tự đánh giá hay bộ tiêu chí chỉ vài chục KB; hãy kiểm tra đúng tệp chưa")])
    unusual = unusual_encoding(raw)
    if unusual is not None:
        raise InputError([Problem(name, unusual, hint="mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8")])
    # a byte order mark names the encoding (UTF-32's marks start like UTF-16's, so they are tried first)
    bom = "utf-32" if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else \
        "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if bom is not None:
        try:
            text = raw.decode(bom)
        except UnicodeDecodeError:
            raise InputError([Problem(
                name, f"tệp {bom.upper()} bị hỏng (cắt cụt hoặc có ký tự không hợp lệ)",
                hint="mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8")]) from None
    elif raw[:4096].count(b"\x00") > 16 or raw.startswith(b"PK\x03\x04"):
        raise InputError([Problem(
            name, "tệp nhị phân, không phải văn bản YAML",
            hint="có thể đây là tệp Excel hay Word; hãy dùng tệp .yaml lưu dạng văn bản UTF-8")])
    elif b"\x00" in raw:  # a stray NUL in a text file: say where it is
        at = raw.index(b"\x00")
        before = raw[:at]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise InputError([Problem(name, "tệp chứa ký tự NUL (mã 0), thường do tệp bị hỏng", line, column,
                                  "xóa ký tự lạ ở chỗ này (gõ lại dòng), rồi lưu lại dạng UTF-8")])
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]
            line = before.count(b"\n") + 1
            line_start = before[before.rfind(b"\n") + 1:]
            column = len(line_start.decode("utf-8", errors="replace")) + 1  # characters, like other positions
            raise InputError([Problem(
                name, "tệp không phải mã UTF-8", line, column,
                hint="mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8")]) from None
    return text


def unusual_encoding(raw: bytes) -> str | None:
    """Name UTF-16 and UTF-32 text written without a byte-order mark (its ASCII characters leave a regular
    pattern of zero bytes), which would otherwise pass for a binary file or for control characters."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    sample = raw[:4096]
    sample = sample[: len(sample) // 4 * 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    lanes = [sample[k::4].count(0) / (len(sample) // 4) for k in range(4)]
    if min(lanes[2], lanes[3]) > 0.9 or min(lanes[0], lanes[1]) > 0.9:  # LE, BE: no character past U+FFFF
        encoding = "utf-32-le" if lanes[3] > 0.9 else "utf-32-be"
        return "tệp văn bản mã UTF-32 (không có dấu BOM), không phải UTF-8" if _reads_as(sample, encoding) else None
    even = (lanes[0] + lanes[2]) / 2
    odd = (lanes[1] + lanes[3]) / 2
    if max(even, odd) > 0.3 and min(even, odd) < 0.05:
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        return "tệp văn bản mã UTF-16 (không có dấu BOM), không phải UTF-8" if _reads_as(sample, encoding) else None
    return None


def _reads_as(sample: bytes, encoding: str) -> bool:
    """Whether ``sample`` decodes in ``encoding`` to text that is nearly all printable (not a binary file)."""
    text = sample.decode(encoding, errors="replace")
    good = sum(ch.isprintable() or ch in "\t\r\n" for ch in text) - text.count("\ufffd")
    return good >= 0.95 * len(text)


_SYNTAX_HINTS = (
    ("found character '\\t'", "dùng phím Tab để thụt lề",
     "YAML chỉ cho phép thụt lề bằng dấu cách; thay Tab bằng dấu cách"),
    ("mapping values are not allowed", "dấu ':' không đúng chỗ",
     "cần một dấu cách sau ':'; nếu giá trị có chứa ':' hãy đặt nó trong ngoặc kép"),
    ("could not find expected ':'", "thiếu dấu ':' sau tên trường", "viết dạng `ten_truong: gia_tri`"),
    ("expected <block end>", "thụt lề không thẳng hàng", "các trường cùng cấp phải thụt lề bằng nhau"),
    ("while scanning a quoted scalar", "chuỗi trong ngoặc kép chưa được đóng", "thêm dấu ngoặc kép đóng"),
    ("while parsing a flow", "ngoặc [ ] hoặc { } chưa được đóng", "kiểm tra các dấu ngoặc"),
)


def _syntax_problem(name: str, exc: yaml.YAMLError, source: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "quoted scalar" in str(getattr(exc, "context", "")) and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]  # the opening quote, where the fix goes
    line, column = _pos(mark)
    if mark is None and isinstance(exc, yaml.reader.ReaderError):
        position = exc.position
        if _Loader.__name__.startswith("C"):  # libyaml reports a byte offset into the UTF-8 text
            position = len(source.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        before = source[:position]
        line, column = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
        return Problem(name, "tệp chứa ký tự điều khiển không hợp lệ", line, column,
                       "xóa ký tự lạ này (thường do sao chép từ Word hay trang web)")
    text = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''} {exc}"
    if mark is not None and 0 <= mark.index < len(source) and source[mark.index] == "\t":
        text += " found character '\\t'"  # libyaml does not name the character
    for needle, message, hint in _SYNTAX_HINTS:
        if needle in text:
            return Problem(name, f"lỗi cú pháp YAML: {message}", line, column, hint)
    detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(name, f"lỗi cú pháp YAML ({detail})", line, column,
                   "kiểm tra thụt lề, dấu ':' và dấu ngoặc kép quanh dòng này")


def _pos(mark: Any) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def _prescan(text: str, name: str, loader: Any = None) -> None:
    """Refuse aliases, several documents and deep nesting using the (iterative) event stream.

    libyaml 0.2.5+ (bundled by PyYAML 6.0.4 wheels) stops at 1,000 levels while its scanner looks
    ahead, before the events that reach our 32-level guard are produced; on that error the
    pure-Python parser (no such limit, ~0.1 s for 100,000 levels) rescans to locate our guard's spot.
    """
    loader = loader or _Loader
    depth = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                m = event.start_mark
                raise InputError([Problem(
                    name, "không hỗ trợ neo/bí danh YAML (&, *)", *_pos(m),
                    "viết thẳng giá trị ra thay vì dùng & và *")])
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    m = event.start_mark
                    raise InputError([Problem(
                        name, f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", *_pos(m),
                        "tệp tự đánh giá chỉ cần vài cấp thụt lề")])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    m = event.start_mark
                    raise InputError([Problem(
                        name, "tệp chứa nhiều tài liệu YAML (dấu ---)", *_pos(m),
                        "mỗi tệp chỉ chứa một bản tự đánh giá; tách thành nhiều tệp")])
    except yaml.YAMLError as exc:
        if _is_depth_error(exc):
            if loader is not yaml.SafeLoader:
                _prescan(text, name, yaml.SafeLoader)
            raise InputError([Problem(  # a parser that also stops early: its own position
                name, f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", *_pos(getattr(exc, "problem_mark", None)),
                "tệp tự đánh giá chỉ cần vài cấp thụt lề")]) from None
        raise InputError([_syntax_problem(name, exc, text)]) from None


def _is_depth_error(exc: yaml.YAMLError) -> bool:
    return "nesting depth" in f"{getattr(exc, 'problem', '') or ''} {exc}"


def load_yaml(text: str, name: str) -> YamlDoc:
    """Parse ``text`` into a :class:`YamlDoc`.

    Syntax errors, aliases and deep nesting raise :class:`InputError`; duplicate and non-scalar keys
    are collected in ``doc.problems`` (the first value is kept) so callers can report them with the rest.
    """
    _prescan(text, name)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # pragma: no cover - the prescan sees syntax errors first
        raise InputError([_syntax_problem(name, exc, text)]) from None
    doc = YamlDoc(name, None)
    if node is not None:
        doc.data = _build(node, (), doc, doc.problems)
    return doc


def _build(node: yaml.Node, path: Path_, doc: YamlDoc, problems: list[Problem]) -> Any:
    doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        # plain scalars have style None (pure-Python parser) or "" (libyaml)
        if not node.style and node.value in _NULLS:
            return None
        value = unicodedata.normalize("NFC", node.value).strip()
        if has_invisible(value):
            value = strip_invisible(value).strip()
            doc.notes.append(Problem(doc.name, "đã bỏ ký tự vô hình (khoảng trắng rộng 0, gạch nối mềm, ký tự đảo "
                                     "chiều) trong giá trị này", node.start_mark.line + 1, node.start_mark.column + 1))
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, i), doc, problems) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(doc.name, "tên trường phải là một chữ, không phải danh sách hay bảng",
                                    kline, kcol))
            continue
        # full-width forms fold silently (ＣＴ１ is CT1); invisible characters go, with a note
        key = nfkc(key_node.value).strip()
        if has_invisible(key_node.value):
            doc.notes.append(Problem(doc.name, f"đã bỏ ký tự vô hình trong tên trường '{key}'", kline, kcol))
        if key in result:
            first_line = doc.keys[(*path, key)][0]
            problems.append(Problem(
                doc.name, f"trường '{key}' bị lặp lại (đã có ở dòng {first_line})", kline, kcol,
                "xóa một trong hai dòng hoặc gộp nội dung lại"))
            continue
        doc.keys[(*path, key)] = (kline, kcol)
        result[key] = _build(value_node, (*path, key), doc, problems)
    return result
