"""CSV of batch results for scripts and spreadsheets: one row per member, UTF-8 with BOM for Excel.

Written from the compact members (no detailed result per member), so 100,000 rows stay cheap.
Every field is quoted, and every text field (from the inputs or the rubric) is made safe for a spreadsheet
as OWASP advises ("CSV Injection"): see :func:`safe_text`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import is_
from typing import Any

from tusoi_cli.model import Rating, RatingFlag, Rubric
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.model.raters import final_level
from tusoi_cli.text import one_line

# What makes a spreadsheet read a cell as a formula (OWASP's list; tab and line breaks are made spaces first).
_TRIGGERS = frozenset("=+-@")
# A separator (of this or another locale's CSV dialect) followed by a trigger starts a formula in a reader
# that splits the field there.
_AFTER_SEPARATOR = re.compile(r"([,;|]\s*)(?=[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b])")
# An error literal (#N/A, #DIV/0!, #REF!, #NAME?...) that a spreadsheet would turn into an error value.
_ERROR_LITERAL = re.compile(r"#[A-Za-z][A-Za-z0-9/_]*[!?]?")


def _triggers(text: str) -> bool:
    first = text.lstrip()[:1]
    # full-width and small forms (＝ ＋ － ＠ ﹦…) become the ASCII ones in some readers (NFKC)
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in _TRIGGERS


def safe_text(text: str | None) -> str:
    """``text`` as a spreadsheet will show it, never run it: on one line without control or bidi characters;
    a leading apostrophe when it starts (after spaces) with = + - @ or a full-width form of them, or is an
    error literal such as #N/A; an apostrophe after a , ; | that a trigger follows."""
    if not text:
        return ""
    text = one_line(text)
    if _AFTER_SEPARATOR.search(text):
        text = _AFTER_SEPARATOR.sub(r"\1'", text)
    if _triggers(text) or _ERROR_LITERAL.fullmatch(text.strip()):
        text = "'" + text
    return text


class _Number(str):
    """A number tusoi formatted itself: written as it is (a "-" there is a sign, not a formula)."""

    __slots__ = ()


def _number(value: float) -> str:
    return _Number(f"{value:g}" if abs(value) < 1e15 else repr(value))


class _SafeWriter:
    """csv.writer that quotes every field and passes every text field but tusoi's own numbers through
    :func:`safe_text`."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        # most fields repeat (ids, levels, "", statuses): cleaning each distinct text once halves the time
        # of a province's CSV; bounded, since names and notes rarely repeat
        self._clean: dict[str, str] = {}

    def clean(self, text: str) -> str:
        """:func:`safe_text`, each distinct text computed once."""
        if text.isascii() and text.isalnum():  # member codes, ids: nothing to clean, and too many to remember
            return text
        clean = self._clean.get(text)
        if clean is None:
            if len(self._clean) > 100_000:
                self._clean.clear()
            clean = self._clean[text] = safe_text(text)
        return clean

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([v if type(v) is not str else self.clean(v) for v in row])

    def write_clean_row(self, row: list[Any]) -> None:
        """A row whose text fields the caller already passed through :meth:`clean` or knows to be safe."""
        self._writer.writerow(row)


def _slot_cells(raters: dict[str, Rating], flags: list[RatingFlag] | None, other_slots: list[str],
                rubric: Rubric) -> list[str]:
    """The other slots' levels, the final level and the flags of a member with rater slots."""
    return [*(raters[slot].level if slot in raters else "" for slot in other_slots),
            final_level(rubric, raters) or "", _flags_cell(flags)]


def _flags_cell(flags: list[RatingFlag] | None) -> str:
    """'cell:above_cap:vi_pham_dieu_cam;cell:above_level' (slot, kind and cap of each flag)."""
    return ";".join(f"{f.slot}:{f.kind}" + (f":{f.cap}" if f.cap else "") for f in flags or ())


