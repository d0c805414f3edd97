"""The cell meeting as one pure step: members and ballots in, every member with its vote, the quota and who
is missing out (:class:`MeetingResult`). Ballots are matched to members by name (and member code when both
have one); every mismatch is a located problem, never a silent drop."""

from __future__ import annotations

import unicodedata

from tusoi_cli.engine.quota import check_quota, missing
from tusoi_cli.engine.vote import apply_vote, tally
from tusoi_cli.errors import Problem
from tusoi_cli.model import MemberResult
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.model.meeting import BallotRow, Ballots, MeetingResult


def _key(name: str) -> str:
    """Names match whatever the case and spacing, never across diacritics: Dung and Dũng are two people."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def run_meeting(batch: BatchResult, ballots: Ballots | None, *, present: int | None = None,
                exceptional: bool | None = None) -> MeetingResult:
    rubric = batch.rubric
    results: list[MemberResult] = [batch.result_of(m) for m in batch.members]
    meeting = MeetingResult(batch.source, rubric, results, batch.rows, problems=list(batch.problems),
                            notes=list(batch.notes))
    if ballots is not None and not ballots.rows:
        ballots = None  # a cell sheet without vote columns: no vote was given
    if ballots is not None:
        meeting.ballots_source = ballots.source
        meeting.problems.extend(ballots.problems)
        meeting.present = present if present is not None else ballots.present
        _vote(meeting, ballots)
    meeting.quota = check_quota(rubric, meeting.results, exceptional=bool(exceptional))
    meeting.missing = missing(rubric, meeting.results, voted=ballots is not None)
    return meeting


def _vote(meeting: MeetingResult, ballots: Ballots) -> None:
    rubric, name = meeting.rubric, ballots.source
    present = meeting.present
    if present is None and ballots.rows and rubric.vote.base == "present":
        meeting.problems.append(Problem(
            name, "thiếu số đảng viên có mặt và biểu quyết: không tính được kết quả biểu quyết", None, None,
            "ghi 'Số đảng viên có mặt: N' ở phần đầu phiếu, hoặc dùng --co-mat N"))
        return
    by_name: dict[str, list[int]] = {}
    for index, result in enumerate(meeting.results):
        by_name.setdefault(_key(result.ho_ten), []).append(index)
    taken: dict[int, BallotRow] = {}
    for row in ballots.rows:
        indices = by_name.get(_key(row.ho_ten), [])
        if row.ma_dang_vien and len(indices) > 1:
            indices = [i for i in indices if meeting.results[i].ma_dang_vien == row.ma_dang_vien] or indices
        if not indices:
            meeting.problems.append(Problem(name, f"{row.ho_ten} có phiếu nhưng không có trong danh sách chi bộ"
                                            f" ({meeting.source})", row.line, None,
                                            "sửa họ tên cho đúng như trong bảng của chi bộ"))
            continue
        if len(indices) > 1:
            meeting.problems.append(Problem(name, f"{row.ho_ten}: chi bộ có {len(indices)} người cùng họ tên, không"
                                            " biết phiếu là của ai", row.line, None, "thêm cột 'Mã đảng viên'"))
            continue
        index = indices[0]
        if index in taken:
            meeting.problems.append(Problem(name, f"{row.ho_ten} có hai dòng phiếu (dòng {taken[index].line} và"
                                            f" {row.line})", row.line, None, "gộp hai dòng thành một"))
            continue
        taken[index] = row
        result = meeting.results[index]
        if result.status != "reviewed":
            meeting.notes.append(f"{name}: dòng {row.line}: {result.ho_ten} {result.status_label}, không biểu quyết"
                                 " xếp loại; bỏ qua phiếu")
            continue
        cast = sum(row.counts.values())
        if present is not None and cast > present:
            meeting.problems.append(Problem(
                name, f"{row.ho_ten}: {cast} phiếu, nhiều hơn số đảng viên có mặt ({present})", row.line, None,
                "kiểm phiếu lại: mỗi đảng viên có mặt chỉ có một phiếu cho mỗi đồng chí"))
            continue
        if not row.valid:
            continue  # its problem is already reported; no level is decided from a doubtful count
        meeting.results[index] = apply_vote(rubric, result, tally(rubric, row.counts, present))
    if len(ballots.rows) and not taken:
        meeting.notes.append("không dòng phiếu nào khớp tên với danh sách chi bộ")

