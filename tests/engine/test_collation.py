"""Vietnamese alphabetical order (tusoi_cli.collation): hand-written expected orders, NFC/NFD, case, ICU."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tusoi_cli.collation import name_key, sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def words(text: str) -> list[str]:
    return text.split()


def shuffled(items: list[str], seed: int = 7) -> list[str]:
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


def assert_sorts_as(expected: list[str]) -> None:
    for seed in range(5):
        assert sorted(shuffled(expected, seed), key=sort_key) == expected
    assert sorted(reversed(expected), key=sort_key) == expected


# --- primary level: the Vietnamese alphabet -------------------------------------------------------


def test_given_names_in_alphabet_order() -> None:
    assert_sorts_as(["An", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đào", "Đức", "Hà"])


def test_alphabet_letters() -> None:
    assert_sorts_as(list("aăâbcdđeêghiklmnoôơpqrstuưvxy"))


def test_same_order_as_icu_vi() -> None:
    # ICU 72.1 vi_VN order, recorded in notes/ecosystem.md §5.
    assert_sorts_as(words("a à ả ã á ạ an anh Anh ành ánh ă ằ ăn â ân b d đ"))


def test_modified_letters_are_primary_not_accents() -> None:
    # ă â đ ê ô ơ ư are letters: they decide before any tone does ("Tú" < "Tư" although only Tú has a tone).
    assert_sorts_as(["Tu", "Tú", "Tư", "Từ", "Tứ"])
    assert_sorts_as(["Dương", "Đa", "Đăng"])
    assert_sorts_as(["Ôn", "Ổn", "Ơn", "Ớn", "Phan"])
    assert_sorts_as(["Uyên", "Ưng", "Ước", "Vân"])
    assert_sorts_as(["Em", "Ém", "Ếch", "Êm", "Gấm"])  # ê-c before ê-m
    # the DUCET/pyuca mistake: "ăn" must come after every "an..." word
    assert_sorts_as(["an", "anh", "ánh", "ăn"])


def test_foreign_letters_in_their_latin_places() -> None:
    assert_sorts_as(["Êm", "Fa", "Ga", "Ích", "Jun", "Kha"])
    assert_sorts_as(["Vũ", "Wu", "Xuân", "Yến", "Zô"])


def test_space_digits_letters() -> None:
    # like ICU: a space sorts before any letter, digits before letters
    assert_sorts_as(["An", "An Bình", "Anh"])
    assert_sorts_as(["Tổ 10", "Tổ 2", "Tổ A"])  # digits compare as characters, not as numbers


# --- secondary level: tones -----------------------------------------------------------------------


def test_tone_order() -> None:
    assert_sorts_as(["ma", "mà", "mả", "mã", "má", "mạ"])
    assert_sorts_as(["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mai"])


def test_letters_before_tones_over_the_whole_string() -> None:
    # the tone of the first syllable does not beat a letter difference later on
    assert_sorts_as(["Hà An", "Ha Anh"])
    assert_sorts_as(["Ánh", "anh B"])


def test_tones_syllable_by_syllable() -> None:
    assert_sorts_as(["Ha Nam", "Ha Nám", "Hà Nam", "Hà Nám"])


def test_old_and_new_tone_placement_equal_on_letters_and_tones() -> None:
    for old, new in [("Hoà", "Hòa"), ("Thuý", "Thúy"), ("Khoẻ", "Khỏe"), ("Hoá", "Hóa"), ("Toạ", "Tọa")]:
        assert sort_key(old)[:2] == sort_key(new)[:2]
        assert sort_key(old) != sort_key(new)  # still a total order: the text itself breaks the tie
    ordered = sorted(["Hoả", "Hòa", "Hoa", "Hoà", "Hoạ", "Hóa"], key=sort_key)
    assert ordered[0] == "Hoa"
    assert set(ordered[1:3]) == {"Hoà", "Hòa"}
    assert ordered[3:] == ["Hoả", "Hóa", "Hoạ"]


# --- tertiary level: case -------------------------------------------------------------------------


def test_case_is_tertiary() -> None:
    assert_sorts_as(["anh", "Anh", "ANH", "ành"])
    assert sort_key("NGUYỄN VĂN AN")[:2] == sort_key("nguyễn văn an")[:2]
    assert_sorts_as(["nguyễn văn an", "Nguyễn Văn An", "NGUYỄN VĂN AN", "Nguyễn Văn Ân"])


# --- normalisation --------------------------------------------------------------------------------

NAMES = ["Nguyễn Thị Ánh Đào", "Trần Văn Ẩn", "Lê Thị Thuỷ", "Phạm Hữu Ước", "Đặng Quốc Bảo", "Võ Thị Ngọc Hoà"]


@pytest.mark.parametrize("name", NAMES)
def test_nfd_and_nfc_give_the_same_key(name: str) -> None:
    assert nfd(name) != name
    assert sort_key(nfd(name)) == sort_key(name)
    assert name_key(nfd(name)) == name_key(name)


def test_input_method_composition() -> None:
    # Unikey "tổ hợp": precomposed ê followed by a combining tilde, neither NFC nor NFD
    composed = "Nguy\u00ea\u0303n"
    assert composed not in (unicodedata.normalize("NFC", composed), nfd(composed))
    assert sort_key(composed) == sort_key("Nguyễn")


def test_whitespace_is_collapsed() -> None:
    assert sort_key("Võ Thị Ánh   ") == sort_key("Võ Thị Ánh")
    assert sort_key("  Võ  Thị\tÁnh") == sort_key("Võ Thị Ánh")
    assert name_key("Võ  Thị Ánh ") == name_key("Võ Thị Ánh")


vietnamese_text = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ \u0300\u0301\u0303\u0309\u0323", max_size=20)


@given(vietnamese_text)
def test_any_normal_form_gives_the_same_key(text: str) -> None:
    key = sort_key(text)
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert sort_key(unicodedata.normalize(form, text)) == key


@given(st.lists(vietnamese_text, max_size=12))
def test_keys_are_equal_only_for_the_same_normalised_text(texts: list[str]) -> None:
    # so the order never depends on the input order, except between spellings of the same text
    once = [sort_key(t) for t in sorted(texts, key=sort_key)]
    assert [sort_key(t) for t in sorted(reversed(texts), key=sort_key)] == once
    for a in texts:
        for b in texts:
            same = words(unicodedata.normalize("NFC", a)) == words(unicodedata.normalize("NFC", b))
            assert (sort_key(a) == sort_key(b)) == same


# --- roster order ---------------------------------------------------------------------------------


def test_roster_by_given_name() -> None:
    expected = ["Trần Văn An", "Nguyễn Thị Bình", "Lê Văn Đức"]
    assert sorted(shuffled(expected), key=name_key) == expected
    assert sorted(reversed(expected), key=name_key) == expected


def test_roster_ties_on_given_name_follow_family_and_middle_names() -> None:
    expected = [
        "Hoàng An",             # given "An", family "Hoàng"
        "Nguyễn Văn An",
        "Trần Văn An",
        "Lê Thị Anh",
        "Đỗ Thị Ngọc Ánh",      # tone of the given name first, then the family name: Đỗ before Lê
        "Lê Thị Ánh",
        "Bảo",                  # a one-word name: given "Bảo", no family name
        "Đặng Quốc Bảo",
        "Bùi Thị Hoà",          # Hoà/Hòa are the same given name; the family name decides
        "Phạm Thị Hòa",
        "Vũ Hoàng Long",
        "Ngô Văn Ước",
    ]
    for seed in range(5):
        assert sorted(shuffled(expected, seed), key=name_key) == expected


def test_roster_is_not_plain_alphabetical() -> None:
    names = ["Lê Văn Đức", "Nguyễn Thị Bình", "Trần Văn An"]
    assert sorted(names, key=sort_key) == names  # by family name: Lê < Nguyễn < Trần
    assert sorted(names, key=name_key) == names[::-1]  # by given name: An < Bình < Đức


# --- cross-check with ICU: an order ICU 72 (vi_VN) produced, committed, checked on every run -----------
# (remade with tests/fixtures/collation/make_icu_order.py where PyICU is installed)

ICU_ORDER = Path(__file__).resolve().parents[1] / "fixtures" / "collation" / "icu-vi.json"


def test_matches_the_icu_vietnamese_order() -> None:
    data = json.loads(ICU_ORDER.read_text(encoding="utf-8"))
    icu_order: list[str] = data["by_name"]
    assert len(icu_order) == 3000
    names = icu_order[:]
    random.Random(7).shuffle(names)
    assert [sort_key(n)[:3] for n in sorted(names, key=sort_key)] == [sort_key(n)[:3] for n in icu_order]
    roster: list[str] = data["roster"]
    assert sorted(roster) == sorted(icu_order)
    assert [name_key(n)[:6] for n in sorted(names, key=name_key)] == [name_key(n)[:6] for n in roster]
