"""The terminal view of `tusoi bieu-quyet`: one line per member (slots, vote, final level), then the quota,
the flags the meeting must answer on record, and who is still missing a level or a ballot."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tusoi_cli.model import CELL_SLOT, Rubric
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.model.meeting import VOTE_KEY, MeetingResult, QuotaResult, vote_support
from tusoi_cli.render.labels import vn_score
from tusoi_cli.render.meeting import percent


def _level(rubric: Rubric, level_id: str | None, bold: bool = False) -> Text:
    if level_id is None:
        return Text("")
    level = rubric.level(level_id)
    return Text(level.label, style=f"{'bold ' if bold else ''}{level.color}")


def meeting_view(meeting: MeetingResult) -> Group:
    rubric = meeting.rubric
    voted = any(r.vote is not None for r in meeting.results)
    # the cell's column shows the vote where there is one (a decided vote is the cell's level)
    slots = [slot for slot in rubric.raters
             if any(slot.id in r.raters for r in meeting.results) or (voted and slot.id == CELL_SLOT)]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                  title=f"Kết quả họp chi bộ — {meeting.source}", title_style="bold")
    table.add_column("Họ và tên", min_width=14, max_width=20)
    table.add_column("tusoi", width=11)
    for slot in slots:
        table.add_column(f"{slot.label} (biểu quyết)" if voted and slot.id == CELL_SLOT else slot.label, width=12)
    table.add_column("Cuối cùng", width=12)
    for r in meeting.results:
        cells: list[RenderableType] = [r.ho_ten]
        cells.append(_level(rubric, r.level) if r.level else Text(r.status_label, style="yellow"))
        for slot in slots:
            if slot.id == CELL_SLOT and r.vote is not None:
                vote = r.vote
                if vote.level is not None:
                    cells.append(Text.assemble(_level(rubric, vote.level),
                                               f" {vote_support(rubric, vote, vote.level)}/{vote.present}"))
                else:
                    cells.append(Text(f"không đủ {sum(vote.counts.values())}/{vote.present}", style="yellow"))
            else:
                cells.append(_level(rubric, r.raters[slot.id].level) if slot.id in r.raters else Text(""))
        final = _level(rubric, r.final_level, bold=True)
        if r.rating_flags:
            final.append(" ⚑", style="yellow")  # the flags are listed under the table
        cells.append(final)
        table.add_row(*cells)
    parts: list[RenderableType] = [table]
    flagged = [r for r in meeting.results if r.rating_flags]
    if flagged:
        parts.append(Text("Cần trả lời trong biên bản họp (⚑)", style="bold"))
        for r in flagged:
            for flag in r.rating_flags:
                parts.append(Text.assemble("• ", (r.ho_ten, "bold"), f" — {flag.slot_label}: {flag.level_label}: ",
                                           flag.reason))
    if meeting.quota is not None:
        parts += [Text(""), quota_text(meeting.quota)]
    missing = {key: names for key, names in meeting.missing.items() if names}
    if missing:
        labels = {slot.id: slot.label for slot in rubric.raters} | {VOTE_KEY: "Biểu quyết"}
        parts.append(Text(""))
        parts.append(Text("Còn thiếu", style="bold"))
        for key, names in missing.items():
            parts.append(Text.assemble("• ", (f"{labels.get(key, key)} ({len(names)}): ", "bold yellow"),
                                       ", ".join(names)))
    return Group(*parts)


def quota_text(quota: QuotaResult) -> Text:
    base = ", ".join(quota.base_levels) if quota.base_levels else "mọi đảng viên được xếp loại"
    text = Text.assemble(("Định mức ", "bold"), (quota.level_label, "bold"),
                         f": tối đa {percent(quota.share)} của {quota.base} ({base})"
                         f"{' — đơn vị đặc biệt' if quota.exceptional else ''} = {quota.limit}; hiện có {quota.count}")
    if quota.exceeded:
        text.append(f" — VƯỢT {quota.count - quota.limit}", style="bold red")
    else:
        text.append(" — trong định mức", style="green")
    if quota.candidates:
        text.append("\nĐang xét (theo số phiếu, rồi điểm): ", style="dim")
        text.append("; ".join(f"{c.ho_ten} ({c.votes if c.votes is not None else '–'} phiếu, {vn_score(c.score)}"
                              " điểm)" for c in quota.candidates))
    return text


def batch_meeting_view(batch: BatchResult, quota: QuotaResult | None,
                       missing: dict[str, list[str]]) -> Group | None:
    """After `tusoi batch`'s summary: the quota on final levels, and per rater slot some members filled, who is
    still missing a level in it (names shown up to ten). None when there is nothing to say."""
    rubric = batch.rubric
    filled = {slot for m in batch.members if m.raters for slot in m.raters}
    parts: list[RenderableType] = []
    if quota is not None:
        parts.append(quota_text(quota))
    labels = {slot.id: slot.label for slot in rubric.raters}
    for key, names in missing.items():
        if key in filled and names:
            shown = ", ".join(names[:10]) + (f" và {len(names) - 10} người khác" if len(names) > 10 else "")
            parts.append(Text.assemble("Còn thiếu ", (f"{labels.get(key, key)} ({len(names)})", "bold yellow"),
                                       f": {shown}"))
    return Group(Text(""), *parts) if parts else None
