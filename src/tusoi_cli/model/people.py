"""The people a member template or a sheet template is made for."""

from __future__ import annotations

from dataclasses import dataclass

from tusoi_cli.model.previous import CarriedItem

NAME_PLACEHOLDER = "(điền họ và tên)"  # what a template's name field says until a name is written


@dataclass(frozen=True)
class Person:
    """A member a sheet template has a row for."""

    ho_ten: str
    ma_dang_vien: str | None = None
    chuc_vu: str | None = None
    # the previous period's open shortcomings (template sheet --ky-truoc); None: not known for this member
    ky_truoc: tuple[CarriedItem, ...] | None = None
