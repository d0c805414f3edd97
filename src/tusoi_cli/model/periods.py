"""The data of a follow-up over three or more periods (``tusoi compare 2023/ 2024/ 2025/``): each
member's path item by item across the periods, persistent shortcomings, relapses, the level trend,
and per cell the share fixed period on period. The computing is :mod:`tusoi_cli.engine.periods`;
two periods keep the plain :class:`tusoi_cli.model.compare.Comparison`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from tusoi_cli.errors import Problem
from tusoi_cli.model.compare import Comparison, MatchedBy, Period, Record

Mark = Literal["answered", "unanswered", "na", "invalid", "absent", "not_in_rubric"]


# How a step that is not a value is written in a path ("1 → ? → 0"); the legend says the same.
MARK_TEXT: dict[str, str] = {"unanswered": "?", "na": "KAD", "invalid": "sai", "absent": "vắng",
                             "not_in_rubric": "ngoài bộ"}


MARK_HELP: dict[str, str] = {
    "unanswered": "chưa trả lời",
    "na": "ghi không áp dụng",
    "invalid": "trả lời không hợp lệ",
    "absent": "không có mặt ở kỳ này (chưa có, đã chuyển đi, hoặc không ghép được)",
    "not_in_rubric": "bộ tiêu chí của kỳ này không có mục này",
}


# The same, as a label beside a step without a value (JSON ``label``).
MARK_LABELS: dict[str, str] = {"unanswered": "chưa trả lời", "na": "không áp dụng", "invalid": "không hợp lệ",
                               "absent": "không có mặt ở kỳ này", "not_in_rubric": "không có trong bộ tiêu chí"}


PATH_ARROW = " → "


Trend = Literal["up", "down", "same", "mixed"]


TREND_LABELS: dict[str, str] = {"up": "lên mức", "down": "xuống mức", "same": "giữ mức", "mixed": "lên xuống"}


TREND_HELP = {
    "up": "mức xếp loại không kỳ nào thấp hơn kỳ trước, và có lần lên mức",
    "down": "mức xếp loại không kỳ nào cao hơn kỳ trước, và có lần xuống mức",
    "same": "cùng một mức ở mọi kỳ có xếp loại",
    "mixed": "có kỳ lên, có kỳ xuống",
}


NO_TREND_LABEL = "chưa đủ hai kỳ có xếp loại"


PERSISTENT_LABEL = "kéo dài"
PERSISTENT_HELP = "có biểu hiện (mức > 0) ở mọi kỳ"
RELAPSE_LABEL = "tái phạm"
RELAPSE_HELP = ("đã có biểu hiện, một kỳ sau trả lời là không có (0), rồi kỳ sau nữa lại có; kỳ chưa trả lời, "
                "không áp dụng hoặc vắng không tính là đã khắc phục")


@dataclass(frozen=True, slots=True)
class Step:
    """One item of one member in one period."""

    state: Mark
    value: float | None = None  # the answered value (state 'answered')
    label: str | None = None  # the scale's label of the value

    @property
    def flagged(self) -> bool:
        return self.value is not None and self.value > 0

    @property
    def clear(self) -> bool:
        """Answered 'none' (0): the only step that counts as fixed."""
        return self.value is not None and self.value == 0

    def text(self) -> str:
        """'1', '0', '1,5' for a value; a short mark otherwise (:data:`MARK_TEXT`)."""
        if self.value is None:
            return MARK_TEXT[self.state]
        number = int(self.value) if self.value == int(self.value) else self.value
        return str(number).replace(".", ",")


@dataclass(frozen=True, slots=True)
class ItemPath:
    """One shortcoming item of one member across all the periods (oldest first)."""

    id: str
    title: str
    section: str
    steps: tuple[Step, ...]
    persistent: bool  # flagged in every period
    relapses: int  # times it came back after a period answered 0

    def text(self) -> str:
        return PATH_ARROW.join(step.text() for step in self.steps)


@dataclass(slots=True)
class Track:
    """One member followed across the periods; ``records[k]`` is None where the member is absent."""

    records: tuple[Record | None, ...]
    matched_by: tuple[MatchedBy | None, ...]  # for each step k -> k+1: how the two records were paired
    items: list[ItemPath]
    trend: Trend | None

    @property
    def latest(self) -> Record:
        return next(r for r in reversed(self.records) if r is not None)

    @property
    def ho_ten(self) -> str:
        return self.latest.ho_ten

    @property
    def ma_dang_vien(self) -> str | None:
        return next((r.ma_dang_vien for r in reversed(self.records) if r is not None and r.ma_dang_vien), None)

    @property
    def present(self) -> int:
        return sum(1 for r in self.records if r is not None)

    @property
    def persistent(self) -> list[ItemPath]:
        return [i for i in self.items if i.persistent]

    @property
    def relapsed(self) -> list[ItemPath]:
        return [i for i in self.items if i.relapses]


@dataclass(slots=True)
class ItemTrend:
    """One item across the cell: members flagged in each period, persistent in how many, relapsed in how many."""

    id: str
    title: str
    section: str
    flagged: list[int]
    persistent: int = 0
    relapsed: int = 0


@dataclass(frozen=True, slots=True)
class LevelRow:
    """Members at one level in each period (every member read, followed or not)."""

    id: str
    label: str
    color: str
    counts: tuple[int, ...]


@dataclass
class FollowUp:
    """Everything ``tusoi compare`` found over three or more periods."""

    periods: list[Period]
    names: list[str]  # a short name for each period ('2024', or the file name)
    today: date
    steps: list[Comparison]  # periods k and k+1 compared as two periods are
    members: list[Track]  # latest period's members first, in its order; then those who left earlier
    items: list[ItemTrend]  # items flagged in some period, in rubric order
    levels: list[LevelRow]
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [x for p in self.periods for x in p.problems]

    @property
    def failed(self) -> bool:
        return any(p.failed for p in self.periods)

    def step_name(self, k: int) -> str:
        """'2024 → 2025' for step k (periods k and k+1)."""
        return f"{self.names[k]}{PATH_ARROW}{self.names[k + 1]}"


def period_names(periods: list[Period]) -> list[str]:
    """A short name per period: the evaluation periods its members wrote ('2025'), else the file or folder
    name; made unique with the position ('2025 (kỳ 3)') when two periods would read the same."""
    names = []
    for period in periods:
        written = period.periods()
        names.append(", ".join(written[:2]) + ("…" if len(written) > 2 else "") if written
                     else Path(period.source).name or period.source)
    return [f"{name} (kỳ {n})" if names.count(name) > 1 else name for n, name in enumerate(names, start=1)]
