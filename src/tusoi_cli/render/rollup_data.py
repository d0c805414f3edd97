"""The roll-up as JSON (the documented format, docs/tong-hop.md, and an input of ``tong-hop`` itself) and CSV.

Codes are English (``kind``, reason categories), with a Vietnamese ``*_label`` beside where people read them;
level and item ids stay as the rubric writes them. No member name is in either.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from tusoi_cli.model import REASON_LABELS, STATUS_LABELS
from tusoi_cli.model.rollup import FORMAT, FORMAT_VERSION, KIND_LABELS, MemberRow, Rollup, Tally, Unit, change
from tusoi_cli.render.data import problem_dict
from tusoi_cli.render.safe import json_text


def _tally_dict(tally: Tally) -> dict[str, Any]:
    return {
        "rubric_levels": [{"id": level_id, "label": label} for level_id, label in tally.scheme],
        "rubrics": list(tally.rubrics),
        "reviewed": tally.reviewed,
        "levels": dict(tally.levels),
        "final_levels": dict(tally.final_levels),
        "final_recorded": tally.final_recorded,
        "differ": tally.differ,
        "lowest_level": tally.lowest_level,
        "lowest": tally.lowest,
        "reasons": {code: tally.reasons.get(code, 0) for code in REASON_LABELS},
        "items": dict(sorted(tally.items.items(), key=lambda pair: (-pair[1], pair[0]))),
    }


def _figures(unit: Unit) -> dict[str, Any]:
    """The numbers of a unit (its own, or last period's under ``previous``)."""
    one = unit.tally
    data: dict[str, Any] = {"present": unit.present, "exempt": unit.exempt, "not_reviewed": unit.not_reviewed,
                            "reviewed": unit.reviewed, "exempt_reasons": dict(unit.exempt_reasons)}
    shown = _tally_dict(one) if one is not None else None
    for key in ("levels", "final_levels", "final_recorded", "differ", "lowest_level", "lowest", "reasons", "items"):
        data[key] = shown[key] if shown is not None else None
    return data


def _change(unit: Unit, last: Unit) -> dict[str, Any]:
    def pct(this: float, then: float | None) -> float | None:
        value = change(this, then)
        return round(value, 1) if value is not None else None

    data: dict[str, Any] = {key: pct(getattr(unit, key), getattr(last, key))
                            for key in ("present", "exempt", "not_reviewed", "reviewed")}
    now, then = unit.tally, last.tally
    if now is not None and then is not None and now.scheme == then.scheme:
        data["levels"] = {k: pct(v, then.levels.get(k)) for k, v in now.levels.items()}
        data["final_levels"] = {k: pct(v, then.final_levels.get(k)) for k, v in now.final_levels.items()}
        data["lowest"] = pct(now.lowest, then.lowest)
        data["reasons"] = {k: pct(now.reasons.get(k, 0), then.reasons.get(k, 0)) for k in REASON_LABELS}
    else:
        data["levels"] = data["final_levels"] = data["lowest"] = data["reasons"] = None
    return data


def unit_dict(unit: Unit, *, with_previous: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"name": unit.name, "kind": unit.kind, "kind_label": KIND_LABELS[unit.kind],
                            "source": unit.source, **_figures(unit),
                            "schemes": [_tally_dict(t) for t in unit.tallies]}
    if with_previous:
        last = unit.previous
        data["previous"] = _figures(last) if last is not None else None
        data["change"] = _change(unit, last) if last is not None else None
    data["children"] = [unit_dict(child, with_previous=with_previous) for child in unit.children]
    return data


def rollup_dict(rollup: Rollup, *, tool_version: str) -> dict[str, Any]:
    """The whole document (docs/tong-hop.md)."""
    return {
        "tool": "tusoi", "tool_version": tool_version, "format": FORMAT, "format_version": FORMAT_VERSION,
        "inputs": list(rollup.inputs),
        "previous_inputs": list(rollup.previous_inputs),
        "rubric": rollup.rubric,
        "reason_labels": dict(REASON_LABELS),
        "level_labels": dict(rollup.level_labels),
        "item_titles": dict(rollup.item_titles),
        "root": unit_dict(rollup.root, with_previous=rollup.with_previous),
        "unmatched": {"current": list(rollup.unmatched_current), "previous": list(rollup.unmatched_previous)},
        "errors": [problem_dict(p) for p in rollup.problems],
        "skipped": [{"path": s.path, "reason": s.reason} for s in rollup.skipped],
        "notes": list(rollup.notes),
        "warnings": [w.model_dump(mode="json") for w in rollup.warnings],
        **({"members": [member_dict(m) for m in rollup.members]} if rollup.members is not None else {}),
    }


def member_dict(member: MemberRow) -> dict[str, Any]:
    """One member of the internal list (``--ten``): member-file names for its fields, codes for the computed ones."""
    return {"unit": member.unit, "source": member.source, "row": member.line, "ho_ten": member.ho_ten,
            "ma_dang_vien": member.ma_dang_vien, "status": member.status, "status_label": STATUS_LABELS[member.status],
            "status_reason": member.status_reason, "level": member.level, "final_level": member.final_level}


def rollup_json(rollup: Rollup, *, tool_version: str) -> Iterator[bytes]:
    yield json_text(json.dumps(rollup_dict(rollup, tool_version=tool_version), ensure_ascii=False,
                               indent=2) + "\n").encode("utf-8")


def rollup_csv(rollup: Rollup) -> Iterator[bytes]:
    """One row per unit, parents first (``cap`` is the depth, 0 the top), UTF-8 with BOM for Excel."""
    from tusoi_cli.render.csvfile import safe_text

    root = rollup.root
    level_ids = list(rollup.level_labels)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    previous = rollup.with_previous
    head = ["cap", "don_vi", "kind", "present", "exempt", "not_reviewed", "reviewed",
            *(f"level_{k}" for k in level_ids), *(f"final_{k}" for k in level_ids), "differ", "lowest",
            *(f"reason_{k}" for k in REASON_LABELS)]
    if previous:
        head += ["previous_present", "previous_exempt", "previous_not_reviewed", "previous_reviewed",
                 *(f"previous_level_{k}" for k in level_ids), "change_present", "change_reviewed"]
    writer.writerow(head)
    for depth, unit in root.walk():
        tally = unit.tally
        row: list[Any] = [depth, safe_text(unit.name), unit.kind, unit.present, unit.exempt, unit.not_reviewed,
                          unit.reviewed]
        if tally is not None:
            row += [tally.levels.get(k, "") for k in level_ids] + [tally.final_levels.get(k, "") for k in level_ids]
            row += [tally.differ, tally.lowest, *(tally.reasons.get(k, 0) for k in REASON_LABELS)]
        else:  # several schemes of levels: see the JSON
            row += [""] * (2 * len(level_ids) + 2 + len(REASON_LABELS))
        if previous:
            last = unit.previous
            if last is None:
                row += [""] * (4 + len(level_ids) + 2)
            else:
                then = last.tally
                row += [last.present, last.exempt, last.not_reviewed, last.reviewed]
                row += [then.levels.get(k, "") if then is not None else "" for k in level_ids]
                row += [_pct(change(unit.present, last.present)), _pct(change(unit.reviewed, last.reviewed))]
        writer.writerow(row)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
