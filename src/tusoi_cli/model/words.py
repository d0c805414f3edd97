"""Yes/no words, below the models: a model's validator reads them, and so do the value rules
(:mod:`tusoi_cli.model.values`, which need the models; keeping these apart avoids an import cycle)."""

from __future__ import annotations

from tusoi_cli.text import fold

# Yes/no words in member fields such as ky_luat (folded form); blank means no.
YES_WORDS = frozenset({"co", "x", "1", "true", "yes", "dung", "co ky luat", "bi ky luat"})
NO_WORDS = frozenset({"khong", "0", "false", "no", "sai", "khong ky luat", "khong bi ky luat", ""})


def yes_no(text: str) -> bool | None:
    """True/False for a Vietnamese or English yes/no word, None when it is neither."""
    key = fold(text)
    return True if key in YES_WORDS else False if key in NO_WORDS else None
