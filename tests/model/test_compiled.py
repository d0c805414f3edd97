"""A scored result read back into the compact Core gives exactly the numbers the engine computed.

BatchMember.from_result (folder input, tests, compare) no longer re-scores: it reads the Core from the
result (model.compiled.core_from_result). Checked against the engine on every shipped member file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tusoi_cli import load_rubric_file, score_file
from tusoi_cli.engine.scoring import compile_rubric, form_index, score_values
from tusoi_cli.model import MemberResult, Rubric
from tusoi_cli.model.batch import BatchMember, BatchResult
from tusoi_cli.model.compiled import Core, core_from_result, item_ids
from tusoi_cli.resources import bundled_dir

from ..conftest import EXAMPLES

EXAMPLE_RUBRICS = bundled_dir() / "examples"
MEMBERS = [*sorted(EXAMPLES.glob("*.yaml")), *sorted((EXAMPLE_RUBRICS / "members").glob("*.yaml"))]


def _rubric_of(path: Path) -> Rubric | None:
    """The example rubric a member of rubrics/examples/members/ is for (its name before '--')."""
    if path.parent.name != "members":
        return None
    return load_rubric_file(EXAMPLE_RUBRICS / f"{path.name.split('--')[0]}.yaml")


def _engine_core(rubric: Rubric, result: MemberResult) -> Core:
    """The Core as the engine computes it from the result's answers."""
    compiled = compile_rubric(rubric)
    by_id = {item.id: item for item in result.items}
    values = [by_id[i].value if by_id[i].state == "answered" else None for i in compiled.ids]
    na = [n for n, i in enumerate(compiled.ids) if by_id[i].state == "na"]
    return score_values(compiled, values, result.ky_luat, na, form_index(result.ky_luat_form))


@pytest.mark.parametrize("path", MEMBERS, ids=lambda p: p.name)
def test_core_read_from_a_result_equals_the_engines(path: Path) -> None:
    scored = score_file(path, rubric=_rubric_of(path))
    assert core_from_result(scored.rubric, scored.result) == _engine_core(scored.rubric, scored.result)


def test_members_with_caps_and_discipline_are_covered() -> None:
    results = [score_file(p, rubric=_rubric_of(p)).result for p in MEMBERS]
    assert len(MEMBERS) >= 12
    assert any(r.caps for r in results) and any(r.ky_luat for r in results)
    assert len({r.level for r in results}) >= 3


def test_a_batch_built_from_results_gives_them_back_without_a_scorer() -> None:
    scored = [score_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    rubric = scored[0].rubric
    batch = BatchResult.from_results("thu-muc", None, rubric, [s.result for s in scored], [1, 2, 3, 4])
    assert batch.scorer is None
    assert list(batch.results) == [s.result for s in scored]
    member = BatchMember.from_result(rubric, scored[1].result, 2)
    assert [item_ids(rubric)[i] for i, v in enumerate(member.values) if v] == scored[1].result.flagged


def test_an_unscored_member_asks_for_the_engine() -> None:
    scored = score_file(sorted(EXAMPLES.glob("*.yaml"))[0])
    batch = BatchResult("thu-muc", None, scored.rubric)
    batch.members.append(BatchMember.from_result(scored.rubric, scored.result, 1))
    batch.members[0].result = None
    with pytest.raises(RuntimeError, match="not scored"):
        batch.result_of(batch.members[0])
