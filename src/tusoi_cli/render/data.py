"""JSON and YAML documents of results: the stable, documented format for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..models import MemberResult

if TYPE_CHECKING:
    from ..batch import BatchResult


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


def batch_dict(batch: BatchResult) -> dict[str, Any]:
    """The batch as one JSON document: members with the fields of ``score --format json``, plus errors."""
    members = []
    for row, result in zip(batch.rows, batch.results, strict=True):
        data = result_dict(result)
        data["row"] = row
        members.append(data)
    return {
        "source": batch.source, "sheet": batch.sheet,
        "rubric": {"id": batch.rubric.id, "version": batch.rubric.version},
        "members": members,
        "errors": [problem_dict(p) for p in batch.problems],
        "failed_rows": batch.failed_rows, "blank_rows": batch.blank_rows, "ignored_rows": batch.ignored_rows,
        "notes": batch.notes,
    }
