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
