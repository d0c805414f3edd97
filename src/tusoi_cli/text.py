"""Vietnamese text helpers: NFC normalisation, diacritics-insensitive folding, sorting keys."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# đ/Đ have no Unicode decomposition, so NFD alone would keep them apart from d/D.
_D_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """Return ``text`` in NFC with surrounding whitespace stripped."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Fold for matching: no diacritics (đ→d), casefolded, single spaces, no separators at the ends.

    "Trung bình", "trung binh", "TRUNG  BÌNH" and NFD input all give ``"trung binh"``;
    underscores count as spaces so that ids like ``trung_binh`` match labels too.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TABLE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("_", " ")
    return _SPACE.sub(" ", bare.casefold()).strip(" .:-")


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to ``word`` (case- and diacritics-insensitive), or None if nothing is close."""
    import difflib

    folded = {fold(c): c for c in choices}
    latin = lookalike_latin(nfkc(word))  # Cyrillic "СТ1" means "CT1": never matched, but named as the hint
    if latin is not None and fold(latin) in folded:
        return folded[fold(latin)]
    match = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


# Characters that show nothing but make two equal-looking texts differ: zero-width spaces and joiners,
# the soft hyphen, word joiners, BOMs inside text, and the bidirectional marks and overrides.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]")
# Letters of other scripts drawn like Latin ones (Cyrillic, Greek): folding them silently would let a
# mistyped id pass for a real one, so they are only used to name the Latin text the user meant.
_LOOKALIKES = str.maketrans({
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ԁ": "D", "а": "a", "с": "c", "е": "e", "о": "o",
    "р": "p", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t",
    "Ϲ": "C", "ϲ": "c", "Ꮯ": "C", "Ꭲ": "T", "Ꭰ": "D", "Ꮮ": "L", "Ᏼ": "B", "Ꭼ": "E", "Ꮋ": "H", "Ꮪ": "S",
})
_LOOKALIKE_RUN = re.compile("([" + "".join(sorted(chr(c) for c in _LOOKALIKES)) + "]+)")


def strip_invisible(text: str) -> str:
    """``text`` without invisible characters (zero-width, soft hyphen, bidi controls)."""
    return _INVISIBLE.sub("", text)


def has_invisible(text: str) -> bool:
    return _INVISIBLE.search(text) is not None


def lookalike_latin(text: str) -> str | None:
    """The Latin text that ``text`` imitates with letters of another script (Cyrillic "СТ1" -> "CT1"),
    or None when it has no such letter."""
    latin = text.translate(_LOOKALIKES)
    return latin if latin != text else None


def nfkc(text: str) -> str:
    """Compatibility forms folded (full-width ＣＴ１ -> CT1), invisible characters removed, NFC. Look-alike
    letters of other scripts are kept as they are (NFKC would turn Greek "Ϲ" into "Σ"), to be named."""
    text = strip_invisible(text)
    if _LOOKALIKE_RUN.search(text) is None:
        return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))
    parts = _LOOKALIKE_RUN.split(text)  # odd parts are look-alike runs
    return unicodedata.normalize("NFC", "".join(part if index % 2 else unicodedata.normalize("NFKC", part)
                                                for index, part in enumerate(parts)))


def is_latin(ch: str) -> bool:
    """A letter of the Latin script (Vietnamese letters included)."""
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


# Characters that act on a terminal or reorder what it shows instead of printing: C0 controls but tab and
# newline, DEL, C1 controls (ESC [ has an 8-bit form, CSI U+009B), the Unicode line and paragraph
# separators, and the bidirectional embeddings, overrides, isolates and marks that can make a line show
# something else than it holds ("Trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_UNSAFE_OR_SPACE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a control or bidi-override character (see :func:`terminal_safe`)."""
    return _UNSAFE.search(text) is not None


def terminal_safe(text: str) -> str:
    """``text`` without the characters a terminal would obey rather than print; tabs and newlines stay."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def one_line(text: str) -> str:
    """``text`` on one line for a table cell or a CSV field: tabs and line breaks become spaces, other
    control and bidi-override characters go."""
    if not _UNSAFE_OR_SPACE.search(text):
        return text
    spaced = text.replace("\r\n", " ").translate(_SPACES)
    return _UNSAFE.sub("", spaced)


_SPACES = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\u2028": " ", "\u2029": " "})


def thousands(number: int) -> str:
    """A whole number in Vietnamese style, dots between thousands: 1.048.576."""
    return f"{number:,}".replace(",", ".")
