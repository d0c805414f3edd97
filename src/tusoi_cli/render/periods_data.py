"""The JSON document of ``tusoi compare`` over three or more periods (``format_version`` 2, documented in
docs/compare.md). Two periods keep version 1 (:mod:`tusoi_cli.render.compare_data`).

The periods are a ``periods`` list, oldest first; ``steps[k]`` compares periods k and k+1 with the
two-period totals; every per-period array (``levels[].counts``, ``items[].flagged``, a member's
``records`` and each item's ``path``) has one entry per period, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tusoi_cli.model.compare import MATCH_LABELS, Comparison, Period, Record
from tusoi_cli.model.periods import MARK_LABELS, TREND_LABELS, FollowUp, ItemPath, Step, Track
from tusoi_cli.render.data import head_and_members_json, problem_dict

FORMAT_VERSION = 2


def follow_up_dict(f: FollowUp, *, tool_version: str) -> dict[str, Any]:
    """The whole document as a dict; ``members`` comes last (see :func:`follow_up_json`)."""
    return {**_head(f, tool_version), "members": [track_dict(m) for m in f.members]}


def follow_up_json(f: FollowUp, *, tool_version: str) -> Iterator[str]:
    """The document as JSON text in pieces: the head indented, then one member per line."""
    yield from head_and_members_json(_head(f, tool_version), f.members, track_dict)


def _head(f: FollowUp, tool_version: str) -> dict[str, Any]:
    return {
        "tool": "tusoi", "tool_version": tool_version, "format": "tusoi-compare", "format_version": FORMAT_VERSION,
        "today": f.today.isoformat(),
        "periods": [_period(p, name) for p, name in zip(f.periods, f.names, strict=True)],
        "steps": [_step(f, k, c) for k, c in enumerate(f.steps)],
        "summary": {
            "members": len(f.members),
            "in_every_period": sum(1 for m in f.members if m.present == len(f.periods)),
            "persistent": sum(len(m.persistent) for m in f.members),
            "relapsed": sum(len(m.relapsed) for m in f.members),
            "trends": {trend: sum(1 for m in f.members if m.trend == trend) for trend in TREND_LABELS},
        },
        "levels": [{"id": lv.id, "label": lv.label, "counts": list(lv.counts)} for lv in f.levels],
        "items": [{"id": t.id, "title": t.title, "section": t.section, "flagged": list(t.flagged),
                   "persistent": t.persistent, "relapsed": t.relapsed} for t in f.items],
        "notes": list(f.notes),
    }


def _period(p: Period, name: str) -> dict[str, Any]:
    return {"name": name, "source": p.source, "kind": p.kind, "sheet": p.sheet, "periods": p.periods(),
            "cells": p.cells(), "rubrics": [{"id": r.id, "version": r.version} for r in p.rubrics()],
            "members": len(p.records), "deadlines": p.has_deadlines,
            "errors": [problem_dict(x) for x in p.problems], "failed": p.failed}


def _step(f: FollowUp, k: int, c: Comparison) -> dict[str, Any]:
    """Periods k and k+1 with the counts of the two-period comparison (its ``summary``)."""
    totals = c.totals()
    share = c.fixed_share
    return {
        "from": k, "to": k + 1, "name": f.step_name(k),
        "members": {"matched": len(c.members), "matched_by": c.matched_by(),
                    "unmatched_old": sum(1 for u in c.unmatched if u.side == "old"),
                    "unmatched_new": sum(1 for u in c.unmatched if u.side == "new"),
                    "ambiguous": sum(len(a.old) + len(a.new) for a in c.ambiguous)},
        "shortcomings": {**totals, "fixed_share": round(share, 4) if share is not None else None},
        "majority_items": [s.id for s in c.persistent_items],  # still present in most members (two-period rule)
        "unmatched": [{"side": u.side, **_who(u.record), "reason": u.reason, "reason_label": u.label}
                      for u in c.unmatched],
        "ambiguous": [{"by": a.by, "key": a.key, "reason_label": a.label, "old": [_who(r) for r in a.old],
                       "new": [_who(r) for r in a.new]} for a in c.ambiguous],
        "rubric_changes": [{"old": {"id": r.old_id, "version": r.old_version},
                            "new": {"id": r.new_id, "version": r.new_version},
                            "removed": list(r.removed), "added": list(r.added), "rescaled": list(r.rescaled)}
                           for r in c.rubric_changes],
    }


def track_dict(m: Track) -> dict[str, Any]:
    return {
        "ho_ten": m.ho_ten, "ma_dang_vien": m.ma_dang_vien,
        "matched_by": list(m.matched_by),
        "matched_by_label": [MATCH_LABELS[how] if how else None for how in m.matched_by],
        "records": [_record(r) for r in m.records],
        "level_trend": m.trend, "level_trend_label": TREND_LABELS[m.trend] if m.trend else None,
        "persistent": [i.id for i in m.persistent],
        "relapsed": [i.id for i in m.relapsed],
        "items": [item_path_dict(i) for i in m.items],
    }


def item_path_dict(i: ItemPath) -> dict[str, Any]:
    return {"id": i.id, "title": i.title, "section": i.section, "path_text": i.text(),
            "persistent": i.persistent, "relapses": i.relapses, "path": [_path_step(s) for s in i.steps]}


def _path_step(s: Step) -> dict[str, Any]:
    return {"state": s.state, "value": s.value, "label": s.label if s.value is not None else MARK_LABELS[s.state]}


def _who(r: Record) -> dict[str, Any]:
    return {"ho_ten": r.ho_ten, "ma_dang_vien": r.ma_dang_vien, "source": r.source, "row": r.row}


def _record(r: Record | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"ho_ten": r.ho_ten, "ma_dang_vien": r.ma_dang_vien, "source": r.source, "row": r.row,
            "ky_danh_gia": r.ky_danh_gia, "chi_bo": r.chi_bo, "rubric": r.rubric.id, "rubric_version": r.rubric.version,
            "score": r.score, "level": r.level, "level_label": r.level_label(), "cell_level": r.cell_level,
            "complete": r.complete}
