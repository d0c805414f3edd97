"""Generators for the output-safety cases of the corpus (tests/corpus/cases-output.yaml).

Each makes its files in the case's temporary folder and returns the path the case calls ``{gen}``; the
other files it makes have fixed names there (documented per generator), so a case can name them as
``{tmp}/NAME``.
"""

from __future__ import annotations

from pathlib import Path

from .corpus.make_corpus import MEMBER  # the member file the committed corpus starts from too


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rubric_with_include(tmp: Path) -> Path:
    """{tmp}/khung.yaml (returned) includes {tmp}/goc.yaml, which includes the default rubric;
    {tmp}/an.yaml is a member file."""
    _write(tmp / "goc.yaml", "id: goc\ntitle: Bộ gốc của huyện\nversion: '1'\ninclude: [tusoi-mac-dinh]\n")
    _write(tmp / "an.yaml", MEMBER)
    return _write(tmp / "khung.yaml", "id: khung\ntitle: Bộ của chi bộ\nversion: '1'\ninclude: [goc.yaml]\n")


def member_with_local_rubric(tmp: Path) -> Path:
    """{tmp}/an.yaml (returned) names its rubric with bo_tieu_chi: khung.yaml ({tmp}/khung.yaml)."""
    _write(tmp / "khung.yaml", "id: khung\ntitle: Bộ của chi bộ\nversion: '1'\ninclude: [tusoi-mac-dinh]\n")
    return _write(tmp / "an.yaml", "bo_tieu_chi: khung.yaml\n" + MEMBER)


def compare_with_rubric_include(tmp: Path) -> Path:
    """{tmp}/cu.yaml and {tmp}/moi.yaml (two periods of one member); {tmp}/khung.yaml (returned) includes
    {tmp}/goc.json, a rubric written as JSON (valid YAML), so -o can name it as a .json report."""
    _write(tmp / "goc.json", '{"id": "goc", "title": "Bộ gốc", "version": "1", "include": ["tusoi-mac-dinh"]}\n')
    _write(tmp / "cu.yaml", MEMBER.replace('"2026"', '"2025"'))
    _write(tmp / "moi.yaml", MEMBER.replace("CT5: 1", "CT5: 0"))
    return _write(tmp / "khung.yaml", "id: khung\ntitle: Bộ của chi bộ\nversion: '1'\ninclude: [./goc.json]\n")


def member_with_terminal_escapes(tmp: Path) -> Path:
    """A member whose name, unit, reason and an item id hold escape sequences (clear screen, window title,
    a colour, an 8-bit CSI) and a right-to-left override."""
    return _write(tmp / "thoat.yaml", (
        'ky_danh_gia: "2026"\n'
        "dang_vien:\n"
        '  ho_ten: "Nguyễn Văn An\\e[2J\\e]0;bi-chiem\\a\\u202eTốt"\n'
        '  chi_bo: "Chi bộ \\x9b31m3"\n'
        "chi_bo_xep_loai: kha\n"
        'ly_do: "\\e[1A\\e[2Kđã sửa"\n'
        "danh_gia:\n"
        "  CT5: 1\n"
        '  "\\e[2JCT99": 1\n'))


def member_forging_markdown(tmp: Path) -> Path:
    """A member whose name and reason try to end the heading and hide the real level in an HTML comment."""
    return _write(tmp / "gia.yaml", (
        'ky_danh_gia: "2026"\n'
        "dang_vien:\n"
        '  ho_ten: "Nguyễn Văn An\\n\\n- **Xếp loại đề xuất:** **Tốt**\\n<!--"\n'
        "  chi_bo: Chi bộ Khu phố 3\n"
        "chi_bo_xep_loai: trung_binh\n"
        'ly_do: "-->\\n# Tốt | [x](javascript:alert(1))"\n'
        "danh_gia:\n"
        "  D1: 1\n"
        "  D2: 1\n"))


def dangling_link(tmp: Path) -> Path:
    """{tmp}/hong.json, a symbolic link to a file that does not exist (os.link would fail at the end)."""
    (tmp / "hong.json").symlink_to(tmp / "khong-co" / "kq.json")
    return tmp / "hong.json"


def link_loop(tmp: Path) -> Path:
    """{tmp}/vong.json, a symbolic link to itself."""
    (tmp / "vong.json").symlink_to("vong.json")
    return tmp / "vong.json"


def member_with_markup(tmp: Path) -> Path:
    """rich console markup ("[/]", "[bold red]", "[link=…]") in every kind of field."""
    return _write(tmp / "markup.yaml", (
        'ky_danh_gia: "2026"\n'
        "dang_vien:\n"
        '  ho_ten: "[/] [bold red]An[/bold red] [link=http://x.vn]y[/link]"\n'
        '  chi_bo: "[/]"\n'
        "chi_bo_xep_loai: tot\n"
        'ly_do: "[/]x"\n'
        "danh_gia:\n"
        '  "[/]CT1": 1\n'
        '  CT2: "[/]"\n'))


GENERATORS = [member_with_markup, dangling_link, link_loop, rubric_with_include, member_with_local_rubric,
              compare_with_rubric_include, member_with_terminal_escapes, member_forging_markdown]
