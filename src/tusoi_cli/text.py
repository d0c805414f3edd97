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
    match = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


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
