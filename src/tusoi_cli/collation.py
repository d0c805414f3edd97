"""Vietnamese alphabetical order with the standard library only (no PyICU).

The order follows the Vietnamese alphabet ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y``
(foreign ``f j w z`` in their Latin places), like ICU's ``vi`` collation:

* primary: the letters, where ``ă â đ ê ô ơ ư`` are letters of their own (so "Anh" < "Ăn" < "Ân" < "Bình");
* secondary: the tone of each syllable, none < huyền < hỏi < ngã < sắc < nặng ("Anh" < "Ánh");
* tertiary: case, lower before upper ("anh" < "Anh");
* last, the normalised text itself, so that distinct strings never compare equal.

A level is only looked at when all earlier levels are equal over the *whole* string, as in ICU.
Input may be NFC, NFD or composed by an input method (base letter + combining tone), and the
tone may sit on either vowel ("Hoà"/"Hòa", "Thuý"/"Thúy"): the tone is taken per syllable, so
both spellings are equal on the first two levels. Whitespace runs count as one space and
leading/trailing whitespace is ignored. Spaces and punctuation sort before digits, digits
before letters, Vietnamese/Latin letters before letters of other scripts.

Each key is built from three ``str.translate`` passes over the NFC text, so keys are cheap
(about 10⁵ names per second) and compare as plain tuples of strings.
"""

from __future__ import annotations

import unicodedata

__all__ = ["name_key", "sort_key"]

_ALPHABET = tuple("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
# Primary codes of the letters: private-use code points, above ASCII and Latin-1 punctuation and digits.
_LETTER_BASE = 0xE000
_PRIMARY_OF_LETTER = {letter: chr(_LETTER_BASE + rank) for rank, letter in enumerate(_ALPHABET)}
# Letters of other scripts keep their relative order, after every Vietnamese/Latin letter.
_OTHER_LETTER_BASE = 0x10000

# Combining marks that make a letter of its own (on the given base letters).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_MODIFIED = {("a", _BREVE): "ă", ("a", _CIRCUMFLEX): "â", ("e", _CIRCUMFLEX): "ê",
             ("o", _CIRCUMFLEX): "ô", ("o", _HORN): "ơ", ("u", _HORN): "ư"}
# Tone marks -> secondary weight (none sorts first, as the absence of a digit).
_TONES = {"\u0300": "1", "\u0340": "1",  # huyền (grave)
          "\u0309": "2",                 # hỏi (hook above)
          "\u0303": "3",                 # ngã (tilde)
          "\u0301": "4", "\u0341": "4",  # sắc (acute)
          "\u0323": "5"}                 # nặng (dot below)

# What one character contributes to each level; None drops it from that level.
_Weights = tuple[str | None, str | None, str | None]


def _weights(ch: str) -> _Weights:
    """(primary, tone, case) for one NFC character.

    On the tone level every non-letter becomes a space, so that when two strings have equal
    primaries their tone strings line up syllable by syllable.
    """
    if ch in "đĐ":
        return _PRIMARY_OF_LETTER["đ"], None, "1" if ch == "Đ" else "0"
    if ch in _TONES:  # a tone mark that did not compose with the letter before it
        return None, _TONES[ch], None
    if unicodedata.combining(ch):
        return None, None, None
    if ch.isspace():
        return " ", " ", None
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    lower = base.lower()
    if len(lower) == 1 and "a" <= lower <= "z":
        letter = lower
        tone: str | None = None
        for mark in marks:
            if (letter, mark) in _MODIFIED:
                letter = _MODIFIED[letter, mark]
            elif mark in _TONES:
                tone = _TONES[mark]
        case = "0" if base == lower else "1"
        return _PRIMARY_OF_LETTER[letter], tone, case
    if unicodedata.category(ch).startswith("L"):
        folded = ch.lower()
        primary = chr(_OTHER_LETTER_BASE + ord(folded[0])) if ord(folded[0]) < 0xF0000 else folded
        return primary, None, "0" if ch == folded else "1"
    return ch, " ", None  # digits, punctuation, symbols: their own code point, before letters


class _Level(dict[int, str | None]):
    """A ``str.translate`` table for one level, filled in lazily for characters not seen yet."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def __missing__(self, code: int) -> str | None:
        value = _weights(chr(code))[self.level]
        self[code] = value
        return value


_PRIMARY, _TONE, _CASE = _Level(0), _Level(1), _Level(2)


def _warm() -> None:
    """Fill the tables with the characters of Vietnamese names, so the common path never misses."""
    chars = set("".join(_ALPHABET) + "".join(_ALPHABET).upper() + " 0123456789.,-'()/")
    for vowel in "aăâeêioôơuưy":
        for tone in "\u0300\u0309\u0303\u0301\u0323":
            for letter in (vowel, vowel.upper()):
                chars.add(unicodedata.normalize("NFC", letter + tone))
    for ch in chars:
        for table in (_PRIMARY, _TONE, _CASE):
            table.__missing__(ord(ch))


_warm()


def _clean(text: str) -> str:
    """NFC with whitespace runs collapsed to one space and the ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sort_key(text: str) -> tuple[str, str, str, str]:
    """Key for sorting Vietnamese text alphabetically: ``sorted(words, key=sort_key)``.

    The tuple is (letters, tones, case, normalised text); see the module docstring.
    """
    clean = _clean(text)
    return clean.translate(_PRIMARY), clean.translate(_TONE), clean.translate(_CASE), clean


def name_key(full_name: str) -> tuple[str, str, str, str, str, str, str]:
    """Key for a roster of Vietnamese full names: given name first, then family and middle names.

    "Trần Văn An" < "Nguyễn Thị Bình" < "Lê Văn Đức" (An < Bình < Đức); names with the same given
    name follow their family and middle names ("Nguyễn Văn An" < "Trần Văn An"); the whole
    normalised name breaks any remaining tie.
    """
    clean = _clean(full_name)
    family, _, given = clean.rpartition(" ")
    return (given.translate(_PRIMARY), given.translate(_TONE), given.translate(_CASE),
            family.translate(_PRIMARY), family.translate(_TONE), family.translate(_CASE), clean)
