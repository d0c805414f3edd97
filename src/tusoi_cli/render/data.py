"""JSON and YAML documents of results: the stable, documented format for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tusoi_cli.errors import Problem
from tusoi_cli.model import MemberResult

if TYPE_CHECKING:
    from tusoi_cli.model.batch import BatchResult, BatchSummary


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "column": problem.column,
            "message": problem.message, "hint": problem.hint}


def result_dict(result: MemberResult, problems: list[Problem] | None = None) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    data["problems"] = [problem_dict(p) for p in problems or []]
    return data


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def to_yaml(payload: Any) -> str:
    import yaml

    return yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=100)


def batch_json(batch: BatchResult, summary: BatchSummary) -> Iterator[bytes]:
    """The batch as one JSON document, streamed member by member (a province's batch is large).

    ``{"source", "sheet", "rubric": {id, version}, "members": [... fields of score --format json + "row"],
    "counts": {"members", "reviewed", "exempt", "not_reviewed", "provisional", "with_unanswered", "with_invalid",
    "levels"}, "errors": [...],
    "failed_rows", "blank_rows", "ignored_rows", "notes"}``

    ``failed_rows`` are the rows that could not be tied to a person (no name); a member row with problems
    (a bad cell) is a member, scored provisionally, and its problems are under ``errors`` with its row.
    """
    head = {"source": batch.source, "sheet": batch.sheet,
            "rubric": {"id": batch.rubric.id, "version": batch.rubric.version}}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "members": [\n').encode("utf-8")
    for index, (member, result) in enumerate(zip(batch.members, batch.results, strict=True)):
        data = result_dict(result)
        data["row"] = member.line
        yield ((",\n" if index else "") + json.dumps(data, ensure_ascii=False)).encode("utf-8")
    counts: dict[str, Any] = {"members": len(batch.members), **summary.statuses,
                              "provisional": summary.provisional, "with_unanswered": summary.with_unanswered,
                              "with_invalid": summary.with_invalid, "levels": summary.levels}
    tail = {"counts": counts, "errors": [problem_dict(p) for p in batch.problems], "failed_rows": batch.failed_rows,
            "blank_rows": batch.blank_rows, "ignored_rows": batch.ignored_rows, "notes": batch.notes}
    yield ("\n], " + json.dumps(tail, ensure_ascii=False, indent=1)[1:] + "\n").encode("utf-8")
