"""The JSON document of `tusoi bieu-quyet` (stable, for scripts).

``{"source", "ballots", "rubric": {id, version}, "present", "members": [... the fields of
score --format json, with "vote" and the cell slot filled by a decided vote, + "row"], "quota": {level,
level_label, share, exceptional, base_levels, base, limit, count, exceeded, candidates, reason} | null,
"missing": {slot id | "vote": [names]}, "counts": {"members", "decided", "no_majority", "final_levels"},
"errors": [...], "notes": [...]}``
"""

from __future__ import annotations

from typing import Any

from tusoi_cli.model.meeting import MeetingResult
from tusoi_cli.render.data import problem_dict, result_dict, to_json


def meeting_dict(meeting: MeetingResult) -> dict[str, Any]:
    members = []
    for result, row in zip(meeting.results, meeting.rows, strict=True):
        data = result_dict(result)
        data["row"] = row
        members.append(data)
    rubric = meeting.rubric
    final = {level.id: 0 for level in rubric.levels}
    for r in meeting.results:
        if r.status == "reviewed" and r.final_level is not None:
            final[r.final_level] += 1
    votes = [r.vote for r in meeting.results if r.vote is not None]
    return {
        "source": meeting.source, "ballots": meeting.ballots_source,
        "rubric": {"id": rubric.id, "version": rubric.version}, "present": meeting.present, "members": members,
        "quota": meeting.quota.model_dump(mode="json") if meeting.quota is not None else None,
        "missing": meeting.missing,
        "counts": {"members": len(meeting.results), "decided": sum(v.outcome == "decided" for v in votes),
                   "no_majority": sum(v.outcome == "no_majority" for v in votes), "final_levels": final},
        "errors": [problem_dict(p) for p in meeting.problems], "notes": meeting.notes,
    }


def meeting_json(meeting: MeetingResult) -> str:
    from tusoi_cli.render.safe import json_text

    return json_text(to_json(meeting_dict(meeting)))
