"""The JSON document of ``tusoi compare``: stable and documented (docs/compare.md), for scripts.

Codes (``status``, ``reason``, ``matched_by``, ``level_change``...) are English and stable; each sits
beside the Vietnamese label shown to people (``status_label``...). Dates are ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tusoi_cli.model.compare import (
    LEVEL_CHANGE_LABELS,
    MATCH_LABELS,
    NO_LEVEL_CHANGE_LABEL,
    REASON_LABELS,
    STATUS_LABELS,
    Ambiguous,
    Comparison,
    ItemChange,
    MemberComparison,
    Period,
    Plan,
    Record,
    Unclear,
    Unmatched,
)
from tusoi_cli.render.data import head_and_members_json, problem_dict

FORMAT_VERSION = 1


def comparison_dict(c: Comparison, *, tool_version: str) -> dict[str, Any]:
    """The whole document as a dict; ``members`` comes last (see :func:`comparison_json`)."""
    return {**_head(c, tool_version), "members": [member_dict(m) for m in c.members]}


def comparison_json(c: Comparison, *, tool_version: str) -> Iterator[str]:
    """The document as JSON text, in pieces: the head indented, then one member per line (a province
    compares 100,000 members; this keeps the text small and the memory flat)."""
    yield from head_and_members_json(_head(c, tool_version), c.members, member_dict)


def _head(c: Comparison, tool_version: str) -> dict[str, Any]:
    totals = c.totals()
    share = c.fixed_share
    return {
        "tool": "tusoi", "tool_version": tool_version, "format": "tusoi-compare", "format_version": FORMAT_VERSION,
        "today": c.today.isoformat(),
        "old": _period(c.old),
        "new": _period(c.new),
        "summary": {
            "members": {
                "old": len(c.old.records), "new": len(c.new.records), "matched": len(c.members),
                "matched_by": c.matched_by(),
                "unmatched_old": sum(1 for u in c.unmatched if u.side == "old"),
                "unmatched_new": sum(1 for u in c.unmatched if u.side == "new"),
                "ambiguous": sum(len(a.old) + len(a.new) for a in c.ambiguous),
            },
            "shortcomings": {**totals, "fixed_share": round(share, 4) if share is not None else None},
            "levels": [{"id": lv.id, "label": lv.label, "old": lv.old, "new": lv.new} for lv in c.levels],
            "persistent_items": [s.id for s in c.persistent_items],
            "persistent_share": c.persistent_share,
        },
        "items": [{"id": s.id, "title": s.title, "section": s.section, "old_members": s.old, "new_members": s.new,
                   **s.counts, "persisting": s.persisting, "persistent": s.persistent} for s in c.items],
        "unmatched": [_unmatched(u) for u in c.unmatched],
        "ambiguous": [_ambiguous(a) for a in c.ambiguous],
        "rubric_changes": [{"old": {"id": r.old_id, "version": r.old_version},
                            "new": {"id": r.new_id, "version": r.new_version},
                            "removed": list(r.removed), "added": list(r.added), "rescaled": list(r.rescaled)}
                           for r in c.rubric_changes],
        "notes": list(c.notes),
    }


def member_dict(m: MemberComparison) -> dict[str, Any]:
    change = m.level_change
    return {
        "ho_ten": m.ho_ten, "ma_dang_vien": m.ma_dang_vien,
        "matched_by": m.matched_by, "matched_by_label": MATCH_LABELS[m.matched_by],
        "old": _snapshot(m.old), "new": _snapshot(m.new),
        "score_change": m.score_change,
        "level_change": change, "level_change_label": LEVEL_CHANGE_LABELS[change] if change else NO_LEVEL_CHANGE_LABEL,
        "counts": m.counts(),
        "items": [item_dict(i) for i in m.changes],
        "not_comparable": [unclear_dict(u) for u in m.unclear],
    }


def item_dict(i: ItemChange) -> dict[str, Any]:
    return {"id": i.id, "title": i.title, "section": i.section, "status": i.status,
            "status_label": STATUS_LABELS[i.status], "overdue": i.overdue,
            "old_value": i.old_value, "old_label": i.old_label, "new_value": i.new_value, "new_label": i.new_label,
            "old_plan": _plan(i.old_plan), "new_plan": _plan(i.new_plan)}


def unclear_dict(u: Unclear) -> dict[str, Any]:
    return {"id": u.id, "title": u.title, "section": u.section, "reason": u.reason,
            "reason_label": REASON_LABELS[u.reason], "deadline_passed": u.deadline_passed,
            "old_state": u.old_state, "old_value": u.old_value, "old_label": u.old_label,
            "new_state": u.new_state, "new_value": u.new_value, "new_label": u.new_label,
            "old_plan": _plan(u.old_plan), "new_plan": _plan(u.new_plan)}


def _plan(plan: Plan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {"bieu_hien": plan.bieu_hien, "khac_phuc": plan.khac_phuc,
            "han_khac_phuc": plan.han_khac_phuc.isoformat() if plan.han_khac_phuc else None}


def _snapshot(r: Record) -> dict[str, Any]:
    return {"ho_ten": r.ho_ten, "ma_dang_vien": r.ma_dang_vien, "source": r.source, "row": r.row,
            "ky_danh_gia": r.ky_danh_gia, "chi_bo": r.chi_bo, "rubric": r.rubric.id, "rubric_version": r.rubric.version,
            "score": r.score, "level": r.level, "level_label": r.level_label(), "cell_level": r.cell_level,
            "complete": r.complete}


def _who(r: Record) -> dict[str, Any]:
    return {"ho_ten": r.ho_ten, "ma_dang_vien": r.ma_dang_vien, "source": r.source, "row": r.row}


def _unmatched(u: Unmatched) -> dict[str, Any]:
    return {"side": u.side, **_who(u.record), "reason": u.reason, "reason_label": u.label,
            "other": _who(u.other) if u.other is not None else None}


def _ambiguous(a: Ambiguous) -> dict[str, Any]:
    return {"by": a.by, "key": a.key, "reason_label": a.label, "old": [_who(r) for r in a.old],
            "new": [_who(r) for r in a.new]}


def _period(p: Period) -> dict[str, Any]:
    return {"source": p.source, "kind": p.kind, "sheet": p.sheet, "periods": p.periods(), "cells": p.cells(),
            "rubrics": [{"id": r.id, "version": r.version} for r in p.rubrics()], "members": len(p.records),
            "deadlines": p.has_deadlines, "errors": [problem_dict(x) for x in p.problems], "failed": p.failed}