def batch_csv(batch: BatchResult, chunk_rows: int = 2000) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks (with a BOM first, so Excel reads the diacritics)."""
    rubric = batch.rubric
    pairs = rubric.items()
    ids = [item.id for _, item in pairs]
    levels = rubric.levels
    caps = rubric.caps
    deducting = [section.mode == "deduct" for section, _ in pairs]
    # the rater slots besides self and cell (which have their columns already), then the final level and the flags
    other_slots = [slot.id for slot in rubric.raters if slot.id not in ("self", "cell")]
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    writer.writerow(["stt", "dong", "ho_ten", "ma_dang_vien", "chuc_vu", "score", "score_level", "level",
                     "level_label", "self_level", "self_comparison", "cell_level", "cell_reason", "ky_luat",
                     "caps", "flagged", "unanswered", "not_applicable", "invalid", "status", "status_reason",
                     "complete", "ky_luat_form", *(f"{slot}_level" for slot in other_slots), "final_level",
                     "rating_flags", *(f"points_{s.id}" for s in rubric.sections), *ids])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    texts: dict[float | None, str] = {None: ""}
    safe = writer.clean
    # text from the rubric is cleaned once; ids are safe by their pattern (a letter first)
    level_labels = [safe(level.label) for level in levels]

    def _text(value: float | None) -> str:
        texts[value] = _number(value) if value is not None else ""
        return texts[value]

    # a rubric's scores and section points take few values: each is formatted once (no -0.0 reaches here: the
    # values read are never negative zeros, and sums of them start from 0.0)
    numbers: dict[float, str] = {}

    def _score(value: float) -> str:
        text = numbers.get(value)
        if text is None:
            if len(numbers) > 10_000:
                numbers.clear()
            text = numbers[value] = _number(value)
        return text

    # ids of the deducting items, "" for the others: compress() by the values gives the flagged ones in C
    flag_ids = [item_id if deducts else "" for item_id, deducts in zip(ids, deducting, strict=True)]

    def _answers(values: tuple[float | None, ...], na: tuple[int, ...], invalid: tuple[int, ...]
                 ) -> tuple[str, str, str, list[str]]:
        """The flagged, unanswered and complete columns and the item cells of a member's answers."""
        cells = [texts[v] if v in texts else _text(v) for v in values]
        for i in na:
            cells[i] = "na"
        for i in invalid:
            cells[i] = "!"
        flagged = ";".join(filter(None, compress(flag_ids, values))) if any(values) else ""
        unanswered = "" if None not in values else ";".join(compress(ids, map(is_, values, repeat(None)))) if not (
            na or invalid) else ";".join(ids[i] for i, v in enumerate(values) if v is None and i not in na
                                         and i not in invalid)
        complete = not invalid and values.count(None) == len(na)
        return flagged, unanswered, "1" if complete else "0", cells

    no_slots = [""] * (len(other_slots) + 2)
    # the reader and the engine share rating and flag objects across rows: each combination is written once
    seen_slots: dict[tuple[object, ...], tuple[list[str], object]] = {}

    def slot_cells(m: Any) -> list[str]:
        key = (*((slot, id(r)) for slot, r in m.raters.items()), id(m.flags))
        known = seen_slots.get(key)
        if known is None:
            if len(seen_slots) > 10_000:
                seen_slots.clear()
            known = seen_slots[key] = (_slot_cells(m.raters, m.flags, other_slots, rubric), (m.raters, m.flags))
        return known[0]
    # members repeat each other's answers (most have none to declare): each distinct answer vector is written once
    answered: dict[tuple[float | None, ...], tuple[str, str, str, list[str]]] = {}
    for number, m in enumerate(batch.members, start=1):
        core = m.core
        values, na, invalid = m.values, m.na, m.invalid
        if na or invalid:
            flagged, unanswered, complete, cells = _answers(values, na, invalid)
        else:
            known = answered.get(values)
            if known is None:
                if len(answered) > 20_000:
                    answered.clear()
                known = answered[values] = _answers(values, na, invalid)
            flagged, unanswered, complete, cells = known
        comparison = ""
        rated = m.rated  # exempt / not reviewed: no level (blank level columns), counted apart by status
        if m.tu_xep_loai is not None and rated:
            self_rank = rubric.level_rank(m.tu_xep_loai)
            comparison = "higher" if self_rank < core.rank else "lower" if self_rank > core.rank else "same"
        writer.write_clean_row([
            number, m.line, safe(m.ho_ten), safe(m.ma_dang_vien or ""), safe(m.chuc_vu or ""),
            _score(core.score), levels[core.score_rank].id if rated else "", levels[core.rank].id if rated else "",
            level_labels[core.rank] if rated else "",
            m.tu_xep_loai or "", comparison, m.chi_bo_xep_loai or "", safe(m.ly_do or ""), "1" if m.ky_luat else "0",
            ";".join(caps[index].id for index, _ in core.caps), flagged, unanswered,
            ";".join(ids[i] for i in na), ";".join(ids[i] for i in invalid),
            m.status, safe(m.status_reason or ""), complete, m.ky_luat_form or "",
            *(slot_cells(m) if m.raters else no_slots),
            *map(_score, core.section_points), *cells,
        ])
        if number % chunk_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
