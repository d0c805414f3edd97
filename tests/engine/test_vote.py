"""The vote's rule is the rubric's: tally() with hand-computed ballots, every setting of `vote` changed."""

from __future__ import annotations

import pytest

from tusoi_cli import load_rubric
from tusoi_cli.engine.vote import apply_vote, tally
from tusoi_cli.model import Rubric, VoteRule
from tusoi_cli.model.meeting import vote_support


def _with(**rule: object) -> Rubric:
    rubric = load_rubric()
    return rubric.model_copy(update={"vote": VoteRule.model_validate(rule)})


@pytest.mark.parametrize(("rule", "counts", "present", "level"), [
    # default: more than half of those present, a ballot counting for its level and every level below
    ({}, {"tot": 5}, 9, "tot"),
    ({}, {"tot": 4, "kha": 1}, 9, "kha"),  # Tốt 4 is not > 4.5; Khá 4 + 1 = 5 is
    ({}, {"tot": 4}, 8, None),  # exactly half is not more than half, at any level
    ({"strict": False}, {"tot": 4}, 8, "tot"),  # ... but reaches "at least half"
    ({"cumulative": False}, {"tot": 4, "kha": 1}, 9, None),  # no level has 5 ballots of its own
    ({"cumulative": False}, {"kha": 5, "tot": 4}, 9, "kha"),
    ({"base": "ballots"}, {"tot": 2, "kha": 1}, 9, "tot"),  # 2 of 3 ballots cast, whatever the present
    ({"share": 0.75}, {"tot": 6, "kha": 2, "trung_binh": 1}, 9, "kha"),  # 6 < 6.75, 8 > 6.75
    ({}, {}, 9, None),  # no ballot at all
    ({}, {"tot": 1}, 0, None),  # nobody present: nothing to decide, never a division by zero
])
def test_tally_follows_the_rubric(rule: dict[str, object], counts: dict[str, int], present: int,
                                  level: str | None) -> None:
    vote = tally(_with(**rule), counts, present)
    assert (vote.level, vote.outcome) == (level, "decided" if level else "no_majority")
    assert vote.counts == {"tot": 0, "kha": 0, "trung_binh": 0, "yeu_kem": 0, **counts}
    assert vote.present == present


def test_support_and_applying_a_vote_to_a_result() -> None:
    from tusoi_cli.api import score_file

    rubric = load_rubric()
    vote = tally(rubric, {"tot": 2, "kha": 3, "trung_binh": 1}, 7)
    assert [vote_support(rubric, vote, lv) for lv in ("tot", "kha", "trung_binh", "yeu_kem")] == [2, 5, 6, 6]
    scored = score_file("examples/03-le-quoc-cuong.yaml").result
    applied = apply_vote(rubric, scored, vote)
    assert (applied.cell_level, applied.final_level, applied.raters["cell"].reason) == ("kha", "kha",
                                                                                      "biểu quyết: 5/7 phiếu")
    # the original result is untouched (Cường's file says the cell rated him Trung bình)
    assert (scored.cell_level, scored.vote, scored.raters["cell"].level) == ("trung_binh", None, "trung_binh")
    assert applied.vote == vote
    undecided = apply_vote(rubric, scored, tally(rubric, {"tot": 1}, 7))
    assert undecided.raters == scored.raters and undecided.vote is not None and undecided.vote.level is None
