"""Unit tests of the safe YAML reader: strings only, positions, duplicates, refusals, decoding."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
import yaml

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.read import yaml_reader
from tusoi_cli.read.yaml_reader import MAX_BYTES, MAX_DEPTH, decode_text, load_yaml, read_text

# The reader uses libyaml's CSafeLoader when present and falls back to the pure-Python SafeLoader;
# both must behave the same, so the parsing tests run under each.
_LOADERS = [pytest.param(yaml.SafeLoader, id="py")]
if hasattr(yaml, "CSafeLoader"):
    _LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="c"))


@pytest.fixture(params=_LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    monkeypatch.setattr(yaml_reader, "_Loader", request.param)
    return request.param  # type: ignore[no-any-return]


def only_problem(text: str, name: str = "f.yaml") -> Problem:
    """The single problem ``load_yaml`` raises for ``text``."""
    with pytest.raises(InputError) as info:
        load_yaml(text, name)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def decode_problem(raw: bytes, **kwargs: int) -> Problem:
    with pytest.raises(InputError) as info:
        decode_text(raw, "f.yaml", **kwargs)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


ALIAS_MESSAGE = "không hỗ trợ neo/bí danh YAML (&, *)"
ALIAS_HINT = "viết thẳng giá trị ra thay vì dùng & và *"
DEPTH_MESSAGE = f"cấu trúc lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)"
DEPTH_HINT = "tệp tự đánh giá chỉ cần vài cấp thụt lề"
UTF8_MESSAGE = "tệp không phải mã UTF-8"
UTF8_HINT = "mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8"


# --------------------------------------------------------------------------- scalars


def test_every_scalar_stays_a_string(loader: type) -> None:
    text = (
        "ma: 0123\n"
        "ky_luat: no\n"
        "co: yes\n"
        "bat: on\n"
        "gio: 1:30\n"
        "ngay: 2024-03-15\n"
        "so_mu: 1e3\n"
        "vo_cuc: .inf\n"
        "hex: 0x1F\n"
        "dung: true\n"
        "thap_phan: 3.50\n"
        "duong: +1\n"
        "1: mot\n"
        "no: khoa\n"
        "ds: [0123, no, 2024-03-15]\n"
    )
    doc = load_yaml(text, "f.yaml")
    assert doc.data == {
        "ma": "0123", "ky_luat": "no", "co": "yes", "bat": "on", "gio": "1:30", "ngay": "2024-03-15",
        "so_mu": "1e3", "vo_cuc": ".inf", "hex": "0x1F", "dung": "true", "thap_phan": "3.50", "duong": "+1",
        "1": "mot", "no": "khoa", "ds": ["0123", "no", "2024-03-15"],
    }
    assert doc.problems == []


def test_plain_empty_tilde_and_null_become_none(loader: type) -> None:
    doc = load_yaml("trong:\nnga: ~\nnull1: null\nnull2: Null\nnull3: NULL\nds:\n  - ~\n  -\n", "f.yaml")
    assert doc.data == {"trong": None, "nga": None, "null1": None, "null2": None, "null3": None,
                        "ds": [None, None]}


def test_quoted_null_words_stay_strings(loader: type) -> None:
    doc = load_yaml("a: \"null\"\nb: 'NULL'\nc: \"~\"\nd: \"\"\ne: ''\n", "f.yaml")
    assert doc.data == {"a": "null", "b": "NULL", "c": "~", "d": "", "e": ""}


def test_empty_and_comment_only_documents_are_none(loader: type) -> None:
    assert load_yaml("", "f.yaml").data is None
    assert load_yaml("# chỉ có ghi chú\n\n", "f.yaml").data is None


# --------------------------------------------------------------------------- positions

POSITIONS_TEXT = """\
ky_danh_gia: "2026"
dang_vien:
  ho_ten: Nguyễn Văn An
danh_gia:
  CT5:
    muc_do: 1
    bieu_hien: Nể nang
  DL6: 1
cac_muc:
  - CT1
  -   DL2
  - ten: x
