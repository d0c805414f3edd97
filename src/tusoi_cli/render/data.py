"""JSON and YAML documents of results: the stable, documented format for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from tusoi_cli.errors import Problem
from tusoi_cli.model import STATUS_LABELS, InForceWarning, MemberResult, Rubric
from tusoi_cli.model.compiled import NO_ANSWER_REASON
from tusoi_cli.model.previous import NOT_CHECKED_WHY
from tusoi_cli.model.raters import final_level

if TYPE_CHECKING:
    from tusoi_cli.model.batch import BatchMember, BatchResult, BatchSummary
    from tusoi_cli.model.meeting import QuotaResult

T = TypeVar("T")

# Sums of float weights are rounded as the engine rounds them (scoring._PRECISION), so equal numbers print equal.
_PRECISION = 9
# Pieces (members and separators) per chunk of the streamed batch JSON (a member is ~14 KB of text).
_CHUNK_PIECES = 128


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "column": problem.column,
            "message": problem.message, "hint": problem.hint}


def result_dict(result: MemberResult, problems: list[Problem] | None = None,
                warnings: list[InForceWarning] | None = None) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    data["problems"] = [problem_dict(p) for p in problems or []]
    if warnings is not None:  # a member file's own; a batch states its rubric's once, at the top level
        data["warnings"] = [w.model_dump(mode="json") for w in warnings]
    return data


def head_and_members_json(head: dict[str, Any], members: Sequence[T], member_dict: Callable[[T], dict[str, Any]],
                          ) -> Iterator[str]:
    """A document as JSON text in pieces: ``head`` indented, then ``"members"`` last, one member per line (a
    province compares 100,000 members; this keeps the text small and the memory flat)."""
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield text[:-2] + ',\n  "members": ['
    for index, member in enumerate(members):
        yield ("," if index else "") + "\n    " + json.dumps(member_dict(member), ensure_ascii=False)
    yield ("\n  " if members else "") + "]\n}\n"


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def to_yaml(payload: Any) -> str:
    import yaml

    return yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=100)


def batch_json(batch: BatchResult, summary: BatchSummary, *, detailed: bool = False,
               meeting: tuple[QuotaResult | None, dict[str, list[str]]] | None = None) -> Iterator[bytes]:
    """The batch as one JSON document, streamed member by member (a province's batch is large), as UTF-8 made
    safe to show (:func:`~tusoi_cli.render.safe.json_text`).

    ``{"source", "sheet", "rubric": {id, version}, "members": [... fields of score --format json + "row"],
    "counts": {"members", "reviewed", "exempt", "not_reviewed", "provisional", "with_unanswered", "with_invalid",
    "levels"}, "errors": [...],
    "failed_rows", "blank_rows", "ignored_rows", "notes"}``, and with ``meeting`` (the quota check and who is
    missing, engine.quota.batch_meeting) ``"quota"`` (null when the rubric declares none) and ``"missing"``.

    ``failed_rows`` are the rows that could not be tied to a person (no name); a member row with problems
    (a bad cell) is a member, scored provisionally, and its problems are under ``errors`` with its row.

    A member's record is written straight from its compact form (:class:`MemberJson`), the same text its
    detailed result gives; a member that carries details (a YAML file's bieu_hien, khac_phuc...) or an already
    built result goes through its detailed result. ``detailed=True`` sends every member that way (the reference
    the fast path is tested against).
    """
    head = {"source": batch.source, "sheet": batch.sheet,
            "rubric": {"id": batch.rubric.id, "version": batch.rubric.version}}
    yield _safe(json.dumps(head, ensure_ascii=False)[:-1] + ', "members": [\n')
    fast = None if detailed else MemberJson(batch.rubric)
    pieces: list[bytes] = []
    for index, member in enumerate(batch.members):
        if index:
            pieces.append(b",\n")
        if fast is not None and member.result is None and member.evaluation is None and fast.plain(member):
            pieces.append(fast.dumps(member))
        else:
            data = result_dict(batch.result_of(member))
            data["row"] = member.line
            pieces.append(_safe(_ENCODER.encode(data)))
        if len(pieces) >= _CHUNK_PIECES:
            yield b"".join(pieces)
            pieces.clear()
    if pieces:
        yield b"".join(pieces)
    counts: dict[str, Any] = {"members": len(batch.members), **summary.statuses,
                              "provisional": summary.provisional, "with_unanswered": summary.with_unanswered,
                              "with_invalid": summary.with_invalid, "levels": summary.levels}
    tail = {"counts": counts, "errors": [problem_dict(p) for p in batch.problems], "failed_rows": batch.failed_rows,
            "blank_rows": batch.blank_rows, "ignored_rows": batch.ignored_rows, "notes": batch.notes,
            "warnings": [w.model_dump(mode="json") for w in batch.warnings]}
    if meeting is not None:
        quota, missing = meeting
        tail["quota"] = quota.model_dump(mode="json") if quota is not None else None
        tail["missing"] = missing
    yield _safe("\n], " + json.dumps(tail, ensure_ascii=False, indent=1)[1:] + "\n")


# json.dumps(value, ensure_ascii=False) without building an encoder per call
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _c_encoder() -> Callable[[Any], str]:
    """``_ENCODER.encode`` with its C encoder built once (JSONEncoder builds one per call: a third of the time of
    a member's small dicts). Same text: same separators and string encoder, no circular check (records are trees)."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return _ENCODER.encode
    one_shot = make(None, _ENCODER.default, encoder.encode_basestring, None, ": ", ", ", False, False, True)

    def encode(value: Any) -> str:
        return "".join(one_shot(value, 0))

    return encode


_encode = _c_encoder()


def _safe(text: str) -> bytes:
    """JSON text as UTF-8, with the characters a terminal would obey escaped (json_text)."""
    from tusoi_cli.render.safe import json_text

    return json_text(text).encode("utf-8")


class MemberJson:
    """One compact member's JSON record, the text ``result_dict(result) + {"row"}`` gives for its detailed result
    (same keys, order and numbers), without building that result: 100,000 members in seconds, not a minute.

    Most of a record is the rubric's item texts, which repeat: each item's text is made once per answered value
    (and for unanswered, na) and kept as UTF-8; a member's record joins them. The fields mirror the engine's
    ``score_member`` (``engine/scoring.py``); tests/render/test_batch_json.py holds the two texts equal over every
    kind of member.
    """

    def __init__(self, rubric: Rubric) -> None:
        from tusoi_cli.model.values import readers

        self.rubric = rubric
        scale_readers = readers(rubric)
        self.ids: list[str] = []
        self.weights: list[float] = []
        self.deducting: list[bool] = []
        self.labels: list[Callable[[float | None], str | None]] = []
        self.static: list[dict[str, Any]] = []  # the fields of an item that do not depend on the answer
        self.spans: list[tuple[int, int]] = []  # items of section s: ids[start:end]
        self.section_of: list[int] = []
        for s, section in enumerate(rubric.sections):
            reader = scale_readers[section.scale]
            self.spans.append((len(self.ids), len(self.ids) + len(section.items)))
            for item in section.items:
                self.ids.append(item.id)
                self.section_of.append(s)
                self.weights.append(item.weight)
                self.deducting.append(section.mode == "deduct")
                self.labels.append(reader.label)
                self.static.append({"id": item.id, "section": section.id, "title": item.title})
        # per item: its text by answered value (None: unanswered), filled as values are met
        self.texts: list[dict[float | None, bytes]] = [{None: self._item(i, "unanswered", None)}
                                                        for i in range(len(self.ids))]
        self.na = [self._item(i, "na", None) for i in range(len(self.ids))]
        self.cap_rank = [rubric.level_rank(cap.at_most) for cap in rubric.caps]
        self.caps = [{"id": cap.id, "at_most": cap.at_most, "at_most_label": rubric.level(cap.at_most).label,
                      "reason": cap.reason} for cap in rubric.caps]
        self.sections: dict[tuple[Any, ...], bytes] = {}
        self.meeting: dict[tuple[Any, ...], tuple[dict[str, Any], object]] = {}
        self.not_checked = [{**cap, "why": NOT_CHECKED_WHY} for cap in self.caps]

    def plain(self, m: BatchMember) -> bool:
        """Whether the fast record holds for ``m``: a member carrying the previous period has it computed
        (``previous``, set by the engine with ``ky_truoc``)."""
        return m.ky_truoc is None or m.previous is not None

    def _item(self, i: int, state: str, value: float | None, error: str | None = None) -> bytes:
        return _safe(_encode({
            **self.static[i], "state": state, "value": value,
            "label": self.labels[i](value) if value is not None else None,
            "points": round((value or 0.0) * self.weights[i], _PRECISION), "flagged": self.deducting[i] and bool(value),
            "bieu_hien": None, "khac_phuc": None, "han_khac_phuc": None, "error": error}))

    def dumps(self, m: BatchMember) -> bytes:
        """The member's record as one line of JSON, UTF-8."""
        rubric, ids, core = self.rubric, self.ids, m.core
        values, na, invalid = m.values, m.na, m.invalid
        texts: list[bytes | None] = list(map(dict.get, self.texts, values))
        if None in texts or not _FLOATS.issuperset(map(type, values)):
            texts = [self._answered(i, v) for i, v in enumerate(values)]
        states: list[str] | None = None  # only built when some item is na or invalid
        if na or invalid:
            states = ["unanswered" if v is None else "answered" for v in values]
            for i in na:
                texts[i] = self.na[i]
                states[i] = "na"
            errors = m.errors or {}
            for i in invalid:
                texts[i] = self._item(i, "invalid", None, errors.get(i))
                states[i] = "invalid"
        if None not in values:
            unanswered = []
        elif states is None:
            unanswered = [ids[i] for i, v in enumerate(values) if v is None]
        else:
            unanswered = [ids[i] for i, state in enumerate(states) if state == "unanswered"]
        stated = m.status if m.status_reason != NO_ANSWER_REASON else "reviewed"
        status, reason = stated, m.status_reason
        if stated == "reviewed" and len(unanswered) == len(ids):
            status, reason = "not_reviewed", NO_ANSWER_REASON
        rated = status == "reviewed"
        levels = rubric.levels
        level = levels[core.rank] if rated else None
        head = {"source": m.source, "rubric": rubric.id, "rubric_version": rubric.version, "ho_ten": m.ho_ten,
                "ma_dang_vien": m.ma_dang_vien, "chi_bo": m.chi_bo, "chuc_vu": m.chuc_vu,
                "ky_danh_gia": m.ky_danh_gia, "status": status, "status_label": STATUS_LABELS[status],
                "status_reason": reason, "score": core.score,
                "score_level": levels[core.score_rank].id if rated else None,
                "level": level.id if level else None, "level_label": level.label if level else None,
                "caps": [{**self.caps[n], "items": [ids[i] for i in matched]} for n, matched in core.caps]}
        self_comparison = None
        if m.tu_xep_loai is not None and rated:
            self_rank = rubric.level_rank(m.tu_xep_loai)
            self_comparison = "higher" if self_rank < core.rank else "lower" if self_rank > core.rank else "same"
        next_level = None
        if rated and core.rank > 0:
            target = levels[core.rank - 1]
            gap = max(0.0, (target.min_score or 0.0) - core.score)
            next_level = {"level": target.id, "label": target.label, "score_gap": round(gap, _PRECISION),
                          "blocking_caps": [rubric.caps[n].id for n, _ in core.caps
                                            if self.cap_rank[n] > core.rank - 1]}
        deducting = self.deducting
        if not any(values):
            flagged = []
        elif states is None:
            flagged = [ids[i] for i, v in enumerate(values) if v and deducting[i]]
        else:
            flagged = [ids[i] for i, v in enumerate(values) if v and deducting[i] and states[i] == "answered"]
        invalid_ids = [ids[i] for i in sorted(set(invalid))]
        tail = {"flagged": flagged, "unanswered": unanswered,
                "not_applicable": [ids[i] for i in sorted(set(na)) if states and states[i] == "na"],
                "invalid": invalid_ids, "ky_luat": m.ky_luat, "ky_luat_form": m.ky_luat_form,
                "self_level": m.tu_xep_loai, "self_comparison": self_comparison, "cell_level": m.chi_bo_xep_loai,
                "cell_reason": m.ly_do, "next_level": next_level,
                "complete": not invalid_ids and not unanswered and not core.open_cap, **self._meeting(m),
                "previous_shortcomings": None if m.previous is None else
                [p.model_dump(mode="json") for p in m.previous],
                "caps_not_checked": [self.not_checked[n] for n in core.unchecked] if core.unchecked else [],
                "problems": [], "row": m.line}
        return b"".join((_safe(_encode(head)[:-1]), b', "sections": ', self._sections(m, states),
                         b', "items": [', b", ".join(texts), b"], ",  # type: ignore[arg-type]
                         _safe(_encode(tail)[1:])))

    def _meeting(self, m: BatchMember) -> dict[str, Any]:
        """The rater slots' fields of the record (as score_member makes them)."""
        if not m.raters:
            return _NO_RATERS
        # the reader and the engine share their rating and flag objects across rows: each combination once
        key = (*((slot, id(r)) for slot, r in m.raters.items()), id(m.flags))
        known = self.meeting.get(key)
        if known is None:
            if len(self.meeting) > 10_000:
                self.meeting.clear()
            final = final_level(self.rubric, m.raters)
            fields = {"raters": {slot: rating.model_dump(mode="json") for slot, rating in m.raters.items()},
                      "final_level": final, "final_level_label": self.rubric.level(final).label if final else None,
                      "rating_flags": [flag.model_dump(mode="json") for flag in m.flags or ()], "vote": None}
            known = self.meeting[key] = (fields, (m.raters, m.flags))  # the objects kept alive: ids stay theirs
        return known[0]

    def _answered(self, i: int, value: float | None) -> bytes:
        if type(value) is not float and value is not None:  # 1, 1.0 and True are one dict key, not one text
            return self._item(i, "answered", value)
        seen = self.texts[i]
        text = seen.get(value)
        if text is None:
            if len(seen) > 1000:  # a points scale may have many values; keep the memory bounded
                seen.clear()
                seen[None] = self._item(i, "unanswered", None)
            text = seen[value] = self._item(i, "answered", value)
        return text

    def _sections(self, m: BatchMember, states: list[str] | None) -> bytes:
        core, values, spans = m.core, m.values, self.spans
        if states is None:
            answered = [end - start - values[start:end].count(None) for start, end in spans]
            na = invalid = [0] * len(spans)
        else:
            answered, na, invalid = ([states[start:end].count(state) for start, end in spans]
                                     for state in ("answered", "na", "invalid"))
        key = (*core.section_points, *core.section_flagged, *answered, *na, *invalid)
        text = self.sections.get(key)
        if text is None:
            if len(self.sections) > 10_000:
                self.sections.clear()
            rows = []
            for s, section in enumerate(self.rubric.sections):
                start, end = spans[s]
                rows.append({"id": section.id, "title": section.title, "mode": section.mode,
                             "points": core.section_points[s], "max": section.max,
                             "flagged": core.section_flagged[s], "answered": answered[s],
                             "unanswered": end - start - answered[s] - na[s] - invalid[s],
                             "not_applicable": na[s], "invalid": invalid[s]})
            text = self.sections[key] = _safe(_encode(rows))
        return text


_FLOATS = frozenset({float, type(None)})
_NO_RATERS: dict[str, Any] = {"raters": {}, "final_level": None, "final_level_label": None, "rating_flags": [],
                              "vote": None}
