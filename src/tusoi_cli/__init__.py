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

__version__ = "0.1.0"

_EXPORTS = {
    "Scored": "api", "score_file": "api",
    "InputError": "errors", "Problem": "errors", "RubricError": "errors", "TusoiError": "errors",
    "UsageError": "errors",
    "read_member": "member_reader",
    "MemberEvaluation": "models", "MemberResult": "models", "Rubric": "models",
    "bundled_ids": "rubric_loader", "load_rubric": "rubric_loader", "load_rubric_file": "rubric_loader",
    "score_member": "scoring",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:
    from .api import Scored, score_file
    from .errors import InputError, Problem, RubricError, TusoiError, UsageError
    from .member_reader import read_member
    from .models import MemberEvaluation, MemberResult, Rubric
    from .rubric_loader import bundled_ids, load_rubric, load_rubric_file
    from .scoring import score_member


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tusoi_cli' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