nhan: [ộ, ễ, ư]
"""


@pytest.mark.parametrize(("path", "value_pos", "key_pos"), [
    (("ky_danh_gia",), (1, 14), (1, 1)),
    (("dang_vien", "ho_ten"), (3, 11), (3, 3)),
    (("danh_gia", "CT5"), (6, 5), (5, 3)),
    (("danh_gia", "CT5", "muc_do"), (6, 13), (6, 5)),
    (("danh_gia", "CT5", "bieu_hien"), (7, 16), (7, 5)),
    (("danh_gia", "DL6"), (8, 8), (8, 3)),
    (("cac_muc", 2, "ten"), (12, 10), (12, 5)),
])
def test_where_gives_value_and_key_positions(loader: type, path: tuple[str | int, ...],
                                             value_pos: tuple[int, int], key_pos: tuple[int, int]) -> None:
    doc = load_yaml(POSITIONS_TEXT, "f.yaml")
    assert doc.where(path) == value_pos
    assert doc.where(path, key=True) == key_pos


def test_where_for_list_items_and_character_columns(loader: type) -> None:
    doc = load_yaml(POSITIONS_TEXT, "f.yaml")
    assert doc.where(("cac_muc", 0)) == (10, 5)
    assert doc.where(("cac_muc", 1)) == (11, 7)
    # columns count characters, not UTF-8 bytes: 'ư' is the 14th character of its line
    assert doc.where(("nhan", 0)) == (13, 8)
    assert doc.where(("nhan", 2)) == (13, 14)
    # a list item has no key of its own: the key of the list is the nearest one
    assert doc.where(("cac_muc", 1), key=True) == (9, 1)


def test_where_falls_back_to_nearest_parent(loader: type) -> None:
    doc = load_yaml(POSITIONS_TEXT, "f.yaml")
    assert doc.where(("danh_gia", "CT9")) == (4, 1)
    assert doc.where(("danh_gia", "CT5", "khac_phuc"), key=True) == (5, 3)
    assert doc.where(("khong_co",)) == (1, 1)
    assert doc.problem(("danh_gia", "DL6"), "sai", "sửa đi", key=True) == Problem("f.yaml", "sai", 8, 3, "sửa đi")
    assert doc.problem(("danh_gia", "DL6"), "sai") == Problem("f.yaml", "sai", 8, 8, None)


def test_where_on_an_empty_document_is_unknown(loader: type) -> None:
    assert load_yaml("", "f.yaml").where(("a",)) == (None, None)


# --------------------------------------------------------------------------- duplicate keys

DUP_HINT = "xóa một trong hai dòng hoặc gộp nội dung lại"


def test_duplicate_keys_are_collected_first_value_kept(loader: type) -> None:
    text = "a: 1\nb:\n  x: dau\n  y: 2\n  x: sau\na: 3\n"
    doc = load_yaml(text, "f.yaml")
    assert doc.data == {"a": "1", "b": {"x": "dau", "y": "2"}}
    assert doc.problems == [
        Problem("f.yaml", "trường 'x' bị lặp lại (đã có ở dòng 3)", 5, 3, DUP_HINT),
        Problem("f.yaml", "trường 'a' bị lặp lại (đã có ở dòng 1)", 6, 1, DUP_HINT),
    ]
    # positions are those of the kept (first) occurrence
    assert doc.where(("b", "x")) == (3, 6)
    assert doc.where(("a",), key=True) == (1, 1)


def test_duplicate_keys_differing_only_in_unicode_form(loader: type) -> None:
    nfd = unicodedata.normalize("NFD", "Không")
    doc = load_yaml(f"Không: 1\n{nfd}: 2\n", "f.yaml")
    assert doc.data == {"Không": "1"}
    assert [(p.line, p.column, p.message) for p in doc.problems] == [
        (2, 1, "trường 'Không' bị lặp lại (đã có ở dòng 1)")]


def test_non_scalar_key_is_a_problem(loader: type) -> None:
    doc = load_yaml("? [a, b]\n: 1\nc: 2\n", "f.yaml")
    assert doc.data == {"c": "2"}
    assert doc.problems == [Problem("f.yaml", "tên trường phải là một chữ, không phải danh sách hay bảng", 1, 3)]


# --------------------------------------------------------------------------- refusals


def _alias_bomb(levels: int = 9) -> str:
    names = "abcdefghijklmnop"
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*{names[i - 1]}"] * 9)
        lines.append(f"{names[i]}: &{names[i]} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "line", "column"), [
    pytest.param("a: &x 1\nb: *x\n", 1, 4, id="anchor-and-alias"),
    pytest.param("a: 1\nb: *x\n", 2, 4, id="alias-only"),
    pytest.param("base: &b\n  x: 1\n", 1, 7, id="anchor-on-mapping"),
    pytest.param("- &a x\n", 1, 3, id="anchor-in-list"),
    pytest.param(_alias_bomb(), 1, 4, id="billion-laughs"),
])
def test_anchors_and_aliases_are_refused(loader: type, text: str, line: int, column: int) -> None:
    started = time.perf_counter()
    problem = only_problem(text)
    assert time.perf_counter() - started < 1.0
    assert problem == Problem("f.yaml", ALIAS_MESSAGE, line, column, ALIAS_HINT)


def test_alias_bomb_is_really_nine_levels() -> None:
    bomb = _alias_bomb()
    assert bomb.count("\n") == 9
    assert bomb.splitlines()[-1].startswith("i: &i [*h, *h")


def test_nesting_up_to_max_depth_is_accepted(loader: type) -> None:
    doc = load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f.yaml")
    data = doc.data
    for _ in range(MAX_DEPTH - 1):
        assert isinstance(data, list) and len(data) == 1
        data = data[0]
    assert data == []


def test_flow_nesting_deeper_than_max_depth_is_refused(loader: type) -> None:
    started = time.perf_counter()
    problem = only_problem("[" * 100 + "]" * 100)
    assert time.perf_counter() - started < 1.0
    assert problem == Problem("f.yaml", DEPTH_MESSAGE, 1, MAX_DEPTH + 1, DEPTH_HINT)


def test_one_level_too_deep_is_refused(loader: type) -> None:
    problem = only_problem("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (problem.line, problem.column, problem.message) == (1, MAX_DEPTH + 1, DEPTH_MESSAGE)


def test_block_nesting_deeper_than_max_depth_is_refused(loader: type) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v\n"
    started = time.perf_counter()
    problem = only_problem(text)
    assert time.perf_counter() - started < 1.0
    # the 33rd mapping starts at key k32, on line 33, indented by 64 spaces
    assert problem == Problem("f.yaml", DEPTH_MESSAGE, MAX_DEPTH + 1, 2 * MAX_DEPTH + 1, DEPTH_HINT)


def test_several_documents_are_refused(loader: type) -> None:
    problem = only_problem("a: 1\n---\nb: 2\n")
    assert problem == Problem("f.yaml", "tệp chứa nhiều tài liệu YAML (dấu ---)", 2, 1,
                              "mỗi tệp chỉ chứa một bản tự đánh giá; tách thành nhiều tệp")


def test_single_document_with_markers_is_fine(loader: type) -> None:
    assert load_yaml("---\na: 1\n...\n", "f.yaml").data == {"a": "1"}


# --------------------------------------------------------------------------- syntax errors

TAB_MESSAGE = "lỗi cú pháp YAML: dùng phím Tab để thụt lề"
TAB_HINT = "YAML chỉ cho phép thụt lề bằng dấu cách; thay Tab bằng dấu cách"


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("dang_vien:\n  ho_ten: A\ndanh_gia:\n\tCT1: 1\n", 4, id="ascii"),
    pytest.param("dang_vien:\n  ho_ten: Nguyễn Văn Thử\n  chi_bo: Chi bộ Quản lý đô thị\ndanh_gia:\n\tCT1: 1\n",
                 5, id="after-vietnamese-text"),
])
def test_tab_indentation_gives_the_tab_message(loader: type, text: str, line: int) -> None:
    problem = only_problem(text)
    assert problem == Problem("f.yaml", TAB_MESSAGE, line, 1, TAB_HINT)


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_points_at_the_opening_quote(loader: type, quote: str) -> None:
    problem = only_problem(f"a: 1\nb: {quote}abc\nc: 2\nd: 3\n")
    assert problem == Problem("f.yaml", "lỗi cú pháp YAML: chuỗi trong ngoặc kép chưa được đóng", 2, 4,
                              "thêm dấu ngoặc kép đóng")


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    ("a: [1, 2\n", 2, 1, "lỗi cú pháp YAML: ngoặc [ ] hoặc { } chưa được đóng"),
    ("a: b: c\n", 1, 5, "lỗi cú pháp YAML: dấu ':' không đúng chỗ"),
])
def test_other_syntax_errors_are_located(loader: type, text: str, line: int, column: int, message: str) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.message) == (line, column, message)


CONTROL_MESSAGE = "tệp chứa ký tự điều khiển không hợp lệ"
CONTROL_HINT = "xóa ký tự lạ này (thường do sao chép từ Word hay trang web)"


@pytest.mark.parametrize(("text", "line", "column"), [
    pytest.param("a: 1\nb: x\x01y\n", 2, 5, id="soh"),
    pytest.param("a: 1\nb: x\x7fy\n", 2, 5, id="del"),
    pytest.param("\x08a: 1\n", 1, 1, id="first-character"),
])
def test_control_character_is_located(loader: type, text: str, line: int, column: int) -> None:
    assert only_problem(text) == Problem("f.yaml", CONTROL_MESSAGE, line, column, CONTROL_HINT)


@pytest.mark.parametrize("loader_name", [
    pytest.param("CSafeLoader", id="c", marks=[
        pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="libyaml not installed")]),
    pytest.param("SafeLoader", id="py"),
])
def test_control_character_after_vietnamese_text_is_located(loader_name: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_reader, "_Loader", getattr(yaml, loader_name))
    problem = only_problem("họ_tên: Nguyễn Văn Thử\nghi_chu: a\x01b\n")
    assert problem == Problem("f.yaml", CONTROL_MESSAGE, 2, 11, CONTROL_HINT)


# --------------------------------------------------------------------------- decoding


def test_utf8_bom_is_stripped() -> None:
    text = decode_text("\ufeffho_ten: Nguyễn Văn An\n".encode(), "f.yaml")
    assert text == "ho_ten: Nguyễn Văn An\n"
    assert load_yaml(text, "f.yaml").data == {"ho_ten": "Nguyễn Văn An"}


@pytest.mark.parametrize("raw", [
    pytest.param("ho_ten: Nguyễn Văn Thử\n".encode("utf-16"), id="native-with-bom"),
    pytest.param(b"\xff\xfe" + "ho_ten: Nguyễn Văn Thử\n".encode("utf-16-le"), id="le-bom"),
    pytest.param(b"\xfe\xff" + "ho_ten: Nguyễn Văn Thử\n".encode("utf-16-be"), id="be-bom"),
])
def test_utf16_with_bom_is_decoded(raw: bytes) -> None:
    assert decode_text(raw, "f.yaml") == "ho_ten: Nguyễn Văn Thử\n"


@pytest.mark.parametrize("raw", [b"\xff\xfea", b"\xff\xfe\x00\xd8a\x00", b"\xfe\xff\xdc\x00"],
                         ids=["odd-length", "lone-surrogate", "be-lone-low-surrogate"])
def test_broken_utf16_is_an_input_error(raw: bytes) -> None:
    assert decode_problem(raw) == Problem("f.yaml", "tệp UTF-16 bị hỏng (cắt cụt hoặc có ký tự không hợp lệ)",
                                          hint="mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8")


@pytest.mark.parametrize(("raw", "line", "column"), [
    pytest.param(b"\xff", 1, 1, id="first-byte"),
    pytest.param(b"a: 1\nb: Kh\xffng\n", 2, 6, id="middle"),
    pytest.param(b"a: 1\nb: \xff\nc: \xfe\n", 2, 4, id="first-of-two"),
    pytest.param(b"a: 1\r\nb: 2\r\nc: x\xc3(\r\n", 3, 5, id="crlf"),
])
def test_invalid_utf8_is_located_at_first_bad_byte(raw: bytes, line: int, column: int) -> None:
    assert decode_problem(raw) == Problem("f.yaml", UTF8_MESSAGE, line, column, UTF8_HINT)


def test_invalid_utf8_column_counts_characters() -> None:
    # 'bé: Kh' is 6 characters but 7 bytes: columns count characters, like every other position
    problem = decode_problem("a: 1\nbé: Kh".encode() + b"\xc3\n")
    assert (problem.line, problem.column) == (2, 7)


def test_a_stray_nul_byte_is_located_and_many_mean_a_binary_file() -> None:
    assert decode_problem("a: 1\nb: Tê\x00n\n".encode()) == Problem(
        "f.yaml", "tệp chứa ký tự NUL (mã 0), thường do tệp bị hỏng", 2, 6,
        "xóa ký tự lạ ở chỗ này (gõ lại dòng), rồi lưu lại dạng UTF-8")
    assert decode_problem(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)) == Problem(
        "f.yaml", "tệp nhị phân, không phải văn bản YAML", None, None,
        "có thể đây là tệp Excel hay Word; hãy dùng tệp .yaml lưu dạng văn bản UTF-8")


def test_zip_like_binary_is_refused() -> None:
    problem = decode_problem(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    assert problem.message == "tệp nhị phân, không phải văn bản YAML"


def test_over_max_bytes_is_too_large() -> None:
    problem = decode_problem(b"a" * 11, max_bytes=10)
    assert problem.message.startswith("tệp quá lớn")
    assert (problem.line, problem.column) == (None, None)
    assert decode_text(b"a" * 10, "f.yaml", max_bytes=10) == "a" * 10


def test_read_text_refuses_a_file_over_the_default_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(InputError) as info:
        read_text(big, "big.yaml")
    [problem] = info.value.problems
    assert problem.file == "big.yaml"
    assert problem.message == "tệp quá lớn (hơn 2 MB)"


def test_read_text_with_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: 1\nb: 2\n")
    assert read_text(path, "m.yaml", max_bytes=10) == "a: 1\nb: 2\n"
    with pytest.raises(InputError) as info:
        read_text(path, "m.yaml", max_bytes=9)
    assert info.value.problems[0].message.startswith("tệp quá lớn")


def test_read_text_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_text(tmp_path / "khongco.yaml", "khongco.yaml")
    assert info.value.problems == [Problem("khongco.yaml", "không tìm thấy tệp", hint="kiểm tra lại đường dẫn")]
    with pytest.raises(InputError) as info:
        read_text(tmp_path, "thu_muc")
    assert info.value.problems == [Problem("thu_muc", "đây là một thư mục, không phải tệp",
                                           hint="chỉ ra một tệp trong thư mục này")]


def test_nfd_text_comes_back_nfc(tmp_path: Path, loader: type) -> None:
    nfc_text = "Không: Nguyễn Văn Thử\nds: [Trung bình, mức 2]\n"
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert nfd_text != nfc_text
    path = tmp_path / "nfd.yaml"
    path.write_bytes(nfd_text.encode("utf-8"))
    doc = load_yaml(read_text(path, "nfd.yaml"), "nfd.yaml")
    expected = {unicodedata.normalize("NFC", "Không"): unicodedata.normalize("NFC", "Nguyễn Văn Thử"),
                "ds": [unicodedata.normalize("NFC", "Trung bình"), unicodedata.normalize("NFC", "mức 2")]}
    assert doc.data == expected
    for key in doc.data:
        assert unicodedata.is_normalized("NFC", key)
    assert all(unicodedata.is_normalized("NFC", v) for v in doc.data["ds"])


def test_problem_string_format() -> None:
    assert str(Problem("f.yaml", "sai", 3, 7, "sửa")) == "f.yaml:3:7: sai — sửa"
    assert str(Problem("f.yaml", "sai", 3)) == "f.yaml:3: sai"
    assert str(Problem("f.yaml", "sai")) == "f.yaml: sai"
