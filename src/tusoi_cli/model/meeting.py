"""The cell meeting's results: ballots read from a file, the quota check, and the whole of `tusoi bieu-quyet`.

Data and Vietnamese labels only; the engine (engine/vote.py, engine/quota.py) computes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from tusoi_cli.errors import Problem
from tusoi_cli.model import MemberResult, Rubric, Strict, Vote

OUTCOME_LABELS = {"decided": "đã quyết định", "no_majority": "không mức nào đủ phiếu"}
VOTE_KEY = "vote"  # the key of `missing` listing the members with no ballot when a vote was given


@dataclass
class BallotRow:
    """One member's ballots as read: level id -> ballots (one row of the tally form, or the rows of one member
    in a file of one row per ballot)."""

    ho_ten: str
    line: int  # the row (the first one, in a file of one row per ballot)
    counts: dict[str, int]
    ma_dang_vien: str | None = None
    valid: bool = True  # False when a check failed (the problem is reported; no level is decided from it)


@dataclass
class Ballots:
    """The ballots of one meeting, read from the ballot form, a file of one row per ballot, or the cell sheet."""

    source: str
    kind: Literal["tally", "ballot"]  # tally: one row per member, one column per level; ballot: one row per ballot
    present: int | None  # members present and voting (title block, or --co-mat)
    rows: list[BallotRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    exceptional: bool | None = None  # "Đơn vị đặc biệt:" in the title block, when written


class QuotaCandidate(Strict):
    ho_ten: str = Field(description="Họ và tên")
    final_level: str | None = Field(description="Mức cuối cùng (mã)")
    votes: int | None = Field(description="Số phiếu cho mức bị giới hạn (null khi không có biểu quyết)")
    score: float = Field(description="Điểm của tusoi")


class QuotaResult(Strict):
    level: str = Field(description="Mức bị giới hạn (mã)")
    level_label: str = Field(description="Tên mức bị giới hạn")
    share: float = Field(description="Tỷ lệ đã áp dụng (của đơn vị thường hoặc đơn vị đặc biệt)")
    exceptional: bool = Field(description="Đơn vị đặc biệt")
    base_levels: list[str] = Field(description="Các mức làm cơ số; rỗng: mọi đảng viên được xếp loại")
    base: int = Field(description="Cơ số: số đảng viên có mức cuối cùng thuộc các mức làm cơ số (không nêu mức nào:"
                                  " số đảng viên được kiểm điểm)")
    limit: int = Field(description="Số tối đa: phần nguyên của tỷ lệ × cơ số")
    count: int = Field(description="Số đảng viên có mức cuối cùng là mức bị giới hạn")
    exceeded: bool = Field(description="count > limit")
    candidates: list[QuotaCandidate] = Field(
        description="Những đảng viên đang xét cho mức bị giới hạn (mức cuối cùng là mức đó, hoặc có phiếu cho mức"
                    " đó), theo số phiếu rồi theo điểm, cao trước")
    reason: str = Field(default="", description="Căn cứ của định mức")


@dataclass
class MeetingResult:
    """What `tusoi bieu-quyet` produced: every member with the vote applied, the quota, who is missing."""

    source: str
    rubric: Rubric
    results: list[MemberResult]
    rows: list[int]
    ballots_source: str | None = None
    present: int | None = None
    quota: QuotaResult | None = None
    missing: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def vote_support(rubric: Rubric, vote: Vote, level_id: str) -> int:
    """Ballots that count for ``level_id`` by the rubric's rule (``cumulative``: the ballots for better levels too)."""
    if not rubric.vote.cumulative:
        return vote.counts.get(level_id, 0)
    rank = rubric.level_rank(level_id)
    return sum(vote.counts.get(level.id, 0) for level in rubric.levels[: rank + 1])
