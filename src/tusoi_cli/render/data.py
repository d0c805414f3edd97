"""JSON and YAML documents of results: the stable, documented format for scripts."""

from __future__ import annotations

import json
from typing import Any

from ..errors import Problem
from ..models import MemberResult


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
