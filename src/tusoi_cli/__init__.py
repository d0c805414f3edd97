"""tusoi: score "tự soi, tự sửa" self-evaluations of party members against YAML rubrics.

The library API used by the ``tusoi`` command::

    import tusoi_cli
    scored = tusoi_cli.score_file("examples/01-nguyen-van-an.yaml")
    print(scored.result.score, scored.result.level)

Names are imported lazily so that ``tusoi --help`` does not pay for pydantic and the models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tusoi_cli.version import __version__

_EXPORTS = {
    "Scored": "api", "score_file": "api",
    "InputError": "errors", "Problem": "errors", "RubricError": "errors", "TusoiError": "errors",
    "UsageError": "errors",
    "read_member": "read.member_reader",
    "MemberEvaluation": "model", "MemberResult": "model", "Rubric": "model",
    "bundled_ids": "read.rubric_loader", "load_rubric": "read.rubric_loader", "load_rubric_file": "read.rubric_loader",
    "score_member": "engine.scoring",
    "final_level": "model.raters", "hold_vote": "api",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:
    from tusoi_cli.api import Scored, hold_vote, score_file
    from tusoi_cli.engine.scoring import score_member
    from tusoi_cli.errors import InputError, Problem, RubricError, TusoiError, UsageError
    from tusoi_cli.model import MemberEvaluation, MemberResult, Rubric
    from tusoi_cli.model.raters import final_level
    from tusoi_cli.read.member_reader import read_member
    from tusoi_cli.read.rubric_loader import bundled_ids, load_rubric, load_rubric_file


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tusoi_cli' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
